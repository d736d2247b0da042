"""Reads facts out of plain Chinese or English: KPI values, levels, evidence, findings, declarations, plan edits.

Deterministic and conservative: a number counts only next to a criterion it can belong to, in a unit that fits
it; what cannot be placed is reported back instead of guessed. Criterion names come from the scheme, the ways
people say them from `prompts/chat_lexicon_zh.yaml`.

>>> ex = extract("我们客户满意度88%，投诉首次响应平均36小时")
>>> [(k.criterion, k.value) for k in ex.kpis]
[('D3.1', 88.0), ('D2.1', 36.0)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from assistant.prompts import load_prompt
from assistant.rules import Scheme, load_scheme
from assistant.rules.scheme import format_number

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CLAUSE_END = re.compile(r"[，,。；;！!？?\n]|\.(?=\s|$)|\band\b|以及|并且|而且|另外|同时")
_NUMBER = re.compile(
    r"(?P<pct>百分之)?(?P<num>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>%|％|个百分点|percent|pct|个?小时|h\b|hrs?\b|hours?\b|分钟|mins?\b|minutes?\b|个?工作日|天|日|days?\b|学时|个?星期|周|weeks?\b)?",
    re.IGNORECASE,
)
_ASKING = re.compile(r"多少|什么|怎么|怎样|如何|哪|几级|几个|是否|\b(what|how|which|when)\b", re.IGNORECASE)
_HYPOTHETICAL = re.compile(r"如果|假如|假设|要是|若是|倘若|\bif\b|\bsuppose\b|\bwhat if\b", re.IGNORECASE)
_QUESTION_ABOUT_VALUE = re.compile(r"(多少|几|什么|怎么|如何|哪|吗|么|\?|？|what|how|which)", re.IGNORECASE)
_LEVEL = re.compile(
    r"(?:(?<![A-Za-z])L|(?<![A-Za-z])level\s*|等级\s*(?:为|是)?\s*)\s*(?P<a>[0-5])(?!\d)|(?P<b>[0-5零一二三四五])\s*级(?!别)",
    re.IGNORECASE,
)
_EVIDENCE_TRIGGER = re.compile(
    r"(?:我们|我司|公司|企业|本公司|我们公司)(?:已经|都|也|还|现在|目前)?(?:有|已有|具备|备有)"
    r"|(?:制定了|建立了|编制了|编写了|发布了|上线了|保存了|留有|提供了|准备了)"
    r"|(?:^|(?<=[，,；;]))\s*(?:还|也|都|并且?|另外)?有(?!没有|没|什么|哪些|多少|几)"
    r"|(?:证据|材料|记录)(?:有|是|包括|：|:)"
    r"|\bwe (?:have|keep|maintain|use|run|hold|'ve got|have got)\b|\bwe've\b|\bthere (?:is|are)\b|\bevidence(?: is| includes|:)",
    re.IGNORECASE,
)
_ITEM_SPLIT = re.compile(r"和|、|及|以及|与|还有|跟|，|,|\band\b|\bplus\b|/|；|;", re.IGNORECASE)
_ITEM_TRIM = re.compile(
    r"^(?:的|了|一套|一份|一本|一个|完整的|正式的|现成的|自己的|our|an?|the|some|full|complete|documented)\s*"
    r"|\s*(?:等|等等|之类的?|文件齐全|都有|也有)$",
    re.IGNORECASE,
)
_NOT_EVIDENCE = re.compile(r"^(没有|无|不|没|问题)|^\d+\s*(个|家|名|人|台|次|年了|多)|吗$|[?？]|^(no|not|any)\b", re.IGNORECASE)
_QUESTION = re.compile(r"[?？]|吗|么$|呢$|多少|什么|怎么|如何|哪些|哪个|几(个|天|级|项)|是否|能否|\b(what|how|which|when|why|does|do|is|are|can)\b.*\?",
                       re.IGNORECASE)


def is_question(text: str) -> bool:
    """A question asks; it states no fact about the enterprise."""
    return bool(_QUESTION.search(text))
_SEVERITY = {
    "严重不符合": "major", "一般不符合": "minor", "轻微不符合": "minor", "观察项": "observation",
    "major nonconformity": "major", "minor nonconformity": "minor", "major": "major", "minor": "minor",
    "observation": "observation",
}
_FINDING_ID = re.compile(r"(?<![A-Za-z0-9])([A-Z]{1,3}\d{1,4})(?![0-9.])")
_CLOSED = re.compile(r"(已经?|都)?(关闭|关掉|关了|整改完成|整改完毕|验证关闭|闭环了)|\b(closed|is closed|has been closed|resolved)\b",
                     re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_NEXT_AUDIT = re.compile(r"(下次|下一次|监督)审核|next (surveillance )?audit", re.IGNORECASE)
_ASSESSED_ON = re.compile(r"评估(日期|日|时间)|自评(日期|日)|assessed on|assessment date", re.IGNORECASE)
_UNTRUTHFUL = re.compile(r"材料(有|存在)?(不真实|造假|作假|虚假)|(造假|作假|虚假)材料|materials? (are |were )?(not truthful|false|fake)",
                         re.IGNORECASE)
_TRUTHFUL = re.compile(r"材料(都|全部|均)?(是)?真实|materials? (are|were) (all )?(truthful|genuine|true)", re.IGNORECASE)
_INCIDENT_OPEN = re.compile(r"(有|存在|发生过?|出过)(一起|一次|一个)?(还?未解决|没解决|没有解决|未处理完)?的?重大(服务质量|质量|安全)?事故"
                            r"(还?(没|未)(解决|处理完|结案))?|unresolved major incident", re.IGNORECASE)
_INCIDENT_CLEARED = re.compile(r"(没有|无|未发生)(未解决的)?重大(服务质量|质量|安全)?事故|重大(服务质量|质量|安全)?事故(已经?|都)(解决|处理完|结案)"
                               r"|no (unresolved )?major incident|incident (is|was|has been) resolved", re.IGNORECASE)


# --- the lexicon ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Lexicon:
    """Aliases of every criterion (longest first) and evidence keywords, built from the scheme and the lexicon file."""

    aliases: tuple[tuple[str, str], ...]  # (alias lower-cased, criterion)
    evidence: tuple[tuple[str, str], ...]
    intents: dict[str, tuple[re.Pattern, ...]]
    scheme: Scheme


@lru_cache(maxsize=4)
def lexicon(version: str | None = None) -> Lexicon:
    scheme = load_scheme(version)
    data = load_prompt("chat_lexicon", "zh")
    pairs: dict[str, str] = {}
    for cid, c in scheme.criteria.items():
        pairs.setdefault(c.name.lower(), cid)
        pairs.setdefault(re.sub(r"\s*\(.*\)$", "", c.name_en).lower(), cid)
        pairs.setdefault(cid.lower(), cid)
    for cid, words in (data.get("criteria") or {}).items():
        for w in words:
            pairs.setdefault(str(w).lower(), cid)
    aliases = tuple(sorted(pairs.items(), key=lambda p: (-len(p[0]), p[0])))
    ev = tuple(sorted(((str(w).lower(), cid) for cid, ws in (data.get("evidence") or {}).items() for w in ws),
                      key=lambda p: (-len(p[0]), p[0])))
    intents = {name: tuple(re.compile(p, re.IGNORECASE) for p in pats) for name, pats in (data.get("intents") or {}).items()}
    return Lexicon(aliases, ev, intents, scheme)


@dataclass(frozen=True)
class Mention:
    criterion: str
    start: int
    end: int
    text: str


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "-_")


def mentions(text: str, lex: Lexicon | None = None) -> list[Mention]:
    """Criterion mentions, longest alias first, never overlapping, in text order."""
    lex = lex or lexicon()
    low = text.lower()
    taken = [False] * len(low)
    out: list[Mention] = []
    for alias, cid in lex.aliases:
        start = 0
        while (i := low.find(alias, start)) >= 0:
            j = i + len(alias)
            start = i + 1
            # An ASCII alias must stand as a word: "ftf" not inside "aftfoo", "d1.1" not inside "d1.12".
            if alias[0].isascii() and i > 0 and _is_word_char(low[i - 1]):
                continue
            if alias[-1].isascii() and j < len(low) and (_is_word_char(low[j]) or (low[j] == "." and j + 1 < len(low) and low[j + 1].isdigit())):
                continue
            if any(taken[i:j]):
                continue
            for k in range(i, j):
                taken[k] = True
            out.append(Mention(cid, i, j, text[i:j]))
    return sorted(out, key=lambda m: m.start)


# --- results ---------------------------------------------------------------------------------


@dataclass
class KpiUpdate:
    criterion: str
    value: float
    said: str  # the words it came from, for saying back


@dataclass
class LevelUpdate:
    criterion: str
    level: int
    said: str


@dataclass
class EvidenceUpdate:
    criterion: str
    item: str


@dataclass
class FindingUpdate:
    id: str | None
    criterion: str | None
    severity: str
    text: str


@dataclass
class Extraction:
    """Everything one message states about the assessment; `problems` are statements that could not be used."""

    kpis: list[KpiUpdate] = field(default_factory=list)
    levels: list[LevelUpdate] = field(default_factory=list)
    evidence: list[EvidenceUpdate] = field(default_factory=list)
    unplaced_evidence: list[str] = field(default_factory=list)
    findings: list[FindingUpdate] = field(default_factory=list)
    closed_findings: list[str] = field(default_factory=list)
    declarations: dict[str, bool] = field(default_factory=dict)
    dates: dict[str, date] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    hypothetical: bool = False
    mentioned: list[str] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return bool(self.kpis or self.levels or self.evidence or self.findings or self.closed_findings
                    or self.declarations or self.dates)

    @property
    def anything(self) -> bool:
        return self.changes or bool(self.problems or self.unplaced_evidence)


def _cn_int(text: str) -> int | None:
    """`2`, `十二`, `两` → int; None when not a number."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text) if len(text) == 1 else None


