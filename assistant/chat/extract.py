"""Reads facts out of plain Chinese or English: KPI values, levels, evidence, findings, declarations, plan edits.

Deterministic and conservative: a number counts only next to a criterion it can belong to, in a unit that fits
it; what cannot be placed is reported back (`unplaced`, `problems`) instead of guessed. The reading itself lives in
assistant/chat/reading/ (quantities, dates, clauses, names, facts, plan edits); criterion names come from the scheme,
the criteria catalogue and `prompts/chat_lexicon_zh.yaml`.

>>> ex = extract("我们客户满意度88%，投诉首次响应平均36小时")
>>> [(k.criterion, k.value) for k in ex.kpis]
[('D3.1', 88.0), ('D2.1', 36.0)]
"""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.chat.reading.facts import Reader, range_words
from assistant.chat.reading.lexicon import Lexicon, Mention, lexicon, mentions
from assistant.chat.reading.model import (
    Context,
    EvidenceUpdate,
    Extraction,
    FindingUpdate,
    KpiUpdate,
    LevelUpdate,
)
from assistant.chat.reading.plan_edits import PlanEdit, extract_plan_edit, shifted
from assistant.chat.reading.text import clauses, normalise
from assistant.rules.scheme import format_number

__all__ = [
    "Context", "EvidenceUpdate", "Extraction", "FindingUpdate", "KpiUpdate", "LevelUpdate", "Lexicon", "Mention",
    "PlanEdit", "extract", "extract_plan_edit", "is_question", "lexicon", "mentions", "range_words", "said_value",
    "shifted",
]


def extract(text: str, lex: Lexicon | None = None, *, context: Any = None, today: date | None = None) -> Extraction:
    """Every fact the message states. `context` (a ConversationState, an assessment dict or a Context) lets a
    correction ("不对，是4小时") or a finding's new date be read against what was said before; `today` anchors
    relative dates (昨天, 上个月20号). A what-if comes back with `hypothetical` set and the supposed facts."""
    return Reader(text, lex or lexicon(), Context.of(context), today or date.today()).read()


def is_question(text: str) -> bool:
    """A question asks; it states no fact about the enterprise (every clause of it asks)."""
    cs = clauses(normalise(text))
    return bool(cs) and all(c.question for c in cs)


def said_value(value: float, unit: str) -> str:
    return f"{format_number(value)}{unit if unit in ('%',) else ' ' + unit}"
