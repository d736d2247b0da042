"""Maturity levels in a message: said as L3 or a level's name, given by an absence, or by a description."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.chat.reading import described
from assistant.chat.reading import quantities as qty
from assistant.chat.reading.lexicon import Mention
from assistant.chat.reading.model import LevelUpdate
from assistant.chat.reading.patterns import (
    ALL,
    INFLATED,
    CRITERION_RANGE,
    DIMENSION,
    DIMENSION_ALL,
    EVERY,
    HAS_ORG,
    INFORMAL,
    LEVEL_AIM,
    LEVEL_NAMES,
    NEG_AFTER,
    NEG_BEFORE,
    OTHER_PARTY,
    DEDICATED,
    NO_ORG,
    ORG_ISSUED,
    ORG_WORD,
    PRESENT,
    THESE,
    THIS,
    UNTRUE,
)
from assistant.chat.reading.text import _QUESTION, Clause


# The subject of a negation that is only a part of the whole ("还有两成半没…", "部分网点没…", "有些师傅没…").
PART = re.compile(r"(?:[0-9一二两三四五六七八九十几]+(?:成半?|%|个|名|位|家)|百分之\S{1,4}|部分|一些|有些|有的|少数|个别"
                  r"|别的|其他|其它|其余)\S{0,2}$")
# A negation denied ("也不是啥都没有", "并非没有"): something is there; no absence.
_DENIED = re.compile(r"(?:不是|并非|并不是|not that)\S{0,4}$", re.IGNORECASE)
# Only one thing lacking after what is there ("程序文件有，台账也有，就是没定处理时限"): a gap, not an absence.
_ONLY_LACK = re.compile(r"(?:就是|只是|只差|就差|唯一)\S{0,2}$")
# A sentence saying the criterion does not apply ("备件不适用，我们没有硬件"): what it lacks gives no level.
_NOT_APPLICABLE = re.compile(r"不适用|不涉及|\bnot applicable\b|\bn/a\b|\bdoes(?:n't| not) apply\b", re.IGNORECASE)


# A clause that says what is lacking or still done the old way: "授权的还是用表格记", "加盟店各做各的".
_LACKING = re.compile(r"还是|仍然|依然|照旧|各\S各的|尚未|未覆盖|没覆盖|没铺开|还没|\bstill\b|\bnot yet\b|\bexcept\b")
# Particles and indefinites that make no question in a statement: "…还是用表格记嘛", "效果验证没怎么做".
_SOFT_QUESTION = re.compile(r"(?:没|不)怎么|[嘛吧]$")

# How people say what the catalogue's descriptors say: each family of everyday words is read as the descriptors'
# own words before a description is matched to them. Chinese, then English (the descriptors are Chinese).
_PLAIN: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(p, re.IGNORECASE), w) for p, w in (
    # a rule set up: 整了个制度, 搞了一套办法, 定了流程
    (r"(?:整|搞|弄|定|出|写|建)了?(?:一?[个套份])?(?=\S{0,6}(?:制度|办法|规定|流程|程序|规范))", "制定了"),
    # a system put in place: 系统整了一个, 上了工单系统
    (r"(?<=系统|平台)(?:早就|已经)?(?:上了|用上了|(?:整|搞|弄|建)了一?[个套]|(?:是|也|倒是)?有(?=\s*[,，;；]))|(?:上了|用上了|(?:整|搞|弄|建)了一?[个套])(?=\S{0,4}(?:系统|平台))", "上线了"),
    (r"(?:一年|每年)(?:一|两|二|\d)(?:次|回)|年年", "每年"),
    (r"按计划来|照计划|按计划", "按计划"),
    # a report or minutes made: 每月出个报告, 有纪要, 报告和纪要都有
    (r"出(?:一?[个份])?(?=报告|纪要)|有(?=报告|纪要|会议纪要)", "形成"),
    (r"(?<=报告|纪要)(?:\S{0,6})都有", "形成"),
    # a meeting held: 管理评审也开, 开管理评审
    (r"(?<=评审)(?:每年)?(?:也|都)?开|(?<![召])开(?=\S{0,2}(?:管理评审|评审会|会议))", "召开"),
    (r"(?:都|也)?整改(?:了|完了?|过了?)", "有整改记录"),
    (r"有空|有时候?|时不时|想起来|看心情|不定期|sometimes|occasionally|now and then|when \w+ (?:has|have) time", "偶尔"),
    (r"跟着|陪着|ride along|accompan\w*", "陪同"),
    (r"说(?:两|几)?句|说一下|说说|提醒一下|打个招呼|嘴上说|verbal\w*|a word", "口头提醒"),
    (r"(?:也|都)?(?:不记|没记录|不留记录|不做记录|不留底)|(?:no|without) records?|not recorded|nothing (?:is )?(?:written|recorded)", "不留记录"),
    (r"各(?:做|干|搞|弄|管|用)各的|each (?:does|keeps|uses) (?:its|their) own", "各用各的"),
    (r"按(?:那个|这个|它|办法|制度)(?:做|来|执行|走)", "按办法执行"),
    (r"加盟店|加盟商|代理商|经销商|授权店|授权的|franchise\w*|distributors?|dealers?|agents?|authori[sz]ed (?:outlets?|stations?|centers?|centres?)", "授权网点"),
    (r"直营|自营的|own (?:outlets?|stations?|branches)|company-run|self-operated", "自营网点"),
    (r"(?:用|靠)(?:表格|Excel|纸|纸质单|手工)|spreadsheets?|excel|paper", "用Excel表格"),
    # English: the descriptors' words for what an English description says
    (r"internal audits?", "内审"), (r"management reviews?", "管理评审"),
    (r"\b(?:every|all|each)\b[^,;.]{0,20}\b(?:process|processes|department|departments)", "全部流程"),
    (r"(?:a )?(?:representative )?sample of (?:outlets|stations|distributors|dealers|sites)", "有代表性的网点"),
    (r"(?:auditors?|they) (?:are|were) (?:trained|qualified|certified)", "内审员经培训取得资格"),
    (r"(?:never|don't|do not|not) audit (?:their|its) own", "不审核本部门"),
    (r"(?:an? )?owners? and (?:a )?deadlines?", "责任人和期限"),
    (r"every year|annually|once a year|yearly", "每年"), (r"to (?:a|the) plan|planned|on schedule", "按计划"),
    (r"minutes", "形成纪要"), (r"(?:a |written )?reports?", "形成报告"),
))


def _plain(text: str) -> str:
    """`text` with its everyday words followed by the descriptors' words for them."""
    return _plain_at(text)[0]