def _unit_kind(unit: str | None) -> str | None:
    if not unit:
        return None
    u = unit.lower()
    if u in ("%", "％", "个百分点", "percent", "pct"):
        return "percent"
    if "分钟" in u or u.startswith("min"):
        return "minutes"
    if "工作日" in u or u in ("天", "日") or u.startswith("day"):
        return "days"
    if "星期" in u or u == "周" or u.startswith("week"):
        return "weeks"
    if u == "学时":
        return "training_hours"
    return "hours"


def _convert(value: float, said_unit: str | None, criterion_unit: str) -> float | None:
    """The value in the criterion's unit, or None when the stated unit cannot be that criterion's."""
    kind = _unit_kind(said_unit)
    if kind is None or kind == criterion_unit:
        return value
    per_hour = {"minutes": 1 / 60, "hours": 1.0, "days": 24.0, "weeks": 168.0}
    if criterion_unit == "training_hours" and kind == "hours":
        return value
    if criterion_unit in ("hours", "days") and kind in per_hour:
        return value * per_hour[kind] / per_hour[criterion_unit]
    return None


def _clause_end(text: str, start: int, limit: int) -> int:
    m = _CLAUSE_END.search(text, start, limit)
    return m.start() if m else limit


def extract(text: str, lex: Lexicon | None = None) -> Extraction:
    """Every fact the message states; see the module docstring."""
    lex = lex or lexicon()
    scheme = lex.scheme
    ex = Extraction()
    ex.hypothetical = bool(_HYPOTHETICAL.search(text))
    ms = mentions(text, lex)
    ex.mentioned = list(dict.fromkeys(m.criterion for m in ms))
    used_numbers: set[int] = set()

    # "A和B分别是x和y": values in order.
    respectively = re.search(r"分别(是|为|达到)?|respectively", text, re.IGNORECASE)
    if respectively:
        before = [m for m in ms if m.end <= respectively.start() and scheme.criteria[m.criterion].is_kpi]
        nums = [n for n in _NUMBER.finditer(text, respectively.end())]
        for m, n in zip(before, nums):
            _kpi_from(m, n, text, scheme, ex)
            used_numbers.add(n.start())

    asking = bool(_ASKING.search(text))
    for idx, m in enumerate(ms):
        if asking:
            break  # "一次修复率达到多少才算L4？" asks about the scheme; it states nothing about the enterprise
        nxt = ms[idx + 1].start if idx + 1 < len(ms) else len(text)
        end = _clause_end(text, m.end, nxt)
        window = text[m.end:end]
        c = scheme.criteria[m.criterion]
        lm = _LEVEL.search(window)
        if lm:
            raw = lm.group("a") or lm.group("b")
            lv = _cn_int(raw)
            if lv is not None:
                ex.levels.append(LevelUpdate(m.criterion, lv, f"{m.text}{window[:lm.end()]}".strip()))
                continue
        if c.is_kpi:
            for n in _NUMBER.finditer(text, m.end, end):
                if n.start() in used_numbers:
                    break
                # "30天返修率" names its own window; a number followed by another criterion word is not its value.
                _kpi_from(m, n, text, scheme, ex)
                used_numbers.add(n.start())
                break

    if not is_question(text):
        _evidence(text, ms, lex, ex)
        _findings(text, ms, ex)
    if _UNTRUTHFUL.search(text):
        ex.declarations["materials_truthful"] = False
    elif _TRUTHFUL.search(text):
        ex.declarations["materials_truthful"] = True
    if _INCIDENT_CLEARED.search(text):
        ex.declarations["major_incident_unresolved"] = False
    elif _INCIDENT_OPEN.search(text):
        ex.declarations["major_incident_unresolved"] = True
    for dm in _ISO_DATE.finditer(text):
        try:
            d = date(int(dm.group(1)), int(dm.group(2)), int(dm.group(3)))
        except ValueError:
            ex.problems.append(f"日期“{dm.group(0)}”不存在")
            continue
        head = text[max(0, dm.start() - 16):dm.start()]
        if _NEXT_AUDIT.search(head):
            ex.dates["next_audit"] = d
        elif _ASSESSED_ON.search(head):
            ex.dates["assessed_on"] = d
    if ex.hypothetical:
        # A what-if changes nothing; the router answers it as a question.
        return Extraction(hypothetical=True, mentioned=ex.mentioned)
    return ex


