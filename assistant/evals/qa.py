"""The QA suite: questions answered through `ask`'s path, scored against expected evidence (CONTRACTS.md `eval`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.answer import Answer, answer_question
from assistant.errors import BadInput
from assistant.evals.data import load_jsonl
from assistant.evals.metrics import (
    cited_numbers,
    contains,
    first_hit_rank,
    hit_at_k,
    mrr,
    ndcg_at_k,
    percentile,
    precision_recall,
    quote_problems,
    rounded,
    share,
    spans_found,
)
from assistant.settings import Settings

# question, item id -> the answer; ours is answer_question, the baseline's is BaselineRAG.answer.
Answerer = Callable[[str, str | None], Answer]


class QAItem(BaseModel):
    """One QA item of CONTRACTS.md; `subset`, `source`, `criterion` are optional extras used when present."""

    model_config = ConfigDict(extra="allow")

    id: str
    question: str = Field(min_length=1)
    expected_evidence: str | list[str] | None = None
    must_include: list[str] = []
    not_covered: bool = False
    subset: str | None = None
    source: str | None = None
    criterion: str | None = None

    @property
    def evidence(self) -> list[str]:
        if self.expected_evidence is None:
            return []
        return [self.expected_evidence] if isinstance(self.expected_evidence, str) else list(self.expected_evidence)


def load_dataset(path: Path) -> list[QAItem]:
    """JSON-lines QA items; any problem is BadInput naming the file and line."""
    items: list[QAItem] = []
    for obj in load_jsonl(path, required=()):
        where = obj.pop("_where")
        try:
            item = QAItem.model_validate(obj)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(map(str, err["loc"])) or "item"
            raise BadInput(f"{field}: {err['msg']}", where=where) from None
        if not item.not_covered and not item.evidence:
            raise BadInput("expected_evidence is required unless not_covered is true", where=where)
        items.append(item)
    return items


def our_answerer(settings: Settings) -> Answerer:
    def answer(question: str, qid: str | None) -> Answer:
        return answer_question(question, settings=settings, qid=qid)

    return answer


def supporting_texts(answer: str, citations: list[dict]) -> list[str]:
    """The passages the answer text rests on: those its [n] markers name, or all citations when it has none."""
    marked = [citations[n - 1]["text"] for n in cited_numbers(answer) if 1 <= n <= len(citations)]
    return marked or [c["text"] for c in citations]


def score_item(item: QAItem, ans: Answer, latency_ms: float) -> dict:
    """One per-item row: the contract's fields first, then what the metrics need."""
    texts = [c["text"] for c in ans.citations]
    rank = first_hit_rank(texts, item.evidence) if item.evidence else None
    quoted, mismatched, unrelated = quote_problems(ans.answer, ans.citations, item.evidence) if ans.covered else (0, 0, 0)
    row = {
        "id": item.id,
        "question": item.question,
        "answer": ans.answer,
        "covered": ans.covered,
        "expected_not_covered": item.not_covered,
        "rank": rank,
        "must_include": all(contains(ans.answer, m) for m in item.must_include) if item.must_include else None,
        "citation_support": (
            first_hit_rank(supporting_texts(ans.answer, ans.citations), item.evidence) is not None
            if item.evidence else None
        ),
        "evidence_found": spans_found(texts, item.evidence) if item.evidence else None,
        "evidence_spans": len(item.evidence),
        "source_at_1": (ans.citations[0]["source"] == item.source if ans.citations else False) if item.source else None,
        "citations": ans.citations,
        "latency_ms": round(latency_ms, 1),
        # What the answer text is made of: sentences quoted, quoted sentences not verbatim in the passage their
        # [n] names, and (answerable items) sentences quoted from a passage that holds none of the evidence.
        "quoted_sentences": quoted,
        "quote_mismatches": mismatched,
        "unrelated_sentences": unrelated if item.evidence else None,
        "answer_chars": len(ans.answer) if ans.covered else None,
    }
    if item.subset is not None:
        row["subset"] = item.subset
    return row


def run_items(items: Sequence[QAItem], answerer: Answerer) -> list[dict]:
    """Answer every item, timed; one untimed question first loads the models, so latency is per question."""
    if items:
        answerer(items[0].question, None)
    rows = []
    for item in items:
        started = time.perf_counter()
        ans = answerer(item.question, item.id)
        rows.append(score_item(item, ans, (time.perf_counter() - started) * 1000))
    return rows