def _plain_at(text: str) -> tuple[str, list[int]]:
    """`_plain(text)` and, for each of its characters, where in `text` it was said (the words added for an
    everyday phrase were said where the phrase starts)."""
    src = list(range(len(text)))
    for pattern, words in _PLAIN:
        out, at, last = [], [], 0
        for m in pattern.finditer(text):
            out.append(text[last:m.end()] + words)
            at += src[last:m.end()] + [src[m.start()] if m.start() < len(src) else len(text)] * len(words)
            last = m.end()
        if out:
            text, src = "".join(out) + text[last:], at + src[last:]
    return text, src


def _places(plain: str, src: list[int], words: set[str], cue: re.Pattern | None) -> set[int]:
    """Where in the original text the `words` (and the cue's matches) of `plain` were said."""
    low = plain.lower()
    found = {src[m.start()] for w in words for m in re.finditer(re.escape(w), low)}
    if cue is not None:
        found |= {src[m.start()] for m in cue.finditer(plain)}
    return found


def _spread(places: set[int]) -> int:
    """How many separate places: positions more than three characters apart."""
    n, last = 0, None
    for p in sorted(places):
        if last is None or p - last > 3:
            n += 1
        last = p
    return n


def _tokens(text: str) -> set[str]:
    """The character bigrams of the Chinese in `text` and its Latin words (PDCA, KPI, Excel)."""
    from assistant.chat.reading.lexicon import _grams

    return _grams(text) | {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)}


_COMMON = {"服务", "售后", "网点", "记录", "企业", "工程", "程师", "客户", "系统", "全部"}


@lru_cache(maxsize=4)
def _signatures_of(version: str | None, descriptors: tuple) -> dict[str, dict[int, frozenset[str]]]:
    out: dict[str, dict[int, frozenset[str]]] = {}
    for cid, levels in descriptors:
        toks = {lv: _tokens(text) - _COMMON for lv, text in levels}
        out[cid] = {lv: frozenset(t - set().union(*(toks[o] for o in toks if o != lv))) for lv, t in toks.items()}
    return out


def _signatures(version: str | None, lex) -> dict[str, dict[int, frozenset[str]]]:
    """For each criterion and level, the words of its descriptor no other level of that criterion has."""
    return _signatures_of(version, tuple((cid, tuple(sorted(lv.items()))) for cid, lv in sorted(lex.descriptors.items())))


