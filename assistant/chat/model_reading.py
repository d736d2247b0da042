"""Facts read by a language model, when one is configured: LangChain structured output into `StatedFacts`, then the
same checks the offline reader's facts meet before anything is recorded.

The offline reader (assistant/chat/reading/) stays the default and the fallback. With a model, a message that
states facts is also read by the model; each fact it proposes is kept only if

- its criterion exists in the scheme (a KPI value only on a KPI criterion, within the KPI's physical range),
- the words it quotes occur in the message, and its value is read from those words (a KPI value from a number in
  the quote, in a unit that converts to the criterion's; a level said as a number must be that number; an
  evidence document, a company name or industry must occur in the message; a head count must be a number said),
- a finding's severity and status are the scheme's, its date a real day not after today,

and it is added only where the offline reading has nothing for the same criterion or key: a model never overrides
what the deterministic reader read, it fills what the reader missed. What it proposed and failed a check is said
back ("模型提出但未记录：…"), never recorded.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from assistant.chat.reading import quantities as qty
from assistant.chat.reading.model import EvidenceUpdate, Extraction, FindingUpdate, KpiUpdate, LevelUpdate
from assistant.chat.reading.text import normalise

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_LEVEL_SAID = re.compile(r"(?:(?<![A-Za-z])L|level\s*)([0-5])(?![0-9.])|([0-5零一二两三四五])\s*级", re.IGNORECASE)
_CN_DIGIT = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}


class StatedKpi(BaseModel):
    criterion: str = Field(description="criterion ID of the KPI, e.g. D2.1")
    value: float = Field(description="the current measured value in the criterion's unit (percent as 86, not 0.86)")
    quote: str = Field(description="the exact words of the message that state this value")


class StatedLevel(BaseModel):
    criterion: str = Field(description="criterion ID, e.g. D1.1")
    level: int = Field(ge=0, le=5, description="maturity level 0-5 the user states or clearly describes")
    quote: str = Field(description="the exact words of the message that state or describe it")


class StatedEvidence(BaseModel):
    criterion: str = Field(description="criterion ID the document proves")
    document: str = Field(description="a document or record the user says they HAVE, exactly as written")


class StatedFinding(BaseModel):
    id: str | None = Field(None, description="the finding's ID if the message gives one, e.g. F1")
    severity: Literal["major", "minor", "observation"]
    criterion: str | None = Field(None, description="criterion ID the finding is about, if clear")
    status: Literal["open", "closed"] = "open"
    raised_on: str | None = Field(None, description="audit date as YYYY-MM-DD if the message gives one")
    quote: str = Field(description="the exact words of the message that state the finding")


class StatedFacts(BaseModel):
    """Facts about the enterprise that the user's message states (not asks, not supposes). Leave out anything the
    message does not state in its own words; quote those words exactly."""

    kpis: list[StatedKpi] = Field(default_factory=list)
    levels: list[StatedLevel] = Field(default_factory=list)
    evidence: list[StatedEvidence] = Field(default_factory=list)
    findings: list[StatedFinding] = Field(default_factory=list)
    materials_truthful: bool | None = Field(None, description="false if the user says submitted data or materials were falsified")
    major_incident_unresolved: bool | None = Field(None, description="true if a major quality/safety incident or recall is not closed")
    declaration_quote: str | None = Field(None, description="the exact words behind either declaration")
    company_name: str | None = None
    industry: str | None = None
    employees: int | None = Field(None, description="the whole company's head count")


def _norm(text: str) -> str:
    return _PUNCT.sub("", normalise(text)).lower()


def _quoted(quote: str | None, message: str) -> bool:
    q = _norm(quote or "")
    return bool(q) and q in _norm(message)


def _value_in(quote: str, value: float, unit: str) -> bool:
    """A number in the quote that, in the criterion's unit, is `value` (36 hours from "一天半", 86 from "八成六")."""
    text = normalise(quote)
    for q in qty.find(text):
        for v in (qty.in_unit(q, unit), q.value):
            if v is not None and abs(v - value) <= 1e-6 * max(1.0, abs(value)) + 1e-9:
                return True
    return False


def _level_in(quote: str, level: int) -> bool:
    """A level said as a number in the quote must be this level; a description (no number) passes."""
    said = [int(m.group(1)) if m.group(1) else _CN_DIGIT.get(m.group(2), int(m.group(2)) if m.group(2).isdigit() else -1)
            for m in _LEVEL_SAID.finditer(normalise(quote))]
    return not said or level in said


