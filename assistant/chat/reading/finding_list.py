"""Findings told as a list, the way an audit's result is reported: a tally ("开了一个严重两个一般", "1严重2一般1观察",
"严重0条，一般3条，观察2条", "2 minor 1 major"), then the items under their severity ("严重：…；一般：①…②…；观察：…",
"一般1：…；一般2：…", "一般不符合2项：一是…，二是…", "一个说…；一个说…"), then what holds for some or all of them
("三个都还在整改", "严重项已经现场复审关闭，其余在整改中"). Each finding is recorded once, with the criterion its own
words are about; a severity counted but not itemised is recorded without a criterion.

A mixin of the Reader (assistant.chat.reading.facts), tried before the sentence-by-sentence reading of findings
(assistant.chat.reading.findings); it reads only messages with at least two findings and no finding IDs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.chat.reading import quantities as qty
from assistant.chat.reading.model import FindingUpdate
from assistant.chat.reading.patterns import DIMENSION, FINDING_CLOSED, FINDING_ID, FINDING_OPEN, OTHER_STANDARD

_NUM = r"(?:\d{1,2}|[零一二两三四五六七八九十]|俩|仨|one|two|three|four|five|six|zero|no)"
_SEV_ZH = (r"(?P<major>严重(?:不符合|不合格)?项?|重大不符合项?)"
           r"|(?P<minor>(?:一般|轻微|一半)(?:不符合|不合格)?项?)"
           r"|(?P<obs>观察项?|建议项)")
_SEV_EN = (r"(?P<emajor>\bmajors?\b(?:\s+(?:non-?conformit(?:y|ies)|ncs?|findings?))?)"
           r"|(?P<eminor>\bminors?\b(?:\s+(?:non-?conformit(?:y|ies)|ncs?|findings?))?)"
           r"|(?P<eobs>\bobservations?\b|\bOFIs?\b)")
SEV = re.compile(_SEV_ZH + "|" + _SEV_EN, re.IGNORECASE)
_UNIT = r"\s*(?:个|项|条|份)?\s*"
# A count said before the severity ("两个一般", "1严重", "2 minor") or after it ("严重0条", "一般不符合 1", "严重1个").
COUNT_BEFORE = re.compile(rf"(?<![0-9.A-Za-z])(?P<n>{_NUM}){_UNIT}(?:的)?(?=(?:{_SEV_ZH}|{_SEV_EN}))", re.IGNORECASE)
COUNT_AFTER = re.compile(rf"\s*[:：]?\s*(?P<n>{_NUM})\s*(?:(?:个|项|条)|(?=[,，、。;；\s]|$))", re.IGNORECASE)
# Where an item's words begin after its severity: "严重：", "一般——", "一般1：", "严重不符合1项：", "严重的是",
# "一般的一个是", "观察的是", "major:".
HEADER_TAIL = re.compile(r"\s*(?:\d\s*)?(?:的)?(?:[0-9零一二两三四五六七八九十]\s*(?:个|项|条)\s*)?(?:的)?"
                         r"(?:那条|那个|那项|一个|一项|一条)?\s*(?:[:：]|——|—|-(?!\d)|是(?!否)|说|在(?=D\d)|(?<=[个项条])[，,]|(?<=[0-9一二三四五])\s*[（(])", re.IGNORECASE)
# How items are enumerated inside a severity's part.
ENUMERATOR = re.compile(r"[（(]\s*[0-9一二三四五]\s*[)）]|(?<![0-9.])[0-9]\s*[)）、.．](?![0-9])"
                        r"|(?<![一二三四五六七八九十])[一二三四五]是|第[一二三四五](?:项|个|条)?\s*(?:是|[:：，,])?"
                        r"|另一(?:个|项|条)(?:是|说)?|(?:还有)?一(?:个|项|条)(?:是|说)|(?:(?<=[,，;；:：])|^)\s*一个(?=\S)"
                        r"|\b(?:the other|another|one)\s+(?:is|was)\b")
# What is said after the list for some or all of its findings.
REST = re.compile(r"(?:其余|其他|剩下|另外)(?:的|几个|两个|那几个)?|\bthe (?:other|rest)\b|\bothers\b", re.IGNORECASE)
ALL = re.compile(r"(?:[两三四五六几]个|全部|全都|都|均|\b(?:all|both)\b)", re.IGNORECASE)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "zero": 0, "no": 0, "俩": 2, "仨": 3}
# Said of the finding being dealt with, not closed by the certification body (SCHEME.md §4: closure is verified by
# the body): "材料交了，等审核员看", "整改完了" alone.
AWAITING = re.compile(r"等(?:审核员|审核组|审核老师|老师|认证机构|确认|现场|复审|验证|审查|下次)|待(?:确认|验证|复审|审查)|还没(?:确认|回信|回复)|就差"
                      r"|\bawaiting\b|\bwaiting for\b|\bpending\b|\bhas(?:n't| not) (?:confirmed|verified|happened)\b"
                      r"|\bnot (?:yet )?(?:confirmed|verified)\b", re.IGNORECASE)


class _Lead:
    """A header that is not said: the items after a tally's colon."""

    def __init__(self, severity: str, at: int) -> None:
        self.severity, self.at = severity, at

    def start(self) -> int:
        return self.at