class LevelReading:
    """Reads levels (a mixin of the Reader)."""

    def read_levels(self) -> None:
        phrases = self.level_phrases
        skip: set[int] = set()
        for lm in phrases:
            if lm.start() in skip:
                continue
            out = self.out(lm.start())
            if out is None or self.in_findings(lm.start()):
                continue
            if LEVEL_AIM.search(self.text[max(0, lm.start() - 6):lm.start()]):
                continue
            level, note = self._level_of(lm)
            if level is None:
                continue
            # "L2和L3之间" / "定义级到量化管理级": two levels joined are a range, recorded at the lower.
            nxt = next((p for p in phrases if p.start() >= lm.end()), None)
            if nxt is not None and re.fullmatch(r"\s*(?:到|至|-|~|和|与|或|或者|or|and|to)\s*", self.text[lm.end():nxt.start()], re.ASCII):
                other, _ = self._level_of(nxt)
                if other is not None:
                    skip.add(nxt.start())
                    lo = min(level, other)
                    note = self._t(f"“{self.said(lm.start(), nxt.end())}”按较低的L{lo}记录",
                                   f"\"{self.said(lm.start(), nxt.end())}\": the lower level, L{lo}, recorded")
                    level = lo
            scope = self._level_scope(lm)
            if not scope:
                continue
            said = self.said(self.clause_at(lm.start()).start, lm.end())
            for cid in scope:
                if any(x.criterion == cid for x in out.levels):
                    continue
                out.levels.append(LevelUpdate(cid, level, said, note))

    def _level_of(self, lm: re.Match) -> tuple[int | None, str]:
        g = lm.groupdict()
        if g["r1"]:
            lo, hi = qty.number(g["r1"]), qty.number(g["r2"])
            if lo is None or hi is None:
                return None, ""
            lo, hi = int(min(lo, hi)), int(max(lo, hi))
            return lo, self._t(f"“{lm.group(0)}”按较低的L{lo}记录", f"\"{lm.group(0)}\": the lower level, L{lo}, recorded")
        raw = g["a"] or g["n"] or g["d"]
        if raw is not None:
            v = qty.number(raw)
            if g["d"] is not None:
                # "我觉得是4": a bare digit is a level only after a criterion that has levels and no unit.
                before = [m for m in self.sentence_mentions(lm.start()) if m.end <= lm.start()]
                if not before or self.scheme.criteria.get(before[-1].criterion or before[-1].of("other") or "", None) is None:
                    return None, ""
                cid = before[-1].criterion or before[-1].of("other")
                if self.scheme.criteria[cid].is_kpi:
                    return None, ""
            return (int(v), "") if v is not None and 0 <= v <= 5 else (None, "")
        name = (g["name"] or g["ename"]).lower()
        return LEVEL_NAMES.get(name, LEVEL_NAMES.get(g["name"] or "")), ""

    def _level_scope(self, lm: re.Match) -> list[str]:
        pos = lm.start()
        clause = self.clause_at(pos)
        sentence = self.sentence_mentions(pos)
        before = [m for m in sentence if m.end <= pos]
        head = self.text[self._sentence_start(pos):pos]
        # What this level phrase is said of starts after the one before it ("D1.1到D1.4全部L3，D2也全部L3").
        own = max([self._sentence_start(pos), *(p.end() for p in self.level_phrases if p.end() <= pos)])
        region = self.text[own:pos]
        rng = list(CRITERION_RANGE.finditer(region)) or ([] if own > self._sentence_start(pos) else list(CRITERION_RANGE.finditer(head)))
        if rng:
            a, b = rng[-1].groups()[:2], rng[-1].groups()[2:]
            ids = list(self.scheme.criteria)
            lo, hi = ids.index(f"D{a[0]}.{a[1]}"), ids.index(f"D{b[0]}.{b[1]}")
            return ids[min(lo, hi):max(lo, hi) + 1]
        named = [m for m in before if m.start >= own]
        # "所有条款都只能算初始级": every criterion, KPI ones included (a declared level stands until a value is given).
        if not named and EVERY.search(region):
            return list(self.scheme.criteria)
        # "D2整个维度都是定义级", "D6三条都是L2", "D1都在二级左右": each criterion of the dimensions named.
        dims = [int(d) for d in DIMENSION.findall(region)]
        if dims and not named and DIMENSION_ALL.search(region):
            return [cid for d in dict.fromkeys(dims) for cid in self.scheme.criteria if cid.startswith(f"D{d}.")]
        these = THESE.search(self.text, max(clause.start, pos - 8), pos)
        if these:
            n = 2 if these.group("both") else int(qty.number(these.group("n")) or 2) if these.group("n") != "几" else 0
            crit = self._topics_before(pos)
            return crit[-n:] if n else crit
        recent = self.text[before[-1].end if before else clause.start:pos]
        if before and ALL.search(recent):
            dims = [int(d) for d in DIMENSION.findall(head)]
            crit = self._criteria_of(before)
            for d in dims:
                crit += [cid for cid in self.scheme.criteria if cid.startswith(f"D{d}.")]
            return list(dict.fromkeys(crit))
        start = self._sentence_start(pos)
        in_sentence = [cid for a, b, _, cid in self.all_documents() if start <= a and b <= pos and cid]
        if THIS.search(self.text, max(start, pos - 12), pos):
            # "首次响应这块算L3": a level said of a KPI criterion is its declared level too (SCHEME.md §2).
            declared = self._criteria_of(before) + in_sentence
            if declared:
                return declared[:1]
            if not self.mentions and self.ctx.focus:
                return [self.ctx.focus[-1]]  # "这块我们算二级": the criterion just talked about
        if before:
            return self._criteria_of(before[-1:])
        if in_sentence:
            return in_sentence[-1:]  # "售后服务手册这块算L3": the criterion of the document named
        after = [m for m in sentence if m.start >= lm.end()]
        if after:
            return self._criteria_of(after[:1])
        # "…; I'd call it level 3" / "……。这个算L2": the level of what the sentence before was about.
        s = clause.sentence
        earlier = [m for m in self.mentions if self.clause_at(m.start).sentence == s - 1]
        if earlier:
            return self._criteria_of(earlier[-1:])
        if self.correction and self.ctx.focus:
            return [self.ctx.focus[-1]]
        return []

    def _sentence_text(self, s: int) -> str:
        return "".join(self.text[c.start:c.end] for c in self.clauses if c.sentence == s)

    def _sentence_start(self, pos: int) -> int:
        s = self.clause_at(pos).sentence
        return min(c.start for c in self.clauses if c.sentence == s)

    def _topics_before(self, pos: int) -> list[str]:
        """The criteria talked about before `pos`, in order: names outside documents, and each document's criterion."""
        docs = [(a, cid) for a, b, _, cid in self.all_documents() if b <= pos and cid]
        spans = [(a, b) for a, b, _, _ in self.all_documents()]
        names = [(m.start, c) for m in self.mentions if m.end <= pos and not any(a <= m.start < b for a, b in spans)
                 for c in self._criteria_of([m])]
        ordered = [cid for _, cid in sorted(docs + names)]
        seen: list[str] = []
        for cid in ordered:
            if cid in seen:
                seen.remove(cid)
            seen.append(cid)
        return seen

    def _doc_spans(self) -> list[tuple[int, int]]:
        """Where documents are named (their criterion aside): names inside them are no subject of a clause."""
        if not hasattr(self, "_spans"):
            self._spans = [(a, b) for c in self.clauses if not c.question for a, b, _ in self._documents(c)]
        return self._spans

    def all_documents(self) -> list[tuple[int, int, str, str | None]]:
        if not hasattr(self, "_all_docs"):
            self._all_docs = [(a, b, item, self._place(item, c, a)) for c in self.clauses if not c.question
                              for a, b, item in self._documents(c)]
        return self._all_docs

    def _criteria_of(self, ms: list[Mention]) -> list[str]:
        return list(dict.fromkeys(c for m in ms for c in [m.criterion or m.of("other") or m.of("rate") or m.of("time")] if c))

    # --- absence: what is not there gives a level, never evidence

    def _dedicated(self) -> bool:
        """Staff said to do after-sales only ("有两个专门做售后的", "组长是专职做售后的"), not denied ("也没有专门管售后的人")."""
        return any(not re.search(r"(?:[没冇无未不]|\bno\b|\bnot\b)\S{0,4}\s*$", self.text[max(0, m.start() - 6):m.start()])
                   for m in DEDICATED.finditer(self.text))

    def read_organisation(self) -> None:
        """An after-sales organisation there or not: the fact behind veto V2 (D5.1 at level 0)."""
        for clause in self.clauses:
            out = self.out(clause.start)
            if out is None:
                continue
            piece = self.text[clause.start:clause.end]
            no = NO_ORG.search(piece)
            if no and (self.in_findings(clause.start + no.start()) or OTHER_PARTY.search(self._sentence_text(clause.sentence))):
                continue  # a finding's words, or somebody else's organisation ("隔壁公司被开了严重不符合，说是没有售后组织")
            if no and self._dedicated() and not any(x.criterion == "D5.1" for x in out.levels):
                # "售后没有单独的部门，…有两个专门做售后的小伙子": after-sales staff without a formal organisation is L1's
                # descriptor, not L0's (no one but sales or production standing in).
                out.levels.append(LevelUpdate("D5.1", 1, self.said(clause.start, clause.end), self._t(
                    f"“{no.group(0)}”，但有专人做售后：按L1（初始级）记录", f"\"{no.group(0)}\", but staff dedicated to after-sales: recorded as L1 (initial)")))
                continue
            if no:
                self.negated.setdefault("D5.1", (clause.start + no.start(), self.said(clause.start + no.start(), clause.start + no.end())))
                continue
            has = HAS_ORG.search(piece)
            if has and re.search(r"准备|计划|打算|将要|将会|想要?|要(?=成立|建|设|组建)|下个?月|明年|年底前|争取|\b(?:plan|will|going to|next)\b",
                                 piece[:has.start()], re.IGNORECASE):
                has = None  # "下个月我们准备成立售后部": an organisation intended is none yet (V2 stands)
            sentence = self._sentence_text(clause.sentence)
            issued = ORG_ISSUED.search(sentence)
            if (has or ORG_WORD.search(sentence)) and issued and not self.in_findings(clause.start) \
                    and not any(x.criterion == "D5.1" for x in out.levels) and self.ctx.levels.get("D5.1", 0) < 2 \
                    and not NO_ORG.search(sentence):
                # L2's own words: the organisation chart and duties issued, the head appointed.
                out.levels.append(LevelUpdate("D5.1", 2, self.said(clause.start, clause.end),
                                              self._t(f"“{issued.group(0)}”：组织架构、职责已发文或负责人已任命，按L2（规范级）记录",
                                                      f"\"{issued.group(0)}\": organisation chart and duties issued or head appointed, recorded as L2 (managed)")))
                continue
            if has and not self.in_findings(clause.start) and not any(x.criterion == "D5.1" for x in out.levels) \
                    and self.ctx.levels.get("D5.1", 0) < 1:
                out.levels.append(LevelUpdate("D5.1", 1, self.said(clause.start, clause.end),
                                              self._t(f"“{has.group(0)}”：有售后服务组织，按L1（初始级）记录",
                                                      f"\"{has.group(0)}\": an after-sales organisation exists, recorded as L1 (initial)")))

    def read_absence(self) -> None:
        self.read_organisation()
        for clause in self.clauses:
            out = self.out(clause.start)
            sentence = self._sentence_text(clause.sentence)
            # What a sentence admits as untrue, or says does not apply, is no absence of a practice.
            if out is None or UNTRUE.search(sentence) or INFLATED.search(sentence) or _NOT_APPLICABLE.search(sentence):
                continue
            piece = self.text[clause.start:clause.end]
            for neg in list(NEG_BEFORE.finditer(piece)) + list(NEG_AFTER.finditer(piece)):
                at = clause.start + neg.start()
                if PART.search(self.text[max(clause.start, at - 8):at]):
                    continue  # "师傅里还有两成半没拿到作业证": some lack it; a share, not an absence
                if _DENIED.search(self.text[max(clause.start, at - 8):at]):
                    continue  # "投诉处理也不是啥都没有": the absence is denied
                if _ONLY_LACK.search(self.text[max(clause.start, at - 4):at]) and clause.sentence == self.clause_at(clause.start - 1).sentence:
                    continue  # "…台账也有，就是没定处理时限": one gap in what was just described
                if self.in_findings(at):
                    continue  # what a finding says is missing is the finding's, not a level the client states
                targets = self._negated(clause, at, clause.start + neg.end(), neg.re is NEG_AFTER)
                said = self.said(clause.start, clause.end)
                for cid, words in targets:
                    if self._one_document(words) and not self._missing_practice(cid, words) and not self._by_experience(clause):
                        continue  # "没有第三方满意度测评报告": one document missing is missing evidence, not a level
                    if self._higher_practice(cid, words):
                        continue  # "没搞过神秘客户暗访": what only a higher level does is missing; no L0
                    self.negated.setdefault(cid, (at, said if len(said) <= 24 else said[:23] + "…"))
        from assistant.chat.reading.evidence import TOTAL_ABSENCE

        for clause in self.clauses:
            m = TOTAL_ABSENCE.search(self.text[clause.start:clause.end])
            if m is None or self.out(clause.start) is None:
                continue
            # "售后服务规范那些书面的东西，说实话一份都没有": none at all of what the sentence named first.
            earlier = [x for x in self.mentions if self.clause_at(x.start).sentence == clause.sentence and x.end <= clause.start]
            docs = [(a, cid) for a, _b, _item, cid in self.all_documents() if cid and a < clause.start
                    and self.clause_at(a).sentence == clause.sentence]
            cid = docs[0][1] if docs else next((x.criterion or x.of("other") for x in earlier if x.criterion or x.of("other")), None)
            if cid:
                self.negated.setdefault(cid, (clause.start + m.start(), self.said(self.clause_at(docs[0][0] if docs else earlier[0].start).start, clause.end)))
        for cid, (at, words) in self.negated.items():
            out = self.out(at)
            if out is None or any(x.criterion == cid for x in out.levels) or any(k.criterion == cid for k in out.kpis):
                continue
            level, note = self._absent_level(cid, at, words)
            out.levels.append(LevelUpdate(cid, level, self.said(self.clause_at(at).start, self.clause_at(at).end), note))

    # The work done from people's experience alone, or learnt by following others: what is left when the rule is missing.
    _BY_EXPERIENCE = re.compile(r"全靠|全凭|凭(?:\S{0,4})?经验|靠(?:\S{0,4})?经验|跟着老(?:员工|师傅)|师傅带|自己学|跟车|口头"
                                r"|\b(?:go(?:es)? by experience|from experience|shadow\w*|learn on the job|in (?:our|their) heads)\b", re.IGNORECASE)

    def _by_experience(self, clause: Clause) -> bool:
        return bool(self._BY_EXPERIENCE.search(self._sentence_text(clause.sentence)))

    def _negated(self, clause: Clause, at: int, end: int, after_form: bool) -> list[tuple[str, str]]:
        """The criteria a negation at `at` denies: names or documents after it in its clause, or (for "X没做过")
        the name before it; a bare "没有计划" denies the topic of its sentence."""
        found: list[tuple[str, str]] = []
        placed = [(a, b, item, cid) for a, b, item, cid in self.all_documents() if clause.start <= a < clause.end]
        docs = [(a, b) for a, b, _item, _cid in placed]
        rest = [m for m in self.mentions if end <= m.start < clause.end]
        if not after_form:
            # "没有备件管理制度": the rule or record the criterion's L0 says is missing, or its L2 says was set up.
            missing = [(cid, item) for a, b, item, cid in placed if cid and end <= a <= end + 4 and self._missing_practice(cid, item)]
            if missing:
                return missing[:1]
        total = re.match(r"(?:一(?:份|本|个|样|条|张)(?:都|也)没有|全都没有|啥都没有|什么都没有)", self.text[at:end + 2])
        if total:
            # "作业指导书一份都没有": none at all of that kind of document: the practice is missing.
            named = [(item, cid) for a, b, item, cid in placed if at - 3 <= b <= at and cid]
            if named:
                return [(named[-1][1], named[-1][0])]
        if (after_form or not rest) and not total and any(at - 3 <= b <= at for a, b in docs):
            # "书面的维修规范没有，装机修机全靠老师傅的经验": the document missing and the work done by experience
            # alone is the practice missing (the criterion's L0 or L1 descriptor), not only evidence.
            by_hand = [(cid, item) for a, b, item, cid in placed if cid and at - 3 <= b <= at and self._by_experience(clause)]
            if by_hand:
                return by_hand[-1:]
            return []  # "个人培训档案还没建": a document not there yet is missing evidence, not a level
        if rest and not after_form and any(a <= rest[0].start < b and a <= end + 4 for a, b in docs):
            return []  # "没有第三方满意度测评报告": the name is inside the missing document's
        if rest and not after_form:
            m = rest[0]
            cid = m.criterion or m.of("other")
            named = re.match(r"[^\s,，。;；]{0,8}", self.text[m.start:clause.end]).group(0)
            head = next((named[:i + len(h)] for h in self.lex.doc_heads_zh for i in [named.find(h)] if i > 0), None)
            if cid and head and self._one_document(head) and not self._missing_practice(cid, head):
                return []  # "没拿过第三方满意度测评报告": the name qualifies a missing document (evidence, not a level)
            if cid:
                found.append((cid, m.text))
                if re.match(r"\s*(?:和|与|及|或|、|/|or|and)\s*$", self.text[m.end:rest[1].start] if len(rest) > 1 else "x"):
                    c2 = rest[1].criterion or rest[1].of("other")
                    if c2:
                        found.append((c2, rest[1].text))
            return found
        before = [m for m in self.mentions if clause.start <= m.start and m.end <= at]
        said_after = re.sub(r"[\s,，。.;；!！?？的了过]", "", self.text[end:clause.end])
        if not before and not (after_form and len(said_after) >= 2):
            # "满意度调查从来没做过。" reaches back to what the sentence named; "也没搞过神秘客户暗访" names its own
            # object after the negation, and reaching back would deny the sentence's other subject.
            before = [m for m in self.sentence_mentions(at) if m.end <= at]
        if after_form or not rest:
            doc = self._document_after(end, clause.end) if not after_form else None
            if doc:
                cid = self._place(doc, clause, at)
                if cid:
                    return [(cid, doc)]
            if not after_form:
                # "回访是有的，但没有统一的问卷": a document word right after the negation names what is missing.
                tail = self.low[end:min(clause.end, end + 10)]
                hits = sorted((tail.find(w), -len(w), w, cid) for w, cid in self.lex.evidence if len(w) >= 2 and w in tail)
                if hits and hits[0][0] <= 6:
                    # The clause names its own object; one its criterion's lower levels do not name is no absence.
                    return [(hits[0][3], hits[0][2])] if self._named_low(hits[0][3], hits[0][2]) else []
            if before:
                ms = before[-1:]
                # "内审和管理评审都没搞过": every name of the list before it.
                lst = [m for m in before if m.start >= clause.start]
                if len(lst) > 1:
                    ms = lst
                for m in ms:
                    cid = m.criterion or m.of("other")
                    if cid:
                        found.append((cid, m.text))
        return found

    def _one_document(self, words: str) -> bool:
        """A named document (its name ends with a document word and says more than the word), not a practice."""
        w = words.strip().lower()
        heads = self.lex.doc_heads_en if w.isascii() else self.lex.doc_heads_zh
        return any(w.endswith(h.lower()) and len(w) > len(h) for h in heads)

    # Document words of one kind: a missing 制度 is the missing 规定 the descriptor names.
    _DOC_KINDS = (("制度", "规定", "办法", "规范", "程序", "流程", "标准", "手册", "文件"), ("计划", "方案", "文件"),
                  ("记录", "台账", "档案", "报告", "纪要", "文件"))

    def _missing_practice(self, cid: str, words: str, levels: tuple[int, ...] = (0, 2)) -> bool:
        """A missing document is the practice missing when the criterion's own descriptors name it: what L0 says is
        not there or what L2 says was set up ("没有备件管理制度" against "建立了备件管理规定"); most of the name's
        words and a document word of its kind occur there. A report or certificate of a higher level is only
        missing evidence ("没有第三方满意度测评报告")."""
        from assistant.chat.reading.lexicon import _grams

        w = re.sub(r"^(?:书面的?|正式的?|成文的?|统一的?)", "", words.strip())
        head = next((h for h in self.lex.doc_heads_zh if w.endswith(h)), None)
        kinds = [k for k in self._DOC_KINDS if head in k]
        if not head or not kinds:
            return False
        core = _grams(w[:-len(head)])
        text = "".join(self.lex.descriptors.get(cid, {}).get(lv, "") for lv in levels)
        if not core or len(core & _grams(text)) < 0.6 * len(core):
            return False
        return any(h in text for k in kinds for h in k)

    def _named_low(self, cid: str, word: str) -> bool:
        """`word` is what the criterion's L0-L2 descriptors say is missing or set up ("问卷" of a survey mechanism);
        a means they do not name ("神秘客户暗访") missing says nothing of the level."""
        from assistant.chat.reading.lexicon import _grams

        d = self.lex.descriptors.get(cid, {})
        g = _grams(word) - _COMMON
        return not d or not g or bool(g & _grams("".join(d.get(lv, "") for lv in (0, 1, 2)))) or len(word) <= 2

    def _higher_practice(self, cid: str, words: str) -> bool:
        """`words` name what only the criterion's higher levels (L3-L5) describe ("神秘客户暗访", "行业奖"): its
        absence says the criterion is not that high, not that it is absent."""
        from assistant.chat.reading.lexicon import _grams

        d = self.lex.descriptors.get(cid, {})
        g = _grams(words) - _COMMON
        if len(g) < 2 or not d:  # a short word ("质检") names the practice itself, not a higher form of it
            return False
        low = _grams("".join(d.get(lv, "") for lv in (0, 1, 2)))
        high = _grams("".join(d.get(lv, "") for lv in (3, 4, 5)))
        return len(g & high) >= max(1, len(g) // 2) and not g & low

    def _absent_level(self, cid: str, at: int, words: str) -> tuple[int, str]:
        s = self.clause_at(at).sentence
        sentence = " ".join(self.text[c.start:c.end] for c in self.clauses if c.sentence == s)
        present = self._present(cid, at)
        if cid == "D5.1" and not present:
            return 0, self._t(f"“{words}”：无售后服务组织，按L0记录", f"\"{words}\": no after-sales organisation, recorded as L0")
        # "没什么正式流程，都是老板想起来哪块就抓哪块": what is left is done ad hoc, by individuals: L1.
        rest = " ".join(self.text[c.start:c.end] for c in self.clauses if c.sentence == s and c != self.clause_at(at))
        informal = INFORMAL.search(rest)
        if informal and not present and self._fit(cid, rest, 0) <= self._fit(cid, rest, 1):
            return 1, self._t(f"“{informal.group(0)}”：与{cid} L1（初始级）的说明一致，按L1记录",
                              f"\"{informal.group(0)}\": matches the L1 (initial) descriptor of {cid}, recorded as L1")
        if present:
            # "有架构图，任命了总监，…跨部门接口还没发文件": what is there describes a level; what is lacking is
            # what the level above requires.
            found = self._describe(cid, [c for c in self.clauses if c.sentence == s and not self._asks(c)])
            if found and found[0] >= 2:
                return found[0], self._t(f"“{words}”：其余描述与{cid} L{found[0]}的说明一致，按L{found[0]}记录",
                                         f"\"{words}\": the rest matches the L{found[0]} descriptor of {cid}, recorded as L{found[0]}")
        l0, l1 = self._fit(cid, sentence, 0), self._fit(cid, sentence, 1)
        if l1 > l0:
            return 1, self._t(f"“{words}”：与{cid} L1（初始级）的说明一致，按L1记录",
                              f"\"{words}\": matches the L1 (initial) descriptor of {cid}, recorded as L1")
        if l0 > l1 and not present:
            return 0, self._t(f"“{words}”：与{cid} L0（缺失）的说明一致，按L0记录",
                              f"\"{words}\": matches the L0 (absent) descriptor of {cid}, recorded as L0")
        if present:
            return 1, self._t(f"“{words}”：只有一部分，按L1（初始级）记录", f"\"{words}\": only in part, recorded as L1 (initial)")
        if INFORMAL.search(sentence):
            return 1, self._t(f"“{INFORMAL.search(sentence).group(0)}”按L1（初始级）记录", f"\"{INFORMAL.search(sentence).group(0)}\": recorded as L1 (initial)")
        return 0, self._t(f"“{words}”：按L0（缺失）记录", f"\"{words}\": recorded as L0 (absent)")

    def _present(self, cid: str, neg_at: int) -> bool:
        """Something of `cid` is there: a document of it, or its name in a clause that says it is done or had."""
        neg_clause = self.clause_at(neg_at)
        for m in self.mentions:
            if (m.criterion or m.of("other")) != cid:
                continue
            c = self.clause_at(m.start)
            if c == neg_clause or c.question or c.hypothetical:
                continue
            piece = self.text[c.start:c.end]
            if NEG_BEFORE.search(piece) or NEG_AFTER.search(piece):
                continue
            if PRESENT.search(piece):
                return True
        return False

    # --- levels from a description matching the criterion's own level descriptors

    def read_descriptions(self) -> None:
        """A practice described without a level ("工单系统全网点都用，能按序列号查历史"): the level whose descriptor in
        the catalogue it matches best, when it clearly matches one, for criteria that have levels and no value.
        Consecutive sentences about the same criterion are one description ("内审每年按计划做。管理评审也开，有纪要。")."""
        groups: list[tuple[str, list[Clause]]] = []
        last = -2
        for s in sorted({c.sentence for c in self.clauses}):
            cs = [c for c in self.clauses if c.sentence == s and not self._asks(c) and not c.hypothetical]
            if not cs or self._about_findings(cs[0].start) or self.out(cs[0].start) is None:
                continue
            crits = self._criteria_described(cs[0].start, cs[-1].end)
            if not crits and groups and last == s - 1 and re.search(r"[:：]\s*$", self.text[groups[-1][1][-1].start:groups[-1][1][-1].end]):
                crits = [groups[-1][0]]  # "Quality checks: the supervisor sometimes rides along…"
            if not crits:
                continue
            if groups and last == s - 1 and groups[-1][0] == crits[0]:
                groups[-1][1].extend(cs)
            else:
                groups.append((crits[0], cs))
            last = s
        # Levels said before this step (an "L3", an absence) stand; the descriptions of those criteria are not read.
        told = {x.criterion for x in self.stated.levels + self.supposed.levels} | set(self.negated)
        for cid, cs in groups:
            out = self.out(cs[0].start)
            if out is None or cid in told:
                continue
            found = self._describe(cid, cs)
            a, b = cs[0].start, cs[-1].end
            self.description_candidates.append((cid, a, b, found))
            if any(x.criterion == cid for x in out.levels):
                continue  # an earlier description of the same criterion gave its level
            texts = [self.lex.descriptors.get(cid, {}).get(lv, "") for lv in range(6)]
            verdict, learned = described.judge(cid, self.text[a:b], texts, self.en, found[0] if found else None)
            if verdict == "none":
                continue
            if verdict == "learned" and learned is not None:
                note = self._t(f"描述与{cid} L{learned}（{self._level_name(learned)}）的说明最接近：“{texts[learned]}”，按L{learned}记录",
                               f"the description is closest to the L{learned} descriptor of {cid} (“{texts[learned]}”): recorded as L{learned}")
                out.levels.append(LevelUpdate(cid, learned, self.said(a, b), note))
                continue
            if found is None:
                continue
            level, tied = found
            if tied:
                note = self._t(f"描述介于{cid} L{level}与L{level + 1}的说明之间，按较低的L{level}记录",
                               f"the description lies between the L{level} and L{level + 1} descriptors of {cid}: the lower, L{level}, recorded")
            else:
                note = self._t(f"描述与{cid} L{level}（{self._level_name(level)}）的说明一致，按L{level}记录",
                               f"the description matches the L{level} descriptor of {cid}: recorded as L{level}")
            out.levels.append(LevelUpdate(cid, level, self.said(a, b), note))

    def _asks(self, c: Clause) -> bool:
        """A clause that asks: "授权的还是用表格记嘛" and "效果验证没怎么做" state, whatever their particles."""
        if not c.question:
            return False
        piece = _SOFT_QUESTION.sub("", self.text[c.start:c.end].rstrip(" ,，。.;；!！"))
        return bool(_QUESTION.search(piece))

    def _about_findings(self, pos: int) -> bool:
        """Words that were read as an audit finding ("不符合项有整改记录" read as a finding is not)."""
        return self.in_findings(pos) and bool(self.stated.findings or self.supposed.findings)

    def _criteria_described(self, a: int, b: int) -> list[str]:
        """The criteria with levels and no value named between `a` and `b` outside the documents named there."""
        doc_spans = [(x, y) for x, y, _, _ in self.all_documents()]
        names = [m for m in self.mentions if a <= m.start < b and not any(x <= m.start < y for x, y in doc_spans)]
        # A KPI criterion's practice described without its value ("投诉都进系统，按严重程度分级，关闭必须客户确认")
        # gives its declared level (SCHEME.md §2: the value's level stands once a value is given, so a criterion whose
        # value this message or the conversation holds is not read from a description).
        valued = {x.criterion for x in self.stated.kpis + self.supposed.kpis} | set(self.ctx.kpis)
        return [c for c in self._criteria_of(names) if not (self.scheme.criteria[c].is_kpi and c in valued)]

    def _describe(self, cid: str, cs: list[Clause]) -> tuple[int, bool] | None:
        """The level of `cid` the clauses describe and whether it is the lower of two adjacent levels that fit as
        well, or None. What is there counts for every level; what is lacking or still done the old way ("授权的
        还是用表格记", "跨部门接口还没发文件") only for the levels whose descriptors say what is lacking (L0-L2),
        and a lack of what a higher level requires keeps the level below it."""
        sig = _signatures(self.scheme.version, self.lex)[cid]
        docs = [(x, y) for x, y, _, _ in self.all_documents()]
        there, lacking = [], []
        for c in cs:
            # What the clause describes, without the documents it names (evidence, not a level).
            piece = "".join(" " if any(x <= i < y for x, y in docs) else ch for i, ch in enumerate(self.text[c.start:c.end], c.start))
            said = self.text[c.start:c.end]
            (lacking if _LACKING.search(said) or NEG_BEFORE.search(said) or NEG_AFTER.search(said) else there).append(piece)
        scores: dict[int, int] = {lv: 0 for lv in sig if lv > 0}
        where: dict[int, set[int]] = {lv: set() for lv in scores}  # where the words that fit each level were said
        offset = 0
        for piece, lacks in [(p, False) for p in there] + [(p, True) for p in lacking]:
            plain, src = _plain_at(piece)
            toks = _tokens(plain)
            for lv in scores:
                words = toks & sig[lv] if lv <= 2 or not lacks else set()
                cue = self._CUES.get(lv) if lv == 1 or not lacks else None
                scores[lv] += len(words) + (self._cue_score(lv, plain) if cue else 0)
                where[lv] |= {offset + p for p in _places(plain, src, words, cue)}
            offset += len(piece) + 10
        have, lack = _plain(" ".join(there)), _plain(" ".join(lacking))
        # "跨部门接口还没发文件": the lowest level above L2 whose own words the lack names is not reached.
        stripped = _tokens(_plain(NEG_BEFORE.sub(" ", NEG_AFTER.sub(" ", " ".join(lacking)))))
        cap = next((lv - 1 for lv in sorted(sig) if lv >= 3 and len(stripped & sig[lv]) >= 2), 5)
        scores = {lv: sc for lv, sc in scores.items() if lv <= cap}
        ranked = sorted(scores.items(), key=lambda x: (-x[1], x[0]))
        if not ranked:
            return None
        (lv1, best), rest = ranked[0], ranked[1:]
        second = rest[0] if rest else (lv1, 0)
        # A description of the initial level needs its own mark (全靠, 凭经验): a new practice that happens to
        # share words with the catalogue's L1 example is no statement of L1.
        if lv1 == 1 and not (self._cue_score(1, have) or self._cue_score(1, lack)):
            return None
        # A level is read from a description of it, not from one phrase ("都整改完了"): words said in two places,
        # or one phrase that says much of it alone ("每个项目都有前后数据对比").
        # A lack of what the level above requires is a second word for the level below it.
        if _spread(where[lv1]) + (lv1 == cap) < 2 and best < 5:
            return None
        if best >= 3 and best - second[1] >= 2:
            return lv1, False
        if best >= 3 and second[1] == best and abs(second[0] - lv1) == 1:
            third = rest[1][1] if len(rest) > 1 else 0
            if best - third >= 2 and min(lv1, second[0]) >= 2:
                return min(lv1, second[0]), True
        return None

    def _fit(self, cid: str, text: str, level: int) -> int:
        """How many of the words only the criterion's `level` descriptor has occur in `text`."""
        from assistant.chat.reading.lexicon import _grams, level_signatures

        # The negation itself is no match for the L0 descriptor's "没有…": only what is described counts.
        grams = _grams(NEG_BEFORE.sub(" ", text))
        return len(grams & level_signatures(self.scheme.version).get(cid, {}).get(level, frozenset()))

    _CUES = {
        1: re.compile(r"全靠|靠个人|凭经验|口头|偶尔|零散|临时|个别|各自|随意|各用各的|不留记录"),
        3: re.compile(r"全部|所有|全网点|全公司|全渠道|全口径|统一|覆盖|打通|集成|都在用|接入|接进来|追溯|按\S{0,6}(?:号|码)查"),
        4: re.compile(r"看板|目标|考核|指标|量化|对标|每月(?:统计|分析|评审)|数据(?:分析|评审|验证|对比)|前后数据"),
        5: re.compile(r"行业领先|标杆|智能|预测|持续优化|行业首创|被同行"),
    }

    def _cue_score(self, level: int, text: str) -> int:
        p = self._CUES.get(level)
        return 2 * len(p.findall(text)) if p else 0

    def _level_name(self, level: int) -> str:
        return next((lv.name for lv in self.scheme.levels if lv.level == level), f"L{level}")
