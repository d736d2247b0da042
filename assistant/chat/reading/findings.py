"""Audit findings in a message: ID, severity, criterion, audit date, open or closed; updates of known ones."""

from __future__ import annotations

import re
from datetime import date

from assistant.chat.reading import quantities as qty
from assistant.chat.reading.finding_list import AWAITING, FindingListReading
from assistant.chat.reading.lexicon import Mention
from assistant.chat.reading.model import Extraction, FindingUpdate
from assistant.chat.reading.topics import criterion_of_topic
from assistant.chat.reading.patterns import (
    DIMENSION,
    ENUM,
    FINDING_BACKREF,
    FINDING_BACKREF_WORD,
    FINDING_CLOSED,
    FINDING_ID,
    FINDING_OPEN,
    OTHER_STANDARD,
    RAISED,
    SAME_AUDIT,
    SEVERITY,
    SPECULATED,
)


CJK_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")
# A finding feared, not raised: "怕被开严重", "担心会开一般项".
FEARED = re.compile(r"(?:怕|担心|害怕|生怕|会不会|会否)\S{0,6}$|\b(?:afraid|worried|worry)\b.{0,30}$", re.IGNORECASE)
# Said right before a severity, it denies one was raised: "外审没有发现严重不符合", "no major findings".
NONE_RAISED = re.compile(r"(?:没有|没|无|未|冇)(?:开|发现|开出|开具|被开|出)?(?:过|了)?(?:任何)?(?:的)?\s*$|\b(?:no|nothing)\s+$|\bwithout\s+(?:an?y?\s+)?$",
                         re.ASCII | re.IGNORECASE)
# A closing intended or supposed, not done: "我们打算下周关掉", "争取月底前关闭", "关了以后能到合格吗", "we plan to close it".
_INTENDED = re.compile(r"(?:打算|准备|计划|争取|预计|希望|想要|将于|能不能|能否|可以|应该|算|下周|下个?月|(?<![0-9一二两三四五六七八九十])(?:月底|年底)前|明天|后天|尽快|马上|过几天|回头)\S{0,6}$"
                       r"|(?:\b(?:plan|plans|planning|going|hope|hoping|expect|expecting|aim|aiming|want|will|would|should|could|can)\b|'ll\b)\W{0,3}(?:\w+\W+){0,2}$",
                       re.IGNORECASE)
_AFTER_CLOSING = re.compile(r"(?:以后|之后|后|的话)")
# A date followed by how the finding was closed is the day it closed, not its audit: "昨天复审，F1关了".
CLOSING_EVENT = re.compile(r"\s*(?:的)?(?:现场|文件)?(?:复审|复查|复核|验证|审查|关闭|关掉|关了)|\s*(?:re-?audit|closed|verified|follow-up)", re.IGNORECASE)
# "严重的那个还没关，一般的那个关了": a finding already recorded, named by its severity and a demonstrative after it.
SHARED_SEVERITY = re.compile(r"\b(?:both|all(?: of them)?|each)\s+(?:are\s+|were\s+|is\s+)?(?P<s>major|minor|observations?)\b"
                             r"|(?:都是|均为|全是|全部是|均是|都算)(?P<z>严重|一般|观察)", re.IGNORECASE)
# Said at the start of a clause after a list of findings: about all of them, or about the audit as a whole.
ALL_OF_THEM = re.compile(r"\s*(?:都|均|全部|全都|全是|[两三四五几]个都|\b(?:both|all)\b)", re.IGNORECASE)
SHARED_TAIL = re.compile(ALL_OF_THEM.pattern + r"|\s*(?:审核日期|审核时间|审核是|审核在|\bthe audit (?:was|date)\b)", re.IGNORECASE)
# A clause about the findings not named in it: "另外两个还开着", "其余的都关了", "the others are still open".
OTHERS = re.compile(r"\s*(?:另外|其他|其余|剩下)(?:的)?(?:[0-9一二两三四五六七八九十]+)?(?:个|项|条)?|\s*\b(?:the (?:other|rest)|others)\b",
                    re.IGNORECASE)
# Between an audit date and the finding it dates: "8月12号那次的观察项", "10月28号外审开的F2", "on 12 Nov, F3".
_DATE_FRAME = re.compile(r"\s*(?:的|那次|那回|那天|那一次)?\s*(?:的)?\s*(?:外审|内审|审核|监督审核|复审|现场审核|认证审核)?\s*(?:的|里|中|上)?"
                         r"\s*(?:开了?(?:个|一个)?|提的|发现的?)?\s*[,，]?\s*", re.IGNORECASE)
# "was raised on 15 November about …": the frame before a finding's words in English.
RAISED_FRAME = re.compile(r"^(?:(?:was|were|is|has been)\s+)?(?:raised|issued|found|opened|written up)\b"
                          r"(?:\s+(?:on|in|at|during|by)\s+[^,;]*?(?=\s+(?:about|on|for|regarding|concerning)\b))?"
                          r"\s*(?:about|on|for|regarding|concerning)?\s*", re.IGNORECASE)
AUDIT_WORD = re.compile(r"(?:监督|外部|第三方|认证)?审核|外审|\baudit(?:ed)?\b", re.IGNORECASE)
# Words joining a finding's description to the next one's.
JOINERS = re.compile(r"(?:[\s,，;；、]*(?:\bplus\b|\band\b|\balso\b|\bas well as\b|\ban?\b|\bthe\b|另外|还有|以及|并且|同时|和|及|与|跟))+"
                     r"[\s,，;；、:：]*$|[\s,，;；、:：]+$", re.IGNORECASE)
# What a finding is about, said in so many words in a sentence of its own: "内容是…", "内容：…", "是关于…的",
# "就是那个…的(问题|事)", "是那个…的问题".
DESCRIBED = re.compile(r"(?:^|(?<=[。；;！!？?\s]))(?:它|这条|这个|那条)?(?:的)?(?:内容是|内容[:：]|具体是|是关于|就是那个|是那个|就是)"
                       r"\s*(?P<d>[^。；;！!？?]{3,40}?)(?:的问题|的事儿?|那条|那个|那项|的)?\s*(?:[。；;！!？?]|$)")