def _sev(m) -> str:
    if isinstance(m, _Lead):
        return m.severity
    g = m.lastgroup or ""
    return {"major": "major", "emajor": "major", "minor": "minor", "eminor": "minor"}.get(g, "observation")


def _count(word: str) -> int | None:
    w = word.lower()
    if w in _WORDS:
        return _WORDS[w]
    n = qty.number(w)
    return int(n) if n is not None and float(n).is_integer() else None


@dataclass
class _Part:
    severity: str
    start: int  # where the items' words begin
    end: int
    head: int  # where the severity is said
    items: list[tuple[int, int]] = field(default_factory=list)


class FindingListReading:
    """Reads findings told as a list (a mixin of the Reader)."""

    def _read_finding_list(self) -> bool:
        """Whether the message tells at least two findings as a list, and if so records them."""
        text = self.text
        if FINDING_ID.search(text) and any(not DIMENSION.fullmatch(m.group(0)) for m in FINDING_ID.finditer(text)):
            return False
        if self.correction or any(c.hypothetical for c in self.clauses) or not self.clauses:
            return False
        if OTHER_STANDARD.search(text):
            return False
        if re.search(r"(?:降级|降为|降成|改为|改成|调整为|改判)(?:了)?\s*(?:一般|观察|严重|轻微)", text):
            return False  # "严重不符合被降级成一般不符合": one finding regraded, not a list of two
        tally, tally_spans = self._tally()
        parts = self._parts(tally, tally_spans)
        counted = sum(tally.values())
        if not parts or (counted < 2 and len(parts) < 2):
            return False  # a tally alone ("开了3个一般，已经关了2个") is read sentence by sentence
        first = min([a for a, _ in tally_spans] + [p.head for p in parts])
        out = self.out(first)
        if out is not self.stated or self._not_raised_here(first):
            return False
        # Items per severity: the ones itemised, then as many without words as the tally counts beyond them.
        items: list[tuple[str, int, int]] = []
        for p in parts:
            items += [(p.severity, a, b) for a, b in p.items]
        for sev, n in tally.items():
            have = sum(1 for s, _, _ in items if s == sev)
            items += [(sev, -1, -1)] * max(0, n - have)
        if len(items) < 2:
            return False
        end = max([b for _, _, b in items] + [b for _, b in tally_spans])
        end = self.clause_at(max(0, end - 1)).end
        # What is said after the items, for some or all of them; "…，现在都关了" at the end of the last item too.
        trailer = self._trailer_statuses(end, [s for s, _, _ in items])
        # Said before the items ("严重项复审通过了，观察项还挂着。严重的是…"): for the severity it names.
        before, _ = self._trailer_statuses(0, [s for s, _, _ in items], until=first)
        for k, v in before.items():
            trailer[0].setdefault(k, v)
        head_status = self._status(self._between_tally_and_items(tally_spans, parts))
        last = max(range(len(items)), key=lambda i: items[i][2])
        sev, a, b = items[last]
        for c in self.clauses:
            if a < c.start < b and ALL.match(re.sub(r"^(?:现在|目前|已经|后来)", "", self.text[c.start:b])) and self._only_frame(c.start, b):
                trailer[0].setdefault("all", self._status(self.text[c.start:b]))
                items[last] = (sev, a, c.start)
                break
        day = self._day_in(0, len(text)) or self._same_audit(0, len(text))
        for q in self.quantities:
            if any(a <= q.start < b for a, b in tally_spans):
                self.used.add(q.start)
        for p in parts:
            for q in self.quantities:
                if p.head <= q.start < p.start:
                    self.used.add(q.start)  # "一般1：", "严重不符合1项："
        self.finding_spans = [(first, max(end, trailer[1]))]
        statuses = trailer[0]
        for sev, a, b in items:
            own = self._item_status(a, b) if a >= 0 else None
            status = own or statuses.get(sev) or head_status or statuses.get("all") or "open"
            if a >= 0:
                words_end = self._status_cut(a, b)
                cid = self._criterion_of(a, words_end)
                words = self._finding_text(a, words_end)
            else:
                cid, words = None, ""
            out.findings.append(FindingUpdate(None, cid, sev, words, day, status))
        return True

    # --- the tally

    def _tally(self) -> tuple[dict[str, int], list[tuple[int, int]]]:
        """{severity: count} said as counts, and where. A message counts one way: the number before the severity
        ("一个严重两个一般") or after it ("严重1个一般3个", "严重0条，一般3条"); the first count said decides."""
        before, after = [], []
        for m in COUNT_BEFORE.finditer(self.text):
            s = SEV.match(self.text, m.end())
            n = _count(m.group("n"))
            if s is not None and n is not None and n <= 9 and not self._not_a_tally(m.start(), s.end()):
                if re.match(r"[:：]", self.text[s.end():s.end() + 1]) and n == 1 and before:
                    continue  # "一般1：" after a tally is an item's header
                before.append((m.start(), s.end(), _sev(s), n))
        for s in SEV.finditer(self.text):
            m = COUNT_AFTER.match(self.text, s.end())
            if m is None:
                continue
            n = _count(m.group("n"))
            if n is None or n > 9 or re.match(r"\s*[:：]", self.text[m.end():m.end() + 2]) and not re.search(r"个|项|条", m.group(0)):
                continue  # "一般1：…" names the first minor item
            after.append((s.start(), m.end(), _sev(s), n))
        chosen = before
        if after and (not before or after[0][0] < before[0][0]):
            chosen = after
        tally: dict[str, int] = {}
        spans: list[tuple[int, int]] = []
        for a, b, sev, n in chosen:
            if sev in tally:
                continue
            tally[sev] = n
            spans.append((a, b))
        return tally, sorted(spans)

    def _not_a_tally(self, a: int, b: int) -> bool:
        before = self.text[max(0, a - 4):a]
        # "上次那三个一般项" names findings already told; "没有一个严重" denies one.
        return bool(re.search(r"(?:那|这|没有?|无|未)$", before))

    # --- the items

    def _parts(self, tally: dict[str, int], tally_spans: list[tuple[int, int]]) -> list[_Part]:
        heads = []
        for s in SEV.finditer(self.text):
            t = HEADER_TAIL.match(self.text, s.end())
            if t is None:
                continue
            # "严重那个已经现场复审关了" tells a status, not an item: a header's words follow a delimiter or 是/说.
            if re.search(r"说$", t.group(0)) and re.match(r"\s*(?:的|了)", self.text[t.end():t.end() + 1]):
                continue
            if SEV.match(self.text, t.end() + len(self.text[t.end():]) - len(self.text[t.end():].lstrip())):
                continue  # "一般2条，观察1条": the tally goes on, no item's words
            heads.append((s, t.end()))
        # With no header, a tally of one severity followed by a colon or an enumeration starts the items.
        if not heads and len([n for n in tally.values() if n]) == 1:
            sev = next(k for k, n in tally.items() if n)
            for s in SEV.finditer(self.text):
                if _sev(s) != sev:
                    continue
                rest = re.match(r"[^。；;.!?！？]*?(?:[:：]|(?=[,，]\s*(?:一个|第一|一是|①|1[.、)）])))", self.text[s.end():])
                if rest:
                    heads.append((s, s.end() + rest.end()))
                    break
        # "开了两个一般、一个观察，都是同一天开的：A；B；观察是C": the items after the tally's colon, before the first
        # header, are the first severity counted that has no header of its own.
        tally_end = tally_spans[-1][1] if tally_spans else 0
        if heads and tally:
            lead = re.compile(r"[:：]").search(self.text, tally_end, heads[0][0].start())
            unheaded = [k for k, n in tally.items() if n and k not in {_sev(s) for s, _ in heads}]
            if lead and unheaded and self.clause_at(lead.start()).sentence == self.clause_at(tally_end).sentence:
                heads.insert(0, (_Lead(unheaded[0], lead.start()), lead.end()))
        parts: list[_Part] = []
        for i, (s, start) in enumerate(heads):
            nxt = heads[i + 1][0].start() if i + 1 < len(heads) else None
            end = nxt if nxt is not None else self._sentence_end(start)
            # "一个一般不符合是X，现在还开着；一个观察项在D3.2": a severity counted further on starts another finding.
            end = min([end] + [x for x, _ in tally_spans if start < x < end])
            parts.append(_Part(_sev(s), start, end, s.start()))
        for p in parts:
            alone = sum(1 for q in parts if q.severity == p.severity) == 1
            p.items = self._split(p.start, p.end, tally.get(p.severity) if alone else 1)
        return [p for p in parts if p.items]

    def _sentence_end(self, pos: int) -> int:
        m = re.compile(r"[。!?！？\n]|\.(?=\s|$)").search(self.text, pos)
        return m.start() if m else len(self.text)

    def _split(self, a: int, b: int, count: int | None) -> list[tuple[int, int]]:
        """The items in [a, b): by enumerators, else by semicolons, else by commas when that gives the count."""
        piece = self.text[a:b]
        # Circled numbers are digits once the text is normalised (NFKC): found in the words as typed.
        marks = sorted([*ENUMERATOR.finditer(piece),
                        *re.finditer(r"[①-⑨]", self.raw[a:b])], key=lambda m: m.start())
        if len(marks) >= 2 or (marks and count and count >= 2 and marks[0].start() > 2):
            bounds = [(m.end(), marks[i + 1].start() if i + 1 < len(marks) else len(piece)) for i, m in enumerate(marks)]
            if marks[0].start() > 2 and not re.fullmatch(r"[\s,，:：;；]*", piece[:marks[0].start()]):
                bounds.insert(0, (0, marks[0].start()))
        else:
            body = piece.rstrip(" ,，;；。)）")
            semis = [m.start() for m in re.finditer(r"[;；]", body)]
            cuts = semis
            if len(semis) + 1 < (count or 0):
                commas = [m.start() for m in re.finditer(r"[,，、/]", body)]
                cuts = commas if len(commas) == count - 1 else semis
            edges = [0] + [c + 1 for c in cuts]
            bounds = [(e, (cuts[i] if i < len(cuts) else len(piece))) for i, e in enumerate(edges)]
        items = []
        for x, y in bounds:
            x, y = a + x, a + y
            y = x + len(self.text[x:y].rstrip(" ,，;；。)）"))
            words = re.sub(r"[\s,，;；:：。、.]+", "", self.text[x:y])
            words = re.sub(r"^(?:还有|另外|以及|and)", "", words)
            if len(words) >= 3:
                items.append((x, y))
        if count is not None and count >= 1 and len(items) > count:
            items = items[:count - 1] + [(items[count - 1][0], items[-1][1])]
        return items

    # --- statuses

    def _item_status(self, a: int, b: int) -> str | None:
        piece = self.text[a:b]
        if AWAITING.search(piece):
            return "open"
        st = self._status(piece)
        # The finding's own description may hold the word ("投诉关闭没有客户确认"): only a status at its end counts.
        if st is not None and not self._ends_in_status(a, b):
            return None
        return st

    def _status_cut(self, a: int, b: int) -> int:
        """The end of an item's words without a status said at its end ("…，已关闭")."""
        for c in reversed(self.clauses):
            if a < c.start < b and (FINDING_OPEN.search(self.text, c.start, b) or FINDING_CLOSED.search(self.text, c.start, b)
                                   or AWAITING.search(self.text, c.start, b)):
                if len(re.sub(r"[\W_]", "", self.text[a:c.start])) >= 4:
                    b = c.start
            else:
                break
        return b

    def _between_tally_and_items(self, tally_spans, parts) -> str:
        if not tally_spans or not parts:
            return ""
        a = tally_spans[-1][1]
        b = parts[0].start
        return self.text[a:b] if a < b else ""

    def _trailer_statuses(self, end: int, severities: list[str], until: int | None = None) -> tuple[dict, int]:
        """Statuses said after the list: for a severity ("严重项已经现场复审关闭"), for the rest ("其余在整改中"), for all
        ("三个都还在整改"); and where the trailer ends."""
        out: dict = {}
        last = end
        said: set[str] = set()
        for c in self.clauses:
            if c.start < end:
                continue
            if until is not None and c.end > until:
                break
            piece = self.text[c.start:c.end]
            if until is not None and not SEV.search(piece):
                continue
            status = "open" if AWAITING.search(piece) else self._status(piece)
            if status is None:
                if until is None and any(m.criterion for m in self.mentions if c.start <= m.start < c.end) or re.search(r"\d", piece):
                    break
                continue
            s = SEV.search(piece)
            if s is not None and not ALL.match(piece, s.end()):
                sev = _sev(s)
                out[sev] = status
                said.add(sev)
            elif REST.match(piece.strip()):
                for sev in set(severities) - said:
                    out[sev] = status
            else:
                out["all"] = status
            last = c.end
        return out, last
