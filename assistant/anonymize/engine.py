"""The anonymiser: runs the recognizer registry, resolves overlaps and replaces each identifier with its placeholder."""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.anonymize.base import (
    Candidate,
    Doc,
    Recognizer,
    Token,
    dictionary_word,
    is_han,
    nfkc_same_length,
    propagates,
)
from assistant.anonymize.chinese import (
    BrandOrgRecognizer,
    ChineseAddresses,
    ChineseOrgs,
    ChinesePersons,
    EnumeratedPersons,
    NicknameRecognizer,
    RuralAddressRecognizer,
    SpacedNameRecognizer,
    org_alias,
    retokenize,
)
from assistant.anonymize.english import EnglishOrgs, EnglishPersons
from assistant.anonymize.lexicon import NUMERALS
from assistant.anonymize.structured import structured_recognizers
from assistant.text import init_jieba

if TYPE_CHECKING:
    from assistant.settings import Settings

# Placeholder label of each identifier kind, in the order the summary lists them.
LABELS: dict[str, str] = {
    "person": "人员",
    "org": "企业",
    "phone": "电话",
    "email": "邮箱",
    "id": "证件",
    "address": "地址",
    "plate": "车牌",
    "url": "网址",
    "bankcard": "银行卡",
    "account": "账号",  # WeChat and QQ
    "passport": "护照",
    "credit": "信用代码",  # unified social credit code
    "employee": "工号",
    "ip": "IP",
}
# When two candidate spans have the same length, the more specific kind wins.
_PRIORITY = {
    "url": 0, "email": 1, "id": 2, "credit": 3, "bankcard": 4, "passport": 5, "phone": 6, "account": 7,
    "employee": 8, "ip": 9, "plate": 10, "address": 11, "org": 12, "person": 13,
}

PLACEHOLDER = re.compile(r"\[(?:" + "|".join(LABELS.values()) + r")\d+\]")


@dataclass(frozen=True)
class Entity:
    """One identifier found in a text: its kind, where it is, and the placeholder that replaces it."""

    kind: str
    text: str
    start: int
    end: int
    placeholder: str


class KnownAgain:
    """Other occurrences of a name already found (here or earlier in the batch), and the short names of
    organisations (三一 for 三一重工股份有限公司), get the same placeholder."""

    name = "known-again"

    def __init__(self, known: dict[str, tuple[str, str]]) -> None:
        self._known = known  # surface -> (kind, key text): the anonymiser's memory of the batch
        self._re: tuple[tuple[str, ...], re.Pattern[str]] | None = None

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        text, tokens = doc.text, doc.tokens
        here: dict[str, tuple[str, str]] = {}
        # Longest first, as the resolution will choose: 三一 takes the key of 三一重工股份有限公司, not of a piece of it.
        for c in sorted(doc.found, key=lambda c: c.start - c.end):
            if c.kind not in ("person", "org"):
                continue
            surface = text[c.start : c.end]
            if propagates(surface):
                here.setdefault(surface, (c.kind, c.key_text))
            if c.kind == "person" and c.key_text != surface and c.key_text == re.sub(r"\s+", "", surface):
                here.setdefault(c.key_text, (c.kind, c.key_text))  # 王 伟 found: 王伟 elsewhere is the same person
            if c.kind == "org" and (alias := org_alias(doc, c)):
                here.setdefault(alias, ("org", c.key_text))
        surfaces = {**self._known, **here}
        if not surfaces:
            return
        if self._re is None or self._re[0] != tuple(surfaces):
            alternation = "|".join(re.escape(x) for x in sorted(surfaces, key=len, reverse=True))
            self._re = (tuple(surfaces), re.compile(alternation))
        for m in self._re[1].finditer(text):
            surface = m.group(0)
            if surface.isascii() and (
                (m.start() > 0 and text[m.start() - 1].isalnum()) or (m.end() < len(text) and text[m.end()].isalnum())
            ):
                continue  # "Wang Fang" inside "Wang Fangzhou"
            if any(
                t.start < m.end() and m.start() < t.end and (t.start < m.start() or t.end > m.end())
                and t.flag not in ("nr", "nrfg", "nrt") and dictionary_word(t.word)
                for t in tokens
            ):
                continue  # inside a longer ordinary word
            kind, key_text = surfaces[surface]
            yield Candidate(kind, m.start(), m.end(), key_text)


def default_recognizers(known: dict[str, tuple[str, str]]) -> list[Recognizer]:
    """The registry, in running order: shapes first, then names; the list and known-again rules read what the
    others found."""
    return [
        *structured_recognizers(),
        ChineseAddresses(),
        RuralAddressRecognizer(),
        ChinesePersons(),
        NicknameRecognizer(),
        SpacedNameRecognizer(),
        EnumeratedPersons(),
        ChineseOrgs(),
        BrandOrgRecognizer(),
        EnglishPersons(),
        EnglishOrgs(),
        KnownAgain(known),
    ]


def _init_jieba(settings: Settings | None) -> Any:
    """Return `jieba.posseg`, initialised once (quietly, cache in the data directory)."""
    import jieba.posseg

    init_jieba(settings)
    return jieba.posseg