def _kpi_from(m: Mention, n: re.Match, text: str, scheme: Scheme, ex: Extraction) -> None:
    c = scheme.criteria[m.criterion]
    value = float(n.group("num"))
    unit = n.group("unit")
    if n.group("pct"):
        unit = "%"
    said = f"{m.text}{text[m.end:n.end()]}".strip()
    # "满意度多少" / "是不是88%": a question about a value is not a statement of one.
    tail = text[n.end():n.end() + 6]
    if re.match(r"\s*(吗|么|嘛|\?|？)", tail):
        return
    converted = _convert(value, unit, c.unit or "")
    if converted is None:
        ex.problems.append(f"“{said}”的单位与{m.criterion} {c.name}（单位{c.unit_symbol}）不符，未记录")
        return
    converted = round(converted, 4)
    if not c.in_range(converted):
        ex.problems.append(f"“{said}”超出{m.criterion} {c.name}的有效范围（{range_words(c)}），未记录")
        return
    ex.kpis.append(KpiUpdate(m.criterion, converted, said))


def _place(item: str, lex: Lexicon) -> str | None:
    low = item.lower()
    for word, cid in lex.evidence:
        if word in low:
            return cid
    found = mentions(item, lex)
    return found[0].criterion if found else None


def _evidence(text: str, ms: list[Mention], lex: Lexicon, ex: Extraction) -> None:
    for trig in _EVIDENCE_TRIGGER.finditer(text):
        end = len(text)
        stop = re.search(r"[。！!？?\n]|\.(?=\s|$)", text[trig.end():])
        if stop:
            end = trig.end() + stop.start()
        span = text[trig.end():end]
        # "有售后服务手册和维修规范，满意度88%": a clause holding a number is a KPI statement, not evidence.
        named = [m for m in ms if trig.start() - 12 <= m.start < trig.start() and m.end <= trig.start()]
        for raw in _ITEM_SPLIT.split(span):
            item = raw.strip().strip("“”\"'《》「」")
            for _ in range(3):
                item = _ITEM_TRIM.sub("", item).strip()
            if len(item) < 2 or _NOT_EVIDENCE.search(item) or _NUMBER.fullmatch(item):
                continue
            if re.search(r"\d+(\.\d+)?\s*(%|％|小时|天|学时)", item):
                continue
            cid = _place(item, lex) or (named[-1].criterion if named else None)
            if cid is None:
                ex.unplaced_evidence.append(item)
            elif not any(e.item == item and e.criterion == cid for e in ex.evidence):
                ex.evidence.append(EvidenceUpdate(cid, item))


