"""Chunking of the knowledge base: one rules paragraph, one criterion facet or one past finding per chunk."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assistant.errors import BadInput
from assistant.knowledge import CatalogueEntry, PastFinding, load_catalogue, load_findings, load_questions, load_rules
from assistant.settings import Settings
from assistant.text import sentences

Source = Literal["rules", "criteria", "findings"]
MIN_UNIT_CHARS = 12
SEVERITY_ZH = {"major": "严重不符合", "minor": "一般不符合", "observation": "观察项"}
QUESTIONS_FILE = "questions.yaml"
ENGLISH_FILE = "passages_en.yaml"


class Chunk(BaseModel):
    """A passage as stored in the index; `text` is what a citation quotes, verbatim."""

    model_config = ConfigDict(frozen=True)

    id: str
    source: Source
    locator: str
    text: str
    # Extra context embedded with the text (a section title), never quoted.
    context: str = ""
    # Texts the passage is found by but never quotes: the questions it answers (knowledge/questions.yaml) and,
    # for a criterion facet, its title in Chinese and English. Embedded (unit ids "<chunk>#q<n>") and in BM25.
    aliases: tuple[str, ...] = ()
    # The passage's statements in English (knowledge/passages_en.yaml): embedded (unit ids "<chunk>#e<n>") and in
    # BM25 like aliases, and the English first sentence of an answer to an English question; never quoted.
    english: tuple[str, ...] = ()
    criterion: str | None = None
    dimension: str | None = None
    severity: str | None = None
    industry: str | None = None

    @property
    def embed_text(self) -> str:
        return f"{self.context}\n{self.text}" if self.context else self.text

    @property
    def bm25_text(self) -> str:
        """What BM25 indexes: the embedded text and the aliases."""
        return "\n".join([self.embed_text, *self.aliases, *self.english])

    def units(self) -> list[str]:
        """The sentences embedded for this chunk (very short ones joined to the next): `units_of(text)`.

        Measured on evals/retrieval_qa.jsonl: e5-small matches a question to one sentence far better
        than to a long paragraph full of examples, so a chunk is found through its best sentence
        (and still cited whole). Prefixing each sentence with its section made matching worse.
        """
        return units_of(self.text)

    @property
    def content_hash(self) -> str:
        payload = "\x1f".join(
            [self.source, self.locator, self.embed_text, *self.units(), *self.aliases, "\x1e", *self.english, *(x or "" for x in (self.criterion, self.dimension, self.severity, self.industry))]
        )
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()

    def metadata(self) -> dict[str, str]:
        """Chroma metadata; absent values are stored as '' because Chroma filters cannot match None."""
        return {
            "source": self.source,
            "locator": self.locator,
            "criterion": self.criterion or "",
            "dimension": self.dimension or "",
            "severity": self.severity or "",
            "industry": self.industry or "",
            "hash": self.content_hash,
        }


def units_of(text: str) -> list[str]:
    """A passage's sentences as embedded (very short ones joined to the next); the answer writer quotes these."""
    out: list[str] = []
    carry = ""
    for sent in sentences(text):
        sent = carry + sent
        if len(sent) < MIN_UNIT_CHARS:
            carry = sent
            continue
        carry = ""
        out.append(sent)
    if carry:
        if out:
            out[-1] += carry
        else:
            out.append(carry)
    return out


