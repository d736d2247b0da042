"""Checks every model-written answer must pass, else the offline answer is used with a visible note.

- citations are passages of the index, verbatim (source, locator and text), and quoted spans occur in them;
- any grade the answer states is the rule engine's grade for the conversation's assessment;
- every number and date in the answer appears in the cited passages, the engine's results or the user's words.

>>> check_grade("你们目前评级为合格（暂定）。", "不合格")
'the answer states the grade 合格, the rule engine gives 不合格'
>>> check_grade("要达到优秀，还需要提升D6。", "合格") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from assistant.settings import Settings

GRADE_EN = {"fail": "不合格", "failed": "不合格", "fails": "不合格", "failing": "不合格", "pass": "合格", "passed": "合格",
            "passes": "合格", "passing": "合格", "excellent": "优秀"}
_GRADE = re.compile(r"不合格|合格|优秀|\b(?:fail(?:s|ed|ing)?|pass(?:es|ed|ing)?|excellent)\b", re.IGNORECASE)
# A grade named as a goal or a rule's subject is not a grade stated for the enterprise.
_GOAL_BEFORE = re.compile(r"(达到|到达|离|距离?|距|目标[:：为是]?|要|想|冲|升到|升至|提升至|提升到|晋级|评上|迈向|对于|关于|为了|reach(ing)?|to|for|toward|target|than|of|above|below|from|or|and)\s*[\"“「(（]?$",
                          re.IGNORECASE)
_GOAL_AFTER = re.compile(r"^[\"”」)）]?\s*(需要|需|要求|的条件|的要求|条件|门槛|标准|规则|还差|差距|等级的?(条件|要求)|或|和|与|、|/|requires?|needs?|threshold|conditions?|criteria|rule|grade requires|or\b|and\b)",
                         re.IGNORECASE)
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])(\d{4}-\d{2}-\d{2}|\d+(?:\.\d+)?)(?![A-Za-z0-9_])")
_MARKER = re.compile(r"\[(\d{1,2})\]")
_LIST_NUMBER = re.compile(r"(?m)^\s*(?:\d{1,2}[.、)）]|[(（]\d{1,2}[)）])")
_QUOTED = re.compile(r"[“「\"]([^”」\"]{6,})[”」\"]")


def words(text: str) -> list[str]:
    """Chinese characters and Latin words outside tool-call syntax: a reply of only `grade()` has none."""
    text = re.sub(r"\b\w+\([^)]*\)", " ", text)
    return re.findall(r"[\u4e00-\u9fff]|[A-Za-z]{2,}", text)


def stated_grades(text: str) -> set[str]:
    """Grades (Chinese names) the text states, leaving out grades named as goals or as the subject of a rule."""
    out = set()
    for m in _GRADE.finditer(text):
        before, after = text[max(0, m.start() - 8):m.start()], text[m.end():m.end() + 10]
        if _GOAL_BEFORE.search(before) or _GOAL_AFTER.search(after):
            continue
        word = m.group(0)
        out.add(GRADE_EN.get(word.lower(), word))
    return out


def check_grade(answer: str, engine_grade: str) -> str | None:
    """None when every grade the answer states is the engine's; else what is wrong."""
    for g in sorted(stated_grades(answer)):
        if g != engine_grade:
            return f"the answer states the grade {g}, the rule engine gives {engine_grade}"
    return None


@lru_cache(maxsize=4)
def _passages(data_dir: str, built_at: str | None, settings_json: str) -> frozenset[tuple[str, str, str]]:
    from assistant.retrieval.store import Index

    index = Index.open(Settings.model_validate_json(settings_json))
    got = index.collection.get(include=["documents", "metadatas"])
    return frozenset((m["source"], m["locator"], d) for d, m in zip(got["documents"], got["metadatas"], strict=True)
                     if m.get("kind", "chunk") == "chunk")


def index_passages(settings: Settings) -> frozenset[tuple[str, str, str]]:
    """(source, locator, text) of every passage of the index (chunk records)."""
    from assistant.retrieval.store import read_manifest

    manifest = read_manifest(settings) or {}
    return _passages(str(settings.data_dir), manifest.get("built_at"), settings.model_dump_json())


def check_citations(answer: str, citations: list[dict[str, Any]], settings: Settings,
                    extra_sources: Iterable[str] = ()) -> str | None:
    """Every citation a passage of the index, verbatim; every [n] marker names a citation; every quoted
    span of six or more characters occurs in a cited passage or in `extra_sources` (the user's words, facts)."""
    passages = index_passages(settings)
    for c in citations:
        if (c.get("source"), c.get("locator"), c.get("text")) not in passages:
            return f"citation {c.get('locator')!r} is not a passage of the index, verbatim"
    for m in _MARKER.finditer(answer):
        if not 1 <= int(m.group(1)) <= len(citations):
            return f"the answer cites [{m.group(1)}] but has {len(citations)} citations"
    texts = [c["text"] for c in citations] + list(extra_sources)
    for m in _QUOTED.finditer(answer):
        span = m.group(1).strip()
        if not any(span in t for t in texts):
            return f"the quoted words “{span[:30]}” are in no cited passage"
    return None


def _canonical(num: str) -> str:
    if "-" in num:
        return num
    if "." in num:
        num = num.rstrip("0").rstrip(".")
    return num.lstrip("0") or "0"


def numbers_in(text: str) -> set[str]:
    """Numbers and ISO dates of a text, canonical (36.0 → 36), without [n] markers and list numbering."""
    text = _LIST_NUMBER.sub(" ", _MARKER.sub(" ", text))
    return {_canonical(m.group(1)) for m in _NUMBER.finditer(text)}


def check_numbers(answer: str, sources: Iterable[str]) -> str | None:
    """None when every number and date of the answer appears in one of the sources."""
    known: set[str] = set()
    for s in sources:
        known |= numbers_in(s)
    missing = sorted(numbers_in(answer) - known)
    if missing:
        return f"the numbers {', '.join(missing[:5])} appear in no cited passage nor the engine's results"
    return None
