"""English recognizers: people (Mr. Lee, Engineer Zhang Wei, Linda Zhou) and companies (Acme Group Co., Ltd.)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.anonymize.base import Candidate, Collector, Doc
from assistant.anonymize.lexicon import (
    EN_COMMON_PINYIN,
    EN_GIVEN,
    EN_HONORIFIC,
    EN_LEADING_DROP,
    EN_ORG_GENERIC,
    EN_ROLE,
    EN_SURNAME_STOP,
    PINYIN_NAME,
    PINYIN_SURNAMES,
)

_EN_ORG = re.compile(
    r"(?<![A-Za-z])((?:[A-Z][A-Za-z0-9&'\-]*\.?\s+|&\s+){0,6}[A-Z][A-Za-z0-9&'\-]*)"
    r"(,?\s+(?:Co\.,?\s*Ltd\.?|Co\.?\s*,?\s*Limited|Co\.|Company(?:\s+Limited)?|Corporation|Corp\.?|Inc\.?|Incorporated|"
    r"Group(?:\s+Co\.,?\s*Ltd\.?)?|Limited|Ltd\.?|LLC|GmbH|PLC|AG|Holdings|Institute|Association|Law\s+Firm|"
    r"(?:Service|Repair|Maintenance)\s+(?:Center|Centre|Station|Shop)))(?![A-Za-z])"
)
_EN_HONORIFIC_NAME = re.compile(rf"(?<![A-Za-z]){EN_HONORIFIC}\s+([A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+)?)")
_EN_ROLE_NAME = re.compile(rf"(?<![A-Za-z]){EN_ROLE}\s+([A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+)?)")
# A lookahead, so that "Customer Linda Zhou" yields both "Customer Linda" and "Linda Zhou".
_EN_TWO_WORDS = re.compile(r"(?<![A-Za-z'\-])(?=([A-Z][a-z'\-]+|[A-Z]{2,})\s+([A-Z][a-z'\-]+|[A-Z]{2,})(?![A-Za-z]))")


def _persons_en(text: str, add) -> None:
    """Mr./Ms. + name, a role word + name, and two capitalised words that read as a given name and a surname."""
    for m in _EN_HONORIFIC_NAME.finditer(text):
        words = m.group(1).split()
        while words and words[-1] in EN_SURNAME_STOP:
            words.pop()
        if words:
            add("person", m.start(1), m.start(1) + len(" ".join(words)))
    for m in _EN_ROLE_NAME.finditer(text):
        words = m.group(1).split()
        first = words[0]
        if first.lower() in PINYIN_SURNAMES or first in EN_GIVEN:
            if len(words) == 2 and (words[1] in EN_SURNAME_STOP or not _namey_second(first, words[1])):
                words = words[:1]
            if first in EN_GIVEN and len(words) == 1:
                continue
            add("person", m.start(1), m.start(1) + len(" ".join(words)))
    for m in _EN_TWO_WORDS.finditer(text):
        a, b = m.group(1), m.group(2)
        if b in EN_SURNAME_STOP or a in EN_LEADING_DROP:
            continue
        if a in EN_GIVEN or a.capitalize() in EN_GIVEN or _pinyin_pair(a, b):
            add("person", m.start(1), m.end(2))

def _namey_second(first: str, second: str) -> bool:
    if first in EN_GIVEN:
        return second[0].isupper()
    return _pinyin_pair(first, second)

def _pinyin_pair(a: str, b: str) -> bool:
    """"Zhang Wei", "Xiaoming Wang": both words pinyin, one of them a surname, not two everyday English words."""
    la, lb = a.lower(), b.lower()
    if not (PINYIN_NAME.fullmatch(la) and PINYIN_NAME.fullmatch(lb)) and not (
        la in PINYIN_SURNAMES and lb in PINYIN_SURNAMES
    ):
        return False
    if la in EN_COMMON_PINYIN and lb in EN_COMMON_PINYIN:
        return False
    return la in PINYIN_SURNAMES or lb in PINYIN_SURNAMES

def _orgs_en(text: str, add) -> None:
    """Capitalised words before a company form (Co., Ltd., Inc., Group...), unless they are all generic."""
    for m in _EN_ORG.finditer(text):
        words = m.group(1).split()
        start = m.start(1)
        while words and words[0] in EN_LEADING_DROP:
            start = text.index(words[0], start) + len(words[0])
            while start < len(text) and text[start].isspace():
                start += 1
            words.pop(0)
        if not words or all(w.strip(".&") in EN_ORG_GENERIC or not w.strip(".&") for w in words):
            continue
        add("org", start, m.end())



class EnglishPersons:
    name = "person-en"

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        add = Collector(doc.text)
        _persons_en(doc.text, add)
        return iter(add.items)


class EnglishOrgs:
    name = "org-en"

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        add = Collector(doc.text)
        _orgs_en(doc.text, add)
        return iter(add.items)