def _findings(text: str, ms: list[Mention], ex: Extraction) -> None:
    low = text.lower()
    ids = _FINDING_ID.findall(text)
    # "F1已关闭" / "closed F1": a finding closed.
    if _CLOSED.search(text):
        for fid in ids:
            if not re.fullmatch(r"D\d+", fid) and not re.fullmatch(r"L\d", fid):
                ex.closed_findings.append(fid)
        return
    for word, sev in sorted(_SEVERITY.items(), key=lambda p: -len(p[0])):
        if word in low and (not word.isascii() or re.search(rf"\b{word}\b", low)):
            if sev in ("major", "minor") and word.isascii() and "nonconformity" not in low and "finding" not in low:
                continue
            body = re.split(r"[：:]", text, maxsplit=1)
            described = body[1] if len(body) > 1 else text
            described = re.sub(r"D\d+\.\d+|" + "|".join(map(re.escape, _SEVERITY)), "", described, flags=re.IGNORECASE)
            described = re.sub(r"^[\s，,。；;、:：]+", "", described).strip()
            fid = next((i for i in ids if not re.fullmatch(r"[DL]\d+", i)), None)
            ex.findings.append(FindingUpdate(fid, ms[0].criterion if ms else None, sev, described.rstrip("。.")))
            return


# --- plan edits --------------------------------------------------------------------------------

