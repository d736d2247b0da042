"""Query expansion from the thesaurus in knowledge/glossary.yaml and the scheme's English names."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.errors import BadInput


def _inflected(phrase: str) -> str:
    """A pattern for an English phrase that also matches its last word inflected: plural, past, -ing
    ("root cause" finds "root causes", "suspend" finds "suspended", "audit" finds "audits", "audited", "auditing")."""
    head, _, last = phrase.rpartition(" ")
    stem = last[:-1] if last.endswith("e") and len(last) > 3 else last
    ending = r"(?:s|es|d|ed|ing)?" if last[-1:].isalpha() else ""
    word = rf"(?:{re.escape(last)}|{re.escape(stem)}(?:es|ed|ing)){ending}" if stem != last else rf"{re.escape(last)}{ending}"
    return (re.escape(head + " ") if head else "") + word


class Glossary:
    """Adds the formal Chinese terms for English or colloquial expressions found in a question.

    >>> g = Glossary({"surveillance audit": "监督审核"}, {"来查": "监督审核"})
    >>> g.expand("How often is the surveillance audit?")
    ['监督审核']
    """

    def __init__(self, english: dict[str, str], colloquial: dict[str, str]) -> None:
        # Longest phrases first, so "major nonconformity" wins over "nonconformity".
        self._english = sorted(((k.lower(), v) for k, v in english.items()), key=lambda kv: -len(kv[0]))
        self._en_patterns = [(re.compile(rf"(?<![a-z]){_inflected(k)}(?![a-z])"), v) for k, v in self._english]
        self._colloquial = sorted(colloquial.items(), key=lambda kv: -len(kv[0]))

    def expand(self, question: str) -> list[str]:
        text = question.lower()
        terms: list[str] = []
        for pattern, zh in self._en_patterns:
            if pattern.search(text):
                text = pattern.sub(" ", text)
                terms.extend(zh.split())
        for phrase, zh in self._colloquial:
            if phrase in question:
                terms.extend(zh.split())
        return list(dict.fromkeys(terms))


@lru_cache(maxsize=4)
def load_glossary(knowledge_dir: Path) -> Glossary:
    path = knowledge_dir / "glossary.yaml"
    data = {}
    if path.exists():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise BadInput(f"not valid YAML ({exc.__class__.__name__})", where=str(path)) from None
    english = {str(k): str(v) for k, v in (data.get("english") or {}).items()}
    try:
        from assistant.rules import load_scheme

        scheme = load_scheme(knowledge_dir=knowledge_dir)
        for item in [*scheme.dimensions.values(), *scheme.criteria.values()]:
            english.setdefault(item.name_en.lower(), item.name)
    except BadInput:
        pass  # a knowledge base without a scheme still answers from its glossary
    colloquial = {str(k): str(v) for k, v in (data.get("colloquial") or {}).items()}
    return Glossary(english, colloquial)
