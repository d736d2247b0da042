"""Quantities as people write them: Arabic, Chinese (read by cn2an) and English numbers with their units and hedges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Units a quantity can carry, by kind. Durations convert into each other; the rest never become a KPI value.
DURATIONS = {"minutes": 1 / 60, "hours": 1.0, "days": 24.0, "workdays": 24.0, "weeks": 168.0, "months": 720.0, "years": 8760.0}
RATES = ("percent",)

_CN = "零〇一二两俩仨三四五六七八九十百千万"
# Spoken numerals of the north: 俩 is 两(个), 仨 is 三(个) ("俩小时", "仨人").
_SPOKEN = str.maketrans({"俩": "两", "仨": "三"})
_AR = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_RUN = rf"[{_CN}](?:[{_CN}]|点(?=[零〇一二两三四五六七八九]))*"
_EN_VALUES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_EN_WORD = "|".join(sorted(_EN_VALUES, key=len, reverse=True))
# An English number word stands alone: not inside "top-two-box" (but "a four-hour window" is four hours).
_EN = rf"(?<![-\w])(?:{_EN_WORD})(?:[\s-](?:{_EN_WORD}))?\b(?!-(?!(?:hours?|days?|weeks?|months?|minutes?|years?)\b)[A-Za-z])"

_UNIT = (
    r"(?P<unit>%|‰|个百分点|百分点|个点(?![子儿])|percent\b|per\s?cent\b|pct\b|分(?![钟之])|points?\b"
    r"|个?刻钟|个?小时|个?钟头|个钟|hours?\b|hrs?\b|h\b"
    r"|分钟|mins?\b|minutes?\b"
    r"|个?工作日|(?:working|business)\s+days?\b|workdays?\b"
    r"|个?自然日|calendar\s+days?\b|天|日(?![期常子报志])|days?\b"
    r"|个?星期|个?礼拜|周(?![年期边末到转])|weeks?\b"
    r"|个月|months?\b"
    r"|个?学时|个?课时|training\s+hours?\b"
    r"|年(?![级度初底前后版代月份内中])|years?\b"
    r"|万元|亿元|万|亿|元|块钱|块|yuan\b|rmb\b"
    r"|个人|人次|号人|人|名|位|people\b|persons?\b|employees?\b|staff\b|engineers?\b|technicians?\b"
    r"|个|份|条|项|家|台|辆|次|起|批|款|单|件|张|套|本|处|场|轮|种|坐席|席|间|座|所|笔|例|宗|部|支|只|栋|类|times?\b|cases?\b)"
)
_FORMS = re.compile(
    r"(?P<full>百分之百(?![分之零〇一二两三四五六七八九十])|百分百)"
    rf"|(?P<frac>百分之|千分之|万分之)(?P<fn>{_AR}|{_CN_RUN})"
    rf"|每(?P<base>百|千|万)(?:个|单|件|台|次|笔|位|名|份)?(?:中|里|里面)?(?:有|约|大概)?(?P<bn>{_AR}|{_CN_RUN})(?:单|件|台|次|起|个|笔|位|名|份)?"
    rf"|(?P<c1>[一二两俩三四五六七八九]|\d)成(?:(?P<c2>[一二三四五六七八九]|\d)|(?P<ch>半))?(?![本功员立果熟绩交为品型年人])"
    r"|(?P<vague>一天半天|半天一天|大半天|小半天|大半个?(?:月|年|小时|钟头))"
    rf"|(?P<hn>{_AR}|{_CN_RUN})个半(?P<hu>小时|钟头|钟|月)"
    rf"|(?P<dn>{_AR}|{_CN_RUN})(?P<du>天|周|年|个?星期|个?小时|个?钟头)半"
    r"|半个?(?P<su>小时|钟头|钟|天|月|年|星期)"
    r"|(?P<sameday>当天|当日|\bsame day\b)"
    r"|(?<=[要得花用等拖])(?:成个|整个|一整个|足足一个)(?P<wu>礼拜|星期)"
    r"|(?:half\s+an?\s+)(?P<eu>hour|day|week|month|year)\b"
    r"|(?:an?|one)\s+(?P<au>hour|day|week|month|year)\s+and\s+a\s+half\b"
    rf"|(?P<n>{_AR}|{_CN_RUN}|{_EN})(?P<ks>(?<=\d)(?:千|[kK](?![A-Za-z])))?(?P<andhalf>\s+and\s+a\s+half)?(?P<approx>多|余|来|几(?=[^十百千万]|$))?",
    re.IGNORECASE,
)
_UNIT_AT = re.compile(r"\s*" + _UNIT, re.IGNORECASE | re.ASCII)
_UNIT_KIND = [
    (re.compile(r"‰"), "permille"),
    (re.compile(r"%|百分点|个点|percent|per\s?cent|pct", re.I | re.ASCII), "percent"),
    (re.compile(r"^分$|points?", re.I | re.ASCII), "score"),
    (re.compile(r"分钟|^mins?$|minutes?", re.I | re.ASCII), "minutes"),
    (re.compile(r"学时|课时|training", re.I | re.ASCII), "training_hours"),
    (re.compile(r"小时|钟|^hours?$|^hrs?$|^h$", re.I | re.ASCII), "hours"),
    (re.compile(r"工作日|working|business|workday", re.I | re.ASCII), "workdays"),
    (re.compile(r"天|日|days?", re.I | re.ASCII), "days"),
    (re.compile(r"星期|礼拜|周|weeks?", re.I | re.ASCII), "weeks"),
    (re.compile(r"月|months?", re.I | re.ASCII), "months"),
    (re.compile(r"^年$|years?", re.I | re.ASCII), "years"),
    (re.compile(r"万|亿|元|块|yuan|rmb", re.I | re.ASCII), "money"),
    (re.compile(r"人|名|位|people|person|employee|staff|engineer|technician", re.I | re.ASCII), "people"),
]
_HALF_UNITS = {"小时": "hours", "钟头": "hours", "钟": "hours", "天": "days", "周": "weeks", "星期": "weeks", "个星期": "weeks",
               "月": "months", "年": "years", "个小时": "hours", "个钟头": "hours", "hour": "hours", "day": "days",
               "week": "weeks", "month": "months", "year": "years"}
_APPROX_BEFORE = re.compile(r"(?:大概|大约|约|差不多|将近|接近|大致|基本上?|估计|\babout|\baround|\bapproximately|\broughly|\bnearly|"
                            r"\balmost|\bsome)\s*$", re.IGNORECASE | re.ASCII)
_MAX_BEFORE = re.compile(r"(?:≤|<=|<|≦|不到|低于|少于|不足|不超过|最多|至多|不高于|\bless than|\bunder|\bbelow|\bat most|\bup to|\bwithin)\s*$",
                         re.IGNORECASE | re.ASCII)
_MIN_BEFORE = re.compile(r"(?:≥|>=|>|≧|超过|高于|多于|不少于|不低于|至少|最少|\bmore than|\bover|\babove|\bat least)\s*$", re.IGNORECASE | re.ASCII)
_MAX_AFTER = re.compile(r"^\s*(?:以内|之内|内(?![容部审外])|以下|or less\b|or under\b)", re.IGNORECASE | re.ASCII)
_MIN_AFTER = re.compile(r"^\s*(?:以上|or more\b|\+)", re.IGNORECASE | re.ASCII)
_APPROX_AFTER = re.compile(r"^\s*(?:左右|上下|前后|出头|多一?点|多|ish\b)", re.ASCII)


@dataclass
class Quantity:
    """One number as written, with what it measures."""

    start: int
    end: int
    text: str
    value: float
    kind: str | None  # percent, minutes, hours, days, workdays, weeks, months, years, training_hours, money, people, count; None: bare
    unit: str = ""  # the unit or classifier as written
    chinese: bool = False  # written in Chinese numerals
    approx: bool = False
    bound: str | None = None  # "max" (不到/以内/within) or "min" (超过/以上/over)
    decimal_rate: bool = False  # a bare 0.xx, possibly a rate written as a fraction
    delta: bool = False  # "提升了3个百分点" / "up 5 points": how much it changed, not a value
    article: bool = False  # "一个" / "a": one of something, not a count worth a field
    said_from: int = -1  # where the words of a bound start and end, around the value ("不到90%", "2小时以内")
    said_to: int = -1
    vague: bool = False  # "大半天" / "一天半天" / "半天": a loose word for a while, not a measured figure

    @property
    def duration(self) -> bool:
        return self.kind in DURATIONS

    @property
    def countable(self) -> bool:
        return self.kind in ("count", "people", "money", "years", "score")


@lru_cache(maxsize=4096)
def number(raw: str) -> float | None:
    """`36`, `1,100`, `三十六`, `一点八`, `两`, `twenty-four`: the value, or None when it is no number."""
    raw = raw.strip()
    if not raw:
        return None
    if raw[0].isdigit():
        try:
            return float(raw.replace(",", ""))
        except ValueError:
            return None
    if raw[0] in _CN:
        raw = raw.translate(_SPOKEN)
        import cn2an  # imported on first use: it takes a quarter of a second to load

        try:
            return float(cn2an.cn2an(raw, "smart"))
        except (ValueError, KeyError):
            return None
    words = re.split(r"[\s-]+", raw.lower())
    try:
        return float(sum(_EN_VALUES[w] for w in words))
    except KeyError:
        return None


def unit_kind(unit: str) -> str:
    for pattern, kind in _UNIT_KIND:
        if pattern.search(unit):
            return kind
    return "count"


# Two neighbouring numbers said as one, a range: 九十八九十九 (98–99), 九十八九 (98–99), 三十五六 (35–36),
# 八九十 (80–90), 七八天 (7–8). Read as the two ends of a range; the unit said once holds for both.
_NEIGHBOURS = re.compile(
    r"(?P<a>[一二三四五六七八九]?十[一二三四五六七八九])(?P<b>[一二三四五六七八九]十[一二三四五六七八九])"
    r"|(?P<c>[一二三四五六七八九]?十[一二三四五六七八])(?P<d>[二三四五六七八九])(?![十百千万])"
    r"|(?P<e>[一二两俩三四五六七八])(?P<f>[二三仨四五六七八九])(?P<g>十(?![一二三四五六七八九])|百(?![一二三四五六七八九])|成)?"
)
_DIGIT_CN = {"一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "仨": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _neighbours(text: str, at: int) -> tuple[float, float, int, int] | None:
    """(low, high, where the second number starts, where the pair ends) of a range said as neighbours at `at`."""
    m = _NEIGHBOURS.match(text, at)
    if not m:
        return None
    if m.group("a"):
        lo, hi = number(m.group("a")), number(m.group("b"))
        second = m.start("b")
    elif m.group("c"):
        lo = number(m.group("c"))
        if lo is None:
            return None
        hi = lo - lo % 10 + _DIGIT_CN[m.group("d")]
        second = m.start("d")
    else:
        x, y = _DIGIT_CN[m.group("e")], _DIGIT_CN[m.group("f")]
        if y != x + 1:
            return None  # 一二 / 三五: not two neighbours
        scale = {"十": 10, "百": 100, "成": 10}.get(m.group("g") or "", 1)
        lo, hi, second = float(x * scale), float(y * scale), m.start("f")
    if lo is None or hi is None or not lo < hi:
        return None
    return lo, hi, second, m.end()


def find(text: str, blocked: list[bool] | None = None) -> list[Quantity]:
    """Every quantity in `text` (already normalised), in order, skipping those that start in a blocked span
    (criterion names such as 30天返修率, identifiers, dates)."""
    out: list[Quantity] = []
    pos = 0
    while pos < len(text):
        m = _FORMS.search(text, pos)
        if not m:
            break
        if m.start() == m.end():
            pos = m.end() + 1
            continue
        if blocked and any(blocked[m.start():m.end()]):
            pos = m.start() + 1
            continue
        pair = _neighbours(text, m.start()) if m.group("n") and text[m.start()] in _CN else None
        if m.group("frac") and (frac := _neighbours(text, m.start("fn"))) and frac[3] >= m.end("fn"):
            lo, hi, second, end = frac  # 百分之九十八九: both ends are percent
            scale = {"百分之": 1.0, "千分之": 0.1, "万分之": 0.01}[m.group("frac")]
            for a, b, v in ((m.start(), second, lo), (second, end, hi)):
                q = Quantity(a, b, text[a:b], v * scale, "percent", m.group("frac"), chinese=True, approx=True)
                _hedges(text, q)
                out.append(q)
            pos = end
            continue
        if pair is not None and not (m.start() > 0 and text[m.start() - 1] in "第统唯万同单"):
            lo, hi, second, end = pair
            # The unit after the pair: read it with the higher number written out in digits.
            tail = _FORMS.match(str(int(hi)) + text[end:end + 12])
            probe = _quantity(str(int(hi)) + text[end:end + 12], tail) if tail else None
            unit_len = (probe.end - len(str(int(hi)))) if probe else 0
            if text[end - 1] == "成":  # 七八成: 70–80 %
                probe, unit_len = Quantity(0, 0, "", hi, "percent", "成", chinese=True), 0
            low_q = Quantity(m.start(), second, text[m.start():second], lo, None, chinese=True, approx=True)
            high_q = Quantity(second, end + unit_len, text[second:end + unit_len], hi, probe.kind if probe else None,
                              probe.unit if probe else "", chinese=True, approx=True)
            if high_q.kind == "permille":
                high_q.value, high_q.kind = hi / 10, "percent"
            for q in (low_q, high_q):
                _hedges(text, q)
                out.append(q)
            pos = high_q.end
            continue
        q = _quantity(text, m)
        if q is None:
            pos = m.end()
            continue
        if q.chinese and q.kind is None and q.text == "一":
            pos = q.end  # 问一下, 一些, 一直, 统一: a word, never a number said without its unit
            continue
        _hedges(text, q)
        out.append(q)
        pos = q.end
    return out


def _quantity(text: str, m: re.Match) -> Quantity | None:
    g = m.groupdict()
    start, end = m.start(), m.end()
    chinese = bool(re.match(f"[{_CN}半百千万]", text[start]))
    if g["frac"]:
        v = number(g["fn"])
        if v is None:
            return None
        scale = {"百分之": 1.0, "千分之": 0.1, "万分之": 0.01}[g["frac"]]
        return Quantity(start, end, m.group(0), v * scale, "percent", g["frac"], chinese=True)
    if g["full"]:
        return Quantity(start, end, m.group(0), 100.0, "percent", g["full"], chinese=True)
    if g["base"]:
        v = number(g["bn"])
        if v is None:
            return None
        per = {"百": 100, "千": 1000, "万": 10000}[g["base"]]
        return Quantity(start, end, m.group(0), v / per * 100, "percent", "每" + g["base"], chinese=True)
    if g["c1"]:
        # 九成 90 %, 八成五 85 %, 两成半 25 %.
        tens, ones = number(g["c1"]), number(g["c2"]) if g["c2"] else (5.0 if g["ch"] else 0.0)
        if tens is None or ones is None or tens >= 10 or ones >= 10:
            return None
        return Quantity(start, end, m.group(0), tens * 10 + ones, "percent", "成", chinese=True)
    if g["hu"]:
        v = number(g["hn"])
        return None if v is None else Quantity(start, end, m.group(0), v + 0.5, _HALF_UNITS.get(g["hu"], "hours"), g["hu"], chinese=True)
    if g["du"]:
        v = number(g["dn"])
        return None if v is None else Quantity(start, end, m.group(0), v + 0.5, _HALF_UNITS[g["du"]], g["du"], chinese=True)
    if g["vague"]:
        # "大半天" is more than half a day, "一天半天" a day or so: read at their longer end, and known to be loose.
        w = g["vague"]
        unit = "days" if w.endswith("天") else _HALF_UNITS[w.split("半")[-1].lstrip("个")]
        value = 1.0 if "一天" in w else (0.75 if w.startswith("大") else 0.5)
        return Quantity(start, end, w, value, unit, w, chinese=True, approx=True, vague=True)
    if g["su"]:
        # 半天 is as often "a good while" as half a day: loose beside an exact figure.
        return Quantity(start, end, m.group(0), 0.5, _HALF_UNITS[g["su"]], g["su"], chinese=True, vague=g["su"] == "天")
    if g["wu"]:
        return Quantity(start, end, m.group(0), 1.0, "weeks", g["wu"], chinese=True, approx=True)
    if g["sameday"]:
        # "当天就能关": within the day, a bound of one day; no count to say back.
        return Quantity(start, end, m.group(0), 1.0, "days", g["sameday"], bound="max", article=True, said_from=start, said_to=end)
    if g["eu"] or g["au"]:
        u = (g["eu"] or g["au"]).lower()
        return Quantity(start, end, m.group(0), 0.5 if g["eu"] else 1.5, _HALF_UNITS[u], u)
    raw = g["n"]
    # A Chinese numeral inside a word is no number: 第三方, 统一, 万一.
    if chinese and start > 0 and text[start - 1] in "第统唯万同单":
        return None
    if re.match(r"\d", raw) and start > 0 and (text[start - 1].isalpha() and text[start - 1].isascii()):
        return None  # F1, X9, ISO9001: part of an identifier
    value = number(raw)
    if value is None:
        return None
    if g["ks"]:
        value *= 1000  # "4千人", "2k多": digits then thousands
    if g["andhalf"]:
        value += 0.5
    q = Quantity(start, end, m.group(0), value, None, chinese=chinese, approx=bool(g["approx"]))
    um = _UNIT_AT.match(text, end)
    if um and not (um.group("unit").isascii() and um.group("unit")[0].isalpha() and end == um.start("unit")
                   and raw[-1].isalpha()):
        unit = um.group("unit")
        if unit in ("万", "亿") and (cm := _UNIT_AT.match(text, um.end())) and unit_kind(cm.group("unit")) in ("count", "people"):
            # 1.2万单: 万 multiplies, the classifier says what is counted.
            q.value *= 10000 if unit == "万" else 1e8
            unit, um = cm.group("unit"), cm
        if re.fullmatch(r"年", unit) and re.fullmatch(r"(19|20)\d\d", raw):
            return None  # 2025年: a year, read with the dates
        q.unit = unit
        q.kind = unit_kind(unit)
        if q.kind == "permille":
            q.value, q.kind = q.value / 10, "percent"
        if unit.endswith("刻钟"):
            q.value, q.kind = q.value * 15, "minutes"
        q.end = um.end()
        q.text = text[start:q.end]
        if q.kind == "hours" and unit.lower() == "h" and not raw[0].isdigit():
            return None
    elif raw[0].isdigit() and "." in raw and value < 1:
        q.decimal_rate = True
    # "一个" / "一款" / "一年" / "one": an article, not a count.
    if value == 1 and raw.lower() in ("一", "one"):
        q.article = True
    return q


# "提高了3%" / "快了2小时" / "up by 5": how much something changed. A bare 高/低/快 before a value is how it is
# ("满意度很高95%", "贼高九十八"), not a change: those need 了.
_DELTA_BEFORE = re.compile(r"(?:提升|提高|上升|下降|降低|增加|减少|增长|涨|跌|缩短|延长|改善|提速|加快|缩减|节省)了?\s*$"
                           r"|(?:多|少|快|慢|高|低|好)了\s*$"
                           r"|(?:同比|环比|比去年|比上年|比上月)\S{0,4}$|\b(?:up|down|increased|decreased|improved|rose|fell|dropped|grew) by\s*$"
                           r"|\b(?:up|down)\s*$", re.IGNORECASE | re.ASCII)


def _hedges(text: str, q: Quantity) -> None:
    before, after = text[max(0, q.start - 8):q.start], text[q.end:q.end + 8]
    if "百分点" in q.unit or re.search(r"points?$", q.unit, re.IGNORECASE) and q.kind == "score" or _DELTA_BEFORE.search(before):
        q.delta = True
    if _APPROX_BEFORE.search(before) or _APPROX_AFTER.match(after):
        q.approx = True
    for bound, pb, pa in (("max", _MAX_BEFORE, _MAX_AFTER), ("min", _MIN_BEFORE, _MIN_AFTER)):
        mb, ma = pb.search(before), pa.match(after)
        if mb or ma:
            q.bound = bound
            q.said_from = q.start - (len(before) - mb.start()) if mb else q.start
            q.said_to = q.end + (ma.end() if ma else 0)
            break


def in_unit(q: Quantity, unit: str, per_year: float = 1.0) -> float | None:
    """`q` in a scheme unit (percent, hours, days, training_hours), or None when its unit cannot be that one."""
    if unit == "percent":
        return q.value if q.kind in (None, "percent") else None
    if unit == "training_hours":
        if q.kind in (None, "training_hours", "hours"):
            return q.value * per_year
        if q.kind == "minutes":
            return q.value / 60 * per_year
        return None
    if unit in ("hours", "days") and q.kind in DURATIONS:
        # A working day is a day of the calendar for a closure time that counts days (the scheme's unit is the day).
        return q.value * DURATIONS[q.kind] / DURATIONS[unit]
    return None