_ITEM_NO = re.compile(r"第\s*([0-9一二两三四五六七八九十]+)\s*(?:项|条|个|行)|(?:item|row|action)\s*#?\s*(\d+)", re.IGNORECASE)
_OWNER = re.compile(
    r"(?:负责人|责任人|责任部门|owner)\s*(?:改成|改为|换成|换为|设为|定为|调整为|变更为|是|为|to|:|：|→)\s*"
    r"(?P<owner>[^\s，,。；;！!？?]+?)(?=[，,。；;！!？?]|\s|$|\band\b|并|，|再)",
    re.IGNORECASE,
)
_OWNER_EN = re.compile(r"(?:(?:assign|give)\s+(?:it|item\s*\d+)|owner\s+(?:of\s+(?:item|row)\s*#?\s*\d+\s+)?)\s*to\s+"
                       r"(?P<owner>[A-Za-z\u4e00-\u9fff][\w .'-]{1,40}?)(?=[,.;]|\s+and\b|$)", re.IGNORECASE)
_SHIFT = re.compile(
    r"(?P<dir>延后|推迟|顺延|延期|延长|往后推|后延|提前)\s*(?P<n>[0-9一二两三四五六七八九十半]+)?\s*(?P<u>个?星期|周|天|日|个月|月)"
    r"|(?P<dir_en>postpone|push(?: back)?|delay|extend|move(?: up| forward)?|bring forward)\b.{0,25}?\bby\s+(?P<n_en>\d+|one|two|three|four|a)\s+(?P<u_en>days?|weeks?|months?)",
    re.IGNORECASE,
)
_DEADLINE_DATE = re.compile(r"(?:截止日期|完成期限|期限|截止时间|deadline)\s*(?:改成|改为|定为|设为|调整为|是|为|to|:|：)?\s*"
                            r"(?P<d>\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)", re.IGNORECASE)
