"""What one message states about the assessment: the Extraction and its parts (re-exported by assistant.chat.extract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class KpiUpdate:
    criterion: str
    value: float
    said: str  # the words it came from, for saying back
    # How the words were read when it was not literal, said back to the client: "区间取较差端", "0.85按85%理解",
    # "取现在的值（之前36小时）".
    note: str = ""


@dataclass
class LevelUpdate:
    criterion: str
    level: int
    said: str
    note: str = ""  # e.g. "“没有”按L0记录", "“全靠老师傅经验”按L1（初始级）记录"


@dataclass
class EvidenceUpdate:
    criterion: str
    item: str


@dataclass
class FindingUpdate:
    id: str | None
    criterion: str | None
    severity: str | None  # None only for a finding that already exists (an update of its status or date)
    text: str
    raised_on: date | None = None  # the audit date when the message gives one
    status: str = "open"  # "closed" when the message says it is closed already


@dataclass
class Extraction:
    """Everything one message states about the assessment; `problems` are statements that could not be used."""

    kpis: list[KpiUpdate] = field(default_factory=list)
    levels: list[LevelUpdate] = field(default_factory=list)
    evidence: list[EvidenceUpdate] = field(default_factory=list)
    unplaced_evidence: list[str] = field(default_factory=list)
    # Documents named but not offered as evidence ("每个人都有培训档案" told of a practice): said back apart, with the
    # words that record one ("证据是…"), never counted as evidence (assistant/chat/reading/offered.py).
    only_mentioned: list[str] = field(default_factory=list)
    findings: list[FindingUpdate] = field(default_factory=list)
    closed_findings: list[str] = field(default_factory=list)
    declarations: dict[str, bool] = field(default_factory=dict)
    dates: dict[str, date] = field(default_factory=dict)
    # Company facts: name, industry, employees (a number of people).
    enterprise: dict[str, str | int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # Quantities or statements the client stated as facts that have no place here, as written ("3份报告超期"):
    # said back as "没能记录：…" with a question where they belong. Never silently dropped.
    unplaced: list[str] = field(default_factory=list)
    # Values said beside the one recorded and set aside on purpose (an earlier value, the other end of a range, a
    # part of the whole), each with why: said back under "没能记录" too, without asking where they belong.
    set_aside: list[str] = field(default_factory=list)
    # A what-if ("如果首次响应降到4小时能过吗"): the facts above are the supposition, graded on a copy, never recorded.
    hypothetical: bool = False
    mentioned: list[str] = field(default_factory=list)
    # In a what-if that also states facts ("首次响应现在是8小时，如果降到2小时能到几级？"): the facts stated as true,
    # to be recorded like any message's (the supposition above is applied on top of them, on the copy only).
    stated: Extraction | None = None

    @property
    def changes(self) -> bool:
        return bool(self.kpis or self.levels or self.evidence or self.findings or self.closed_findings
                    or self.declarations or self.dates or self.enterprise)

    @property
    def anything(self) -> bool:
        return self.changes or bool(self.problems or self.unplaced_evidence or self.unplaced or self.set_aside or self.only_mentioned)


@dataclass
class Context:
    """What the conversation knows before this message: the criteria talked about (most recent last), the values
    and findings recorded. It lets "不对，是4小时" or "日期记错了，是10月21号" be read against what was said."""

    focus: list[str] = field(default_factory=list)
    kpis: dict[str, float] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)
    enterprise: dict[str, Any] = field(default_factory=dict)
    declarations: dict[str, bool] = field(default_factory=dict)
    asked: str | None = None

    @classmethod
    def of(cls, source: Any) -> Context:
        """From a ConversationState, an assessment dict, a Context or None."""
        if source is None:
            return cls()
        if isinstance(source, Context):
            return source
        assessment = source if isinstance(source, dict) else getattr(source, "assessment", None) or {}
        crit = assessment.get("criteria") or {}
        return cls(
            focus=list(getattr(source, "focus", None) or []),
            kpis={c: float(e["kpi"]) for c, e in crit.items() if isinstance(e, dict) and e.get("kpi") is not None},
            levels={c: int(e["level"]) for c, e in crit.items() if isinstance(e, dict) and e.get("level") is not None},
            findings=[f for f in assessment.get("findings") or [] if isinstance(f, dict)],
            enterprise=dict(assessment.get("enterprise") or {}),
            declarations={k: v for k, v in (assessment.get("declarations") or {}).items() if isinstance(v, bool)},
            asked=getattr(source, "asked", None),
        )
