"""KPI values in a message: which criterion a number belongs to, in its unit, and which of several counts."""

from __future__ import annotations

import re

from assistant.chat.reading import quantities as qty
from assistant.chat.reading.lexicon import Mention
from assistant.chat.reading.model import Extraction, KpiUpdate
from assistant.chat.reading.patterns import (
    AIM,
    AIM_AFTER,
    AVERAGE,
    CHANGE_BETWEEN,
    COMPLEMENTS,
    DAY_LENGTH,
    DENIED,
    PEAK,
    NOW,
    OLD_REF,
    PAST,
    PER_PERIOD,
    RANGE_BETWEEN,
    SPREAD,
    SPREAD_CONTEXT,
    OVERALL,
    UNSURE,
    TARGET,
)
from assistant.rules.scheme import format_number

# Said right before a value inside a what-if, it makes that value the current one: "从现在的2.6%", "目前是20小时".
NOW_BEFORE = re.compile(r"(?:从|由)?(?:现在|目前|当前|眼下)(?:的|是|为)?\s*$")


class KpiReading:
    """Reads KPI values (a mixin of the Reader: it uses the Reader's text, clauses, names and quantities)."""

    def _kind(self, q: qty.Quantity) -> str | None:
        if q.kind in (None, "percent"):
            return "rate"
        if q.duration or q.kind == "training_hours":
            return "time"
        return None

    def _accepts(self, cid: str | None, q: qty.Quantity) -> bool:
        if not cid:
            return False
        c = self.scheme.criteria[cid]
        if not c.is_kpi:
            return False
        if q.kind is None:
            # A bare number is a percentage or training hours; for a time it needs its unit.
            return c.unit in ("percent", "training_hours")
        if c.unit == "training_hours" and q.kind in ("days", "workdays") and self._day_hours() is not None:
            return True  # "培训两天，一天按八个小时算"
        return qty.in_unit(q, c.unit or "") is not None

    def _day_hours(self) -> float | None:
        """How many hours a training day is, when the message says so ("一天按八个小时算", "at 8 hours a day")."""
        m = DAY_LENGTH.search(self.text)
        return qty.number(m.group("h") or m.group("e") or m.group("d")) if m else None

    def _criterion_for(self, q: qty.Quantity) -> tuple[str, Mention | None] | None:
        kind = self._kind(q)
        if kind is None:
            return None
        if self._counted(q):
            return None  # "14 service engineers": a count of people or things, never a KPI value
        clause = self.clause_at(q.start)
        before = [m for m in self.sentence_mentions(q.start) if m.end <= q.start]
        if self._owned_by_another(q, before, kind):
            return None  # "满意度91%，应答率63%": 63% is the 应答率's, a quantity the scheme does not have
        for m in reversed(before):
            cid = self._named(m, q, kind)
            if self._accepts(cid, q):
                return cid, m  # type: ignore[return-value]
        after = [m for m in self.mentions if clause.start <= m.start and m.start >= q.end and m.end <= clause.end]
        for m in after:
            cid = self._named(m, q, kind)
            if self._accepts(cid, q):
                return cid, m  # type: ignore[return-value]
        # "We track first response in our CRM; it averages 2.5 hours": "it" is what the sentence before named.
        # So does "…used to take two weeks; now it's about 4 days" / "…去年是8天。现在5天".
        refers = bool(_PRONOUN.search(self.text, clause.start, q.start) or _BACK.match(self.text[self._sentence_start(q.start):]))
        if not self.sentence_mentions(q.start) and (refers or self._topic_alone(clause.sentence - 1)):
            earlier = [m for m in self.mentions if self.clause_at(m.start).sentence == clause.sentence - 1]
            for m in reversed(earlier):
                cid = m.of(kind) if m.criterion is None else m.criterion
                if self._accepts(cid, q):
                    return cid, m  # type: ignore[return-value]
        # "不对，是4小时" / "86是去年的，今年的是89": a value without a name corrects the criterion just talked about;
        # so does a bare value said alone ("大概90%").
        if self.ctx.asked in self.scheme.criteria and not self.mentions and self._bare_value() and self._accepts(self.ctx.asked, q):
            return self.ctx.asked, None  # "88%" right after "一次修复率是多少？"
        bare = len(re.sub(r"[\W_]", "", self.text)) <= 10 and not self.mentions
        temporal = not self.mentions and PAST.search(self.text) and NOW.search(self.text)
        counted = q.kind is None and re.match(r"\s*[个名位人台件份条项家]", self.text[q.end:q.end + 2])
        # "现在是91.2%，如果提到95%能升一级吗": "now" / "it" with no name in the message is the KPI just talked about.
        if (self.correction or bare or temporal or refers and not self.mentions) and not counted and not any(self.scheme.criteria.get(m.criterion or "") for m in self.sentence_mentions(q.start)):
            for cid in reversed(self.ctx.focus):
                if cid in self.scheme.criteria and self._accepts(cid, q):
                    return cid, None
        return None

    def _counting_window(self, q: qty.Quantity) -> bool:
        """"一年也就十几起", "一个月有两百来单", "about 300 tickets a month": a period said with a count of things in
        it, in the same clause, is the window of that count."""
        if not q.duration:
            return False
        clause = self.clause_at(q.start)
        nxt = next((p for p in self.quantities if p.start >= q.end), None)
        if nxt is None or nxt.kind != "count" or nxt.start >= clause.end:
            return False
        return nxt.start - q.end <= 4

    def _unsure(self, q: qty.Quantity) -> bool:
        """"大概91%吧，我再核实一下": a value its sentence says is to be checked. Not when the doubt is about other
        figures ("这些是系统导出来的，别的我得去问一下") or about a clause with a figure of its own."""
        clause = self.clause_at(q.start)
        for c in self.clauses:
            if c.sentence != clause.sentence:
                continue
            found = UNSURE.search(self.text, c.start, c.end)
            if found is None or _OTHERS.search(self.text, c.start, found.start()):
                continue
            if c is clause or not any(c.start <= p.start < c.end for p in self.quantities):
                return True
        return False

    def _owned_by_another(self, q: qty.Quantity, before: list[Mention], kind: str) -> bool:
        """A value said right after the name of a rate or share that is none of the scheme's KPIs ("应答率63%",
        "接通率85%", "the response rate was 63%"): it belongs to that name, never to a KPI named earlier."""
        clause = self.clause_at(q.start)
        found = _FOREIGN_RATE.search(self.text, clause.start, q.start)
        if found is None:
            return False
        a, b = found.span("name")
        inside = [m for m in self.mentions if m.start < b and a < m.end]
        if any(self._accepts(self._named(m, q, kind), q) for m in inside):
            return False
        # "Spare parts fill rate", "上门……及时率": words that go on naming, or shorten, a KPI named before it.
        if any(0 <= a - m.end <= 1 for m in before):
            return False
        name = found.group("name").lower()
        tail = name if name.isascii() else name[-3:]  # "response rate"; "及时率" of "都到了，及时率"
        named = {c for m in before for c in [self._named(m, q, kind)] if c}
        return not any(tail in n.text and (n.criterion(kind) in named or n.criterion("any") in named) for n in self.lex.names)

    def _topic_alone(self, sentence: int) -> bool:
        """"上门及时率的话……大概九成二吧": a sentence that only names a KPI, with no number of its own, is the topic of
        the value said next."""
        if sentence < 0 or any(self.clause_at(p.start).sentence == sentence for p in self.quantities):
            return False
        return any(self.clause_at(m.start).sentence == sentence and m.criterion and self.scheme.criteria[m.criterion].is_kpi
                   for m in self.mentions)

    def _named(self, m: Mention, q: qty.Quantity, kind: str) -> str | None:
        """The criterion a name means for `q`: "学时28" is training hours though a bare number reads first as a rate."""
        if m.criterion is not None:
            return m.criterion
        return m.of(kind) or (m.of("time") if q.kind is None else None)

    def _counted(self, q: qty.Quantity) -> bool:
        """A bare number followed by a noun counts people or things: "14 service engineers", "3 sites"."""
        if q.kind is not None or q.decimal_rate:
            return False
        m = re.match(r"\s+([A-Za-z][A-Za-z-]{2,})", self.text[q.end:q.end + 24])
        return bool(m) and m.group(1).lower() not in _FUNCTION_WORDS

    def _aimed(self, q: qty.Quantity) -> bool:
        """A target, a commitment or a requirement, not a measured value: "目标95%", "承诺2小时", "our goal is 40"."""
        clause = self.clause_at(q.start)
        if AIM_AFTER.match(self.text[q.end:clause.end + 12]):
            return True
        head = self.text[clause.start:q.start]
        aims = [m for m in AIM.finditer(head) if not any(x.start <= clause.start + m.start() < x.end for x in self.mentions)]
        if not aims:
            return False
        return not NOW.search(head, aims[-1].end()) and not any(clause.start + aims[-1].end() <= p.start < q.start for p in self.quantities)

    def _window(self, q: qty.Quantity) -> str | None:
        """"30天内同一问题重开的比例0.8%" / "2小时内上门的比例": a duration ending in 内 before a rate's name, in its clause."""
        if not q.duration or not re.match(r"\s*(?:以内|之内|内)", self.text[q.end:q.end + 3]):
            return None
        clause = self.clause_at(q.start)
        nxt = next((m for m in self.mentions if q.end <= m.start < clause.end), None)
        if nxt is None or any(q.end <= p.start < nxt.start for p in self.quantities):
            return None
        cid = nxt.criterion or nxt.of("rate")
        return cid if cid and self.scheme.criteria[cid].unit == "percent" else None

    def _complement(self, q: qty.Quantity) -> str | None:
        """The criterion whose shortfall `q` states ("两成半没拿到证": 25 % without a certificate), or None."""
        if q.kind not in (None, "percent") or self._counted(q):
            return None
        clause = self.clause_at(q.start)
        after = self.text[q.end:min(clause.end, q.end + 14)]
        before = self.text[max(clause.start, q.start - 12):q.start]
        for cid, pattern in COMPLEMENTS:
            if pattern.match(re.sub(r"^\s*(?:的|是|都|还|要|会|需要)*", "", after)) or (
                    (m := list(pattern.finditer(before))) and re.fullmatch(r"(?:的|率|比例)?\s*(?:占|有|是|为|约|大概|差不多|在)*\s*", before[m[-1].end():])):
                if not any(x.criterion and x.criterion != cid and self.scheme.criteria[x.criterion].is_kpi
                           for x in self.mentions if clause.start <= x.start < clause.end):
                    return cid
        return None

    def _stated_directly(self, cid: str, q: qty.Quantity) -> bool:
        """Whether the sentence of `q` also gives `cid` a value by its name."""
        s = self.clause_at(q.start).sentence
        for p in self.quantities:
            if p is q or self.clause_at(p.start).sentence != s or self._aimed(p) or self._complement(p):
                continue
            found = self._criterion_for(p)
            if found and found[0] == cid:
                return True
        return False

    def _record_complement(self, cid: str, q: qty.Quantity, out: Extraction) -> None:
        c = self.scheme.criteria[cid]
        clause = self.clause_at(q.start)
        said = self.said(max(clause.start, q.start - 12), min(clause.end, q.end + 14))
        value = round(100 - q.value, 4)
        self.recorded_at.add(q.start)
        out.kpis.append(KpiUpdate(cid, value, said, self._t(
            f"“{said}”说的是未达到的比例，按{c.name}{format_number(value)}%记录",
            f"\"{said}\" is the share falling short: recorded as {c.name_en} {format_number(value)}%")))

    def _respectively(self) -> None:
        """"一次修复率和返修率分别是92%和1.5%" / "满意度和修复率都是90%": values given to names in a list."""
        for m in re.finditer(r"分别(?:是|为|达到|在)?|\brespectively\b|(?:都是|均为|都在|都达到|\bboth (?:are|at)\b)", self.text, re.ASCII):
            clause = self.clause_at(m.start())
            out = self.out(m.start())
            if out is None:
                continue
            s = clause.sentence
            names = [x for x in self.mentions if x.end <= m.start() and self.clause_at(x.start).sentence == s
                     and x.criterion and self.scheme.criteria[x.criterion].is_kpi]
            values = [q for q in self.quantities if q.start >= m.end() and self.clause_at(q.start).sentence == s
                      and q.start not in self.used and self._kind(q)]
            if len(names) < 2 or not values:
                continue
            pairs = list(zip(names, values)) if "分别" in m.group(0) or "respectively" in m.group(0) else [(n, values[0]) for n in names]
            for name, q in pairs:
                if self._accepts(name.criterion, q):
                    self._record(name.criterion, q, name, out, "")
            for q in values[:len(names)]:
                self.used.add(q.start)

    def read_kpis(self) -> None:
        self._respectively()
        training = any(self.scheme.criteria[c].unit == "training_hours" for x in self.mentions for c in [x.criterion or x.of("time")] if c)
        for m in DAY_LENGTH.finditer(self.text) if training else ():
            # The length of a training day says how to count its days, and is no value of its own.
            self.used.update(q.start for q in self.quantities if m.start() <= q.start < m.end())
        groups: dict[tuple[str, int], list[tuple[qty.Quantity, Mention | None]]] = {}
        targets: dict[int, Extraction] = {}
        for q in self.quantities:
            if q.start in self.used or self.in_findings(q.start):
                continue
            if q.kind is None and re.match(r"\s*(?:号线|号|型|批|栋|楼|车间|线)", self.text[q.end:q.end + 3]):
                continue  # "3号线生产的那几批": a line's or a model's number, never a KPI's value
            if q.kind is None and re.fullmatch(r"(?:19|20)\d\d", q.text.strip()):
                continue  # "Annual Training Plan 2026", "2025年版": a year, never a KPI's value
            if re.fullmatch(r"\d{1,2}", q.text) and re.match(r"[.．、]\s*\D", self.text[q.end:q.end + 3]) \
                    and re.search(r"(?:^|[\s:：;；])$", self.text[:q.start]):
                continue  # "1. 2026年度培训计划 2. 课程清单": the number of an item in a list
            if q.delta:
                self.used.add(q.start)  # "比去年提升了3个百分点": the change, said with the value it led to
                continue
            if self._counting_window(q):
                self.used.add(q.start)  # "投诉一年也就十几起": the period a count is of, not a duration of the KPI
                continue
            target = self.out(q.start)
            if target is self.supposed and NOW_BEFORE.search(self.text[max(0, q.start - 8):q.start]):
                target = self.stated  # "假如返修率从现在的2.6%降到1%": the value now is stated, the other supposed
            if target is None:
                self.used.add(q.start)  # a number in a question is asked about, not stated
                continue
            if q.chinese and q.kind is None and not self._bare_chinese_value(q):
                continue
            if target is self.stated and self._aimed(q) and self._kind(q):
                self.used.add(q.start)
                target.set_aside.append(self._t(f"{self.said(q.start, q.end)}（目标或承诺值，不是实际值）",
                                                f"{self.said(q.start, q.end)} (a target or commitment, not the actual value)"))
                continue
            if (short := self._complement(q)) and not any(k.criterion == short for k in target.kpis):
                self.used.add(q.start)
                if self._stated_directly(short, q):
                    # "持证率九成，还有一成在考": the share named is the value; the rest is said back.
                    target.set_aside.append(self._t(f"{self.said(q.start, q.end)}（未达到的部分，已按直接说出的{self.scheme.criteria[short].name}记录）",
                                                    f"{self.said(q.start, q.end)} (the share falling short; the rate stated is recorded)"))
                else:
                    self._record_complement(short, q, target)
                continue
            found = self._criterion_for(q)
            if found is None and (window := self._window(q)):
                # "30天内同一问题重开的比例": the window a rate counts in, not a value; said back all the same
                self.used.add(q.start)
                c = self.scheme.criteria[window]
                target.set_aside.append(self._t(f"{self.said(q.start, q.end)}（{c.name}的统计时间窗，不是单独的数值）",
                                                f"{self.said(q.start, q.end)} (the window {c.name_en} is counted in, not a value)"))
                continue
            if found is None:
                self._misfit(q, target)
                continue
            cid, m = found
            if self._unsure(q):
                self.used.add(q.start)
                entry = self._t(f"{self.said(q.start, q.end)}（{cid}：还要核实，确认后请再告诉我）",
                                f"{self.said(q.start, q.end)} ({cid}: to be checked; tell me once confirmed)")
                if entry not in target.set_aside:
                    target.set_aside.append(entry)
                continue
            groups.setdefault((cid, id(target)), []).append((q, m))
            targets[id(target)] = target
            self.used.add(q.start)
        for (cid, key), items in groups.items():
            self._resolve(cid, items, targets[key])

    def _misfit(self, q: qty.Quantity, out: Extraction) -> None:
        """"一次修复率95小时": a value right after a KPI's name, in a unit that cannot be that KPI's, is refused with
        the reason (not left to guess)."""
        if self._kind(q) is None or q.kind is None:
            return
        clause = self.clause_at(q.start)
        before = [m for m in self.mentions if clause.start <= m.start and m.end <= q.start]
        if not before or not before[-1].criterion:
            return
        c = self.scheme.criteria[before[-1].criterion]
        if c.is_kpi and not self._accepts(c.id, q):
            said = self.said(before[-1].start, q.end)
            out.problems.append(self._t(f"“{said}”的单位与{c.id} {c.name}（单位{c.unit_symbol}）不符，未记录",
                                        f"\"{said}\": the unit does not fit {c.id} {c.name_en} ({c.unit}); not recorded"))
            self.used.add(q.start)

    def _bare_chinese_value(self, q: qty.Quantity) -> bool:
        """A Chinese numeral without a unit is a value only right after a name or a copula: "满意度九十"."""
        if q.value < 2:
            return False
        pair = next((p for p in self.quantities if p is not q and p.chinese and q.approx and p.approx
                     and (p.end == q.start or q.end == p.start)), None)
        if pair is not None:
            # "备件保障率贼高九十八九十九那样": neighbours said as a range, near a name in their clause.
            low = min(q, pair, key=lambda x: x.start)
            clause = self.clause_at(low.start)
            return any(clause.start <= m.start and 0 <= low.start - m.end <= 6 and m.criterion for m in self.mentions)
        before = self.text[max(0, q.start - 4):q.start]
        after = self.text[q.end:q.end + 2]
        return bool(re.search(r"(?:是|为|有|到|约|在|率)\s*$", before) or any(m.end == q.start for m in self.mentions)) and bool(
            re.match(r"(?:[,.;!?。]|$|左右|吧|了|上下|之间)", after) or not after)

    def _markers(self, q: qty.Quantity, pool: list[qty.Quantity]) -> set[str]:
        """past / now / target / spread / old: what the words nearest to `q` (in its clause) say of it."""
        clause = self.clause_at(q.start)
        mine = set()
        others = [p for p in pool if p is not q and self.clause_at(p.start) == clause]
        for pattern, label in ((PAST, "past"), (NOW, "now"), (TARGET, "target"), (SPREAD, "spread"), (OVERALL, "overall"),
                               (AVERAGE, "average"), (PEAK, "peak")):
            for m in pattern.finditer(self.text, clause.start, clause.end):
                if any(a <= m.start() < b for a, b in [(d.start, d.end) for d in self.dates if d.precision == "day"]):
                    continue
                dist = _distance(m.start(), m.end(), q)
                if all(dist <= _distance(m.start(), m.end(), p) for p in others):
                    mine.add(label)
        if OLD_REF.match(self.text[q.end:q.end + 16]):
            mine.add("old")
        return mine

    def _resolve(self, cid: str, items: list[tuple[qty.Quantity, Mention | None]], out: Extraction) -> None:
        c = self.scheme.criteria[cid]
        qs = [q for q, _ in items]
        name = items[0][1]
        marks = {q.start: self._markers(q, qs) for q in qs}
        for q in [q for q in qs if "target" in marks[q.start] and "now" not in marks[q.start]]:
            if len(qs) > 1:
                out.set_aside.append(self._t(f"{self.said(q.start, q.end)}（目标值，不是实际值）", f"{self.said(q.start, q.end)} (a target, not the actual value)"))
                qs.remove(q)
        if not qs:
            return
        # "1-11月的一次修复率88.6%": a bare number beside a value said with its unit, far from it and in no range or
        # change with it, is no value of this KPI ("九成多一点，92吧" is the same value said exactly).
        measured = [q for q in qs if q.kind is not None or q.decimal_rate]
        if measured and len(measured) < len(qs):
            def near(q: qty.Quantity) -> bool:
                a = q.value
                return any((b := self._value(c, u)[0]) is not None and abs(a - b) <= max(0.1 * abs(b), 1.0) for u in measured)

            kept = [q for q in qs if q in measured or near(q)
                    or any(self._relation(*sorted((q, u), key=lambda x: x.start)) for u in measured)]
            for q in qs:
                if q not in kept:
                    out.set_aside.append(self._t(f"{self.said(q.start, q.end)}（没有单位，不是{c.name}的值）",
                                                 f"{self.said(q.start, q.end)} (no unit: not the value of {c.name_en})"))
            qs = kept
        note = ""
        chosen: qty.Quantity | None = None
        why: str | None = None
        if len(qs) > 1:
            pairs = list(zip(qs, qs[1:]))
            spread = [p for p in pairs if self._relation(*p) == "range"] or (
                pairs if all("spread" in marks[q.start] for q in qs) or SPREAD_CONTEXT.search(self.text[qs[0].start:qs[-1].end + 8]) else [])
            changes = [p for p in pairs if self._relation(*p) == "change"]
            overall = [q for q in qs if "overall" in marks[q.start]]
            now = overall[-1:] or [q for q in qs if "now" in marks[q.start] and "past" not in marks[q.start]]
            old = [q for q in qs if marks[q.start] & {"past", "old"} and q not in now]
            current = [q for q in qs if self._equals_recorded(cid, q)]
            usual = self._usual(qs, marks)
            refined = self._refined(c, qs)
            loose = [q for q in qs if q.vague]
            exact = [q for q in qs if not q.vague]
            denied = {self._value(c, q)[0] for q in qs if DENIED.search(self.text, max(0, q.start - 14), q.start)}
            kept = [q for q in qs if self._value(c, q)[0] not in denied]
            if denied and kept:
                # "26 hours, not 36. The 36 was the plan" / "是26，不是36": the value denied (and named again) is not it.
                chosen, why = kept[-1], self._t("说了“不是”这个值", "said not to be the value")
            elif loose and len(exact) == 1:
                # "一般得大半天，平均八个小时吧": a loose word for a while beside a figure; the figure is the value.
                chosen, why = exact[0], self._t("笼统的说法，已按说出的确切值记录", "a loose figure; the exact one given is recorded")
            elif usual is not None:
                chosen, why = usual, self._t("高峰或个别情况的值，已按平均值记录", "a peak or an exception; the average is recorded")
            elif refined is not None:
                chosen, why = refined, self._t("约数，已按说出的确切值记录", "a round figure; the exact one given is recorded")
            elif spread and not now:
                lo, hi = spread[0]
                self._range_unit(lo, hi)
                chosen = self._worse(c, lo, hi)
                note = self._t(f"“{self.said(lo.start, hi.end)}”是区间，按较差端{self._show(c, chosen)}记录",
                               f"\"{self.said(lo.start, hi.end)}\" is a range: recorded at its worse end, {self._show(c, chosen)}")
            elif now:
                chosen = now[-1]
            elif changes:
                chosen = changes[-1][1]
            elif old and len(qs) - len(old) >= 1:
                chosen = [q for q in qs if q not in old][-1]
            elif self.correction and current and len(qs) - len(current) >= 1:
                chosen = [q for q in qs if q not in current][-1]
            elif self.correction:
                chosen = qs[-1]
            else:
                chosen = qs[0]
                for q in qs[1:]:
                    chosen = self._worse(c, chosen, q)
                note = self._t("说了几个值，按较差的记录", "several values given: the worse one recorded")
            if not note and why is None:
                before = [q for q in qs if q is not chosen and q.start < chosen.start]
                if before and not self.correction:
                    note = self._t(f"取现在的值（之前{self.said(before[-1].start, before[-1].end)}）",
                                   f"the current value recorded (before: {self.said(before[-1].start, before[-1].end)})")
            self._set_aside(c, [q for q in qs if q is not chosen], chosen, marks, spread, out, why)
        else:
            chosen = qs[0]
        self._record(cid, chosen, name, out, note)

    def _usual(self, qs: list[qty.Quantity], marks: dict[int, set[str]]) -> qty.Quantity | None:
        """"平均半小时，不过高峰会拖到两三个小时": the average beside peaks or exceptions is the value."""
        def said_of(q: qty.Quantity, pattern: re.Pattern) -> bool:
            clause = self.clause_at(q.start)
            return bool(pattern.search(self.text, clause.start, clause.end))

        usual = [q for q in qs if "average" in marks[q.start] and not said_of(q, PEAK)]
        peaks = [q for q in qs if said_of(q, PEAK) and not said_of(q, AVERAGE)]
        return usual[-1] if usual and peaks and len(usual) + len(peaks) == len(qs) else None

    def _refined(self, c, qs: list[qty.Quantity]) -> qty.Quantity | None:
        """"九成多一点，92吧": a round figure and the exact one close to it; the exact one is the value."""
        if len(qs) != 2 or not qs[0].approx or qs[1].approx or qs[0].kind != qs[1].kind and None not in (qs[0].kind, qs[1].kind):
            return None
        rough, exact = qs
        a, b = self._value(c, rough)[0], self._value(c, exact)[0]
        if a is None or b is None or exact.bound or self._relation(qs[0], qs[1]) is not None:
            return None
        return exact if abs(a - b) <= max(0.1 * abs(a), 1.0) else None

    def _set_aside(self, c, others: list[qty.Quantity], chosen: qty.Quantity, marks: dict[int, set[str]],
                   spread: list, out: Extraction, reason: str | None = None) -> None:
        """Every other value said for the criterion is named under "没能记录" with why it was not the one recorded."""
        in_range = {q.start for pair in spread for q in pair}
        for q in others:
            said = self.said(q.start, q.end) if q.kind is not None or q.end - q.start > 1 else self._show(c, q)
            m = marks.get(q.start, set())
            if reason is not None:
                why = reason
            elif q.start in in_range and chosen.start in in_range:
                why = self._t("区间的另一端，已按较差端记录", "the other end of the range; the worse end is recorded")
            elif self.correction:
                why = self._t("更正前的值", "the value corrected")
            elif m & {"past", "old"} or q.start < chosen.start and "overall" not in marks.get(chosen.start, set()):
                why = self._t("以前的值，只记录现在的值", "an earlier value; only the current one is recorded")
            elif "overall" in marks.get(chosen.start, set()):
                why = self._t("部分或个别的值，已按整体记录", "a part's value; the whole is recorded")
            else:
                why = self._t("另一个值，已按较差的记录", "another value; the worse one is recorded")
            entry = f"{said}（{why}）" if not self.en else f"{said} ({why})"
            if entry not in out.set_aside:
                out.set_aside.append(entry)

    def _relation(self, a: qty.Quantity, b: qty.Quantity) -> str | None:
        between = self.text[a.end:b.start]
        if self.clause_at(a.start) != self.clause_at(b.start) and not re.search(r"到|至|to", between):
            return None
        if RANGE_BETWEEN.match(between):
            if re.search(r"\bfrom\s*$", self.text[max(0, a.start - 6):a.start], re.IGNORECASE | re.ASCII) and CHANGE_BETWEEN.search(
                    self.text[max(0, a.start - 30):a.start]):
                return "change"
            if re.search(r"从\s*$", self.text[max(0, a.start - 3):a.start]) and not SPREAD_CONTEXT.search(self.text[b.end:b.end + 6]):
                return "change"
            return "range"
        if CHANGE_BETWEEN.search(between):
            return "change"
        return None

    def _range_unit(self, lo: qty.Quantity, hi: qty.Quantity) -> None:
        # "85到90%" / "2到4个小时": the unit said once holds for both ends.
        if lo.kind is None and hi.kind is not None:
            lo.kind, lo.unit = hi.kind, hi.unit

    def _worse(self, c, a: qty.Quantity, b: qty.Quantity) -> qty.Quantity:
        va, vb = self._value(c, a)[0], self._value(c, b)[0]
        if va is None or vb is None:
            return a if vb is None else b
        if c.direction == "higher":
            return a if va <= vb else b
        return a if va >= vb else b

    def _per_year(self, c, q: qty.Quantity) -> tuple[float, str]:
        if c.unit != "training_hours":
            return 1.0, ""
        clause = self.clause_at(q.start)
        # "每月3小时" says the period before the value, "3 hours of training a month" after it.
        near = self.text[max(clause.start, q.start - 10):q.start] + " " + self.text[q.end:min(clause.end, q.end + 24)]
        for pattern, times, zh, en in PER_PERIOD:
            if pattern.search(near):
                return float(times), en if self.en else zh
        return 1.0, ""

    def _value(self, c, q: qty.Quantity) -> tuple[float | None, str]:
        """The value of `q` in the criterion's unit, and how it was read when that was not literal."""
        times, per = self._per_year(c, q)
        v = qty.in_unit(q, c.unit or "", times)
        note = ""
        if v is None and c.unit == "training_hours" and q.kind in ("days", "workdays") and (hours := self._day_hours()):
            v = q.value * hours * times
            note = self._t(f"“{q.text}”按每天{format_number(hours)}小时折合{format_number(v)}学时记录",
                           f"\"{q.text}\" at {format_number(hours)} hours a day recorded as {format_number(v)} training hours")
        if v is None:
            return None, ""
        if per and note:
            note = self._t(f"{per}；", f"{per}; ") + note
        elif per:
            note = self._t(f"“{per}{format_number(q.value)}小时”按全年{format_number(v)}学时记录",
                           f"{format_number(q.value)} hours {per} recorded as {format_number(v)} training hours a year")
        if c.unit == "percent" and q.decimal_rate and 0 < q.value <= 1 and min(float(t) for _, t in c.ladder) >= 50:
            v = q.value * 100
            note = self._t(f"“{q.text}”按{format_number(round(v, 4))}%理解", f"\"{q.text}\" read as {format_number(round(v, 4))}%")
        if q.kind == "workdays" and c.unit == "days":
            # The scheme counts calendar days (自然日): five working days are a week.
            v = v * 7 / 5
            note = self._t(f"“{q.text}”按自然日约{format_number(round(v, 1))}天记录（5个工作日≈7天）",
                           f"\"{q.text}\" recorded as about {format_number(round(v, 1))} calendar days (5 working days ≈ 7 days)")
        return round(v, 4), note

    def _show(self, c, q: qty.Quantity) -> str:
        v, _ = self._value(c, q)
        if v is None:
            return q.text
        if self.en and c.unit != "percent":
            return f"{format_number(v)} {c.unit.replace('_', ' ')}"
        return f"{format_number(v)}{c.unit_symbol}"

    def _equals_recorded(self, cid: str, q: qty.Quantity) -> bool:
        v, _ = self._value(self.scheme.criteria[cid], q)
        return v is not None and cid in self.ctx.kpis and abs(self.ctx.kpis[cid] - v) < 1e-6

    def _record(self, cid: str, q: qty.Quantity, m: Mention | None, out: Extraction, note: str) -> None:
        c = self.scheme.criteria[cid]
        value, how = self._value(c, q)
        start = m.start if m is not None and m.start < q.start else q.start
        end = q.end if m is None or m.end < q.end else m.end
        said = self.said(start, end)
        if value is None:
            out.problems.append(self._t(f"“{said}”的单位与{cid} {c.name}（单位{c.unit_symbol}）不符，未记录",
                                        f"\"{said}\": the unit does not fit {cid} {c.name_en} ({c.unit}); not recorded"))
            return
        if not c.in_range(value):
            out.problems.append(self._t(f"“{said}”超出{cid} {c.name}的有效范围（{range_words(c)}），未记录",
                                        f"\"{said}\" lies outside the range of {cid} {c.name_en} ({range_words(c)}); not recorded"))
            return
        if q.bound is not None:
            better = (q.bound == "min") == (c.direction == "higher")
            if not better:
                out.problems.append(self._t(f"“{said}”只给了一个界限（{'不到' if q.bound == 'max' else '超过'}），{cid} {c.name}未记录，请给出实际值",
                                            f"\"{said}\" gives only a bound; {cid} {c.name_en} not recorded: what is the actual value?"))
                return
            bound_words = self.said(q.said_from, q.said_to)
            how = how or self._t(f"“{bound_words}”按{format_number(value)}{c.unit_symbol}记录",
                                 f"\"{bound_words}\" recorded as {self._show(c, q)}")
        if any(k.criterion == cid for k in out.kpis):
            return
        self.recorded_at.add(q.start)
        out.kpis.append(KpiUpdate(cid, value, said, "；".join(x for x in (how, note) if x)))