def _cid(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def rules_chunks(knowledge_dir: Path) -> Iterable[Chunk]:
    for path in sorted((knowledge_dir / "rules").glob("*.md")):
        for p in load_rules(path):
            yield Chunk(id=_cid("rules", p.document, p.locator), source="rules", locator=p.locator, text=p.text,
                        context=f"{p.document} {p.section}")


def scheme_chunks(knowledge_dir: Path) -> Iterable[Chunk]:
    """The scheme's numbers as Chinese passages, generated from the scheme data so they never drift."""
    from assistant.rules import load_scheme
    from assistant.rules.describe import scheme_passages

    scheme = load_scheme(knowledge_dir=knowledge_dir)
    for locator, text in scheme_passages(scheme):
        # The locator names the section ("§4 审核发现与期限 有条件通过"): like a rules paragraph's section title it
        # is context for BM25, never quoted.
        yield Chunk(id=_cid("scheme", locator), source="rules", locator=locator, text=text, context=locator)


def criterion_summary(scheme, cid: str) -> str:
    """How the scheme levels a criterion, in Chinese, from the scheme data (thresholds are never authored twice)."""
    from assistant.rules.describe import kpi_ladder

    c = scheme.criteria[cid]
    caps = "，".join(
        f"{cap.min_items}项{'及以上' if i == len(scheme.scoring.evidence_caps) - 1 else ''}证据最高L{cap.cap}"
        for i, cap in enumerate(scheme.scoring.evidence_caps)
    )
    if c.is_kpi:
        better = "越高越好" if c.direction == "higher" else "越低越好"
        return f"该条款为KPI条款，按实测值定级（单位{c.unit_symbol}，{better}）：{kpi_ladder(c, scheme)}；有效等级受证据限制（{caps}）。"
    return f"该条款为声明条款，按证据评定成熟度等级L0–L5（{caps}）。"


def level_kpi(crit, level: int) -> str:
    """`（KPI ≤2%）` for a KPI criterion's level, from the scheme's thresholds; '' for declared criteria."""
    from assistant.rules.scheme import format_number

    if not crit.is_kpi:
        return ""
    op = "≥" if crit.direction == "higher" else "≤"
    if level in crit.thresholds:
        return f"（实测值{op}{format_number(crit.thresholds[level])}{crit.unit_symbol}）"
    if level == crit.fallback_level:
        worst = min(crit.thresholds)
        other = "<" if crit.direction == "higher" else ">"
        return f"（实测值{other}{format_number(crit.thresholds[worst])}{crit.unit_symbol}）"
    return "（未测量或无数据）" if level == 0 else ""


def criteria_chunks(knowledge_dir: Path) -> Iterable[Chunk]:
    from assistant.rules import load_scheme

    scheme = load_scheme(knowledge_dir=knowledge_dir)
    catalogue = load_catalogue(knowledge_dir / "criteria")
    for cid, crit in scheme.criteria.items():
        entry: CatalogueEntry | None = catalogue.get(cid)
        if entry is None:
            continue
        dim = scheme.dimensions[crit.dimension]
        head = f"{cid} {entry.name}"
        owner = entry.owner or dim.owner

        def chunk(facet: str, title_zh: str, title_en: str, text: str) -> Chunk:
            # Each facet is also found by its title, so the facets the questions of knowledge/questions.yaml
            # do not cover (levels, evidence, causes, actions) are not outranked by those that they do.
            return Chunk(id=_cid("criteria", cid, facet), source="criteria", locator=f"{head} · {facet}", text=text,
                         context=f"{crit.dimension} {dim.name}", criterion=cid, dimension=crit.dimension,
                         aliases=(f"{entry.name}{title_zh}", f"{crit.name_en}: {title_en}"))

        overview = f"{head}（{dim.name}）：{entry.description.strip()}{criterion_summary(scheme, cid)}默认负责人：{owner}。"
        yield chunk("说明", "说明", "overview", overview)
        if entry.kpi_definition:
            yield chunk("指标口径", "指标口径与计算方法", "KPI definition and calculation",
                        f"{head} 指标口径：{entry.kpi_definition.strip()}")
        for level in scheme.levels:
            code = f"L{level.level}"
            yield chunk(f"{code} {level.name}", f" {code} {level.name}", f"level {code} ({level.name_en})",
                        f"{head} {code} {level.name}{level_kpi(crit, level.level)}：{entry.levels[code].strip()}")
        yield chunk("审核证据", "审核认可的证据", "evidence accepted by auditors",
                    f"{head} 审核认可的证据：" + "；".join(e.strip() for e in entry.evidence_examples) + "。")
        yield chunk("常见根本原因", "常见根本原因", "typical root causes",
                    f"{head} 常见根本原因：" + "；".join(f"（{r.category}）{r.cause.strip()}" for r in entry.root_causes) + "。")
        yield chunk("整改措施", "推荐整改措施", "recommended corrective actions",
                    f"{head} 推荐整改措施：" + "；".join(a.strip() for a in entry.actions) + "。")


def finding_text(f: PastFinding) -> str:
    return (
        f"【{f.id}】{f.industry}·{SEVERITY_ZH[f.severity]}·{f.criterion}：{f.finding.strip()}"
        f"根本原因（{f.category}）：{f.root_cause.strip()}纠正措施：{f.action.strip()}验证结果：{f.outcome.strip()}"
    )


def findings_chunks(findings: Iterable[PastFinding]) -> Iterable[Chunk]:
    for f in findings:
        yield Chunk(id=_cid("findings", f.id), source="findings", locator=f.id, text=finding_text(f),
                    criterion=f.criterion, dimension=f.criterion.split(".")[0], severity=f.severity, industry=f.industry)


def all_chunks(settings: Settings) -> list[Chunk]:
    """Every chunk of the knowledge base: knowledge/ plus findings imported into the data directory."""
    kd = settings.knowledge_dir
    findings = load_findings(kd / "findings" / "findings.jsonl") + load_findings(settings.imported_findings)
    chunks = [*rules_chunks(kd), *scheme_chunks(kd), *criteria_chunks(kd), *findings_chunks(findings)]
    seen: dict[str, Chunk] = {}
    for c in chunks:
        seen.setdefault(c.id, c)
    return with_english(with_questions(list(seen.values()), kd / QUESTIONS_FILE), kd / ENGLISH_FILE)


def with_questions(chunks: list[Chunk], path: Path) -> list[Chunk]:
    """The chunks with the questions of knowledge/questions.yaml attached by locator; an unknown locator is an
    error (a renamed passage would otherwise silently lose its questions)."""
    questions = load_questions(path)
    passages = {c.locator for c in chunks if c.source != "findings"}
    unknown = [loc for loc in questions if loc not in passages]
    if unknown:
        raise BadInput(f"no passage has the locator {unknown[0]!r} ({len(unknown)} unknown in all)", where=str(path))
    return [c.model_copy(update={"aliases": (*c.aliases, *questions[c.locator])})
            if c.locator in questions and c.source != "findings" else c for c in chunks]


def with_english(chunks: list[Chunk], path: Path) -> list[Chunk]:
    """The chunks with their English statements of knowledge/passages_en.yaml attached by locator; an unknown
    locator is an error, as in `with_questions`."""
    statements = load_questions(path)
    passages = {c.locator for c in chunks if c.source != "findings"}
    unknown = [loc for loc in statements if loc not in passages]
    if unknown:
        raise BadInput(f"no passage has the locator {unknown[0]!r} ({len(unknown)} unknown in all)", where=str(path))
    return [c.model_copy(update={"english": tuple(statements[c.locator])})
            if c.locator in statements and c.source != "findings" else c for c in chunks]


def knowledge_fingerprint(settings: Settings) -> str:
    """A hash of every file the index is built from, to notice when the index is stale."""
    h = hashlib.sha1()
    files = sorted(p for p in settings.knowledge_dir.rglob("*") if p.is_file() and p.suffix in {".md", ".yaml", ".jsonl"})
    if settings.imported_findings.exists():
        files.append(settings.imported_findings)
    for p in files:
        h.update(str(p.relative_to(p.anchor)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()
