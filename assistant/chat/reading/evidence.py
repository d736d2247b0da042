"""Evidence in a message: the documents named, one item per document, on the criterion each proves."""

from __future__ import annotations

import re

from assistant.chat.reading.model import EvidenceUpdate
from assistant.chat.reading.patterns import (
    CJK,
    NEG_AFTER,
    NEG_BEFORE,
    POSSESS,
    UNTRUE,
)
from assistant.chat.reading.text import Clause

# "一份都没有" / "一个也没有" / "全都没有": nothing of what the sentence just named.
TOTAL_ABSENCE = re.compile(r"^\W*(?:说实话|其实|实际上|老实说)?\W*(?:一(?:份|本|个|样|条|张)(?:都|也)没有|全都没有|啥都没有|什么都没有|都没有)(?=\W|$)")


class EvidenceReading:
    """Reads evidence (a mixin of the Reader)."""

    def read_evidence(self) -> None:
        for clause in self.clauses:
            out = self.out(clause.start)
            if out is None or out is self.supposed:
                continue
            if UNTRUE.search(self._sentence_text(clause.sentence)):
                continue  # "满意度报告里有两个月的数据是补编的": a document accused, not one shown
            piece = self.text[clause.start:clause.end]
            neg_clause = self.in_findings(clause.start) or bool(NEG_BEFORE.search(piece)) or bool(NEG_AFTER.search(piece))
            later = "".join(self.text[c.start:c.end] for c in self.clauses if c.sentence == clause.sentence and c.start > clause.start)
            if TOTAL_ABSENCE.search(later):
                continue  # "售后服务规范那些书面的东西，说实话一份都没有": named only to say there is none
            for a, b, item in self._documents(clause):
                if neg_clause and self._is_after_negation(clause, a):
                    continue
                if self._intention(item, b) or self._defect(item) or re.match(r"[没无未缺按出写发编找借交]", item):
                    continue  # "没量表" / "按计划" / "出报告": an absence or an act, not a document's name
                if self.in_findings(a):
                    continue
                cid = self._place(item, clause, a)
                if cid is None:
                    if item not in out.unplaced_evidence:
                        out.unplaced_evidence.append(item)
                elif not any(e.item == item and e.criterion == cid for e in out.evidence):
                    out.evidence.append(EvidenceUpdate(cid, item))

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

    def _is_after_negation(self, clause: Clause, pos: int) -> bool:
        piece = self.text[clause.start:pos]
        return bool(NEG_BEFORE.search(piece)) or bool(NEG_AFTER.search(self.text[pos:clause.end]))

    # Words that end a document's name on its left: verbs, conjunctions, pronouns ("有", "和", "我们", "写在").
    _DOC_STOP = re.compile(r"(?:还有|以及|我们|公司|都有|也有|都是|已经|每年|每月|每季度|每个|所有|全部|写在|写了|拿了|做了|交了|留着|发布|更新"
                           r"|可以|能够|随便|需要|提交|出示|提供|准备|保存|保留|留存|上传|归档|整理|建立|编制|制定|包括|包含|具备|备有"
                           r"|(?<![调检稽抽审核巡排])查|(?<![查])看|拿|找|填"
                           r"|有|和|与|及|或|、|是|在|把|将|的|了|也|都|还|给|被|让|这|那|里)$")
    _DOC_AFTER_BAD = {"表": "示现扬达明面态演决彰", "单": "位独一纯子", "证": "明据实", "书": "面记", "图": "片", "计划": "生书",
                      "标准": "化", "规范": "化", "记录": "仪", "程序": "员", "报告": "期", "制度": "化", "文件": "夹",
                      "通知": "书", "手册": "化"}

    _EVIDENCE_SAID = re.compile(
        r"(?:证据|凭证|佐证|证明材料|evidence)\s*(?:有|是|为|包括|就是|:|includes?|is|are)\s*(?P<a>(?:[^,.;!?，。；]|\.(?=\d))+)"
        r"|(?P<b>[^,.;!?，。；:：]+?)\s*(?:是|作为|可以作为|算|is|as)\s*(?P<c>(?:[^,;!?，。；]|\.(?=\d)){0,24}?的)?\s*(?:证据|佐证|evidence)"
        r"(?:\s+(?:for|of)\s+(?:[A-Za-z0-9 -]|\.(?=\d)){1,40})?",
        re.IGNORECASE | re.ASCII)
    _ITEM_CUT = re.compile(r"和|与|及|以及|、|还有|\band\b|/|,", re.ASCII)

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
                text = re.sub(r"^(?:我们的|我们|我司|公司|the|our)\s*", "", text, flags=re.IGNORECASE)
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
                if len(item) >= 2 and not any(m2.criterion and m2.text.lower() == item.lower() for m2 in self.mentions):
                    start = clause.start + a0 + i + part.find(item) if item in part else clause.start + a0 + i
                    out.append((start, start + len(item), item))
                    if named:
                        self._named_evidence[start] = named[0].criterion
        return out

    def _documents(self, clause: Clause) -> list[tuple[int, int, str]]:
        """Document names in a clause ("维修规范", "《售后服务规范》", "training plan"), one item per document."""
        piece = self.text[clause.start:clause.end]
        found: list[tuple[int, int, str]] = self._said_evidence(clause)
        for m in re.finditer(r"《([^》]{2,30})》", piece):
            if not any(a <= clause.start + m.start() < b for a, b, _ in found):
                found.append((clause.start + m.start(), clause.start + m.end(), m.group(1).strip()))
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
                    if self._DOC_STOP.search(piece[max(0, k - 3):k]):
                        break
                    k -= 1
                if re.search(r"(?:(?<![调检稽抽审核巡排])查|查询|调取|调出|导出|拉出|(?<![查])看|找|拿|填)(?:所有|全部|到|一下|出)?$", piece[:k]):
                    continue  # "能按序列号查历史记录": records looked up, not a document named
                item = piece[k:j]
                item = re.sub(r"^(?:[0-9]{4}年版?的?|V\d+(?:\.\d+)*版?|\d+(?:\.\d+)*版的?|[0-9一二两三四五六七八九十]+(?:份|套|本|个|项))", "", item)
                if len(item) < 3 or (item == head and len(head) <= 2) or re.fullmatch(r"[0-9.%\s]+\S{0,2}", item):
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
                found.append((clause.start + k, clause.start + j, self._with_topic(item, clause, clause.start + k)))
        found += self._documents_en(clause)
        found += self._listed(clause, found)
        return sorted(found)

    _LIST_CUT = re.compile(r"、|和|及|与|以及|还有|跟|,|/|\band\b", re.ASCII)

    def _listed(self, clause: Clause, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """"我们有A、B、工单系统和CRM" / "我们有一本蓝皮书": what a client lists as had is an item even without a document
        word, when it names a criterion's thing or comes with a document's classifier (本, 份, 套)."""
        piece = self.text[clause.start:clause.end]
        out = []
        for v in POSSESS.finditer(piece):
            pos = v.end()
            rest = piece[pos:]
            offset = clause.start + pos
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
                if re.search(r"\d|[有是在做了过]|\s{2,}", item) and not classifier:
                    continue
                if re.match(r"[没无未缺按出写发编找借交]", item):
                    continue  # "没计划" / "按计划" / "出报告": an absence or an act, not a document's name
                named = any(n.criterion("any") and n.text in item.lower() for n in self.lex.names)
                keyword = any(len(w) >= 3 and w in item.lower() for w, _ in self.lex.evidence)
                acronym = bool(re.fullmatch(r"[A-Z]{2,6}", item))
                if re.search(r"(?:部|部门|中心|团队|科|组|处|站)$", item):
                    continue  # "有售后服务部": an organisation, no document
                if classifier or named or keyword or acronym:
                    out.append((a, b, item))
            break
        return out

    def _generic(self, item: str) -> bool:
        return item in ("管理制度", "相关制度", "文件资料", "书面规定", "相关文件", "原始记录", "受控版本", "作业记录", "工作记录",
                        "各种记录", "相关记录", "记录表") or bool(re.fullmatch(r"(?:这个|那个|这份|那份|该|本|上述|所有|全部|各类|各种)\S{1,4}", item))

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
            if item.endswith(head) and len(item) > len(head):
                return item[: -len(head)] + topic + head
        return item

    _EN_STOP = {"we", "have", "has", "had", "a", "an", "the", "our", "and", "or", "for", "of", "with", "under", "measured",
                "written", "documented", "formal", "complete", "full", "official", "every", "each", "is", "are", "was", "were",
                "it", "i", "i'd", "call", "level", "also", "keep", "maintain", "use", "run", "hold", "there", "some", "any",
                "no", "not", "about", "on", "in", "to", "by", "from", "its", "their", "this", "that", "these", "those",
                "current", "annual"}

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
            if taken_words == 0:
                continue
            if re.match(rf"\s+(?:{heads})\b", piece[m.end():], re.IGNORECASE):
                continue  # "survey procedure": the name goes on to a longer document word
            if re.match(r"\s+(?:engineers?|staff|workers?|technicians?|employees?|partners?|suppliers?|agents?|people|teams?)\b",
                        piece[m.end():], re.IGNORECASE | re.ASCII):
                continue  # "contract engineers": the word qualifies people, no document
            item = piece[k:m.end()].strip()
            out.append((clause.start + k, clause.start + m.end(), item))
        return out

    def _document_after(self, a: int, b: int) -> str | None:
        clause = self.clause_at(a)
        for da, db, item in self._documents(clause):
            if da >= a:
                return item
        return None

    def _place(self, item: str, clause: Clause, at: int) -> str | None:
        """The criterion a document proves: a name inside it, the catalogue's lists, the clause's subject, keywords,
        then the sentence's subject."""
        from assistant.chat.reading.lexicon import mentions

        if at in self._named_evidence:
            return self._named_evidence[at]
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
        return None
