"""The recognizer model: a document (text and jieba tokens), candidate spans, and the Recognizer protocol."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

HAN = "\u4e00-\u9fff"


@dataclass
class Token:
    """One jieba word with its part-of-speech flag and its character offsets."""

    word: str
    flag: str
    start: int
    end: int


@dataclass(frozen=True)
class Candidate:
    """A span a recognizer proposes; `key_text` is what decides its placeholder (王经理 is keyed apart from 王芳)."""

    kind: str
    start: int
    end: int
    key_text: str


@dataclass
class Doc:
    """What recognizers read: the normalised text, its tokens, what earlier recognizers found, and the names
    found earlier in the batch."""

    text: str
    tokens: list[Token]
    known: dict[str, str] = field(default_factory=dict)  # surface -> kind, from earlier texts of the batch
    found: list[Candidate] = field(default_factory=list)
    starts: dict[int, int] = field(init=False)  # token start offset -> token index
    ends: set[int] = field(init=False)

    def __post_init__(self) -> None:
        self.starts = {t.start: i for i, t in enumerate(self.tokens)}
        self.ends = {t.end for t in self.tokens}

    def before(self, start: int, width: int) -> str:
        """The `width` characters before `start`: where a context word such as 身份证 or 工号 would stand."""
        return self.text[max(0, start - width) : start]


class Recognizer(Protocol):
    """Finds one family of identifiers. Recognizers run in registry order; later ones may read `doc.found`."""

    name: str

    def analyze(self, doc: Doc) -> Iterable[Candidate]: ...


class Collector:
    """The `add(kind, start, end, key_text=None)` callback the rule-based recognizers write into."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[Candidate] = []

    def __call__(self, kind: str, start: int, end: int, key_text: str | None = None) -> None:
        if end > start:
            self.items.append(Candidate(kind, start, end, key_text or self.text[start:end]))


def nfkc_same_length(text: str) -> str:
    """NFKC per character where it maps to one character, so offsets stay valid (full-width digits, colons)."""
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out)


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def propagates(surface: str) -> bool:
    """Long enough to be searched for again elsewhere without hitting ordinary words."""
    return len(surface) >= (4 if surface.isascii() else 2)


# jieba's dictionary tags a few hundred everyday words nr (周转 899, 高峰 1556); the names it lists are rare (李强 159).
COMMON_WORD_FREQ = 150


def dictionary_word(word: str) -> bool:
    """In jieba's dictionary as a word (its prefix table also holds every word's prefixes, with frequency 0)."""
    import jieba

    return (jieba.dt.FREQ.get(word) or 0) > 0


def common_word(word: str) -> bool:
    """A word jieba's dictionary knows as frequent: real people's names are absent from it or have frequency ~0."""
    import jieba

    return (jieba.dt.FREQ.get(word) or 0) >= COMMON_WORD_FREQ


def alt(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first so that 有限公司 wins over 公司."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