# Words after a bare number that do not make it a count of things ("CSAT 89 this quarter", "92 across all sites").
_FUNCTION_WORDS = frozenset("""is are was were be been this that these those now then if and or but nor yet last next
in on at for to from by with which who whom so as than per each the of it its we our their they you your according across
overall average on since after before until when while though although because compared versus respectively both all
too also only just ish odd plus out roughly about around approximately""".split())


# "别的我得去问一下", "the rest I'd have to check": a doubt about other figures than those said.
_OTHERS = re.compile(r"别的|其他|其它|其余|剩下的|另外的|\b(?:the )?(?:rest|others?)\b", re.IGNORECASE)
# The name of a rate or share right before a value ("应答率63%", "接通率是九成", "response rate of 63%"): whose value it
# is when the name is none of the lexicon's.
_FOREIGN_RATE = re.compile(r"(?P<name>[\u4e00-\u9fff]{1,5}(?:率|占比|比例)|\b[a-z-]+ (?:rate|ratio|share)\b)"
                           r"\s*(?:(?:是|为|有|在|达到?|约|大概|大约|只有|才|也就|差不多|of|is|was|at|around|about|of about)\s*)*[:：]?\s*$",
                           re.IGNORECASE)


# "We track first response in our CRM; it averages 2.5 hours" / "去年是8天。现在5天": words opening a sentence that
# carry on with the KPI just named.
_BACK = re.compile(r"\s*(?:it|this|that|now|these days|today|currently|at present|right now|at the moment|overall|on average|in total"
                   r"|combined|它|这个|那个|现在|目前|如今|今年|总体|整体|综合|平均下来|合起来|全口径)(?![A-Za-z])", re.IGNORECASE)
# "If we pushed it to 95%" / "要是把它提到95%": a pronoun before the value in its clause, the KPI just talked about.
_PRONOUN = re.compile(r"\b(?:it|that figure|that number|this figure|this number)\b|它|这个数|这个值|这个指标|这个比例", re.IGNORECASE)


def _distance(a: int, b: int, q: qty.Quantity) -> int:
    if b <= q.start:
        return q.start - b
    if a >= q.end:
        return a - q.end
    return 0


def range_words(c) -> str:
    """`0–100%` or `不小于0小时`: the physical range of a KPI criterion."""
    lo, hi, unit = c.range_min, c.range_max, c.unit_symbol
    if lo is not None and hi is not None:
        return f"{format_number(lo)}–{format_number(hi)}{unit}"
    if lo is not None:
        return f"不小于{format_number(lo)}{unit}"
    return f"不大于{format_number(hi)}{unit}" if hi is not None else "不限"
