"""Veto facts, company facts, assessment dates, and the numbers a message states that have no place."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.chat.reading import quantities as qty
from assistant.chat.reading.model import Extraction
from assistant.chat.reading.patterns import (
    COMPANY_SUFFIX,
    EMPLOYEES,
    INCIDENT,
    INCIDENT_DONE,
    INCIDENT_OPEN,
    INDUSTRY_EN,
    INDUSTRY_IN_NAME,
    INDUSTRY_ZH,
    INFLATED,
    NAME_EN,
    NAME_LABEL,
    NAME_ZH,
    NOT_NAME,
    NO_INCIDENT,
    SELF_INTRO,
    SERVICE_HOURS,
    SUBUNIT,
    TRUE,
    UNTRUE,
)
from assistant.prompts import load_prompt

# A clause where a company says what it does: the words after which an industry or product is named.
INTRO = re.compile(r"我们是|我们做|我们公司|我司|本公司|我们这边是|我们属于|我们家|我们厂|俺们|咱们|我是|是做|"
                   r"做|整|搞|生产|制造|主营|从事|经营|这一?行|行业|厂家|厂商|"
                   r"\b(?:we (?:make|manufacture|produce|build|sell|install|service|maintain|supply|are)|we're|our company)\b",
                   re.IGNORECASE)
# An incident word that names a kind of service call ("困人救援首次响应0.4小时"), not an incident.
SERVICE_KIND = re.compile(r"困人(?:救援|报修|那种|的报修|故障|类)|(?:漏电|起火)(?:保护|检测|隐患排查)")
# A greeting before a company names itself ("你好，重岳重工，做…").
GREETING = re.compile(r"\s*(?:你好|您好|喂|哈喽|嗨|hi|hello)[,，.。!！\s]*", re.IGNORECASE)
# Words that say a company's size or ownership, never its industry ("中小企业财务SaaS").
NOT_SECTOR = re.compile(r"配合|协助|帮忙|中小|小型|中型|大型|民营|国有|国营|外资|合资|上市|私营|找|顺手|师傅|去修|和$|与$|及$")
# Words of speech no trade's name holds: adverbs, modal verbs, particles, a 的 inside ("复杂的还得等", "碰到要" are the
# rest of a sentence read after 厂家, not an industry).
NOT_TRADE = re.compile(r"[还得等要会吧呢啊吗就才都也很太却把被让给]|(?<![智功动储节])能|碰到|遇到|出来|.的.")  # 智能门锁, 储能 are trades
# A number in Chinese words with its classifier: "一次", "两版", "三样", "四层", "一个人", "三万", "几百台", "俩"; not
# the words that only contain a numeral (一般, 一直, 一样, 一次修复率, "一个是…" in a list).
_CN_COUNT = re.compile(r"(?<![一二两三四五六七八九十百千万几俩仨第每])(?:[一二两三四五六七八九十百千万几]+|俩|仨)"
                       r"(?:个人|个星期|个月|个(?![是说就呢])|次(?!修复|性)|版|样(?<!一样)|层|级(?!响应)|项|条|份|台|家|名|张|半|万)"
                       r"|(?<![一二两三四五六七八九十百千万几])(?:俩|仨)(?=\S)")
# The trade after its label: "Industry: refrigerators and freezers", "行业：暖通".
INDUSTRY_LABEL = re.compile(r"(?:所属行业|行业|\bindustry)\s*[:：]\s*(?P<v>[^,，.。;；\n]{2,40})", re.IGNORECASE)
# What may stand beside a head count in its own phrase ("六百来人", "全国900多人", "4000人左右").
BARE_COUNT = re.compile(r"^(?:全国|全公司|公司|总共|一共|共|大概|大约|约|差不多|有|是|现在|目前|左右|上下|的|[\s,，。.;；])*$")


@lru_cache(maxsize=1)
def _sector_table() -> tuple[tuple[str, str, str, bool], ...]:
    """(word lower-cased, sector in Chinese, sector in English, the word is the sector's own name) from the
    sector table (prompts/chat_sectors_zh.yaml: reading vocabulary, like the lexicon), longest word first."""
    data = load_prompt("chat_sectors", "zh") or {}
    out: list[tuple[str, str, str, bool]] = []
    for s in data.get("sectors") or []:
        zh, en = (s.get("names") or [""])[0], (s.get("names_en") or s.get("names") or [""])[0]
        for key, own in (("names", True), ("names_en", True), ("products", False), ("products_en", False)):
            out += [(str(w).lower(), zh, en, own) for w in s.get(key) or []]
    return tuple(sorted(out, key=lambda t: -len(t[0])))


def sector_of(phrase: str, en: bool = False) -> str | None:
    """The sector a phrase names: the trade word said ("做空调的" → 空调), or the sector of the products named
    ("挖掘机和装载机" → 工程机械, "patient monitors" → medical devices)."""
    low = phrase.lower()
    for word, zh, en_name, own in _sector_table():
        i = low.find(word)
        if i < 0:
            continue
        after = low[i + len(word):i + len(word) + 1]
        if word.isascii() and (i > 0 and low[i - 1].isascii() and low[i - 1].isalnum()
                               or after.isascii() and after.isalpha() and after != "s"):
            continue  # an English word stands whole ("lift" not inside "forklift"); a plural is the word
        if own:
            return phrase[i:i + len(word)]
        return en_name if en else zh
    return None


# Figures said not to be real in a clause of their own, the figures named earlier in the sentence.
_NOT_REAL = re.compile(r"(?<![没不])(?:不是真实|不是真的(?=\s*(?:[，。,.!！；;]|$))|并非真实|不真实|不属实|是编的|是假的|是凑的|瞎填的)")
# What only the customer can give (a callback, a rating, a signature), said to be made by the company itself: "回访记录，
# 有一大半是分公司的人自己填的，没真打电话". Not of records the company keeps by its nature ("工单是师傅自己填的").
_SELF_MADE = re.compile(r"(?<!客户)(?<!用户)(?<!顾客)自己(?:填|签|勾|编|写|打(?=的?分|了?分|勾|钩))(?:上去|进去|出来)?(?:的|了)|没真(?:的)?(?:打|回访|问|调查|联系|去)"
                        r"|(?:装成|假装|冒充|扮成|假扮)(?:是)?(?:客户|用户|顾客)|根本没(?:打|开|去|做|上)"
                        r"|(?<!客户)(?<!用户)自己刷|(?<!客户)(?<!用户)刷(?:的|了|分|单|好评)|引导(?:客户|用户)\S{0,10}(?:打|评|给)(?:的)?(?:分|好评)"
                        r"|\bpretend(?:ing|ed)? to be (?:customers?|clients?|users?)\b|\bposing as (?:customers?|clients?)\b")
# A suspicion looked into and found wrong: "代签的事我回去查了，是误会", "抽了20张核对，都对得上".
_TAKEN_BACK = re.compile(r"误会|误解|搞错了|弄错了|冤枉|对得上|核对过?没问题|查了\S{0,6}(?:没有|没)问题|\bmisunderst|\bchecked\b.{0,30}\bfine\b")
# A document written by a department ("现场服务规范是技术部编的"): 编 as in compiling it, no confession.
_DOCUMENT_WRITTEN = re.compile(r"(?:规范|手册|制度|文件|程序|指导书|办法|标准|教材|课件|流程)\S{0,2}是?\S{0,6}(?:部|中心|科|组|我们|自己|公司)\S{0,2}(?:编|编写|编制)的")
# A company's name standing alone after a label: Chinese characters, maybe a Latin brand, no verb.
CJK_NAME = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()（）]+")
_CUSTOMER_VOICE = re.compile(r"回访|满意度|问卷|评价|评分|打分|打的分|好评|扫码|调查|签字|签名|确认单|暗访|神秘客户"
                             r"|\b(?:surveys?|csat|call-?backs?|feedback|ratings?|responses|signatures?)\b", re.IGNORECASE)
_MATERIALS = re.compile(r"数据|数字|材料|记录|报告|资料|台账|报表|\b(?:figures?|data|numbers?|records?|materials?|reports?)\b", re.IGNORECASE)
# Characters of speech that a company's name (one without 公司, 集团, 厂 … at its end) does not hold: particles,
# negations, degree words and verbs of feeling ("我们是真有感触", "我们是比较重视的").
_SPOKEN_WORDS = re.compile(r"[了吧呢啊吗嘛呀哦哈啦不没很挺太觉感想还也都]|比较|有点|非常|特别")


class CompanyReading:
    """Reads declarations, the enterprise, dates and what is left unplaced (a mixin of the Reader)."""

    def _affirm(self, out, key: str, value: bool) -> None:
        """"材料都是真实的", "没有重大事故": the state the scheme assumes when nothing is said, recorded only when it
        takes back what the conversation holds (a confession, an open incident); else it adds no fact (consultants
        record none, evals/README.md intake round 8)."""
        if self.ctx.declarations.get(key) is (not value):
            out.declarations.setdefault(key, value)

    def read_declarations(self) -> None:
        for clause in self.clauses:
            out = self.out(clause.start)
            if out is None or self.about_others(clause.start):
                continue
            piece = self.text[clause.start:clause.end]
            s = clause.sentence
            sentence = "".join(self.text[c.start:c.end] for c in self.clauses if c.sentence == s)
            # What an auditor found ("开了个一般不符合：工单时间戳有手工改的") is a finding, not the client's statement.
            sent = [c for c in self.clauses if c.sentence == s]
            in_finding = any(a < sent[-1].end and sent[0].start < b for a, b in self.finding_spans)
            untrue = UNTRUE.search(piece) if not in_finding else None
            if untrue is None and not in_finding and (said := _NOT_REAL.search(piece)) \
                    and _MATERIALS.search(self.text, sent[0].start, clause.start):
                untrue = said  # "满意度数据，有一部分是网点自己填的，不是真实回访出来的": what is not real, named before
            if untrue is None and not in_finding and (said := _SELF_MADE.search(piece)) \
                    and _CUSTOMER_VOICE.search(self.text, sent[0].start, said.start() + clause.start):
                untrue = said
            if untrue and re.search(r"(?:没有|没|不是|并非|绝不|绝无|从不|从没|不存在|不会|\bnot\b|\bnever\b|\bno\b)\s*\S{0,2}\s*"
                                    r"(?:编|补编|瞎编|捏造|造假|作假|伪造|虚构|虚假|拍脑袋|凑|瞎填|乱填|made up|fabricat|invent|fak|falsif)",
                                    untrue.group(0) + piece[untrue.end():untrue.end() + 2], re.ASCII):
                self._affirm(out, "materials_truthful", True)  # "材料没有造假"
            elif untrue and not re.search(r"没有|不是|并非|从不|是否|是不是|有没有|会不会|不存在|不会|(?<![分区类级识个])别(?![的人家处])|不要|不能|不许|\bnot\b|\bnever\b|\bwhether\b|\basked\b|\bif\b",
                                          piece[:untrue.start()], re.ASCII) \
                    and not _TAKEN_BACK.search(sentence) and not _DOCUMENT_WRITTEN.search(piece) \
                    and not re.search(r"\b(?:never|not|didn't|did not|don't|do not|haven't|have not|wasn't|weren't)\b", untrue.group(0), re.I) \
                    and not re.search(
                    r"(?:客户|用户|有人|别人|对方|网上|媒体|同行|竞争对手)\S{0,6}(?:说|称|怀疑|举报|反映|质疑|投诉)", piece[:untrue.start() + 2]):
                out.declarations["materials_truthful"] = False
            elif TRUE.search(piece) and "materials_truthful" not in out.declarations:
                self._affirm(out, "materials_truthful", True)
            first = next(c for c in self.clauses if c.sentence == s)
            inflated = INFLATED.search(self.text, first.start, clause.end)
            if inflated and inflated.end() > clause.start and not in_finding and not re.search(r"如果|假如|要是|\bif\b", self.text[first.start:inflated.start()]):
                # "报告上写回访了2000户，实际也就几百户": the figures handed in are more than the real ones.
                out.declarations["materials_truthful"] = False
            # The incident may be told in one sentence and how it ended in the next ("…伤了个司机。…安监也结案了。").
            told = sentence + "".join(self.text[c.start:c.end] for c in self.clauses if s - 2 <= c.sentence < s)
            # What the sentence states, without a question asked after it ("召回到现在还没收尾，这个影响认证吗").
            stated = [c for c in self.clauses if c.sentence == s and self.out(c.start) is not None]
            if NO_INCIDENT.search(piece):
                self._affirm(out, "major_incident_unresolved", False)
            elif INCIDENT.search(told) and clause == stated[-1]:
                # "没有没解决的重大质量事故": an incident denied is no incident left open.
                sentence = NO_INCIDENT.sub(" ", "".join(self.text[c.start:c.end] for c in stated))
                if INCIDENT_OPEN.search(sentence):
                    out.declarations["major_incident_unresolved"] = True
                elif INCIDENT_DONE.search(sentence):
                    out.declarations.setdefault("major_incident_unresolved", False)
                elif "major_incident_unresolved" not in out.declarations and not self.in_findings(clause.start) \
                        and not SERVICE_KIND.search(told):
                    # An incident told without whether it is over: not recorded on a guess, never passed over either.
                    words = INCIDENT.search(told).group(0)
                    note = self._t(f"提到了“{words}”，但没说是否已经解决（近12个月内未解决的重大质量或安全事故会触发一票否决V3，评级直接不合格）：这件事结案了吗？",
                                   f"“{words}” was mentioned without saying whether it is resolved (an unresolved major quality or "
                                   "safety incident in the last 12 months triggers veto V3, a fail): is it closed?")
                    if note not in out.set_aside:
                        out.set_aside.append(note)

    # The figure handed in: "报上去的是95%", "持证上岗率报的97%", "in our pack says 96%".
    _HANDED_IN = re.compile(r"报的|报上去|报给|交上去|交的|材料里|\b(?:in (?:our|the) (?:pack|submission)|submitted|reported)\b", re.IGNORECASE)
    # The true figure, said beside the one confessed: "实际只有80%", "the real number is 91%".
    _TRUE_FIGURE = re.compile(r"实际|真实|其实是|真的是|\b(?:actually|really|real|true)\b", re.IGNORECASE)

    def drop_confessed_values(self) -> None:
        """A message that confesses materials untrue ("上门及时率那张表是我让小李'修'过的……报上去的是95%", "the on-site
        rate in our pack says 96%, but the branch managers typed …") names the figure handed in, not the company's:
        it is not recorded as the KPI's value, and is said back as such. A figure said to be the true one stays."""
        out = self.stated
        if out.declarations.get("materials_truthful") is not False:
            return
        kept = []
        for k in out.kpis:
            at = self.raw.find(k.said) if k.said else -1
            if at < 0:
                kept.append(k)
                continue
            # Where the value itself was said (its words may start well before it).
            numbers = re.findall(r"[0-9]+(?:\.[0-9]+)?", k.said)
            at = at + k.said.rfind(numbers[-1]) if numbers else at
            clause = self.text[self.clause_at(at).start:self.clause_at(at).end]
            sentence = self._sentence_text(self.clause_at(at).sentence)
            changed = re.search(r"改成|改为|改到", sentence)
            confessed = UNTRUE.search(sentence) or INFLATED.search(sentence) or _SELF_MADE.search(sentence) \
                or _NOT_REAL.search(sentence) or self._HANDED_IN.search(sentence)
            if not confessed or self._TRUE_FIGURE.search(clause) or (changed and at < self.text.find(changed.group(0))):
                kept.append(k)  # another sentence's figure, the true one, or the one it was changed from ("从87改成了92")
                continue
            out.set_aside.append(self._t(f"{k.said}（承认不真实的数，没有记录；真实值是多少？）",
                                         f"{k.said} (a figure confessed untrue, not recorded: what is the true value?)"))
        out.kpis = kept

    # --- the enterprise

    def read_enterprise(self) -> None:
        out = self.stated
        # The message opens with the first clause that is more than a greeting ("你好，重岳重工，做…").
        first = next((c for c in self.clauses if not GREETING.fullmatch(self.text[c.start:c.end])), None)
        for clause in self.clauses:
            if self.out(clause.start) is not out:
                continue
            piece = self.text[clause.start:clause.end]
            if "name" not in out.enterprise:
                m = NAME_ZH.search(piece) if clause is first or re.search(r"我们|叫|我司|公司|我是|这里是", piece) else None
                if m:
                    name = (m.group("d") or m.group("a") or m.group("b") or m.group("c") or m.group("e") or m.group("f") or "").strip()
                    if m.group("c") and not (clause is first and re.search(COMPANY_SUFFIX + "$", name) or re.match(r"[,，]\s*做", self.text[clause.end - 1:clause.end + 2])):
                        name = ""
                    if name and not re.search(COMPANY_SUFFIX + "$", name) and _SPOKEN_WORDS.search(name):
                        name = ""  # "这个我们是真有感触": words said of the company, not its name
                    if name and not self._plausible_name(name, self.text[clause.start + m.end(m.lastgroup):clause.start + m.end(m.lastgroup) + 4]):
                        name = ""
                    if name and not NOT_NAME.search(name) and not any(mm.start >= clause.start + m.start() and mm.end <= clause.start + m.end()
                                                                        for mm in self.mentions if mm.criterion):
                        out.enterprise["name"] = self.said(clause.start + m.start(m.lastgroup), clause.start + m.end(m.lastgroup))
                if "name" not in out.enterprise and self.correction and re.search(r"名字|名称|公司名|厂名|全称|简称|\bname\b", self.text, re.ASCII):
                    # "名字说错了，是东昇物业": the name corrected.
                    m = re.search(rf"(?:是|叫|应该是|正确的是)\s*(?P<n>[\u4e00-\u9fffA-Za-z]{{2,16}}?{COMPANY_SUFFIX})(?=[,.;:!?，。]|$)", piece)
                    if m:
                        out.enterprise["name"] = self.said(clause.start + m.start("n"), clause.start + m.end("n"))
                # "Company: Nordic Breeze Appliances, HVAC" / "公司名：苏州迅梯机电工程有限公司": the clause after the label.
                nxt = next((c for c in self.clauses if c.start >= clause.end), None)
                if "name" not in out.enterprise and nxt is not None and NAME_LABEL.fullmatch(piece) and not self.en:
                    cand = self.text[nxt.start:nxt.end].strip(" ,，。.;；")
                    if 2 <= len(cand) <= 24 and CJK_NAME.fullmatch(cand) and not NOT_NAME.search(cand) \
                            and not any(mm.criterion for mm in self.mentions if nxt.start <= mm.start < nxt.end):
                        out.enterprise["name"] = self.said(nxt.start, nxt.start + len(self.text[nxt.start:nxt.end].rstrip(" ,，。.;；")))
                span_end = nxt.end if nxt is not None and re.fullmatch(r"\s*(?i:company|client|customer)\s*:\s*", piece) else clause.end
                m = NAME_EN.search(self.text[clause.start:span_end]) if "name" not in out.enterprise else None
                if m:
                    out.enterprise["name"] = m.group("n").strip().rstrip(".")
        # The trade in the client's own words when they name a known trade or product ("做呼吸机的", "主营医用超声设备"),
        # else the sector of the products named, else the words after a trade cue.
        own_words = next((p for c in self.clauses if self.out(c.start) is out and not self.about_others(c.start)
                          for p in [self._industry(self.text[c.start:c.end])] if p), None)
        labelled = next((m.group("v").strip() for m in INDUSTRY_LABEL.finditer(self.text) if self.out(m.start()) is out), None)
        ind = labelled or (own_words if own_words and sector_of(own_words, self.en) else self._sector_said(out))
        for clause in self.clauses:
            if ind or self.out(clause.start) is not out or self.about_others(clause.start):
                continue
            ind = self._industry(self.text[clause.start:clause.end])
        if ind and "industry" not in out.enterprise:
            out.enterprise["industry"] = ind
        if "industry" not in out.enterprise and out.enterprise.get("name"):
            name = str(out.enterprise["name"])
            m = INDUSTRY_IN_NAME.search(name)
            ind = sector_of(name, self.en) if self.en or not m else m.group(0)
            if ind:
                out.enterprise["industry"] = ind
        if "industry" not in out.enterprise and not self.ctx.enterprise.get("industry"):
            # "我们是深圳的手机品牌" / "我们是汽车4S店集团的售后": an ordinary industry word in the self-introduction.
            for clause in self.clauses:
                piece = self.text[clause.start:clause.end]
                if self.out(clause.start) is out and SELF_INTRO.search(piece):
                    m = INDUSTRY_IN_NAME.search(piece, SELF_INTRO.search(piece).end())
                    if m and not any(mm.criterion and mm.start <= clause.start + m.start() < mm.end for mm in self.mentions):
                        out.enterprise["industry"] = m.group(0)
                        break
        self._employees(out)

    @staticmethod
    def _plausible_name(name: str, after: str) -> bool:
        """Whether words read after "我们是/叫" can be a company's own name: not a description of the trade ("新能源车企",
        "汽车经销商集团", "代理商"), a department ("质量与服务部"), a level or a count ("L3", "四层"), an activity
        ("每个月抽查完工工单"), or a name taken back right after it ("叫埃斯顿……不是，说错了，叫埃弗顿自动化")."""
        if re.match(r"\s*(?:…|\.\.\.|不是|说错)", after):
            return False
        if re.search(r"[A-Za-z]\d|^[0-9一二两三四五六七八九十]+(?:层|级|个|家|类)$|(?:部|中心|科|处|组|团队)$", name):
            return False
        if re.search(r"抽查|外包|负责|合并|供|给|在做|在管|维修|检查|工单", name) and not re.search(COMPANY_SUFFIX + "$", name):
            return False
        rest = INDUSTRY_IN_NAME.sub("", name)
        rest = re.sub(r"厂家|厂商|车企|企业|服务商|经销商|代理商|集团|公司|供应商|制造商|品牌|行业|设备|信号|轨交|新能源|售后|服务", "", rest)
        return len(rest) >= 2 or bool(re.search(r"[A-Za-z]{2,}", rest))

    def _sector_said(self, out: Extraction) -> str | None:
        """The sector a self-introduction names: a trade word or product of the sector table after a word that says
        what the company does ("我们做挖掘机和装载机", "咱们复印机这行", "we make patient monitors")."""
        # Criterion names and the company's own name are no statement of its trade ("我是康立医疗设备售后部的").
        spans = [(m.start, m.end) for m in self.mentions if m.criterion]
        name = str(out.enterprise.get("name") or "")
        if name and name in self.text:
            spans.append((self.text.index(name), self.text.index(name) + len(name)))
        text = "".join(" " if any(a <= i < b for a, b in spans) else ch for i, ch in enumerate(self.text))
        for clause in self.clauses:
            if self.out(clause.start) is not out or self.about_others(clause.start):
                continue
            for seg in re.split(r"(?<=[,，;；。.!！?？])", text[clause.start:clause.end]):
                cue = INTRO.search(seg)
                if cue is None or re.search(r"(?:做|整|搞)(?:了|过|得|好|完)", seg):
                    continue
                trade_after = re.search(r"这一?行|行业|厂家|厂商", cue.group(0))  # "复印机这行": the trade before it
                found = sector_of(seg if trade_after else seg[cue.start():], self.en)
                if found:
                    return found
        return None

    def _industry(self, piece: str) -> str | None:
        for i, pattern in enumerate(INDUSTRY_ZH):
            for m in pattern.finditer(piece):
                if i == 0 and not (sector_of(m.group("v")) or INDUSTRY_IN_NAME.search(m.group("v"))
                                   or re.search(r"(?:我们是|我们|一家|是一家)$", piece[:m.start("v")])):
                    continue  # "新机型出来的时候厂家派人来讲", "一直在行业前列": 厂家 is the maker, 行业 the trade at large
                v = re.sub(r"^(?:的|是|一家|一个|做|主要|专门|浙江|广东|江苏|上海|北京|深圳)+", "", m.group("v"))
                v = re.sub(r"(?:的|这一?行|业务|服务|安装维保|维保|安装|售后|生意|产品)+$", "", v) or v
                if len(v) >= 2 and not NOT_SECTOR.search(v) and not NOT_TRADE.search(v) and not re.match(r"[过了完好到得]", v) and not re.search(
                        r"认证|审核|准备|整改|计划|培训|评价|东西|什么|这个|那个|很|比较|一次|不到|起来|^(?:我们|咱们|咱|俺们|我司|本|这|那)", v) \
                        and not any(mm.criterion for mm in self.mentions if v in mm.text or mm.text in v):
                    return v
        m = INDUSTRY_EN.search(piece)
        if m:
            v = (m.group("i") or m.group("j") or "").strip()
            v = re.sub(r"^(?:leading|small|large|big|mid-sized|local|chinese|family-owned)\s+", "", v, flags=re.IGNORECASE | re.ASCII)
            if v and not re.search(r"\b(?:we|our|certification|audit)\b", v, re.IGNORECASE | re.ASCII) \
                    and not re.fullmatch(r"(?:chinese|local|foreign|private|state-owned|listed|external|outside|third-party|"
                                         r"small|big|large|family|global|international|new|old|different|good|service)", v, re.IGNORECASE):
                return v
        return None

    def _employees(self, out: Extraction) -> None:
        for q in self.quantities:
            if q.start in self.used or q.kind not in ("people", None, "count"):
                continue
            clause = self.clause_at(q.start)
            if self.out(q.start) is not out:
                continue
            head = self.text[clause.start:q.start]
            tail = self.text[q.end:q.end + 12]
            if q.kind == "people" and q.unit.lower() in ("employees", "employee", "staff", "people"):
                # "a lift maker with 420 employees" is the company; "a department with 25 people" is not.
                ok = not SUBUNIT.search(head) or bool(re.search(r"\b(?:company|maker|manufacturer|firm|business|group|provider)\b",
                                                               head, re.IGNORECASE | re.ASCII))
            elif q.kind == "people" and q.unit in ("人", "名", "个人", "号人"):
                ok = (bool(EMPLOYEES.search(head[-8:])) or bool(re.match(r"(?:员工|职工|在职|正式员工)", tail))) \
                    and not SUBUNIT.search(head[-8:]) or self._bare_headcount(q, out)
            elif q.kind is None:
                # "3000多人" / "员工是一千二百多": a head count said with 人, or right after 员工是.
                ok = (bool(re.match(r"\s*(?:多|余)?\s*(?:人|名)", tail)) and bool(EMPLOYEES.search(head[-8:]))) or bool(
                    re.search(r"(?:员工|职工|员工总数|总人数|全公司)(?:是|有|数是|一共|总共)?(?:大概|大约|约|差不多)?\s*$", head))
            else:
                ok = False
            if ok and q.value >= 1 and q.value == int(q.value):
                out.enterprise["employees"] = int(q.value)
                self.recorded_at.add(q.start)
                self.used.add(q.start)
                if self.correction:
                    # "全公司是360人，300是去年的数": the other head count said with it is the one corrected.
                    for other in self.quantities:
                        if other.start != q.start and other.start not in self.used and other.kind in (None, "people") \
                                and self.clause_at(other.start).sentence == clause.sentence and other.value >= 2 \
                                and not other.article and not SUBUNIT.search(self.text[max(0, other.start - 6):other.start]):
                            self.used.add(other.start)
                            out.set_aside.append(self._t(f"{self.said(other.start, other.end)}（更正前的值）",
                                                         f"{self.said(other.start, other.end)} (the value corrected)"))
                return

    def _bare_headcount(self, q: qty.Quantity, out: Extraction) -> bool:
        """"我们是华澜电梯，做电梯安装维保，1200来号人": a head count said alone in the sentence where the company
        introduces itself is the company's."""
        a = max(self.text.rfind(p, 0, q.start) for p in ",，;；。.:：") + 1
        ends = [i for i in (self.text.find(p, q.end) for p in ",，;；。.") if i >= 0]
        b = min(ends) if ends else len(self.text)
        if not BARE_COUNT.match(self.text[a:q.start] + self.text[q.end:b]):
            return False
        s = self.clause_at(q.start).sentence
        sentence = "".join(self.text[c.start:c.end] for c in self.clauses if c.sentence == s)
        return bool(out.enterprise.get("name") or out.enterprise.get("industry") or SELF_INTRO.search(sentence)) \
            and not SUBUNIT.search(sentence[:max(0, q.start - min(c.start for c in self.clauses if c.sentence == s))])

    # --- dates of the assessment

    def read_dates(self) -> None:
        for d in self.dates:
            if d.day is None:
                continue
            out = self.out(d.start)
            if out is None or self.in_findings(d.start):
                continue
            head = self.text[max(0, d.start - 16):d.start]
            if re.search(r"(?:下次|下一次|监督)审核|next (?:surveillance )?audit", head, re.IGNORECASE | re.ASCII):
                out.dates["next_audit"] = d.day
            elif re.search(r"评估(?:日期|日|时间)|自评(?:日期|日)|assessed on|assessment date", head, re.IGNORECASE | re.ASCII):
                out.dates["assessed_on"] = d.day

    # --- everything said and not placed

    def read_unplaced(self) -> None:
        if self._bare_value():
            return  # "88%" / "3" alone answers what was just asked; the router reads it with the question
        for q in self.quantities:
            if q.start in self.used or q.article:
                continue
            if re.search(r"[这那]\s*$", self.text[max(0, q.start - 1):q.start]) and re.fullmatch(r"(?:个|块|项|条|方面|部分)", q.unit or ""):
                continue  # "这两块都算L3" / "这两个9月都关了": the things just named, not a count
            out = self.out(q.start)
            if out is not self.stated:
                continue
            if q.chinese and q.kind is None:
                continue  # 一般, 一直, 三包: words, not numbers
            if q.kind is None and not q.decimal_rate and q.value == int(q.value) and q.value < 2:
                continue
            words = self._unplaced_words(q)
            if words not in out.unplaced:
                out.unplaced.append(words)
        # A date outside any finding that is no date of the assessment (when a recall began, when a system went
        # live): the assessment has no field for it, so it is said back. (A finding's dates are its own.)
        for d in self.dates:
            if self.out(d.start) is self.stated and not self.in_findings(d.start) and d.precision in ("day", "month") \
                    and d.day not in self.stated.dates.values():
                words = self.said(d.start, d.end)
                note = self._t(f"{words}（日期：评估只记审核发现的审核日期和评估本身的日期）",
                               f"{words} (a date: the assessment keeps only findings' audit dates and its own dates)")
                if words and note not in self.stated.set_aside:
                    self.stated.set_aside.append(note)
        self._read_as_other()
        # Service hours are numbers said with no field: said back, not dropped. (How often something is done is
        # read by the level descriptors: "内审每年一次".)
        for m in SERVICE_HOURS.finditer(self.text):
            if self.out(m.start()) is self.stated:
                words = self.said(m.start(), m.end())
                if words not in self.stated.unplaced:
                    self.stated.unplaced.append(words)

    # Numbers that name a standard, a method or a hotline: "ISO 9001", "GB/T 27922", "8D", "5Why", "12315", "400电话".
    _NAMED_NUMBERS = re.compile(r"(?<![A-Za-z])(?:ISO|GB/T|GB)\s*\d{3,6}|(?<![A-Za-z0-9])8D(?![A-Za-z0-9])|5\s*[Ww]hys?|12315|(?<!\d)400(?=电话|热线)", re.IGNORECASE)
    _TALLY_AFTER = re.compile(r"\s*(?:个|项|条|份)?\s*(?:严重|一般|轻微|观察|不符合|发现|major|minor|observation|finding|nc)", re.IGNORECASE)
    _NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d])")
    _PERIOD_BEFORE = re.compile(r"(?:近|最近|过去|全年|统计期|\blast\b|\bpast\b)\s*$", re.IGNORECASE)

    def _read_as_other(self) -> None:
        """Every number not recorded is named (issue 14: "every utterance with a number it did not record gets a 没能记录
        line"): numbers read as something else than a value of the assessment (a count of findings, a statistics
        period, the 30 of "30天返修率", a year, a standard's or a method's number, the day a finding was closed) are
        said back with what they were read as, so the client sees that nothing was dropped."""
        out = self.stated
        told = " ".join(out.unplaced + out.set_aside + out.problems)
        recorded = [(q.start, q.end) for q in self.quantities if q.start in self.recorded_at]
        raised = {f.raised_on for f in out.findings if f.raised_on is not None} | set(out.dates.values())
        dated = [(d.start, d.end, d) for d in self.dates]
        named: list[tuple[int, str]] = []
        for m in self._NAMED_NUMBERS.finditer(self.text):
            if self.out(m.start()) is out and m.group(0) not in told:
                named.append((m.start(), self._t(f"{m.group(0)}（标准、方法或热线的编号，不是指标的值）",
                                                 f"{m.group(0)} (a standard's, method's or hotline's number, not a KPI value)")))
        taken = [(m.start(), m.end()) for m in self._NAMED_NUMBERS.finditer(self.text)]
        for m in self._NUMBER.finditer(self.text):
            a, b = m.start(), m.end()
            if self.out(a) is not out or any(x <= a < y for x, y in recorded + taken):
                continue
            if re.search(r"[A-Za-z]-?$", self.text[max(0, a - 2):a]) and not re.search(r"\b(?:in|on|of|by|the|last|past|about|around)\s*$", self.text[max(0, a - 8):a], re.I) \
                    or re.match(r"\.\d", self.text[a - 2:a]) or re.match(r"[.．]\s*\S", self.text[b:b + 2]) and not re.match(r"[.．]\d", self.text[b:b + 2]):
                continue  # D2.1, F1, L3, O-3 (names, not numbers), a list's "1. "
            date = next((d for x, y, d in dated if x <= a < y), None)
            if date is not None:
                if date.day is not None and (date.day in raised or not self.in_findings(a)):
                    continue  # a finding's audit date (recorded) or a date said back already (read_unplaced)
                words = self.said(date.start, date.end)
                if words in told:
                    continue
                why = self._t("年份" if date.precision == "year" else "不是审核日期：评估只记发现项的审核日期",
                              "a year" if date.precision == "year" else "not the audit date: the assessment keeps only findings' audit dates")
                named.append((date.start, self._t(f"{words}（{why}）", f"{words} ({why})")))
                continue
            end = b + len(re.match(r"\s*(?:个月|个|项|条|份|天|日|月|年|小时|人|名|次|家|台|样|层|级|%|-day|days?|months?|years?|hours?)?", self.text[b:b + 4]).group(0))
            words = self.said(a, end)
            if not words or words in told:
                continue
            if self._TALLY_AFTER.match(self.text, end) or re.search(r"(?:严重|一般|观察|major|minor)\s*$", self.text[max(0, a - 6):a], re.I):
                why = self._t("发现项的个数，已按条记录", "the number of findings, recorded one by one")
            elif self._PERIOD_BEFORE.search(self.text[max(0, a - 4):a]) or re.match(r"\s*(?:内|以内)", self.text[end:end + 2]):
                why = self._t("统计期", "the statistics period")
            elif re.match(r"\s*(?:返修|repeat|的返修)", self.text[end:end + 8], re.IGNORECASE):
                why = self._t("指标名称的一部分", "part of the KPI's name")
            else:
                why = self._t("不是指标的值", "not a KPI value")
            named.append((a, self._t(f"{words}（{why}）", f"{words} ({why})")))
        # Numbers in Chinese words with what they count: tallies ("开了俩一般", "严重一个、一般两个"), how often
        # ("每年做一次"), how many ("三样", "四层", "一个人", "几百台").
        spans = recorded + taken + [(x, y) for x, y, _ in dated]
        for m in _CN_COUNT.finditer(self.text):
            a = m.start()
            if self.out(a) is not out or any(x <= a < y for x, y in spans) or m.group(0) in told:
                continue
            tally = re.match(r"\s*(?:严重|一般|轻微|观察|不符合)", self.text[m.end():m.end() + 4]) or (
                re.search(r"(?:严重|一般|轻微|观察)\S?\s*$", self.text[max(0, a - 3):a]) and re.fullmatch(r"\S*(?:个|项|条)", m.group(0)))
            if not tally and (re.fullmatch(r"一(?:个|张|台|名|家|份|项|条|样|层|级|版)", m.group(0))
                              or re.search(r"[前后另]$", self.text[max(0, a - 1):a])):
                continue  # "有一个售后经理", "一张新工单", "前一个管调查": an article, not a count
            why = self._t("发现项的个数，已按条记录", "the number of findings, recorded one by one") if tally \
                else self._t("不是指标的值", "not a KPI value")
            named.append((a, self._t(f"{m.group(0)}（{why}）", f"{m.group(0)} ({why})")))
        for _, words in sorted(dict((w, (a, w)) for a, w in named).values()):
            if words not in out.set_aside:
                out.set_aside.append(words)

    def _bare_value(self) -> bool:
        rest = self.text
        for q in sorted(self.quantities, key=lambda q: -q.start):
            rest = rest[:q.start] + rest[q.end:]
        rest = re.sub(r"[\W_]|大概|大约|约|差不多|左右|是|为|吧|about|around|it's|it is|roughly", "", rest, flags=re.IGNORECASE)
        return len(self.quantities) == 1 and not rest

    def _unplaced_words(self, q: qty.Quantity) -> str:
        tail = re.match(r"[\u4e00-\u9fffA-Za-z]{0,6}?(?=[,.;:!?、和与及的了都也还]|$|\s)", self.text[q.end:q.end + 8])
        end = q.end + (len(tail.group(0)) if tail and q.kind in ("count", "people", "money") else 0)
        return self.said(q.start, end)