class Anonymizer:
    """Finds identifiers and replaces each with a placeholder that stays the same for the same identifier.

    One instance keeps its mapping across calls, so a batch (an import file) numbers people and companies once:

    >>> a = Anonymizer()
    >>> a.anonymize("维修工程师刘晓明未回访，电话13812345678。")
    '维修工程师[人员1]未回访，电话[电话1]。'
    >>> a.anonymize("刘晓明已整改。")
    '[人员1]已整改。'
    """

    def __init__(self, settings: Settings | None = None, recognizers: list[Recognizer] | None = None) -> None:
        if settings is None:
            from assistant.settings import get_settings

            settings = get_settings()
        self._pseg = _init_jieba(settings)
        self._numbers: dict[tuple[str, str], str] = {}  # (kind, normalised identifier) -> placeholder
        self._originals: dict[str, str] = {}  # placeholder -> first surface form seen
        self._counters: Counter[str] = Counter()
        self._known: dict[str, tuple[str, str]] = {}  # person/org surface already found -> (kind, key text)
        self.recognizers: list[Recognizer] = (
            recognizers if recognizers is not None else default_recognizers(self._known)
        )

    # -- public -----------------------------------------------------------

    def anonymize(self, text: str) -> str:
        """Return `text` with every identifier replaced by its placeholder."""
        out, pos = [], 0
        for ent in self.find(text):
            out.append(text[pos : ent.start])
            out.append(ent.placeholder)
            pos = ent.end
        out.append(text[pos:])
        return "".join(out)

    def find(self, text: str) -> list[Entity]:
        """Identifiers in `text`, left to right and non-overlapping, with their placeholders (assigned on first sight)."""
        doc, candidates = self._candidates(text)
        entities = []
        for c in _resolve(candidates):
            surface = text[c.start : c.end]
            entities.append(Entity(c.kind, surface, c.start, c.end, self._placeholder(c.kind, c.key_text, surface)))
            if c.kind == "org" and (alias := org_alias(doc, c)):
                self._known.setdefault(alias, ("org", c.key_text))  # 三一 in the batch's next text
        return entities

    @property
    def mapping(self) -> dict[str, str]:
        """Placeholder -> the identifier it replaced (first form seen). Holds personal data: never log or store it."""
        return dict(self._originals)

    def counts(self) -> dict[str, int]:
        """Distinct identifiers replaced so far, by placeholder label (人员, 企业, ...)."""
        return {LABELS[k]: self._counters[k] for k in LABELS if self._counters[k]}

    # -- placeholders (the operator) ----------------------------------------

    def _placeholder(self, kind: str, key_text: str, surface: str) -> str:
        key = _key(kind, key_text)
        ph = self._numbers.get((kind, key))
        if ph is None:
            self._counters[kind] += 1
            ph = f"[{LABELS[kind]}{self._counters[kind]}]"
            self._numbers[(kind, key)] = ph
            self._originals[ph] = surface
        if kind in ("person", "org") and propagates(surface):
            self._known.setdefault(surface, (kind, key_text))
        return ph

    # -- detection ---------------------------------------------------------

    def _candidates(self, original: str) -> tuple[Doc, list[Candidate]]:
        text = nfkc_same_length(original)
        doc = Doc(text, retokenize(self._tokenize(text)))
        for recognizer in self.recognizers:
            doc.found.extend(recognizer.analyze(doc))
        protected = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)]
        return doc, [
            c for c in doc.found
            if not any(c.start < pe and ps < c.end for ps, pe in protected)
            # "14单中", "3项中": a character after a number is a measure word, not a surname
            and not (c.kind == "person" and c.start > 0 and text[c.start - 1] in NUMERALS and is_han(text[c.start]))
        ]

    def _tokenize(self, text: str) -> list[Token]:
        tokens, pos = [], 0
        for pair in self._pseg.cut(text):
            word, flag = pair.word, pair.flag
            tokens.append(Token(word, flag, pos, pos + len(word)))
            pos += len(word)
        return tokens


def _key(kind: str, surface: str) -> str:
    """What makes two surfaces the same identifier: 138-1234-5678 is 13812345678, 王 伟 is 王伟."""
    s = nfkc_same_length(surface)
    if kind == "phone":
        if s.lstrip().startswith("+") and not re.match(r"\+\s*86", s.lstrip()):
            return "+" + re.sub(r"\D", "", s)  # another country: the country code is part of the number
        digits = re.sub(r"\D", "", s.split("转")[0].split("分机")[0])
        if digits.startswith("0086"):
            digits = digits[4:]
        elif digits.startswith("86") and len(digits) >= 12:
            digits = digits[2:]
        if not digits.startswith(("0", "1", "4", "8")):
            digits = "0" + digits  # +86 755 ... written without the trunk 0
        return digits
    if kind in ("email", "url", "account"):
        return s.lower().rstrip("/")
    if kind == "bankcard":
        return re.sub(r"\D", "", s)
    if kind == "ip":
        try:
            return str(ipaddress.ip_address(s.split("%")[0]))
        except ValueError:
            return s.lower()  # 192.168.1.10:8080, with its port
    if kind in ("plate", "id", "passport", "credit", "employee"):
        return re.sub(r"[\s·•・.\-_]", "", s).upper()
    return re.sub(r"\s+", "", s).casefold() if not s.isascii() else re.sub(r"\s+", " ", s).strip().casefold()


def _resolve(cands: list[Candidate]) -> list[Candidate]:
    """Longest span first (a URL over the e-mail inside it, a card number over the phone inside it); ties go to
    the more specific kind."""
    taken: list[tuple[int, int]] = []
    chosen: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), _PRIORITY[c.kind], c.start)):
        if any(c.start < e and s < c.end for s, e in taken):
            continue
        taken.append((c.start, c.end))
        chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)
