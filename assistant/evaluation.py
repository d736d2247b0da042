"""Offline evaluation of answers: retrieval hit@k, MRR, nDCG, citation validity, must_include, not-covered."""

from __future__ import annotations

import json
import math
import re
import statistics
import time
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.answer import answer_question
from assistant.errors import BadInput
from assistant.retrieval.ingest import ensure_index
from assistant.retrieval.store import Index
from assistant.settings import REPO_ROOT, Settings, get_settings

EVALS_DIR = REPO_ROOT / "evals"
DEFAULT_DATASETS = ("retrieval_qa.jsonl",)
_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Whitespace and punctuation removed, lower-cased: how the contract compares evidence."""
    return _STRIP.sub("", text).lower()


class QAItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    question: str = Field(min_length=1)
    expected_evidence: str | list[str] | None = None
    must_include: list[str] = []
    not_covered: bool = False

    @property
    def evidence(self) -> list[str]:
        if self.expected_evidence is None:
            return []
        return [self.expected_evidence] if isinstance(self.expected_evidence, str) else list(self.expected_evidence)


def load_dataset(path: Path) -> list[QAItem]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read the dataset ({exc.__class__.__name__})", where=str(path)) from None
    items = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = QAItem.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise BadInput(f"not valid JSON ({exc.msg})", where=f"{path}:{lineno}") from None
        except ValidationError as exc:
            err = exc.errors()[0]
            raise BadInput(f"{'.'.join(map(str, err['loc']))}: {err['msg']}", where=f"{path}:{lineno}") from None
        if not item.not_covered and not item.evidence:
            raise BadInput("expected_evidence is required unless not_covered is true", where=f"{path}:{lineno}")
        items.append(item)
    if not items:
        raise BadInput("the dataset has no items", where=str(path))
    return items


def first_hit_rank(citations: list[dict], evidence: list[str]) -> int | None:
    """1-based rank of the first citation containing any expected evidence (all pieces, for a list)."""
    wanted = [normalise(e) for e in evidence]
    for rank, c in enumerate(citations, 1):
        text = normalise(c["text"])
        if any(w and w in text for w in wanted):
            return rank
    return None


def evaluate(items: list[QAItem], settings: Settings | None = None) -> dict:
    settings = settings or get_settings()
    ensure_index(settings)
    index = Index.open(settings)
    rows, latencies = [], []
    for item in items:
        t = time.perf_counter()
        ans = answer_question(item.question, settings=settings, qid=item.id)
        latencies.append((time.perf_counter() - t) * 1000)
        rank = first_hit_rank(ans.citations, item.evidence) if item.evidence else None
        row = {
            "id": item.id,
            "question": item.question,
            "answer": ans.answer,
            "covered": ans.covered,
            "expected_not_covered": item.not_covered,
            "rank": rank,
            "must_include": all(normalise(m) in normalise(ans.answer) for m in item.must_include) if item.must_include else None,
            "citations": ans.citations,
            "latency_ms": round(latencies[-1], 1),
        }
        rows.append(row)
    return {"items": rows, "metrics": metrics(rows, index)}


def metrics(rows: list[dict], index: Index | None = None) -> dict:
    answerable = [r for r in rows if not r["expected_not_covered"]]
    n = len(answerable) or 1
    out: dict[str, float | int | None] = {}
    for k in (1, 3, 5):
        out[f"hit@{k}"] = round(sum(1 for r in answerable if r["rank"] and r["rank"] <= k) / n, 4)
    out["mrr"] = round(sum(1 / r["rank"] for r in answerable if r["rank"]) / n, 4)
    out["ndcg@5"] = round(sum(1 / math.log2(r["rank"] + 1) for r in answerable if r["rank"] and r["rank"] <= 5) / n, 4)
    mi = [r["must_include"] for r in rows if r["must_include"] is not None]
    out["must_include"] = round(sum(mi) / len(mi), 4) if mi else None
    said_nc = [r for r in rows if not r["covered"]]
    truly_nc = [r for r in rows if r["expected_not_covered"]]
    both = [r for r in said_nc if r["expected_not_covered"]]
    out["not_covered_precision"] = round(len(both) / len(said_nc), 4) if said_nc else None
    out["not_covered_recall"] = round(len(both) / len(truly_nc), 4) if truly_nc else None
    if index is not None:
        out["citation_validity"] = citation_validity(rows, index)
    lat = sorted(r["latency_ms"] for r in rows)
    out["latency_p50_ms"] = round(statistics.median(lat), 1) if lat else None
    out["latency_p95_ms"] = round(lat[int(0.95 * (len(lat) - 1))], 1) if lat else None
    out["items"] = len(rows)
    return out


def citation_validity(rows: list[dict], index: Index) -> float | None:
    """Share of citations whose text is a passage stored in the index, verbatim, under its locator."""
    cited = [c for r in rows for c in r["citations"]]
    if not cited:
        return None
    stored = index.collection.get(where={"kind": "chunk"}, include=["documents", "metadatas"])
    passages = {(m["locator"], d) for d, m in zip(stored["documents"], stored["metadatas"])}
    return round(sum(1 for c in cited if (c["locator"], c["text"]) in passages) / len(cited), 4)


def run_cli(args) -> int:
    paths = [Path(args.dataset)] if args.dataset else [EVALS_DIR / name for name in DEFAULT_DATASETS]
    items = [item for p in paths for item in load_dataset(p)]
    result = evaluate(items)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"评测 eval: {', '.join(p.name for p in paths)}")
        table.add_column("metric")
        table.add_column("value", justify="right")
        for key, value in result["metrics"].items():
            table.add_row(key, "—" if value is None else str(value))
        Console().print(table)
    return 0