_STATUS = (
    (re.compile(r"(已经?|都)?(完成|关闭|关掉|做完)了?|\b(done|closed|completed|finished)\b", re.IGNORECASE), "closed"),
    (re.compile(r"(开始|正在|已经开始)(做|整改|处理)|进行中|整改中|\bin progress\b|\bstarted\b", re.IGNORECASE), "in_progress"),
    (re.compile(r"(重新)?打开|\breopen", re.IGNORECASE), "open"),
)
_EN_NUMBERS = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4}


@dataclass
class PlanEdit:
    """A change to one plan item as the user asked for it; `shift_days` moves the deadline by that many days."""

    item: int
    owner: str | None = None
    shift_days: int | None = None
    deadline: date | None = None
    status: str | None = None
    said: str = ""

    @property
    def empty(self) -> bool:
        return self.owner is None and self.shift_days is None and self.deadline is None and self.status is None


def extract_plan_edit(text: str) -> PlanEdit | None:
    """The plan edit a message asks for, or None when it names no item or no change."""
    m = _ITEM_NO.search(text)
    if not m:
        return None
    no = _cn_int(m.group(1) or m.group(2) or "")
    if not no:
        return None
    edit = PlanEdit(item=no, said=text.strip())
    om = _OWNER_EN.search(text) or _OWNER.search(text)
    if om:
        edit.owner = om.group("owner").strip().strip("“”\"'")
    sm = _SHIFT.search(text)
    if sm:
        if sm.group("dir"):
            raw_n, unit, back = sm.group("n") or "一", sm.group("u"), sm.group("dir") != "提前"
            n = 0.5 if raw_n == "半" else _cn_int(raw_n)
        else:
            raw_n, unit = sm.group("n_en").lower(), sm.group("u_en").lower()
            n = int(raw_n) if raw_n.isdigit() else _EN_NUMBERS.get(raw_n)
            back = not re.match(r"move up|move forward|bring forward", sm.group("dir_en"), re.IGNORECASE)
        if n is not None:
            per = 7 if ("周" in unit or "星期" in unit or unit.startswith("week")) else 30 if ("月" in unit or unit.startswith("month")) else 1
            days = round(n * per)
            edit.shift_days = days if back else -days
    dm = _DEADLINE_DATE.search(text)
    if dm:
        parts = _ISO_DATE.match(dm.group("d"))
        if parts:
            try:
                edit.deadline = date(int(parts.group(1)), int(parts.group(2)), int(parts.group(3)))
            except ValueError:
                pass
    rest = re.sub(r"完成期限|截止|deadline", "", _DEADLINE_DATE.sub("", _OWNER.sub("", text)), flags=re.IGNORECASE)
    for pattern, status in _STATUS:
        if pattern.search(rest):
            edit.status = status
            break
    return edit


def shifted(d: date, days: int) -> date:
    return d + timedelta(days=days)


def range_words(c) -> str:
    """`0–100%` or `不小于0小时`: the physical range of a KPI criterion."""
    lo, hi, unit = c.range_min, c.range_max, c.unit_symbol
    if lo is not None and hi is not None:
        return f"{format_number(lo)}–{format_number(hi)}{unit}"
    if lo is not None:
        return f"不小于{format_number(lo)}{unit}"
    return f"不大于{format_number(hi)}{unit}" if hi is not None else "不限"


def said_value(value: float, unit: str) -> str:
    return f"{format_number(value)}{unit if unit in ('%',) else ' ' + unit}"