# Said right after a severity, it tells the severity a finding had before it was changed: "被降级成一般不符合".
REGRADED = re.compile(r"\s*(?:被|已|已经)?(?:降级|降为|降成|改为|改成|调整为|调成|改判|定为)")
# Criteria listed together: "D1.4、D2.3、D3.4", "一个D2.1一个D2.2", "D2.2和D3.4", "D2.1 and D3.1".
CRITERIA_RUN = re.compile(r"(?:一个)?\s*D\d\.\d(?:\s*(?:、|和|及|与|,|，|/|\band\b|一个|另一个)\s*D\d\.\d)+")
# The head of a clause telling the status of the findings of one severity: "一般的已经关了", "严重那个还开着", "观察项还挂着".
BY_SEVERITY = re.compile(r"\s*(?:现在|目前|其中)?\s*(?P<s>严重|重大|一般|轻微|观察)(?:不符合)?(?:项)?(?:的)?"
                         r"(?:那个|那条|那项|这个|[0-9一二两三四五]\s*(?:个|项|条))?")
SEVERITY_THAT = re.compile(r"(?:(?P<major>严重)|(?P<minor>一般|轻微)|(?P<obs>观察项?))的?(?:那|这)(?:个|条|项|一条|一项)")


class FindingReading(FindingListReading):
    """Reads findings (a mixin of the Reader)."""

    def read_findings(self) -> None:
        """Audit findings told in words: who raised what (ID, severity, criterion, audit date), open or closed; a
        finding already recorded and named again (by ID, or "那个"/"日期记错了" right after it) is updated."""
        if not self._read_finding_list():
            self._read_findings()
        for out in (self.stated, self.supposed):
            self._shared_audit_day(out)
        self._message_audit_day()
        self._described_elsewhere()
        self._statuses_by_severity()
        self._criteria_in_order()

    def _criteria_in_order(self) -> None:
        """"开了3个一般不符合，都还没关，分别在D1.4、D2.3、D3.4" / "F1、F2都是一般不符合，一个D2.1一个D2.2": as many
        criteria listed together as new findings of one severity that lack their own give them theirs, in order."""
        new = [f for f in self.stated.findings if f.severity is not None and (f.id is None or self._known(f.id) is None)]
        for sev in {f.severity for f in new}:
            group = [f for f in new if f.severity == sev]
            if len(group) < 2 or len({f.criterion for f in group}) > 1 and all(f.criterion for f in group):
                continue  # each has its own already
            others = {f.criterion for f in new if f.severity != sev}
            for run in CRITERIA_RUN.finditer(self.text):
                ids = re.findall(r"D\d\.\d", run.group(0))
                if len(ids) == len(group) == len(set(ids)) and not set(ids) & others:
                    for f, cid in zip(group, ids):
                        f.criterion = cid
                    break

    def _statuses_by_severity(self) -> None:
        """"开了一个严重不符合（D5.4…）和一个一般不符合（D3.4…）。一般的已经关了，严重的还开着": a status said of a
        severity after the findings holds for the new findings of that severity."""
        new = [f for f in self.stated.findings if f.severity is not None and (f.id is None or self._known(f.id) is None)]
        if len(new) < 2 or len({f.severity for f in new}) < 2 or not self.finding_spans:
            return
        first = min(a for a, _ in self.finding_spans)
        for c in self.clauses:
            if c.start <= first:
                continue
            m = BY_SEVERITY.match(self.text, c.start, c.end)
            if m is None or any(c.start <= x.start < c.end and x.criterion for x in self.mentions):
                continue
            status = self._status(self.text[m.end():c.end])
            if status is None or not self._only_frame(m.end(), c.end):
                continue
            sev = "major" if m.group("s") in ("严重", "重大") else "minor" if m.group("s") in ("一般", "轻微") else "observation"
            for f in new:
                if f.severity == sev:
                    f.status = status

    def _described_elsewhere(self) -> None:
        """"那个一般项审核员说整改报告写得不行。是关于客户反馈没闭环的。" / "内容：备件需求没跟工单关联": a new
        finding told by its status first, what it is about said in so many words after; those words are its
        description and decide its criterion (not "整改报告", which is how it is being handled)."""
        new = [f for f in self.stated.findings if f.severity is not None and (f.id is None or self._known(f.id) is None)]
        if len(new) != 1:
            return
        for m in DESCRIBED.finditer(self.text):
            a, b = m.start("d"), m.end("d")
            if self.out(a) is not self.stated or self._trivial(self.text[a:b]) or SEVERITY.search(self.text, a, b):
                continue
            f = new[0]
            f.text = self.raw[a:b].strip()
            f.criterion = self._criterion_of(a, b) or f.criterion
            self.finding_spans.append((a, b))
            return

    def _denied_day(self, d) -> bool:
        """"不是11月12号，是11月21号": the date taken back."""
        return bool(re.search(r"(?:不是|并非|而非|\bnot)\s*$", self.text[max(0, d.start - 4):d.start], re.IGNORECASE))

    def _message_audit_day(self) -> None:
        """A new finding whose own words give no date takes the audit date the message tells elsewhere ("…开了个一般
        不符合。其实记录我们是有的。审核是11月26号。"), when the message tells exactly one: a day said with the audit
        or the raising, not the day something was closed, and not a date taken back."""
        new = [f for f in self.stated.findings if f.severity is not None and f.raised_on is None
               and (f.id is None or self._known(f.id) is None)]
        if not new:
            return
        days = set()
        for d in self.dates:
            if d.day is None or self._denied_day(d) or self.out(d.start) is not self.stated:
                continue
            after = self.text[d.end:d.end + 12]
            if (FINDING_CLOSED.search(after[:6]) or CLOSING_EVENT.match(after)) and not RAISED.search(after[:6]):
                continue
            near = self.text[max(0, d.start - 8):d.end + 8]
            if AUDIT_WORD.search(near) or RAISED.search(near) or re.search(r"日期|提的|开的|审的", near):
                days.add(d.day)
        if len(days) == 1:
            day = days.pop()
            for f in new:
                f.raised_on = day

    def _shared_audit_day(self, out) -> None:
        """Findings told together in one message come from the audit its one date names: "F3…（D4.1），F4…（D2.4），
        都是2026-10-15那次审核开的" gives both F3 and F4 that day, not only the finding nearest the date."""
        new = [f for f in out.findings if f.severity is not None]
        days = {f.raised_on for f in new if f.raised_on is not None}
        if len(new) < 2 or len(days) != 1:
            return
        day = next(iter(days))
        for f in new:
            if f.raised_on is None:
                f.raised_on = day

    def _read_findings(self) -> None:
        anchors = []
        backrefs = []
        for m in SEVERITY.finditer(self.text):
            before = self.text[max(0, m.start() - 6):m.start()]
            if self.ctx.findings and (FINDING_BACKREF.search(before) or re.search(r"\bthe\s+$", before, re.IGNORECASE)
                                      and m.group(0).lower().endswith("one")):
                backrefs.append(m)  # "登高证那个严重不符合，…还没" / "the major one": the finding already recorded, named again
                continue
            if re.search(r"(?:不是|并非|而不是|not an?|not)\s*$", self.text[max(0, m.start() - 4):m.start()], re.ASCII):
                continue
            clause = self.clause_at(m.start())
            if NONE_RAISED.search(self.text[clause.start:m.start()]):
                continue  # "外审没有发现严重不符合": none raised
            if clause.question or FEARED.search(self.text[clause.start:m.start()]) or OTHER_STANDARD.search(self._sentence_text(clause.sentence)):
                continue  # "这算观察项吗？", "怕被开严重", "ISO 9001的外审开了一个一般": no finding of this scheme told
            if m.lastgroup == "nc" and not re.search(r"开|记|发现|raised|issued|审核", self.text, re.ASCII):
                continue
            if self._not_raised_here(m.start()) or self._regraded(m):
                continue
            if re.search(r"(?:那|这)[0-9一二两三四五六七八九十几]+\s*(?:个|项|条)\s*$", self.text[max(0, m.start() - 6):m.start()]):
                continue  # "上次那三个一般项的整改材料": findings already told, named together
            anchors.append(("severity", m))
        ids = [m for m in FINDING_ID.finditer(self.text) if not DIMENSION.fullmatch(m.group(0)) and not self._not_raised_here(m.start())]
        anchors += [("id", m) for m in ids]
        if self.ctx.findings:
            backrefs += [m for m in SEVERITY_THAT.finditer(self.text)]
            backrefs.sort(key=lambda m: m.start())
        if not anchors and len({self.clause_at(m.start()) for m in backrefs}) < 2:
            if not self._finding_by_topic(backrefs):
                self._finding_corrections()
            return
        for m in backrefs:
            self._backref_status(m, anchors, backrefs)
        if not anchors:
            return
        # A new finding's words start after what was said of one already recorded ("那个严重项关了，另外又开了…").
        told = [self.clause_at(m.start()).end for m in backrefs if self.clause_at(m.start()).end <= min(x.start() for _, x in anchors)]
        sentences = sorted({self.clause_at(m.start()).sentence for _, m in anchors})
        # A sentence after the finding that only tells its status or when it was raised ("We haven't fixed it yet.",
        # "9月3号开的") belongs to it.
        last = max(c.sentence for c in self.clauses)
        nxt = sentences[-1] + 1
        while nxt <= last:
            cs = [c for c in self.clauses if c.sentence == nxt]
            piece = " ".join(self.text[c.start:c.end] for c in cs)
            dated = any(cs[0].start <= d.start < cs[-1].end and d.day for d in self.dates) and self._only_frame(cs[0].start, cs[-1].end)
            if (FINDING_OPEN.search(piece) or FINDING_CLOSED.search(piece) or dated) and not self.mentions_in(nxt) and len(piece) < 60:
                sentences.append(nxt)
                nxt += 1
            else:
                break
        spans = []
        for sidx in sentences:
            cs = [c for c in self.clauses if c.sentence == sidx]
            spans.append((cs[0].start, cs[-1].end))
        # Values said in the clauses before the first finding's ("备件保障率96.5，一次修复率92，另外F2…关了") are no
        # part of it: the span starts after the last such clause.
        first = min(m.start() for _, m in anchors)
        for c in self.clauses:
            if c.sentence == sentences[0] and c.end <= first and any(c.start <= q.start < c.end for q in self.quantities) \
                    and any(c.start <= m.start < c.end and m.criterion for m in self.mentions):
                spans[0] = (max(spans[0][0], self._next_clause_start(c)), spans[0][1])
        self.finding_spans = spans
        a, b = spans[0][0], spans[-1][1]
        if told and spans[0][0] <= max(told) < spans[-1][1]:
            a = max(told)
            self.finding_spans = [(a, spans[0][1])] + spans[1:]
        out = self.out(a)
        if out is None:
            # "严重不符合多久内要整改完？": a question about findings states none.
            self.finding_spans = []
            return
        for q in self.quantities:
            if a <= q.start < b and q.kind == "count" and re.match(r"(?:个|项|条)", q.unit or "") and re.match(
                    r"\s*(?:严重|一般|轻微|观察|不符合|发现|问题)", self.text[q.end:q.end + 4]):
                self.used.add(q.start)
        if ids:
            self._findings_by_id(ids, a, b, out)
            return
        sev = [m for k, m in anchors if k == "severity"]
        groups = self._severity_groups(sev)
        if len(groups) == 1:
            self._findings_counted(sev, a, b, out)
            return
        # "严重不符合1项，是…；一般不符合2项，一个是…，一个是…": one group per severity, each read on its own; the
        # audit date said before the first holds for all.
        header_day = self._day_in(a, groups[0][0].start()) or self._same_audit(a, b)
        for i, group in enumerate(groups):
            ga = group[0].start() if i else a
            gb = groups[i + 1][0].start() if i + 1 < len(groups) else b
            self._findings_counted(group, ga, gb, out, header_day)

    def _not_raised_here(self, pos: int) -> bool:
        """Whether the finding named at `pos` is somebody else's ("隔壁公司被开了严重不符合", "our competitor got a
        major NC") or only expected, warned of or asked about ("估计会有两三个一般不符合吧", "下次可能会开严重不符合",
        "请问观察项…会变成不符合吗"): this client has no such finding."""
        if not self.clauses:
            return False
        if self.about_others(pos, before=True):
            return True
        clause = self.clause_at(pos)
        start = min(c.start for c in self.clauses if c.sentence == clause.sentence)
        return bool(SPECULATED.search(self.text[start:pos]))

    def _regraded(self, m: re.Match) -> bool:
        """"那个严重不符合被降级成一般不符合了": the severity a finding had before it was changed names no finding."""
        return bool(REGRADED.match(self.text, m.end()))

    def mentions_in(self, sentence: int) -> bool:
        return any(self.clause_at(m.start).sentence == sentence and m.criterion for m in self.mentions)

    def _severity(self, text: str) -> str | None:
        for m in SEVERITY.finditer(text):
            if re.search(r"(?:不是|并非|而不是|not an?|not)\s*$", text[max(0, m.start() - 4):m.start()], re.ASCII):
                continue
            if NONE_RAISED.search(text[max(0, m.start() - 8):m.start()]):
                continue  # "没发现严重不符合，只开了一个观察项": the severity denied is not the finding's
            if REGRADED.match(text, m.end()):
                continue  # "严重不符合被降级成一般不符合": the severity it had
            if m.lastgroup != "nc":
                return {"major": "major", "minor": "minor", "obs": "observation"}[m.lastgroup]
        return None

    def _status(self, text: str) -> str | None:
        opened = [(m.start(), m.end()) for p in (FINDING_OPEN, AWAITING) for m in p.finditer(text)]
        opened.sort()
        closed = [m for m in FINDING_CLOSED.finditer(text)
                  if not any(a <= m.start() < b or a < m.end() <= b for a, b in opened)
                  and not _INTENDED.search(text[max(0, m.start() - 10):m.start()])
                  and not _AFTER_CLOSING.match(text[m.end():m.end() + 4])
                  and not re.match(r"[^。；;,，]{0,6}?(?:吧|吗|呢|么)\s*(?:[？?]|$)", text[m.end():m.end() + 10])]  # "应该算关了吧？"
        if closed and (not opened or closed[-1].start() > opened[-1][0]):
            return "closed"
        if opened:
            return "open"
        return None

    def _day_in(self, a: int, b: int) -> date | None:
        for d in self.dates:
            if a <= d.start < b and d.day is not None and not self._denied_day(d):
                # A date that closed the finding ("7月份复审已经关掉了") is no audit date; the one it was raised on is.
                after = self.text[d.end:d.end + 12]
                raised_before = RAISED.search(self.text[max(a, d.start - 4):d.start])
                if (FINDING_CLOSED.search(after[:6]) or CLOSING_EVENT.match(after)) and not RAISED.search(after[:6]) and not raised_before:
                    continue
                return d.day
        return None

    def _criterion_of(self, a: int, b: int, other: tuple[int, int] | None = None) -> str | None:
        """The criterion a finding's description is about: a criterion's name in it, then a keyword of the
        catalogue's documents, then a topic; `other` is where else the description may lie."""
        for x, y in [(a, b)] + ([other] if other else []):
            ms = [m for m in self.mentions if x <= m.start and m.end <= y]
            named = [m for m in ms if m.criterion and not self._audit_word(m)]
            low = self.low[x:y]
            if named:
                # "满意度问卷": a name followed by a document word is that document's (the compound's head decides).
                head = self.low[named[0].end:named[0].end + 8].removeprefix("的")
                follow = next((cid for w, cid in self.lex.evidence if head.startswith(w)), None)
                return follow or named[0].criterion
            hits = [(low.find(w), cid) for w, cid in self.lex.evidence if w in low]
            for name, cids in self.lex.documents.items():
                if len(cids) == 1 and name in self.text[x:y]:
                    hits.append((self.text[x:y].find(name), cids[0]))
            if hits:
                return min(hits)[1]
            topics = [m for m in ms if m.of("other") and not self._audit_word(m)]
            if topics:
                return topics[0].of("other")
        # Nothing named: the criterion whose catalogue words the description shares ("差评没人回复" → D3.4).
        for x, y in [(a, b)] + ([other] if other else []):
            cid = criterion_of_topic(self._topic_words(x, y))
            if cid:
                return cid
        return None

    def _topic_words(self, a: int, b: int) -> str:
        """What a finding's description says it is about: its words without the status, the audit and dates."""
        if b <= a:
            return ""
        piece = self._finding_text(a, b, lead=False)
        for pattern in (FINDING_OPEN, FINDING_CLOSED, RAISED, SEVERITY, FINDING_ID):
            piece = pattern.sub(" ", piece)
        return re.sub(r"\b(?:is|was|are|were|already|still|yet|auditors?|audit)\b|审核|复审|外审|监督|审核员|老师", " ", piece, flags=re.IGNORECASE)

    def _audit_word(self, m: Mention) -> bool:
        # "昨天内审开了个观察项": 内审 names the audit that raised the finding, not what it is about.
        return bool(re.match(r"\s*(?:开|发现|中|时|的时候|组|员?提|记)", self.text[m.end:m.end + 4])) and m.criterion == "D5.4" \
            and not re.match(r"员", self.text[m.end:m.end + 1])

    def _description_bounds(self, a: int, b: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """Where a finding's description lies in [a, b): after "开了…不符合(F1)" first, else before it."""
        sev = list(SEVERITY.finditer(self.text, a, b))
        ids = list(FINDING_ID.finditer(self.text, a, b))
        marks = sorted([m for m in sev if m.lastgroup != "nc"] + ids, key=lambda m: m.start())
        if not marks:
            return (a, b), (a, b)
        after = max(m.end() for m in marks[:2]) if len(marks) > 1 and marks[1].start() - marks[0].end() <= 2 else marks[0].end()
        raised = [r for r in RAISED.finditer(self.text, a, marks[0].start())]
        before_end = raised[0].start() if raised else marks[0].start()
        return (after, b), (a, before_end)

    def _known(self, fid: str) -> dict | None:
        return next((f for f in self.ctx.findings if str(f.get("id", "")).upper() == fid.upper()), None)

    def _findings_by_id(self, ids: list[re.Match], a: int, b: int, out: Extraction) -> None:
        """Findings named by ID: one span per mention of an ID (from a severity said right before it to where the next
        begins); severity, status, date and words are read inside each span; what is said once for the list (before
        the first, after the last, "都/both/all", "另外两个") holds for those that do not say their own."""
        spans = self._id_spans(ids, a, b)
        header_end = spans[0][1]
        header = self.text[a:header_end]
        header_sev = self._shared_severity(header, len({m.group(0).upper() for m in ids})) \
            or self._shared_severity(self.text[a:b], 0, both=True)
        header_status = self._status(header)
        header_day = self._day_in(a, header_end) or self._same_audit(a, b)
        tail_status, tail_day, tail_all = None, None, False
        if len(ids) > 1:
            t = self._trailer_start(ids[-1], b)
            if t < b:
                tail_status, tail_day = self._status(self.text[t:b]), self._day_in(t, b)
                tail_all = bool(ALL_OF_THEM.match(self.text, t))
                spans[-1] = spans[-1][:2] + (t,) + spans[-1][3:]
        # Per ID in the order first named: its mentions' spans.
        order: dict[str, list[tuple]] = {}
        for sp in spans:
            order.setdefault(self._fid(sp[0]), []).append(sp)
        others: list[tuple[str, str]] = []  # ("F4", status) said of "另外两个" after F4
        for fid, mentions in order.items():
            for m, sa, sb, _, o in mentions:
                if o is not None and self._status(self.text[o:sb]):
                    others.append((fid, self._status(self.text[o:sb])))
        for fid, mentions in order.items():
            m = mentions[0][0]
            severity = None
            for mm, sa, sb, prefix, o in mentions:
                seg_end = o if o is not None else sb
                severity = prefix or (self._severity(self.text[sa:seg_end]) if len(ids) > 1 else self._severity(self.text[a:b]))
                if severity:
                    break
            if severity is None and len(ids) > 1:
                severity = self._carried(spans, m) or header_sev
            near = re.match(r"\s*[(（:：,，]?\s*(?P<s>major|minor|observation|严重|一般|观察)", self.text[m.end():m.end() + 16], re.IGNORECASE | re.ASCII)
            if severity is None and near:
                severity = {"major": "major", "严重": "major", "minor": "minor", "一般": "minor"}.get(near.group("s").lower(), "observation")
            status, day, cid, text = None, None, None, ""
            for mm, sa, sb, _, o in mentions:
                seg_end = o if o is not None else sb
                seg = self.text[sa:seg_end]
                status = self._status(seg) or status
                if status is None and out is self.supposed and re.search(r"关掉|关闭|关了|整改完|close|fix|resolve", seg, re.ASCII):
                    status = "closed"  # "if we close F1": closed in the supposition
                day = day or self._day_in(sa, seg_end)
                (da, db), other = self._description_bounds(sa, seg_end)
                if len(ids) > 1:
                    da, other = max(da, mm.end()), None
                db = self._trim_joiners(da, db)
                words = self._finding_text(da, db)
                cid = cid or self._criterion_of(da, db, other)
                if self._trivial(text) and not self._trivial(words) and not (len(mentions) > 1 and mm is not m and (
                        FINDING_OPEN.search(words) or FINDING_CLOSED.search(words))):
                    text = words
            status = status or header_status or next((st for f, st in others if f != fid), None) or tail_status
            if tail_status and tail_all:
                status = tail_status  # "…。都还open": said last, for all of them
            day = day or header_day
            known = self._known(fid)
            if day is None and known is None:
                day = tail_day
            if known is not None or severity is None:
                if known is None and status == "closed":
                    out.closed_findings.append(fid)
                    continue
                if known is None:
                    continue
                # "Correction: F1 was about certificates": a correction may change the clause a finding is about.
                new_cid = cid if (not known.get("criterion") or (self.correction and cid and cid != known.get("criterion"))) else None
                out.findings.append(FindingUpdate(fid, new_cid, severity, text if not known.get("text") else "",
                                                  day, status))  # type: ignore[arg-type]
                continue
            out.findings.append(FindingUpdate(fid, cid, severity, text, day, status or "open"))

    @staticmethod
    def _fid(m: re.Match) -> str:
        return m.group(0).upper().replace("_", "-")

    def _id_spans(self, ids: list[re.Match], a: int, b: int) -> list[tuple]:
        """(ID, start, end, severity said right before it, where a clause about the others begins) per mention: a
        mention's span starts at a severity said right before it ("严重不符合F1", "major NC F2", "an observation F3")
        and ends where the next mention's begins."""
        if len(ids) == 1:
            return [(ids[0], a, b, None, None)]
        starts, prefixes = [], []
        for i, m in enumerate(ids):
            lo = ids[i - 1].end() if i else a
            sev = self._prefix_severity(m, lo, i > 0)
            start = sev.start() if sev else m.start()
            # "…还开着；8月12号那次的观察项O1…": the audit date said right before a mention is its own.
            for d in self.dates:
                if i and d.day is not None and lo <= d.start and d.end <= start and _DATE_FRAME.fullmatch(self.text[d.end:start]):
                    start = d.start
            starts.append(start)
            prefixes.append(self._severity(sev.group(0)) if sev else None)
        spans = []
        for i, m in enumerate(ids):
            sb = starts[i + 1] if i + 1 < len(ids) else b
            spans.append((m, starts[i], sb, prefixes[i], self._others_at(m.end(), sb)))
        return spans

    def _prefix_severity(self, m: re.Match, lo: int, after_id: bool) -> re.Match | None:
        """A severity said right before an ID is that ID's ("一般不符合F2", "major NC F2"), unless it is counted for
        several ("两个一般项：F2…") or tells the ID before it ("F1是严重不符合 F2…")."""
        sev = [x for x in SEVERITY.finditer(self.text, lo, m.start()) if x.lastgroup != "nc"]
        if not sev:
            return None
        x = sev[-1]
        if not re.fullmatch(r"[\s:：(（]*(?:编号|号|no\.?)?\s*", self.text[x.end():m.start()], re.IGNORECASE):
            return None
        if re.search(r"(?:[0-9两二三四五六七八九十]|\b(?:two|three|four|five|six|several))\s*(?:个|项|条)?\s*$", self.text[max(lo, x.start() - 6):x.start()], re.ASCII):
            return None
        if after_id and re.fullmatch(r"\s*(?:是|为|属于|算|is|was|[:：(（-])?\s*(?:an?\s+|一个|个)?", self.text[lo:x.start()], re.ASCII):
            return None
        return x

    def _others_at(self, a: int, b: int) -> int | None:
        """Where, in [a, b), a clause about the other findings begins ("另外两个还开着", "the others are open")."""
        for c in self.clauses:
            if a < c.start < b and OTHERS.match(self.text, c.start):
                return c.start
        return None

    def _trailer_start(self, last: re.Match, b: int) -> int:
        """Where what is said for the whole list after its last finding begins: a later sentence, or a clause
        starting with 都/全部/both/all or telling the audit date ("审核日期11月18日，全部未关闭")."""
        here = self.clause_at(last.start())
        for c in self.clauses:
            if c.start <= here.start or c.start >= b:
                continue
            named = any(c.start <= x.start < c.end and x.criterion for x in self.mentions)
            if not named and (c.sentence != here.sentence or SHARED_TAIL.match(self.text, c.start) or self._audit_day_only(c.start, c.end)):
                return c.start
        return b

    def _audit_day_only(self, a: int, b: int) -> bool:
        """A clause telling only the audit's date ("11月3号审核", "audited on 3 Nov")."""
        if not AUDIT_WORD.search(self.text, a, b) or not any(a <= d.start < b and d.day for d in self.dates):
            return False
        piece = self.text[a:b]
        for d in self.dates:
            if a <= d.start < b:
                piece = piece.replace(self.text[d.start:d.end], " ")
        return self._trivial(re.sub(AUDIT_WORD.pattern + r"|的|时间|日期|是|在|于|on|was|were|date", "", piece, flags=re.IGNORECASE))

    def _carried(self, spans: list[tuple], m: re.Match) -> str | None:
        """"一般不符合F2 培训记录不全，F3 制度文件没版本号": a severity said before an ID holds for the IDs after it
        until another is named."""
        carried = None
        for mm, _, _, prefix, _ in spans:
            if mm is m:
                return carried
            carried = prefix or carried
        return carried

    def _trim_joiners(self, a: int, b: int) -> int:
        """The end of a description without the words joining it to the next finding ("…, and an", "；另外", "和")."""
        j = JOINERS.search(self.text, a, b)
        return j.start() if j else b

    @staticmethod
    def _trivial(words: str) -> bool:
        return len(re.sub(r"[\W_]", "", words)) < 2

    def _merge(self, out: Extraction, i: int, cid: str | None, status: str | None, text: str) -> None:
        """What a finding named again in the same message adds: its criterion and words when not known yet, its status."""
        f = out.findings[i]
        f.criterion = f.criterion or cid
        if not f.text and f.severity is not None and not (FINDING_OPEN.search(text) or FINDING_CLOSED.search(text)):
            f.text = text
        if status:
            f.status = status

    def _shared_severity(self, text: str, n_ids: int, both: bool = False) -> str | None:
        """The severity said once for several findings: "开了两个一般项：F2…，F3…" (a count, when said, must be all of
        them: "1个严重不符合" before three IDs is one of them), or "F2 and F3, both minor" / "都是一般项"."""
        if both:
            m = SHARED_SEVERITY.search(text)
            word = (m.group("s") or m.group("z") or "").lower() if m else ""
            return {"major": "major", "严重": "major", "minor": "minor", "一般": "minor"}.get(word, "observation") if m else None
        kinds = {m.lastgroup for m in SEVERITY.finditer(text)} - {"nc"}
        if len(kinds) != 1:
            return None
        count = re.search(r"([0-9一二两三四五六七八九十]+)\s*(?:个|项|条)\s*(?:严重|一般|轻微|观察)", text)
        if count and qty.number(count.group(1)) not in (None, n_ids):
            return None
        return self._severity(text)

    def _severity_groups(self, sev: list[re.Match]) -> list[list[re.Match]]:
        """Severity marks in order, grouped: a new group where the severity changes ("严重…；一般…")."""
        groups: list[list[re.Match]] = []
        last = None
        for m in sev:
            kind = m.lastgroup
            if kind == "nc":
                if groups:
                    groups[-1].append(m)
                continue
            if groups and kind == last:
                groups[-1].append(m)
            else:
                groups.append([m])
                last = kind
        return groups or [sev]

    def _next_clause_start(self, clause) -> int:
        return next((c.start for c in self.clauses if c.start >= clause.end), clause.end)

    def _finding_by_topic(self, backrefs: list[re.Match]) -> bool:
        """"备件那条昨天审核员确认关闭了" / "登高证那个严重不符合，复审还没做": a finding already recorded, named by
        what it is about; its status is updated when the message tells a new one."""
        if not self.ctx.findings or not (backrefs or FINDING_BACKREF_WORD.search(self.text)):
            return False
        if any(c.hypothetical for c in self.clauses):
            return False  # "如果把那个严重不符合关掉": a what-if, read as one below
        out = self.out(0) if self.clauses else None
        if out is None:
            out = next((self.out(c.start) for c in self.clauses if self.out(c.start) is not None), None)
        if out is None:
            return False
        status = self._status(self.text)
        if status is None:
            return bool(backrefs)
        cid = self._criterion_of(0, len(self.text))
        grams = {self.text[i:i + 2] for i in range(len(self.text) - 1) if CJK_PAIR.fullmatch(self.text[i:i + 2])}
        candidates = []
        for f in self.ctx.findings:
            ftext = str(f.get("text") or "")
            shared = sum(1 for i in range(len(ftext) - 1) if ftext[i:i + 2] in grams)
            by_sev = bool(backrefs) and any(self._severity(m.group(0)) == f.get("severity") for m in backrefs)
            score = 2 * (cid is not None and f.get("criterion") == cid) + min(shared, 3) + by_sev
            if score >= 2:
                candidates.append((score, f))
        if not candidates and backrefs:
            # "那个严重不符合关了": the one open finding of that severity, when there is exactly one.
            sev = {self._severity(m.group(0)) for m in backrefs}
            same = [f for f in self.ctx.findings if f.get("severity") in sev and f.get("status", "open") == "open"]
            if len(same) == 1:
                candidates.append((2, same[0]))
        if not candidates:
            return bool(backrefs)
        candidates.sort(key=lambda x: -x[0])
        if len(candidates) > 1 and candidates[0][0] == candidates[1][0]:
            return True  # two findings fit as well: none is changed on a guess
        f = candidates[0][1]
        if f.get("id") and f.get("status", "open") != status:
            # From the clause that names the finding on: a value said before it ("备件保障率96.5，…另外F2那个…关了")
            # is no part of the finding.
            named = [m.start() for m in backrefs] + [m.start() for m in FINDING_BACKREF_WORD.finditer(self.text)]
            a = self.clause_at(min(named)).start if named and self.clauses else 0
            self.finding_spans = [(a, len(self.text))]
            out.findings.append(FindingUpdate(f["id"], None, None, "", None, status))
        return True

    def _backref_status(self, m: re.Match, anchors: list, backrefs: list[re.Match]) -> None:
        """"那个严重不符合关了。不过又开了个观察项": a finding already recorded, named by its severity in a sentence of
        its own beside a new one; its status is updated when that sentence tells one and one open finding fits."""
        here = self.clause_at(m.start())
        if any(self.clause_at(a.start()) == here for _, a in anchors):
            return
        # Its words run from its clause to the end of its sentence or the clause where a new finding starts.
        cs = []
        for c in self.clauses[self.clauses.index(here):]:
            if c.sentence != here.sentence or any(c.start <= a.start() < c.end for _, a in anchors) \
                    or (c != here and any(c.start <= x.start() < c.end for x in backrefs)):
                break
            cs.append(c)
        out = self.out(cs[-1].start)
        status = self._status(self.text[cs[0].start:cs[-1].end])
        if out is None or status is None:
            return
        severity = {"major": "major", "minor": "minor", "obs": "observation"}.get(m.lastgroup or "")
        same = [f for f in self.ctx.findings if f.get("severity") == severity and f.get("status", "open") != status]
        if len(same) == 1 and same[0].get("id"):
            self.finding_spans.append((cs[0].start, cs[-1].end))
            out.findings.append(FindingUpdate(same[0]["id"], None, None, "", None, status))

    def _findings_counted(self, sev: list[re.Match], a: int, b: int, out: Extraction, header_day: date | None = None) -> None:
        """"开了两个观察项，一个是…，一个是…，都还开着" / "开了3个一般不符合，已经关了2个，剩下一个还在弄"."""
        text = self.text[a:b]
        severity = self._severity(text)
        if severity is None:
            return
        first = sev[0]
        count_m = re.search(r"([0-9一二两三四五六七八九十]+)\s*(?:个|项|条)\s*(?:严重|一般|轻微)?\s*(?:不符合|观察|不合格|发现)"
                            r"|\b(\d+|two|three|four|five|six)\s+(?:major\s+|minor\s+)?(?:non-?conformities|observations|findings)\b",
                            self.text[a:first.end() + 20], re.IGNORECASE | re.ASCII)
        if count_m is None:
            # "严重不符合1项" / "一般不符合两项": the count after the severity.
            count_m = re.compile(r"\s*[,，:：]?\s*([0-9一二两三四五六七八九十]+)\s*(?:个|项|条)").match(self.text[a:b], first.end() - a)
        count = int(qty.number(count_m.group(1) or (count_m.group(2) if count_m.re.groups > 1 else None) or "1") or 1) if count_m else 1
        if count_m:
            for q in self.quantities:
                if a + count_m.start() <= q.start < a + count_m.end():
                    self.used.add(q.start)
        count = max(1, min(count, 10))
        day = self._day_in(a, b) or header_day or self._same_audit(a, b)
        if self.correction and not RAISED.search(text) and self.ctx.findings:
            # "说错了，是一般不符合，不是严重的": the finding just told, corrected.
            last = self.ctx.findings[-1]
            out.findings.append(FindingUpdate(last.get("id"), None, severity, "", day, self._status(text)))  # type: ignore[arg-type]
            return
        if self._hypothetical_close(a, b, out):
            return
        parts = [m.end() for m in ENUM.finditer(self.text, first.end(), b)]
        (da, db), other = self._description_bounds(a, b)
        descriptions = []
        if count > 1 and len(parts) >= count:
            for i, start in enumerate(parts[:count]):
                # "一个是X，一个是Y，都还开着": each item is its own clause.
                descriptions.append((start, self.clause_at(start).end))
        else:
            descriptions = [(da, db)] * count
        closed_n = 0
        cm = re.search(r"(?:关了|关闭了|已关|整改完了?)\s*([0-9一二两三四五六七八九十]+)\s*(?:个|项|条)", text)
        if cm and count > 1:
            closed_n = int(qty.number(cm.group(1)) or 0)
            for q in self.quantities:
                if a + cm.start() <= q.start < a + cm.end():
                    self.used.add(q.start)
        tail = self.text[descriptions[-1][0]:b] if count > 1 else text
        group_status = self._status(re.sub(r"(?:一个是|另一个是)[^,;，；]*", "", tail)) if count > 1 else self._status(text)
        for i, (da, db) in enumerate(descriptions):
            if cm and count > 1:
                status = "closed" if i < closed_n else "open"
            else:
                status = group_status or "open"
            if count == 1 and count_m is not None and a + count_m.end() > da:
                da = a + count_m.end()  # "严重不符合1项，是…": the words after the count
            cid = self._criterion_of(da, db, other if count == 1 else None)
            own = re.sub(r"[\W\d_]|^是|项|个", "", self.text[da:db])
            if count == 1 and not self._criterion_of(da, db) and other and len(own) < 4:
                da, db = other
            out.findings.append(FindingUpdate(None, cid, severity, self._finding_text(da, db), day, status))

    def _finding_text(self, a: int, b: int, lead: bool = True) -> str:
        """The finding's own words, without the frame around them ("说", "万一有一个", the status)."""
        if self.correction and not RAISED.search(self.text, a, b):
            return ""
        # Clauses at the end that only tell the status or the date ("现在还没关", "10月8日开的") are not its words.
        while True:
            last = self.clause_at(max(a, b - 1))
            if last.start <= a or self._trivial(self.raw[a:last.start]) and not self._ends_in_status(last.start, b):
                break  # a description is not stripped down to nothing ("F2：投诉关闭没有客户确认")
            tail = self.text[last.start:b]
            named = any(last.start <= m.start < b and m.criterion for m in self.mentions)
            if named or not (FINDING_OPEN.search(tail) or FINDING_CLOSED.search(tail) or RAISED.search(tail)
                             or any(last.start <= d.start < b for d in self.dates)):
                break
            b = last.start
        # Clauses at the start that are only the frame ("没关，8月12号开的，关于装机规范") are not its words either.
        for c in self.clauses if lead else []:
            if c.end <= a or c.start >= b:
                continue
            if c.end >= b or not self._only_frame(max(a, c.start), c.end):
                break
            a = c.end
        if lead and not self._trivial(self.raw[a:b]) and self._ends_in_status(a, b):
            # "培训记录不全还开着": the status said at the end of the description's own clause.
            cut = max([m.start() for p in (FINDING_OPEN, FINDING_CLOSED) for m in p.finditer(self.text, a, b)], default=None)
            # "…上周已经关了": the day it was closed goes with the status.
            cut = next((d.start for d in self.dates if cut is not None and a <= d.start and 0 <= cut - d.end <= 2), cut)
            if cut is not None and len(re.sub(r"[\W_]|那个|这个|那条|这条|那项|这项", "", self.raw[a:cut])) >= 4:
                b = cut
        piece = self.raw[a:b]
        # "was raised on 15 November about missing training records": the words after the frame.
        piece = RAISED_FRAME.sub("", piece.strip(" ,;:"), count=1) if lead else piece
        # "F1（严重）投诉超期": the severity in brackets after the ID is not its words.
        piece = re.sub(r"^\s*[(（]\s*(?:严重|重大|一般|轻微|观察项?|major|minor|observation)\s*[)）]\s*", "", piece, flags=re.IGNORECASE)
        piece = re.sub(r"^[\s，,。；;：:、]+|[\s，,。；;：:、]+$", "", piece)
        piece = re.sub(r"^(?:说|是|关于|on the same day|on (?=\d)\S+|on(?=\s)|about|because|regarding|concerning)\s*", "", piece)
        piece = re.sub(r"^(?:about|because)\s*", "", piece)
        piece = re.sub(r"^(?:万一|如果|要是|假如)?(?:还)?(?:有|开了)?(?:一个|[0-9一二两三四五六七八九十]+个)?$", "", piece)
        return piece.rstrip("。.")

    def _only_frame(self, a: int, b: int) -> bool:
        """Whether [a, b) tells nothing but the status, that it was raised, or a date ("没关", "8月12号开的")."""
        piece = self.text[a:b]
        for d in self.dates:
            if a <= d.start < b:
                piece = piece.replace(self.text[d.start:d.end], " ")
        for pattern in (FINDING_OPEN, FINDING_CLOSED, RAISED):
            piece = pattern.sub(" ", piece)
        return self._trivial(re.sub(r"已经?|还|了|的|是|在|于|on|was|were|is|it|still", "", piece))

    def _ends_in_status(self, a: int, b: int) -> bool:
        """Whether [a, b) ends telling the status or when it was raised ("整改到现在都没关", "已经关了2个"), unlike a
        description that merely contains such a word ("投诉关闭没有客户确认")."""
        piece = re.sub(r"(?:[0-9一二两三四五六七八九十]+\s*(?:个|项|条))?[了的呢啦啊吧]*[\s,，.。;；!！]*$", "", self.text[a:b])
        ends = [m.end() for p in (FINDING_OPEN, FINDING_CLOSED, RAISED) for m in p.finditer(self.text, a, b)]
        ends = [e - a for e in ends]
        ends += [d.end - a for d in self.dates if a <= d.start < b]
        return any(e >= len(piece) for e in ends)

    def _same_audit(self, a: int, b: int) -> date | None:
        if SAME_AUDIT.search(self.text, a, b) and self.ctx.findings:
            raised = self.ctx.findings[-1].get("raised_on")
            if raised:
                return date.fromisoformat(str(raised)) if not isinstance(raised, date) else raised
        return None

    def _open_finding(self, severity: str | None = None) -> dict | None:
        opened = [f for f in self.ctx.findings if f.get("status", "open") == "open"]
        if severity:
            opened = [f for f in opened if f.get("severity") == severity] or opened
        return opened[-1] if opened else None

    def _hypothetical_close(self, a: int, b: int, out: Extraction) -> bool:
        """"如果下周复审把那个严重不符合关掉": a finding already recorded, closed in a what-if."""
        if out is not self.supposed or not re.search(r"关掉|关闭|关了|整改完|close|fix|resolve", self.text[a:b], re.ASCII):
            return False
        f = self._open_finding(self._severity(self.text[a:b]))
        if f is not None and f.get("id"):
            out.findings.append(FindingUpdate(f["id"], None, None, "", None, "closed"))  # type: ignore[arg-type]
        return True

    def _finding_corrections(self) -> None:
        """"日期记错了，是10月21号开的" / "噢不对，是10月19号" / "要是这个月底前关掉呢": the last finding told."""
        if not self.ctx.findings:
            return
        last = self.ctx.findings[-1]
        for c in self.clauses:
            out = self.out(c.start)
            if out is self.supposed and re.search(r"关掉|关闭|关了|整改完|close", self.text[c.start:c.end], re.ASCII):
                f = self._open_finding("major")
                if f is not None and f.get("id") and not out.findings:
                    out.findings.append(FindingUpdate(f["id"], None, None, "", None, "closed"))  # type: ignore[arg-type]
                return
        if not self.correction or self.mentions:
            return
        days = [d for d in self.dates if d.day is not None and self.out(d.start) is self.stated]
        if len(days) == 1 and last.get("id"):
            self.stated.findings.append(FindingUpdate(last["id"], None, None, "", days[0].day, None))  # type: ignore[arg-type]
