"""The reader: one message's clauses, names and quantities turned into the facts of a self-assessment."""

from __future__ import annotations

import bisect
import re
from datetime import date

from assistant.chat.reading import dates as dates_mod
from assistant.chat.reading import quantities as qty
from assistant.chat.reading.company import CompanyReading
from assistant.chat.reading.evidence import EvidenceReading
from assistant.chat.reading.findings import FindingReading
from assistant.chat.reading.kpis import KpiReading, range_words
from assistant.chat.reading.levels import LevelReading
from assistant.chat.reading.lexicon import Lexicon, Mention, Name, by_ear, mentions
from assistant.chat.reading.model import Context, Extraction
from assistant.chat.reading.patterns import (
    CJK,
    FREQUENCY,
    IDENTIFIER,
    LEVEL,
    OTHER_PARTY,
    OWN_TOO,
    RANGE_BETWEEN,
)
from assistant.chat.reading.text import CORRECTION, Clause, clauses, normalise

__all__ = ["Reader", "range_words"]


class Reader(KpiReading, LevelReading, EvidenceReading, FindingReading, CompanyReading):
    """Reads one message. `read()` returns the Extraction; see assistant.chat.extract."""

    def __init__(self, text: str, lex: Lexicon, context: Context, today: date) -> None:
        self.raw = text
        self.text = by_ear(normalise(text), lex)
        self.low = self.text.lower()
        self.lex = lex
        self.scheme = lex.scheme
        self.ctx = context
        self.today = today
        self.clauses = clauses(self.text)
        self._clause_starts = [c.start for c in self.clauses]
        self.correction = bool(CORRECTION.search(self.text))
        self.en = not CJK.search(self.text)
        # Spans whose digits are no quantity: criterion names (30天返修率), dates, identifiers (8D, ISO 9001),
        # frequencies (每年一次) and level phrases (L3, 三级).
        self.blocked = [False] * len(self.text)
        self.mentions = sorted(mentions(self.text, lex) + self._it_systems(), key=lambda m: m.start)
        for m in self.mentions:
            self._block(m.start, m.end)
        self.dates = dates_mod.find(self.text, today)
        for d in self.dates:
            self._block(d.start, d.end)
        for m in [*IDENTIFIER.finditer(self.text), *FREQUENCY.finditer(self.text)]:
            self._block(m.start(), m.end())
        self.level_phrases = [m for m in LEVEL.finditer(self.text) if not any(self.blocked[m.start():m.end()])
                              or m.group("a") is not None]
        for m in self.level_phrases:
            self._block(m.start(), m.end())
        self.quantities = qty.find(self.text, self.blocked)
        for a, b in zip(self.quantities, self.quantities[1:]):
            # "85到90%" / "2到4个小时": the unit said once holds for both ends of a range.
            if a.kind is None and b.kind is not None and RANGE_BETWEEN.match(self.text[a.end:b.start]):
                a.kind, a.unit, a.decimal_rate = b.kind, b.unit, False
            elif b.kind is None and a.kind is not None and RANGE_BETWEEN.match(self.text[a.end:b.start]):
                b.kind, b.unit, b.decimal_rate = a.kind, a.unit, False  # "百分之八十五到九十"
            # "first response is 3.5 hours, 2.5 was the hotline only": a bare number right after a duration, with
            # no other name between them, is in the same unit.
            elif b.kind is None and a.duration and self.clause_at(a.start).sentence == self.clause_at(b.start).sentence \
                    and not any(a.end <= m.start < b.start for m in self.mentions) and not self.text[b.end:b.end + 1] in "%":
                b.kind, b.unit, b.decimal_rate = a.kind, a.unit, False
        self.used: set[int] = set()  # quantities placed (or read as something that is no fact), by start
        self.recorded_at: set[int] = set()  # quantities that became a recorded value (a KPI, the head count), by start
        self.stated, self.supposed = Extraction(), Extraction()
        self.finding_spans: list[tuple[int, int]] = []
        self.negated: dict[str, tuple[int, str]] = {}  # criterion -> (position, words)
        self._named_evidence: dict[int, str] = {}  # "X是D1.1的证据": the criterion said for the item at a position
        self._said_at: set[int] = set()  # where an item called evidence in so many words begins ("证据是…"): always recorded
        # The documents the evidence rules keep, with the features the learned check weighs (scripts/train_evidence_filter.py).
        self.evidence_candidates: list[tuple[str | None, str, dict[str, float]]] = []
        # The practices described without a level, with what the descriptor rules found (read_descriptions):
        # (criterion, start, end, (level, tied) or None).
        self.description_candidates: list[tuple[str, int, int, tuple[int, bool] | None]] = []

    # --- helpers

    def _t(self, zh: str, en: str) -> str:
        """Words said back in the message's language."""
        return en if self.en else zh

    def _block(self, a: int, b: int) -> None:
        for k in range(a, min(b, len(self.blocked))):
            self.blocked[k] = True

    def _it_systems(self) -> list[Mention]:
        """"设备远程监控平台上线了" / "系统早就上了": a service IT system put in place names D5.3."""
        out = []
        pattern = re.compile(r"[\u4e00-\u9fffA-Za-z]{0,8}(?:系统|平台)(?=\S{0,4}(?:上线|上了|用上|投用|在用|启用|覆盖|打通|接入))")
        name = Name("系统", (("other", "D5.3"),))
        for m in pattern.finditer(self.text):
            out.append(Mention(None, m.start(), m.end(), m.group(0), name))
        return out

    def clause_at(self, pos: int) -> Clause:
        i = bisect.bisect_right(self._clause_starts, pos) - 1
        return self.clauses[max(0, i)]

    def out(self, pos: int) -> Extraction | None:
        """Where a fact said at `pos` goes: the stated facts, the supposed ones, or nowhere (a question)."""
        c = self.clause_at(pos)
        if c.hypothetical:
            return self.supposed
        if c.question:
            return None
        return self.stated

    def said(self, a: int, b: int) -> str:
        return self.raw[a:b].strip(" ,，。.;；")

    def sentence_mentions(self, pos: int) -> list[Mention]:
        s = self.clause_at(pos).sentence
        return [m for m in self.mentions if self.clause_at(m.start).sentence == s]

    def about_others(self, pos: int, before: bool = False) -> bool:
        """Whether the sentence at `pos` (with `before`, its words before `pos`) tells of another company ("隔壁那家同行
        被查出来材料造假", "参考过同行一家龙头企业的《服务标准手册》", "our competitor got a major NC") and not of the
        client too ("…，我们也被开了"): nothing in it is this client's fact."""
        clause = self.clause_at(pos)
        start = min(c.start for c in self.clauses if c.sentence == clause.sentence)
        piece = self.text[start:pos] if before else self._sentence_text(clause.sentence)
        return bool(OTHER_PARTY.search(piece)) and not OWN_TOO.search(piece)

    def in_findings(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.finding_spans)

    # --- the whole message

    def read(self) -> Extraction:
        self.read_findings()
        self.read_levels()
        self.read_kpis()
        self.read_absence()
        self.read_descriptions()
        self.read_evidence()
        self.read_declarations()
        self.drop_confessed_values()
        self.read_enterprise()
        self.read_dates()
        self.read_unplaced()
        mentioned = list(dict.fromkeys(c for m in self.mentions for c in [m.criterion or m.of("other") or m.of("rate")
                                                                          or m.of("time")] if c))
        stated, supposed = self.stated, self.supposed
        stated.mentioned = mentioned
        if supposed.changes:
            supposed.hypothetical = True
            supposed.mentioned = mentioned
            supposed.unplaced = []  # numbers in a what-if are supposed, not stated facts to be placed
            supposed.set_aside = []
            if stated.anything:
                supposed.stated = stated
            return supposed
        # A what-if that supposes nothing readable ("如果年后成立售后部，最少要做到几级？") is a question; the facts
        # stated beside it are recorded as usual.
        stated.hypothetical = any(c.hypothetical for c in self.clauses) and not stated.changes
        return stated