def qa_metrics(rows: list[dict], passages: set[tuple[str, str]] | None = None) -> dict:
    """The flat metrics of CONTRACTS.md `eval` (hit@1/3/5, mrr first), then the project's own."""
    answerable = [r for r in rows if not r["expected_not_covered"]]
    ranks = [r["rank"] for r in answerable]
    out: dict[str, float | int | None] = {f"hit@{k}": round(hit_at_k(ranks, k), 4) for k in (1, 3, 5)}
    out["mrr"] = round(mrr(ranks), 4)
    out["ndcg@5"] = round(ndcg_at_k(ranks, 5), 4)
    out["must_include"] = rounded(share(r["must_include"] for r in rows))
    out["citation_support"] = rounded(share(r["citation_support"] for r in answerable)) if answerable else None
    multi = [r for r in answerable if r["evidence_spans"] > 1 and r.get("subset") == "two_passage"]
    out["two_passage_complete@5"] = (
        round(sum(1 for r in multi if r["evidence_found"] == r["evidence_spans"]) / len(multi), 4) if multi else None
    )
    out["source@1"] = rounded(share(r["source_at_1"] for r in answerable))
    precision, recall = precision_recall([not r["covered"] for r in rows], [r["expected_not_covered"] for r in rows])
    out["not_covered_precision"] = rounded(precision)
    out["not_covered_recall"] = rounded(recall)
    out["false_decline_rate"] = rounded(share(not r["covered"] for r in answerable)) if answerable else None
    if passages is not None:
        out["citation_validity"] = citation_validity(rows, passages)
    out.update(answer_metrics(rows))
    lat = [r["latency_ms"] for r in rows]
    out["latency_p50_ms"] = rounded(percentile(lat, 50), 1)
    out["latency_p95_ms"] = rounded(percentile(lat, 95), 1)
    out["items"] = len(rows)
    return out


def answer_metrics(rows: list[dict]) -> dict[str, float | int | None]:
    """How the answers read: the share of quoted sentences that come from a passage without the item's evidence
    (answerable items), quoted sentences not verbatim in their cited passage (count; must be 0), answer length."""
    answered = [r for r in rows if r.get("answer_chars") is not None]
    judged = [r for r in answered if r.get("unrelated_sentences") is not None]
    quoted = sum(r["quoted_sentences"] for r in judged)
    lengths = [r["answer_chars"] for r in answered]
    return {
        "unrelated_sentence_rate": round(sum(r["unrelated_sentences"] for r in judged) / quoted, 4) if quoted else None,
        "quote_mismatches": sum(r.get("quote_mismatches", 0) for r in answered),
        "answer_chars_p50": rounded(percentile(lengths, 50), 1),
        "answer_chars_p95": rounded(percentile(lengths, 95), 1),
    }


def by_subset(rows: list[dict]) -> dict[str, dict]:
    """Per-subset metrics (rows without a subset are left out); the not-covered subset reports its decline rate."""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        if r.get("subset"):
            groups.setdefault(r["subset"], []).append(r)
    out = {}
    for name, group in groups.items():
        answerable = [r for r in group if not r["expected_not_covered"]]
        ranks = [r["rank"] for r in answerable]
        m: dict[str, float | int | None] = {"items": len(group)}
        if answerable:
            m.update({f"hit@{k}": round(hit_at_k(ranks, k), 4) for k in (1, 3, 5)})
            m["mrr"] = round(mrr(ranks), 4)
            m["ndcg@5"] = round(ndcg_at_k(ranks, 5), 4)
            m["citation_support"] = rounded(share(r["citation_support"] for r in answerable))
            m["must_include"] = rounded(share(r["must_include"] for r in answerable))
            m["false_decline_rate"] = rounded(share(not r["covered"] for r in answerable))
            m.update(answer_metrics(answerable))
        declinable = [r for r in group if r["expected_not_covered"]]
        if declinable:
            m["declined"] = rounded(share(not r["covered"] for r in declinable))
        m["latency_p50_ms"] = rounded(percentile([r["latency_ms"] for r in group], 50), 1)
        out[name] = m
    return out


def stored_passages(settings: Settings) -> set[tuple[str, str]]:
    """(locator, text) of every passage in the index: what a valid citation must quote."""
    from assistant.retrieval.store import Index

    index = Index.open(settings)
    stored = index.collection.get(where={"kind": "chunk"}, include=["documents", "metadatas"])
    return {(m["locator"], d) for d, m in zip(stored["documents"], stored["metadatas"], strict=True)}


def citation_validity(rows: list[dict], passages: set[tuple[str, str]]) -> float | None:
    """Share of citations whose text is, verbatim, a passage stored in the index under its locator."""
    cited = [c for r in rows for c in r["citations"]]
    if not cited:
        return None
    return round(sum(1 for c in cited if (c["locator"], c["text"]) in passages) / len(cited), 4)


def evaluate(items: Sequence[QAItem], settings: Settings, answerer: Answerer | None = None) -> dict:
    """The contract's `{"items": [...], "metrics": {...}}` for a list of QA items."""
    from assistant.retrieval.ingest import ensure_index

    ensure_index(settings)
    rows = run_items(items, answerer or our_answerer(settings))
    return {"items": rows, "metrics": qa_metrics(rows, stored_passages(settings))}


def run(path: Path, settings: Settings, answerer: Answerer | None = None) -> dict:
    """The QA suite on one dataset: the contract's items and metrics, plus per-subset metrics."""
    result = evaluate(load_dataset(path), settings, answerer)
    return {"metrics": result["metrics"], "by_subset": by_subset(result["items"]), "items": result["items"]}
