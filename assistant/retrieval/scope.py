"""What a question asks that the knowledge base does not say (knowledge/out_of_scope.yaml), decided from its words:
a topic the passages leave out (fees, other standards …), or a value (a length of time, a number of people, a
place) that the answer would have to state and does not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.errors import BadInput

SCOPE_FILE = "out_of_scope.yaml"
# Passages searched for a statement of the very thing asked: the ones an answer would quote.
STATED_IN_TOP = 3


@dataclass(frozen=True)
class Topic:
    """A kind of question the knowledge base does not answer (fees, durations, other standards …)."""

    name: str
    zh: str
    en: str
    asks: tuple[re.Pattern, ...]
    unless: re.Pattern | None
    stated_by: re.Pattern | None

    def matches(self, question: str) -> list[str]:
        """The texts of the question that ask about this topic ([] when none does, or an `unless` word is there)."""
        if self.unless is not None and self.unless.search(question):
            return []
        return [m.group(0) for p in self.asks for m in p.finditer(question) if m.group(0).strip()]


@dataclass(frozen=True)
class ValueKind:
    """A kind of value a question asks for ("多久", "几个人", "在哪里查"): an answer that states none answers nothing."""

    name: str
    zh: str
    en: str
    asks: re.Pattern
    unless: re.Pattern | None
    stated: re.Pattern

    def asked(self, question: str) -> bool:
        return bool(self.asks.search(question)) and not (self.unless is not None and self.unless.search(question))


def _compile(expr: str, where: str) -> re.Pattern:
    try:
        return re.compile(expr, re.I)
    except re.error as exc:
        raise BadInput(f"not a valid regular expression ({exc})", where=where) from None


def _scope_file(knowledge_dir: Path) -> tuple[Path | None, object]:
    """knowledge/out_of_scope.yaml read ((None, None) when it is missing); not valid YAML is BadInput."""
    path = knowledge_dir / SCOPE_FILE
    if not path.exists():
        return None, None
    try:
        return path, yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise BadInput(f"not valid YAML ({exc.__class__.__name__})", where=str(path)) from None


@lru_cache(maxsize=4)
def load_topics(knowledge_dir: Path) -> tuple[Topic, ...]:
    """The topics of knowledge/out_of_scope.yaml (none when the file is missing); a bad file is BadInput."""
    path, data = _scope_file(knowledge_dir)
    if path is None:
        return ()
    topics = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(topics, dict):
        raise BadInput("expected a mapping `topics:` of topic name to zh, en, asks", where=str(path))
    out = []
    for name, spec in topics.items():
        where = f"{path}: topics.{name}"
        if not isinstance(spec, dict) or not isinstance(spec.get("asks"), list) or not spec["asks"]:
            raise BadInput("each topic needs `asks`, a list of regular expressions", where=where)
        out.append(Topic(
            name=str(name), zh=str(spec.get("zh") or name), en=str(spec.get("en") or name),
            asks=tuple(_compile(str(a), f"{where}.asks") for a in spec["asks"]),
            unless=_compile(str(spec["unless"]), f"{where}.unless") if spec.get("unless") else None,
            stated_by=_compile(str(spec["stated_by"]), f"{where}.stated_by") if spec.get("stated_by") else None,
        ))
    return tuple(out)


@lru_cache(maxsize=4)
def load_values(knowledge_dir: Path) -> tuple[ValueKind, ...]:
    """The `values` of knowledge/out_of_scope.yaml (none when the file or the section is missing)."""
    path, data = _scope_file(knowledge_dir)
    if path is None:
        return ()
    values = data.get("values") if isinstance(data, dict) else None
    if values is None:
        return ()
    if not isinstance(values, dict):
        raise BadInput("expected a mapping `values:` of value kind to zh, en, asks, stated", where=str(path))
    out = []
    for name, spec in values.items():
        where = f"{path}: values.{name}"
        if not isinstance(spec, dict) or not isinstance(spec.get("asks"), list) or not isinstance(spec.get("stated"), list) \
                or not spec["asks"] or not spec["stated"]:
            raise BadInput("each value kind needs `asks` and `stated`, lists of regular expressions", where=where)
        out.append(ValueKind(
            name=str(name), zh=str(spec.get("zh") or name), en=str(spec.get("en") or name),
            asks=_compile("|".join(f"(?:{a})" for a in spec["asks"]), f"{where}.asks"),
            unless=_compile(str(spec["unless"]), f"{where}.unless") if spec.get("unless") else None,
            stated=_compile("|".join(f"(?:{a})" for a in spec["stated"]), f"{where}.stated"),
        ))
    return tuple(out)


def unstated_value(question: str, quoted: list[str], knowledge_dir: Path) -> ValueKind | None:
    """The kind of value the question asks for that none of the answer's quoted sentences states, or None.

    "现场审核要在企业待几天" answered with the audit's steps, or "名单在哪里查" answered with the principles,
    would be an answer that does not answer: the passages say nothing of it, and the question is declined.
    """
    for kind in load_values(knowledge_dir):
        if kind.asked(question) and not any(kind.stated.search(q) for q in quoted):
            return kind
    return None


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def outside_scope(question: str, passages: list[str], knowledge_dir: Path) -> Topic | None:
    """The first topic the question asks about that none of the top passages states, or None.

    A passage states it when it contains a matched text of the question itself ("收费" in "售后服务收费标准
    要公示吗" and the catalogue's 收费标准) or the topic's `stated_by` expression. Scores play no part: an
    out-of-scope question about fees or another standard scores as close to the rules as an in-scope one
    (evals/README.md), so only its words can tell.
    """
    top = passages[:STATED_IN_TOP]
    normed = [_norm(p) for p in top]
    for topic in load_topics(knowledge_dir):
        asked = topic.matches(question)
        if not asked:
            continue
        if topic.stated_by is not None and any(topic.stated_by.search(p) for p in top):
            continue
        if all(any(_norm(a) in p for p in normed) for a in asked):
            continue
        return topic
    return None
