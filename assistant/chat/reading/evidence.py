"""Evidence in a message: the documents named, one item per document, on the criterion each proves."""

from __future__ import annotations

import re

from assistant.chat.reading import offered
from assistant.chat.reading.model import EvidenceUpdate
from assistant.chat.reading.patterns import (
    CJK,
    NEG_AFTER,
    NEG_BEFORE,
    POSSESS,
    UNTRUE,
)
from assistant.chat.reading.lexicon import Mention
from assistant.chat.reading.text import Clause

# "一份都没有" / "一个也没有" / "全都没有": nothing of what the sentence just named.
TOTAL_ABSENCE = re.compile(r"^\W*(?:说实话|其实|实际上|老实说)?\W*(?:一(?:份|本|个|样|条|张)(?:都|也)没有|全都没有|啥都没有|什么都没有|都没有)(?=\W|$)")
# "维修规范嘛…说实话没成文的": what the sentence named is said in its next clause to be no written document.
UNWRITTEN = re.compile(r"^\W*(?:说实话|其实|实际上|老实说)?\W*(?:都|也|还|并)?(?:没有?|未|从没|冇)(?:成文|形成文件|形成书面|书面|写下来|写成文字|文件化)")


class EvidenceReading:
    """Reads evidence (a mixin of the Reader)."""

    def read_evidence(self) -> None:
        for clause in self.clauses:
            out = self.out(clause.start)
            if out is None or out is self.supposed or self.about_others(clause.start):
                continue
            if UNTRUE.search(self._sentence_text(clause.sentence)):
                continue  # "满意度报告里有两个月的数据是补编的": a document accused, not one shown
            piece = self.text[clause.start:clause.end]
            neg_clause = self.in_findings(clause.start) or bool(NEG_BEFORE.search(piece)) or bool(NEG_AFTER.search(piece))
            later = "".join(self.text[c.start:c.end] for c in self.clauses if c.sentence == clause.sentence and c.start > clause.start)
            nxt = [c for c in self.clauses if c.start >= clause.end][:1]
            if nxt and re.search(r"(?:嘛|呢|啊|吧|么)\W*$", piece):
                later = later or self.text[nxt[0].start:nxt[0].end]  # "维修规范嘛…没成文的": the topic raised, then told of
            if TOTAL_ABSENCE.search(later) or UNWRITTEN.search(later):
                continue  # "售后服务规范那些书面的东西，说实话一份都没有": named only to say there is none
            documents = self._documents(clause)
            for at, item in self._described_said().items():
                note = self._t(f"{item}（这是做法，不是文件名，没有作为证据记录）", f"{item} (a practice, not a document's name: not recorded as evidence)")
                if clause.start <= at < clause.end and note not in out.set_aside:
                    out.set_aside.append(note)
            for a, b, item in documents:
                if neg_clause and self._is_after_negation(clause, a) or self._absent_after(b, clause):
                    continue
                if self._intention(item, b) or self._defect(item) or re.match(self._ACT, item):
                    continue  # "没量表" / "按计划" / "出报告": an absence or an act, not a document's name
                if self._NEGATED_INSIDE.search(item) or self._TOPIC_AFTER.match(self.text[b:b + 4]) or item.endswith("的"):
                    continue  # "块说实话没什么正式流程" / "莫得办法": an absence; "服务规范这块": a topic; "售后服务部的": no noun
                if self.in_findings(a) and not self._shown_in_finding(clause, a):
                    continue
                if self._not_offered(item, a, b, clause) or self._void(a, b, clause):
                    continue
                cid = self._place(item, clause, a)
                # Chinese messages only: the development split holds too few English ones to learn English wording from.
                if not self.en:
                    feats = offered.features(self, item, clause, a, b)
                    self.evidence_candidates.append((cid, item, feats))
                    model = offered.load()
                    if model is not None and a not in self._said_at and not offered.offered(model, feats):
                        if item not in out.only_mentioned:
                            out.only_mentioned.append(item)
                        continue
                if cid is None:
                    if item not in out.unplaced_evidence:
                        out.unplaced_evidence.append(item)
                elif not any(e.item == item and e.criterion == cid for e in out.evidence):
                    out.evidence.append(EvidenceUpdate(cid, item))
        self._tidy_evidence(self.stated)

    # Words in front of a document's name that are no part of it: "用证书台账来证明", "加上短信问卷", "那份返修分析报告".
    _LEAD_WORDS = re.compile(r"^(?:用(?!户)|拿|以(?!旧)|靠|凭|加上|还有|另外|去年的?|今年的?|份|张|本(?!地))(?=\S{3,})"
                             # "派工系统导出的签到明细": the document is what was exported.
                             r"|^\S{2,12}?导出(?:来)?的(?=\S{3,})")
    # Items that are no document at all: "来证明", "售后组织的材料:".
    _NO_DOCUMENT = re.compile(r"^(?:来|可以|能|用来)?证明$|[:：]$|的材料$|^(?:负责人|文件规定)$")

    def _tidy_evidence(self, out) -> None:
        """Each document once, by its own name: lead words cut, non-documents dropped, and a name that is part of
        another recorded in the same message ("培训计划" beside "年度培训计划", "专利" beside "专利证书") left out."""
        kept = []
        for e in out.evidence:
            item = self._LEAD_WORDS.sub("", e.item)
            if item.count(")") > item.count("(") or item.count("）") > item.count("（"):
                item = item.rstrip(")）")  # "职责分工条款)": a bracket closed that the name never opened
            if self._NO_DOCUMENT.search(item):
                continue
            kept.append(EvidenceUpdate(e.criterion, item))
        names = [e.item for e in kept]
        out.evidence = [e for e in kept if not any(e.item != other and e.item in other for other in names)]

    # A licence people hold (作业证, 上岗证, 电工证, licence): told with holding it (持证率, 持证的有86%), it is the
    # measure's subject (D4.3's rate), not a document shown; its register (证书台账) or lookups are the documents.
    _LICENCE = re.compile(r"(?:作业|上岗|操作|登高|电工|制冷|焊工|资格|特种设备作业|高处作业|高空作业)证(?:书)?$"
                          r"|\b(?:licen[cs]es?|permits?)$", re.IGNORECASE)
    _HOLDING = re.compile(r"持证|持有|\bhold(?:s|ing)?\b|\bcertified\b", re.IGNORECASE)
    # "今年一共写了23份8D报告" / "8D报告今年写了12份": how many were produced is a count of work done, not a document shown.
    _COUNT_MADE_BEFORE = re.compile(r"(?:写|出|做|开|编)了(?:一共|共|总共)?\s*(?:[0-9]+|[二两三四五六七八九十百几多][一二两三四五六七八九十百]*)\s*(?:份|篇|个)$")
    _COUNT_MADE_AFTER = re.compile(r"^\S{0,6}?(?:写|出|做|编)了\s*[0-9一二两三四五六七八九十百几多]+\s*(?:份|篇|个)")
    # A sentence that tells an incident or a recall: its investigation report is the incident's, not a criterion's.
    _INCIDENT = re.compile(r"事故|召回|\b(?:incident|accident|recall)\b", re.IGNORECASE)

    # A document said not to be in force: still a draft, never issued, out of date, no longer used.
    _VOID = re.compile(r"起草|草拟|草稿|初稿|还在写|在编写|(?:这个|这份|这本)?\S{0,4}还没(?:有)?(?:写|编)(?:出来|好)?(?=[,，。.;；!！?？\s]|$)|没(?:正式)?发(?:布|文)?(?!现|生)|未(?:正式)?发布|没审批|未审批|不适用|(?:没|未)(?:有)?(?:修订|更新|改版)"
                       r"|到期了|已到期|作废|废止|停用|不用了|(?:基本|早就|已经)不用|\b(?:draft|never (?:issued|published)|not (?:yet )?(?:issued|approved)|out of date|obsolete)\b",
                       re.IGNORECASE)

    def _void(self, a: int, b: int, clause: Clause) -> bool:
        """"《备件管理规定》之前起草过，一直没发" / "那本《售后服务规范》是2019版的，早就不适用了": a document not in
        force is no evidence of the practice (told after it, in its clause or in the next one when that names no other
        document)."""
        if re.search(r"(?:正在|还在|准备|打算|计划|将要)(?:编|写|起草|制定|做|出)\S{0,2}《?$", self.text[max(clause.start, a - 12):a]):
            return True  # "我们正在编《服务创新管理办法》": a document being written is not there yet
        after = self.text[b:clause.end]
        nxt = next((c for c in self.clauses if c.start >= clause.end and c.sentence == clause.sentence), None)
        if nxt is not None and not self._documents(nxt):
            after += self.text[nxt.start:nxt.end]
        return bool(self._VOID.search(after))

    def _not_offered(self, item: str, a: int, b: int, clause: Clause) -> bool:
        """A document named but not offered as evidence: a licence told with holding it, a count
        of reports written, an incident's own papers, or a criterion's name standing as the sentence's topic."""
        sentence = self._sentence_text(clause.sentence)
        if self._LICENCE.search(item) and self._HOLDING.search(sentence):
            return True
        if self._COUNT_MADE_BEFORE.search(self.text[clause.start:a]) or self._COUNT_MADE_AFTER.match(self.text[b:clause.end]):
            return True
        if self._INCIDENT.search(sentence) and not any(n.criterion("any") and n.text in item.lower() for n in self.lex.names):
            return True
        return self._criterion_as_topic(item, a, b, clause)

    def _criterion_as_topic(self, item: str, a: int, b: int, clause: Clause) -> bool:
        """"服务规范我们有《售后服务手册》…" / "We'd put our service standards at level 3": a criterion's own name before
        the verb that shows the documents (or with no such verb) is what the sentence is about, not a document."""
        if not any(m.criterion and m.start == a and m.end == b for m in self.mentions):
            return False
        before = self.text[clause.start:a]
        if POSSESS.search(before) or re.search(r"\b(?:show|provide|submit|keep|maintain|attach)\b|提交|出示|提供|发布|印发|编制|制定", before,
                                                re.IGNORECASE):
            return False  # "we have service standards", "有服务规范": the document itself
        after = self.text[b:clause.end]
        return not re.match(r"\s*(?:都|也|还)?(?:有|在|齐全|受控|发布了|印发了|已发布)", after) or bool(
            re.search(r"有\s*(?:《|\S{0,8}(?:手册|规范|指导书|标准|制度|办法))", after))

    # An item that opens with an absence or an act ("没量表", "按计划", "出报告"), not with a noun (缺件, 出入库, 发料).
    _ACT = re.compile(r"[没无未按写编找]|缺(?!件|货|料)|出(?!入|库|厂|险|货)|发(?!料|票|放|货|运)|交(?!接|付|期)|借(?!用|条)")

    # An item with an absence inside it is no document ("没什么正式流程", "莫得办法", "冇制度").
    _NEGATED_INSIDE = re.compile(r"没|莫得|冇|未(?!关闭|完成|结案)")
    # What follows the item makes it the topic of the sentence: "服务规范这块有…", "培训方面…".
    _TOPIC_AFTER = re.compile(r"这块|这一块|这方面|方面|这边|那块")

    _SHOWN = re.compile(r"(?:有|建了|建立了|补了|补齐了|做了|编了|制定了|accepted|approved|have|built|set up)\s*(?:(?:我们|our|the|a|an)\s*)?$",
                        re.IGNORECASE)

    def _shown_in_finding(self, clause: Clause, at: int) -> bool:
        """"F2关了，我们建了投诉台账" / "the auditor accepted our certificate register": inside what is told of a finding
        closed, a document its own clause says is had or made (no number of defects, no negation) is evidence shown."""
        piece = self.text[clause.start:clause.end]
        closed = re.search(r"(?<![没未])(?:关了|关闭了|已关闭|已经关|整改了|整改完了|认可|验证通过)|\b(?:closed|accepted|verified)\b",
                           self._sentence_text(clause.sentence), re.IGNORECASE)
        return bool(closed) and bool(self._SHOWN.search(self.text[clause.start:at])) and not re.search(r"\d", piece) \
            and not NEG_BEFORE.search(piece) and not NEG_AFTER.search(piece)

    _INTENT_AFTER = re.compile(r"\s*(?:再|要|把|将|去|会|还要|准备|争取|增加|提升|提高|多|上|做到|达到|搞)")

    def _intention(self, item: str, end: int) -> bool:
        """"今年计划再多一些" / "明年计划上系统": 计划 as a verb (what they mean to do), not a plan document."""
        if not item.endswith("计划"):
            return False
        head = item[:-2]
        return (not head or bool(re.fullmatch(r"今年|明年|下半年|上半年|下个?月|后面|后续|接下来|我们|公司|还|也|都|目前|现在", head))) \
            and bool(self._INTENT_AFTER.match(self.text, end))

    _DEFECT = re.compile(r"过期|失效|缺失|不全|不齐|作废|造假|\b(?:expired|missing|outdated|invalid|lapsed|incomplete|fake)\b", re.IGNORECASE | re.ASCII)

    def _defect(self, item: str) -> bool:
        """"expired certificates" / "过期的上岗证": a document told as a problem (a finding), not evidence shown."""
        return bool(self._DEFECT.search(item))

    # The clause ends saying the document is not there: "安全库存测算表没有", "计划也没", "清单暂无".
    _ABSENT_AFTER = re.compile(r"^[^,.;!?，。；]{0,6}?(?:还|也|都|并|暂时|目前|现在|倒是|就|却|其实)?(?:没有|没|暂无|缺|欠缺|没得|没见)"
                               r"(?:的|呢|啊|哦|了)?\s*(?:[,.;!?，。；]|$)")

    # "The training plan isn't written yet", "the safety stock sheet is missing", "Complaint log: none".
    _ABSENT_AFTER_EN = re.compile(
        r"^\s*(?::\s*(?:none|no|n/a|missing|not yet)\b"
        r"|(?:is|are|was|were|has been|have been)\s+(?:still\s+)?(?:missing|absent|lacking|pending|outstanding|not there|not in place|not available)\b"
        r"|(?:is|are|was|were)\s*(?:not|n't)\s+(?:yet\s+)?(?:written|ready|available|done|in place|there|finished|complete|drafted|created|set up|issued|started)\b"
        r"|(?:isn't|aren't|wasn't|weren't)\s+(?:yet\s+)?(?:written|ready|available|done|in place|there|finished|complete|drafted|created|set up|issued|started)\b"
        r"|(?:doesn't|don't|does not|do not)\s+exist\b|(?:hasn't|haven't|has not|have not)\s+been\s+(?:written|done|drafted|created|set up|issued|started))",
        re.IGNORECASE)

    def _absent_after(self, end: int, clause: Clause) -> bool:
        rest = self.text[end:clause.end]
        # "Complaint log: none." — the colon ends the clause; what follows it still speaks of the document.
        colon = re.match(r"\s*:\s*(?:none|no|n/a|missing|not yet|无|没有|暂无)(?=\W|$)", self.text[end:end + 20], re.IGNORECASE)
        return bool(self._ABSENT_AFTER.match(rest) or self._ABSENT_AFTER_EN.match(rest) or colon)

    def _is_after_negation(self, clause: Clause, pos: int) -> bool:
        piece = self.text[clause.start:pos]
        return bool(NEG_BEFORE.search(piece)) or bool(NEG_AFTER.search(self.text[pos:clause.end]))

    # Words that end a document's name on its left: verbs, conjunctions, pronouns ("有", "和", "我们", "写在").
    _DOC_STOP = re.compile(r"(?:还有|以及|我们|公司|都有|也有|都是|已经|每年|每月|每季度|每个|所有|全部|写在|写了|拿了|做了|交了|留着|发布|更新"
                           r"|可以|能够|随便|需要|提交|出示|拿出|拿给|提供|准备|保存|保留|留存|上传|归档|整理|建立|编制|制定|包括|包含|具备|备有"
                           r"|(?<![调检稽抽审核巡排])查|(?<![查])看|拿|找|填"
                           r"|(?<![改促推先引])进|写入|纳入|录入|记入|归入|放入"
                           r"|有|和|与|及|或|、|是|在|把|将|的|了|也|都|还|给|被|让|这|那|里)$")
    _DOC_AFTER_BAD = {"表": "示现扬达明面态演决彰", "单": "位独一纯子", "证": "明据实", "书": "面记", "图": "片", "计划": "生书",
                      "标准": "化", "规范": "化", "记录": "仪", "程序": "员", "报告": "期", "制度": "化", "文件": "夹",
                      "通知": "书", "手册": "化"}

    _EVIDENCE_SAID = re.compile(
        r"(?:证据|凭证|佐证|证明材料|evidence)(?:\s+(?:for|of)\s+D\d\.\d)?\s*(?:有|是|为|包括|就是|:|includes?|is|are)\s*(?P<a>(?:[^,.;!?，。；]|\.(?=\d))+)"
        r"|(?P<b>[^,.;!?，。；:：]+?)\s*(?:是|作为|可以作为|算|is|as)\s*(?P<c>(?:[^,;!?，。；]|\.(?=\d)){0,24}?的)?\s*(?:证据|佐证|evidence)"
        r"(?:\s+(?:for|of)\s+(?:[A-Za-z0-9 -]|\.(?=\d)){1,40})?",
        re.IGNORECASE | re.ASCII)
    _ITEM_CUT = re.compile(r"和|与|及|以及|、|还有|\band\b|/|,", re.ASCII)

    def _described(self, item: str) -> bool:
        """What is called evidence but is a sentence or a pointer, not a document's name: pronouns, modal verbs,
        adverbs of habit, or a long run without a document word."""
        if any(item.endswith(h) for h in (*self.lex.doc_heads_zh, *self.lex.doc_heads_en)):
            return bool(re.search(r"[我你他她它这那]|都会|每个月都|的情况", item))
        return bool(re.search(r"[我你他她它这那]|都|会|能|可以|的情况|了|\b(?:we|i|they|that|it|this|do|does|did)\b", item, re.IGNORECASE)) \
            or (CJK.search(item) is not None and len(item) > 10)

    def _described_said(self) -> dict[int, str]:
        """What the message called evidence but told as a practice, by position (kept on the reader)."""
        return vars(self).setdefault("_described_items", {})

    def _said_evidence(self, clause: Clause) -> list[tuple[int, int, str]]:
        """"证据是投诉台账" / "蓝皮书是D1.1的证据" / "evidence for D3.2 is the survey plan": items called evidence,
        whatever their names."""
        piece = self.text[clause.start:clause.end]
        out = []
        for m in self._EVIDENCE_SAID.finditer(piece):
            g = "a" if m.group("a") else "b"
            a0, text = m.start(g), m.group(g)
            if g == "b":
                # "蓝皮书是服务规范与标准的证据": the items end where the criterion's name begins.
                # "We can show the complaint log … as evidence": what is shown, not the words that show it.
                text = re.sub(r"^(?:(?:we|i)\s+(?:can|could|will|would)\s+(?:show|provide|submit|give)(?:\s+you)?\s+|"
                              r"(?:可以|能)?(?:拿|用|给你看|提供|出示))?\s*(?:我们的|我们|我司|公司|the|our)?\s*", "", text, flags=re.IGNORECASE)
                a0 = m.start(g) + m.group(g).find(text)
            named = [mm for mm in self.mentions if clause.start + m.start() <= mm.start < clause.start + m.end() and mm.criterion
                     and not (clause.start + a0 <= mm.start < clause.start + a0 + len(text))]
            pos = 0
            for part in self._ITEM_CUT.split(text):
                i = text.find(part, pos)
                pos = i + len(part)
                item = re.sub(r"^(?:一本|一份|一套|一个|一些|我们的|我们|the|our|an?)\s*|\s*(?:等|等等|都有|也有)$", "", part.strip(),
                              flags=re.IGNORECASE)
                item = item.strip(" “”\"'《》")
                if self._described(item):
                    # "证据是我们每个月都会开会讨论…": a practice told, no document named; said back as not recorded.
                    self._described_said()[clause.start + a0 + i] = item
                    continue
                if len(item) >= 2 and not any(m2.criterion and m2.text.lower() == item.lower() for m2 in self.mentions):
                    start = clause.start + a0 + i + part.find(item) if item in part else clause.start + a0 + i
                    out.append((start, start + len(item), item))
                    self._said_at.add(start)
                    if named:
                        self._named_evidence[start] = named[0].criterion
        return out

    def _documents(self, clause: Clause) -> list[tuple[int, int, str]]:
        """Document names in a clause ("维修规范", "《售后服务规范》", "training plan"), one item per document."""
        piece = self.text[clause.start:clause.end]
        found: list[tuple[int, int, str]] = self._said_evidence(clause)
        for m in re.finditer(r"《([^》]{2,30})》", piece):
            if not any(a <= clause.start + m.start() < b for a, b, _ in found):
                v = self._VERSION.match(piece, m.end())
                end, name = (v.end(), m.group(1).strip() + v.group(0).strip()) if v else (m.end(), m.group(1).strip())
                found.append((clause.start + m.start(), clause.start + end, name))
        found += self._screenshots(clause, found)
        bare: list[tuple[int, int, str]] = []
        taken = [False] * len(piece)
        for q in self.quantities:
            for k in range(max(q.start, clause.start) - clause.start, min(q.end, clause.end) - clause.start):
                taken[k] = True
        for a, b, _ in found:
            for k in range(a - clause.start, b - clause.start):
                taken[k] = True
        for head in self.lex.doc_heads_zh:
            start = 0
            while (i := piece.find(head, start)) >= 0:
                j = i + len(head)
                start = i + 1
                if any(taken[i:j]):
                    continue
                nxt = piece[j:j + 1]
                if nxt and (nxt in self._DOC_AFTER_BAD.get(head, "") or nxt in "化级"):
                    continue  # 规范化, 文件化, 规范级: no document
                if head == "程序" and piece[i - 1:i] == "小":
                    continue  # 小程序: an app
                if any(piece.startswith(h, j) for h in self.lex.doc_heads_zh) or any(
                        piece.startswith(h, x) and x + len(h) > j for x in range(i + 1, j) for h in self.lex.doc_heads_zh):
                    continue  # "软件著作权证书", "流程文件", "资格证书": the name goes on to a longer document word
                k = i
                while k > 0 and not taken[k - 1] and (CJK.match(piece[k - 1]) or piece[k - 1].isalnum()) and i - k < 16:
                    if self._DOC_STOP.search(piece[max(0, k - 3):k]) and not self._lookup_noun(piece, k):
                        break
                    if piece[k - 2:k] == "在线":
                        k -= 2  # 在线 (online) is a word, not the verb 在
                        continue
                    if piece[k - 1] == "持" and piece[k:k + 1] != "续":
                        break  # "全部持特种设备作业证": the verb 持 (hold), not 持续
                    k -= 1
                if re.search(r"(?:(?<![调检稽抽审核巡排])查|查询|调取|调出|导出|拉出|(?<![查])看|找|拿|填)(?:所有|全部|到|一下|出)?$", piece[:k]) \
                        and not re.search(r"拿(?:出|得出|出来|给)$", piece[:k]):
                    continue  # "能按序列号查历史记录": records looked up, not a document named
                if self._HELD.search(piece[:k]):
                    continue  # "全部持特种设备作业证" / "没拿到制冷作业证": a qualification people hold (or lack), no document shown
                lead = self._LEAD.match(piece[:j], k)
                if lead:
                    k = lead.end()
                item = piece[k:j]
                if re.fullmatch(r"(?:会议|管理)?(?:" + self._BARE + r")", item) and not re.fullmatch(self._STANDALONE, item):
                    if piece[j:j + 1] in ("了", "过", "着") or self._topic_in_list(clause.start + k, clause.start + j):
                        continue  # "程序里规定了时限": a verb; "组织、制度、系统都能到L4": topics listed, no document
                    if self._PUT_INTO.search(piece[:k]):
                        continue  # "措施验证有效后写进制度": where a practice is put, no document named
                    for x in range(k, j):
                        taken[x] = True
                    bare.append((clause.start + k, clause.start + j, item))  # "有报告": whose report the topic says
                    continue
                if len(item) < 3 and not re.fullmatch(self._STANDALONE, item) or re.fullmatch(r"[0-9.%\s]+\S{0,2}", item):
                    continue
                if self._generic(item):
                    continue
                if any(m.criterion and m.start <= clause.start + k and clause.start + j <= m.end and m.end - m.start > j - k
                       for m in self.mentions):
                    continue  # "服务规范与标准": a document word inside a criterion's name
                if any(n.text == item.lower() and n.criterion("any") for n in self.lex.names) and not re.search(
                        r"有|制定|发布|编制|建立|形成|具备|提供|印发|下发", piece):
                    continue  # "服务规范我给4分": the criterion named, no document shown
                for x in range(k, j):
                    taken[x] = True
                shared = self._distributed(piece, k, item)
                if shared:
                    for x in range(shared[0][0], k):
                        taken[x] = True
                    found += [(clause.start + a, clause.start + j, name) for a, name in shared]
                    continue
                v = self._VERSION.match(piece, j)
                if v:
                    for x in range(j, v.end()):
                        taken[x] = True
                found.append((clause.start + k, clause.start + (v.end() if v else j),
                              self._with_topic(item, clause, clause.start + k) + (v.group(0).strip() if v else "")))
        found += self._with_topics(bare, found)
        found += self._documents_en(clause)
        found += self._listed(clause, found)
        found += self._coordinated(clause, found)
        return sorted(found)

    # A version said right after a document's name belongs to it: "售后服务规范V3.0", "《规范》2024版", "manual (v3.2)".
    _VERSION = re.compile(r"\s?(?:[（(]\s*(?:[Vv](?:er\.?|ersion)?\s?\d+(?:\.\d+)*|(?:19|20)\d{2}\s?版?)\s*[)）]"
                          r"|[Vv](?:er\.?|ersion)?\s?\d+(?:\.\d+)*(?![\d%])版?|(?:19|20)\d{2}\s?(?:年)?版|第[一二三四五六七八九十\d]+版)")

    # What goes before a document's name and is no part of it: its version, a count, a classifier after a verb (整了个制度).
    _LEAD = re.compile(r"(?:[0-9]{4}年版?的?|V\d+(?:\.\d+)*版?|\d+(?:\.\d+)*版的?|[0-9一二两三四五六七八九十]+(?:份|套|本|个|项)"
                       r"|(?<=[了出])[个份本套])")
    # A verb of putting into: "写进制度", "纳入台账", "进改进台账".
    _PUT_INTO = re.compile(r"(?:写进|写入|纳入|录入|记入|归入|放入|放进|(?<![改促推先引])进)$")
    # Document words that name nothing by themselves ("有报告", "有会议纪要"): the topic they are told under names them.
    _BARE = "报告|纪要|记录|台账|计划|制度|办法|规定|清单|档案|规范|手册|流程|程序|方案|总结|明细|报表|录音|照片"
    # Documents that are whole by themselves: "有专利", "a patent".
    _STANDALONE = r"专利|软件著作权|著作权"
    # A qualification people hold or lack, told before the certificate's name.
    _HELD = re.compile(r"(?:持有?|持证|考取了?|(?:没|未|没有)(?:拿到|取得|考取|考到|获得))$")

    def _lookup_noun(self, piece: str, k: int) -> bool:
        """"官方查询截图" / "查询记录": 查询 before a document word is part of its name, not the act of looking one up."""
        return piece[k - 1:k + 1] == "查询" and any(piece.startswith(h, k + 1) for h in self.lex.doc_heads_zh)

    _SCREENSHOT = re.compile(r"截(?:了|过)(?:一下)?(?P<x>[\u4e00-\u9fff]{2,8}?)的图")

    def _screenshots(self, clause: Clause, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """"截了官方查询的图": the verb 截图 with its object inside is a screenshot of that object (官方查询截图)."""
        piece = self.text[clause.start:clause.end]
        out = []
        for m in self._SCREENSHOT.finditer(piece):
            a, b = clause.start + m.start("x"), clause.start + m.end()
            if not any(x < b and a < y for x, y, _ in found):
                out.append((a, b, m.group("x") + "截图"))
        return out

    # A modifier in a list before one document word: "安装、维修两本作业指导书", "安装和维修作业指导书".
    _MODS = re.compile(r"(?P<mods>(?:(?:(?![有和与及跟是的都也还一二两三四五六七八九十几])[\u4e00-\u9fff]){2,4}(?:、|和|与|及|跟|以及))+)"
                       r"(?P<last>(?:(?![有和与及跟是的都也还一二两三四五六七八九十几])[\u4e00-\u9fff]){2,4})?"
                       r"(?:[0-9一二两三四五六七八九十几]+[本份套个项类种])?$")

    def _distributed(self, piece: str, k: int, item: str) -> list[tuple[int, str]]:
        """(start, name) of each document a list of modifiers before one document's name makes: "安装、维修两本作业
        指导书" → 安装作业指导书, 维修作业指导书; "内审和管理评审报告" → 内审报告, 管理评审报告. Empty when the words
        before `item` are no such list (each of them a document itself, a criterion's name, or the list's start cut
        from a longer word)."""
        m = self._MODS.search(piece[:k])
        if not m:
            return []
        mods = [x for x in re.split(r"、|以及|和|与|及|跟", m.group("mods")) if x]
        if m.group("last"):
            mods.append(m.group("last"))
            own, rest = None, item
        else:
            # The item opens with the last modifier: a criterion's name, or as many characters as the one before it.
            named = [x for x in self.mentions if x.text and item.lower().startswith(x.text.lower()) and len(x.text) < len(item)]
            own = named[0].text if named else item[:len(mods[-1])]
            rest = item[len(own):]
        heads = self.lex.doc_heads_zh
        if len(rest) < 2 or not any(rest.endswith(h) for h in heads) or any(x.endswith(h) for x in mods for h in heads):
            return []
        before = piece[:m.start()]
        if before and CJK.match(before[-1]) and not self._DOC_STOP.search(before[-3:]):
            return []  # "组织架构图和…": the list would start inside a longer word
        if any(self.lex.documents.get(x) for x in mods):
            return []
        out, pos = [], m.start()
        for x in mods:
            at = piece.find(x, pos)
            pos = at + len(x)
            out.append((at, x + rest))
        if own is not None:
            out.append((k, own + rest))
        return out

    @staticmethod
    def _named_by(topic: str, item: str) -> str:
        """The document a bare word names under a topic: "服务规范…有规范" is the 服务规范 itself."""
        return topic if topic.endswith(item) else topic + item

    def _topic_in_list(self, a: int, b: int) -> bool:
        """A bare word that is a topic itself, listed with other topics ("组织、制度、系统")."""
        return any(m.start == a and m.end == b for m in self.mentions) and any(
            re.fullmatch(r"\s*[、和与及]\s*", self.text[m.end:a]) or re.fullmatch(r"\s*[、和与及]\s*", self.text[b:m.start])
            for m in self.mentions if m.start != a)

    def _with_topics(self, bare: list[tuple[int, int, str]], found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """Bare document words ("有报告", "报告和会议纪要都有") named by the topics said before them in their sentence:
        "内审每年做一次，有报告" → 内审报告. Several bare words after as many topics pair in order ("做内审，也开管理
        评审，报告和会议纪要都有" → 内审报告, 管理评审会议纪要); otherwise each takes the nearest topic."""
        if not bare:
            return []
        s = self.clause_at(bare[0][0]).sentence
        topics: list[Mention] = []
        for m in self.mentions:
            if m.start >= bare[0][0] or self.clause_at(m.start).sentence != s or not CJK.search(m.text):
                continue
            if not (m.criterion or m.of("other")) or any(a <= m.start < b for a, b, _ in found):
                continue
            if re.search(r"(?:率|时间|周期|时长|学时|rate|time)$", m.text, re.IGNORECASE):
                continue  # "整改按期关闭率我们拉了台账": a measure's name is no document's topic
            if topics and topics[-1].text == m.text:
                continue
            topics.append(m)
        out = []
        if len(bare) >= 2 and len(topics) >= len(bare):
            for (a, b, item), m in zip(bare, topics[-len(bare):]):
                out.append((a, b, self._named_by(m.text, item)))
            return out
        for a, b, item in bare:
            before = [m for m in topics if m.end <= a]
            if before:
                out.append((a, b, self._named_by(before[-1].text, item)))
            elif len(item) >= 3 and not self._generic(item):
                out.append((a, b, item))
        return out

    _LIST_CUT = re.compile(r"、|和|及|与|以及|还有|跟|,|/|\band\b", re.ASCII)

    def _listed(self, clause: Clause, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """"我们有A、B、工单系统和CRM" / "我们有一本蓝皮书": what a client lists as had is an item even without a document
        word, when it names a criterion's thing or comes with a document's classifier (本, 份, 套)."""
        piece = self.text[clause.start:clause.end]
        out = []
        for v in POSSESS.finditer(piece):
            if piece[v.start() - 1:v.start()] == "持":
                break  # "工程师都持有电工证": certificates people hold, no document shown
            pos = v.end()
            rest = piece[pos:]
            offset = clause.start + pos
            with_doc = any(x >= offset for x, _y, _ in found) and bool(self._LIST_CUT.search(rest))
            i = 0
            for part in self._LIST_CUT.split(rest):
                j = rest.find(part, i)
                i = j + len(part)
                a = offset + j
                item = part.strip()
                lead = re.match(r"(?:一本|一份|一套|几份|几本|一些|我们的|我们|自己的|完整的|正式的|现成的|an?|the|our)\s*", item, re.IGNORECASE | re.ASCII)
                classifier = bool(lead and re.match(r"一本|一份|一套|几份|几本", lead.group(0)))
                if lead:
                    a += lead.end() + (len(part) - len(part.lstrip()))
                    item = item[lead.end():]
                item = re.sub(r"\s*(?:等|等等|之类的?|都有|也有|都在|都齐|齐全|都能提供)\s*$", "", item).strip(" 。.!?")
                b = a + len(item)
                if len(item) < 2 or len(item) > 14 or any(x < b and a < y for x, y, _ in found + out):
                    continue
                if re.search(r"\d|[有是在做了过没未不拿持]|\s{2,}", item) and not classifier:
                    continue
                if re.match(self._ACT, item):
                    continue  # "没计划" / "按计划" / "出报告": an absence or an act, not a document's name
                named = any(n.criterion("any") and n.text in item.lower() for n in self.lex.names)
                keyword = any(len(w) >= 3 and w in item.lower() for w, _ in self.lex.evidence)
                acronym = bool(re.fullmatch(r"[A-Z]{2,6}", item))
                if re.search(r"(?:部|部门|中心|团队|科|组|处|站)$", item):
                    continue  # "有售后服务部": an organisation, no document
                if classifier or named or keyword or acronym or (with_doc and self._noun_like(item)):
                    out.append((a, b, item))
            break
        return out

    # What a list before its verb is said to be there with: "A和B都有", "A、B都留着", "A跟B也能提供".
    _HELD_LIST = re.compile(r"^(?P<list>[^,.;!?，。；:]+?)(?:都|也|全|均|全部|基本)?(?:有|在|齐全|齐|留着|保存着|保留着|能提供|可以提供|能拿出来|可以拿出来)"
                            r"(?:的|了|呢)?[\s,.;!?，。；]*$")

    def _coordinated(self, clause: Clause, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """"培训签到表和考试成绩都有": a name listed with a document before the verb they share is an item too, even
        without a document word of its own (考试成绩)."""
        piece = self.text[clause.start:clause.end]
        m = self._HELD_LIST.match(piece)
        if not m:
            return []
        out, i, members = [], 0, []
        text = m.group("list")
        for part in self._LIST_CUT.split(text):
            j = text.find(part, i)
            i = j + len(part)
            item = part.strip()
            a = clause.start + j + part.find(item) if item else clause.start + j
            members.append((a, a + len(item), item))
        docs = [x for x in members if any(fa < x[1] and x[0] < fb for fa, fb, _ in found)]
        whole = [x for x in docs if any(fa == x[0] and fb == x[1] for fa, fb, _ in found)]
        if len(members) < 2 or not whole or any("的" in x[2] for x in members):
            return []  # "电话和微信的回访记录都有": the names before 的 say which records, they are none themselves
        for a, b, item in members:
            if (a, b, item) not in docs and self._noun_like(item):
                out.append((a, b, item))
        return out

    def _noun_like(self, item: str) -> bool:
        """A short name of a thing (考试成绩), not a verb phrase, a number, an organisation or a practice."""
        return bool(re.fullmatch(r"[\u4e00-\u9fff]{2,8}", item)) and not re.search(r"[有是在做了过没未不拿持按每都也还就把被给让要会能我们]", item) \
            and not re.fullmatch(r"(?:会议)?(?:" + self._BARE + r")", item) \
            and not re.search(r"(?:部|部门|中心|团队|科|组|处|站|体系|机制|工作|管理)$", item)

    def _generic(self, item: str) -> bool:
        return item in ("管理制度", "相关制度", "文件资料", "书面规定", "相关文件", "原始记录", "受控版本", "作业记录", "工作记录",
                        "各种记录", "相关记录", "记录表") or bool(re.fullmatch(r"(?:这个|那个|这份|那份|该|本|上述|所有|全部|各类|各种)\S{1,4}", item))

    _PERIOD = r"(?:年度|月度|季度|每年|每月|每季度|书面|正式|专门|内部)的?"

    def _with_topic(self, item: str, clause: Clause, at: int) -> str:
        """"培训有年度计划" → 年度培训计划: the topic the clause opens with belongs to the document's name."""
        piece = self.text[clause.start:at]
        m = re.match(r"\s*([\u4e00-\u9fff]{2,4}?)(?:这块|方面|的话)?(?:都|也|还)?有$", piece)
        if not m:
            return item
        topic = m.group(1)
        if topic in item or not any(n.text == topic and not n.criterion("any") for n in self.lex.names):
            return item
        for head in self.lex.doc_heads_zh:
            # Only a period or a manner stands before the document word ("年度计划"); "定位签到表" has a name of its own.
            if item.endswith(head) and len(item) > len(head) and re.fullmatch(self._PERIOD, item[:-len(head)]):
                return item[: -len(head)] + topic + head
        return item

    _EN_STOP = {"we", "have", "has", "had", "a", "an", "the", "our", "and", "or", "for", "of", "with", "under", "measured",
                "written", "documented", "formal", "complete", "full", "official", "every", "each", "is", "are", "was", "were",
                "it", "i", "i'd", "level", "also", "keep", "maintain", "use", "run", "hold", "there", "some", "any",
                "no", "not", "about", "on", "in", "to", "by", "from", "its", "their", "this", "that", "these", "those",
                "current", "annual"}

    _EN_OF = re.compile(r"\s+of\s+(?:the\s+|our\s+|all\s+(?:the\s+)?|every\s+|each\s+)?(?P<what>[A-Za-z][A-Za-z-]*(?:\s+[A-Za-z][A-Za-z-]*){0,3}?)"
                        r"(?=\s*(?:[,.;:!?]|$|\b(?:and|for|from|in|on|at|with|are|is|was|were|every|each)\b))", re.IGNORECASE | re.ASCII)

    def _documents_en(self, clause: Clause) -> list[tuple[int, int, str]]:
        piece = self.text[clause.start:clause.end]
        out = []
        heads = "|".join(map(re.escape, self.lex.doc_heads_en))
        for m in re.finditer(rf"\b({heads})\b", piece, re.IGNORECASE | re.ASCII):
            words = list(re.finditer(r"[A-Za-z][A-Za-z'-]*", piece[:m.start()]))
            k = m.start()
            taken_words = 0
            for w in reversed(words):
                if w.group(0).lower() in self._EN_STOP or piece[w.end():k].strip(" ") not in ("",) or taken_words >= 4:
                    break
                k = w.start()
                taken_words += 1
            of = self._EN_OF.match(piece, m.end()) if taken_words == 0 else None
            if of and not re.match(r"(?:this|that|these|those|it|them|which|what|us|you)\b", of.group("what"), re.IGNORECASE):
                # "screenshots of the official lookups", "minutes of management review": the head named by what follows.
                out.append((clause.start + m.start(), clause.start + of.end(), piece[m.start():of.end()]))
                continue
            if taken_words == 0 and not re.fullmatch(r"patents?|copyrights?", m.group(0), re.IGNORECASE):
                continue  # a bare "plan" or "report" names nothing; "a patent" is whole
            if re.match(rf"\s+(?:{heads})\b", piece[m.end():], re.IGNORECASE):
                continue  # "survey procedure": the name goes on to a longer document word
            if re.match(r"\s+(?:engineers?|staff|workers?|technicians?|employees?|partners?|suppliers?|agents?|people|teams?)\b",
                        piece[m.end():], re.IGNORECASE | re.ASCII):
                continue  # "contract engineers": the word qualifies people, no document
            item = piece[k:m.end()].strip()
            shared = self._distributed_en(piece, k, item)
            if shared:
                out += [(clause.start + a, clause.start + m.end(), name) for a, name in shared]
                continue
            v = self._VERSION.match(piece, m.end())
            out.append((clause.start + k, clause.start + (v.end() if v else m.end()), item + (" " + v.group(0).strip() if v else "")))
        return out

    def _distributed_en(self, piece: str, k: int, item: str) -> list[tuple[int, str]]:
        """"installation and repair work instructions" → installation work instructions, repair work instructions: one
        modifier word listed before a document's name that opens with another."""
        words = item.split()
        m = re.search(r"(?<![A-Za-z-])([A-Za-z][A-Za-z-]*)\s*,?\s+(?:and|or|&)\s+$", piece[:k])
        if not m or len(words) < 3 and not (len(words) == 2 and words[0].lower() not in self._EN_STOP):
            return []
        mod = m.group(1)
        if mod.lower() in self._EN_STOP or re.fullmatch("|".join(map(re.escape, self.lex.doc_heads_en)), mod, re.IGNORECASE):
            return []  # "manuals and repair records": the word before "and" is a document of its own
        rest = " ".join(words[1:])
        return [(m.start(1), f"{mod} {rest}"), (k, item)]

    def _document_after(self, a: int, b: int) -> str | None:
        clause = self.clause_at(a)
        for da, db, item in self._documents(clause):
            if da >= a:
                return item
        return None

    def _evidence_of(self, at: int) -> str | None:
        """"首次响应平均1.6个小时，证据就是CTI话单和在线客服系统日志" / "一次修复率的证据就是…明细": documents given
        as the evidence of what the sentence just named prove that criterion, whatever else their names suggest."""
        s_index = self.clause_at(at).sentence
        start = min(c.start for c in self.clauses if c.sentence == s_index)
        word = None
        for w in re.finditer(r"证据|佐证", self.text[start:at]):
            word = start + w.start()
        if word is None:
            return None
        named = [m for m in self.mentions if start <= m.start and m.end <= word and m.criterion
                 and not any(a <= m.start < b for a, b in self._doc_spans())]
        return named[-1].criterion if named else None

    def _place(self, item: str, clause: Clause, at: int, sibling: bool = False) -> str | None:
        """The criterion a document proves: a name inside it, the catalogue's lists, the clause's subject, keywords,
        then the sentence's subject."""
        from assistant.chat.reading.lexicon import mentions

        if at in self._named_evidence:
            return self._named_evidence[at]
        framed = self._evidence_of(at)
        if framed:
            return framed
        item = self._VERSION.sub("", item).strip() or item
        inner = mentions(item, self.lex)
        low_item = item.lower()
        # Every name inside the item, overlaps allowed; the one nearest its last word wins ("客户满意度调查管理办法").
        named = [(i + len(n.text), len(n.text), n.criterion("any")) for n in self.lex.names if n.criterion("any")
                 and (i := low_item.rfind(n.text)) >= 0 and (not n.text.isascii() or len(n.text) > 3)]
        if named:
            return max(named)[2]
        exact = self.lex.documents.get(item)
        for name, cids in sorted(self.lex.documents.items(), key=lambda p: -len(p[0])) if exact is None or len(exact) == 1 else ():
            if len(cids) == 1 and len(name) >= 4 and (name == item or (name in item and len(name) >= len(item) - 4)
                                                      or (len(item) >= 4 and item in name and len(name) <= len(item) + 3)):
                return cids[0]
        spans = self._doc_spans()
        outside = [m for m in self.mentions if not any(a <= m.start < b for a, b in spans)]
        # The clause's subject stands before its verb ("内审员都有培训证书"), not among the items listed after it.
        verbs = [clause.start + v.start() for v in POSSESS.finditer(self.text[clause.start:at])]
        limit = verbs[-1] if verbs else at
        subject = [m for m in outside if clause.start <= m.start and m.end <= limit]
        for m in reversed(subject):
            cid = m.criterion or m.of("other")
            if cid:
                return cid
        low = item.lower()
        hits = [(low.find(w), cid) for w, cid in self.lex.evidence if w in low]
        told = self._told_with(item, hits, at)
        if told:
            return told
        if hits:
            return min(hits)[1]
        topics = [m for m in inner if m.of("other")]
        if topics:
            return topics[-1].of("other")
        s_index = self.clause_at(at).sentence
        sentence = [m for m in outside if m.end <= at and self.clause_at(m.start).sentence == s_index]
        for m in reversed(sentence):
            cid = m.criterion or m.of("other")
            if cid:
                return cid
        if not sibling:
            # "培训签到表和考试成绩都有": an item listed with a placed document proves what that one proves.
            end = at + len(item)
            for a, b, other in self._documents(clause):
                between = self.text[b:at] if b <= at else self.text[end:a]
                if a != at and other != item and re.fullmatch(r"\s*(?:、|和|及|与|跟|以及|,|and|&)\s*", between) \
                        and (cid := self._place(other, clause, a, sibling=True)):
                    return cid
        # The topic the message was on before this sentence ("服务质量检查我们每月抽查…；有检查办法和检查表").
        for m in reversed([m for m in outside if m.end <= at and self.clause_at(m.start).sentence < s_index]):
            cid = m.criterion or m.of("other")
            if cid:
                return cid
        return None

    def _told_with(self, item: str, hits: list[tuple[int, str]], at: int) -> str | None:
        """The criterion a document proves by the catalogue and what it is told with: among the criteria whose accepted
        evidence names it (培训签到表: D1.1, D4.1, D4.2) or whose keywords it has (签到: D2.2), the one named nearest
        before it in its sentence ("培训…有年度培训计划和签到表" → D4.1)."""
        if len(item) < 2:
            return None
        cands = {cid for name, cids in self.lex.documents.items() if len(name) >= 3 and (item in name or name in item)
                 for cid in cids} | {cid for _, cid in hits}
        if len(cands) < 2:
            return None
        s_index = self.clause_at(at).sentence
        for m in reversed([m for m in self.mentions if m.end <= at and self.clause_at(m.start).sentence == s_index]):
            cid = m.criterion or m.of("other")
            if cid in cands:
                return cid
        return None