def check(facts: StatedFacts, message: str, scheme, today: date) -> tuple[Extraction, list[str]]:
    """The facts that pass every check, as an Extraction, and one line per fact refused (with the reason)."""
    from assistant.dates import parse_day

    ex, refused = Extraction(), []

    def known(cid: str | None) -> bool:
        return bool(cid) and cid in scheme.criteria

    for k in facts.kpis:
        c = scheme.criteria.get(k.criterion)
        if c is None or not c.is_kpi:
            refused.append(f"{k.criterion} {k.value:g}：不是KPI条款")
        elif not _quoted(k.quote, message):
            refused.append(f"{k.criterion} {k.value:g}：引用的原话不在消息中")
        elif (c.range_min is not None and k.value < c.range_min) or (c.range_max is not None and k.value > c.range_max):
            refused.append(f"{k.criterion} {k.value:g}：超出该指标的取值范围")
        elif not _value_in(k.quote, k.value, c.unit):
            refused.append(f"{k.criterion} {k.value:g}：原话“{k.quote}”中没有这个数")
        else:
            ex.kpis.append(KpiUpdate(k.criterion, k.value, k.quote.strip(), "模型读出"))
    for lv in facts.levels:
        if not known(lv.criterion):
            refused.append(f"{lv.criterion} L{lv.level}：没有这个条款")
        elif not _quoted(lv.quote, message):
            refused.append(f"{lv.criterion} L{lv.level}：引用的原话不在消息中")
        elif not _level_in(lv.quote, lv.level):
            refused.append(f"{lv.criterion} L{lv.level}：与原话中的级别不符")
        else:
            ex.levels.append(LevelUpdate(lv.criterion, lv.level, lv.quote.strip(), "模型读出"))
    for ev in facts.evidence:
        if not known(ev.criterion):
            refused.append(f"{ev.criterion}“{ev.document}”：没有这个条款")
        elif not _quoted(ev.document, message) or len(_norm(ev.document)) < 2:
            refused.append(f"{ev.criterion}“{ev.document}”：文件名不在消息中")
        else:
            ex.evidence.append(EvidenceUpdate(ev.criterion, ev.document.strip()))
    for f in facts.findings:
        day = None
        if f.raised_on:
            try:
                day = parse_day(f.raised_on, "model")
            except Exception:  # noqa: BLE001 - any unreadable date refuses the finding
                day = None
        if f.criterion is not None and not known(f.criterion):
            refused.append(f"审核发现{f.id or ''}：没有条款{f.criterion}")
        elif not _quoted(f.quote, message) or (f.id and not _quoted(f.id, message)):
            refused.append(f"审核发现{f.id or ''}：引用的原话不在消息中")
        elif f.raised_on and (day is None or day > today):
            refused.append(f"审核发现{f.id or ''}：日期{f.raised_on}不成立")
        else:
            ex.findings.append(FindingUpdate(f.id, f.criterion, f.severity, f.quote.strip(), day, f.status))
    declared = {k: v for k, v in (("materials_truthful", facts.materials_truthful),
                                  ("major_incident_unresolved", facts.major_incident_unresolved)) if v is not None}
    if declared:
        if _quoted(facts.declaration_quote, message):
            ex.declarations.update(declared)
        else:
            refused.append("声明：引用的原话不在消息中")
    for key, value in (("name", facts.company_name), ("industry", facts.industry)):
        if value:
            if _quoted(value, message):
                ex.enterprise[key] = value.strip()
            else:
                refused.append(f"企业{key}“{value}”：不在消息中")
    if facts.employees is not None:
        if facts.employees >= 1 and any(abs(q.value - facts.employees) < 0.5 for q in qty.find(normalise(message))):
            ex.enterprise["employees"] = facts.employees
        else:
            refused.append(f"员工人数{facts.employees}：消息中没有这个数")
    return ex, refused


def merge(base: Extraction, extra: Extraction) -> tuple[Extraction, list[str]]:
    """`base` (the offline reading) with what `extra` (the model's checked facts) adds where base has nothing for the
    same criterion or key. Returns the merged extraction and a short description of each fact added."""
    added: list[str] = []
    have_kpi = {k.criterion for k in base.kpis}
    have_level = {lv.criterion for lv in base.levels}
    for k in extra.kpis:
        if k.criterion not in have_kpi and k.criterion not in have_level:
            base.kpis.append(k)
            added.append(f"{k.criterion} {k.value:g}")
    for lv in extra.levels:
        if lv.criterion not in have_level and lv.criterion not in have_kpi:
            base.levels.append(lv)
            added.append(f"{lv.criterion} L{lv.level}")
    for ev in extra.evidence:
        n = _norm(ev.item)
        if not any(e.criterion == ev.criterion and (n in _norm(e.item) or _norm(e.item) in n) for e in base.evidence):
            base.evidence.append(ev)
            added.append(f"{ev.criterion}“{ev.item}”")
    for f in extra.findings:
        same = any((f.id and g.id and f.id.upper() == g.id.upper())
                   or (not f.id and g.severity == f.severity and (g.criterion == f.criterion or None in (g.criterion, f.criterion)))
                   for g in base.findings)
        if not same:
            base.findings.append(f)
            added.append(f"审核发现 {f.severity}{' ' + f.criterion if f.criterion else ''}")
    for key, value in extra.declarations.items():
        if key not in base.declarations:
            base.declarations[key] = value
            added.append(f"{key}={value}")
    for key, value in extra.enterprise.items():
        if key not in base.enterprise:
            base.enterprise[key] = value
            added.append(f"{key}={value}")
    if added:
        # A quantity the offline reader could not place and the model did is no longer "not recorded".
        quotes = " ".join([k.said for k in extra.kpis] + [f.text for f in extra.findings])
        base.unplaced = [u for u in base.unplaced if _norm(u) not in _norm(quotes)]
    return base, added
