"""Dates as people say them (2026-10-14, 10月20号, 上个月20号, 前天, 三月份, on October 14), read against today."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from assistant.chat.reading.quantities import number

_CN_SMALL = "[一二两三四五六七八九十]{1,3}"
_MONTHS_EN = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}
_MONTH_EN = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DATES = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
    rf"|(?:(?P<yw>今年|去年|前年|明年)|(?P<y2>(?:19|20)\d\d)\s*年)?\s*(?P<m2>\d{{1,2}}|{_CN_SMALL})\s*月份?\s*"
    rf"(?:(?P<d2>\d{{1,2}}|{_CN_SMALL})\s*[日号](?!期)|(?P<part>初|中旬|上旬|下旬|中|底|末))?"
    # 12/1审核, 11.12那次外审: month and day with a slash or a dot, only right before the audit they date (else a
    # ratio or a decimal).
    r"|(?<![\d./A-Za-z])(?P<md_m>1[0-2]|0?[1-9])[./](?P<md_d>3[01]|[12]\d|0?[1-9])(?![\d./%])"
    r"(?=\s*[日号]?\s*(?:的|那次|那天|那回)?\s*(?:审核|外审|内审|监督审核|复审|现场审核|认证审核|开的|开了|提的|那次|那天))"
    # …or right after the words that label an audit's date: 日期是11.12, 审核是9/23, 审核日期 10.15, 这次审核（10.15）.
    r"|(?:(?<=审核是)|(?<=审核日)|(?<=审核日期)|(?<=审核时间)|(?<=日期是)|(?<=日期为)|(?<=日期[:：])|(?<=审核[（(])|(?<=审核于))"
    r"\s*(?P<lb_m>1[0-2]|0?[1-9])[./](?P<lb_d>3[01]|[12]\d|0?[1-9])(?![\d./%])"
    rf"|(?P<rel>上个?月|本月|这个?月|上上个?月)\s*(?P<d3>\d{{1,2}}|{_CN_SMALL})\s*[日号]"
    r"|(?P<day>大前天|前天|昨天|昨日|今天|今日)"
    # A weekday: 上周三 (the week before this one), 上上周五, 本周一, 周三 alone (the latest one not after today).
    r"|(?<![下每])(?P<wrel>上上个?|上个?|这个?|本)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])(?!\s*(?:到|至|~|-|和|、))"
    # Some days or weeks back: 3天前, 两周前, 一个星期以前; "3 days ago", "two weeks ago".
    rf"|(?P<ago>\d{{1,2}}|{_CN_SMALL})\s*个?(?P<ago_u>天|日|周|星期|礼拜)(?:之前|以前|前)"
    r"|\b(?P<ago_en>\d{1,2}|a|one|two|three|four|five|six|seven|ten)\s+(?P<ago_en_u>days?|weeks?)\s+ago\b"
    r"|(?P<en_wd>\b(?:last|this past|on|this)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)"
    r"|(?P<en_dby>\bthe day before yesterday\b)"
    r"|(?P<week>上上?个?(?:周|星期|礼拜)[一二三四五六日天]?|上周末|本周|这周|这个?星期|\blast week\b|\bthis week\b)"
    rf"|(?P<en_m>\b{_MONTH_EN})\.?\s+(?P<en_d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(?P<en_y>(?:19|20)\d\d))?"
    rf"|(?P<en_d2>\b\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<en_m2>{_MONTH_EN})\b\.?(?:,?\s*(?P<en_y2>(?:19|20)\d\d))?"
    rf"|\b(?:in|since|by|during)\s+(?P<en_m3>{_MONTH_EN})\b(?:\s+(?P<en_y3>(?:19|20)\d\d))?"
    r"|(?P<en_day>\byesterday\b|\btoday\b)"
    r"|(?P<year>(?:19|20)\d\d)\s*(?:年(?:版|度|底|初|中)?|版)|\b(?:in|since|by|during|of|from)\s+(?:19|20)\d\d\b"
    r"|(?P<yword>上半年|下半年|今年|去年|前年|明年|年初|年底|年中|年后|年前|this year|last year)",
    re.IGNORECASE,
)


@dataclass
class DateMention:
    start: int
    end: int
    text: str
    day: date | None  # the day when the words give one
    precision: str  # day, month, week, year


def _month_en(word: str) -> int:
    word = word.lower().rstrip(".")
    return next(i for name, i in _MONTHS_EN.items() if name.startswith(word[:3]))


def _past(month: int, day: int, today: date, year: int | None) -> date | None:
    """The day with that month and day: in `year`, or the latest one not after today."""
    try:
        if year is not None:
            return date(year, month, day)
        d = date(today.year, month, day)
        return d if d <= today else date(today.year - 1, month, day)
    except ValueError:
        return None


_EN_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}
_WEEKDAYS = "一二三四五六"


def _weekday(word: str, rel: str, today: date) -> date | None:
    """上周三 / 上上周五 / 本周一 / 周三: weeks run Monday to Sunday; a weekday alone is the latest one not after today."""
    wd = 6 if word in "日天" else _WEEKDAYS.index(word)
    monday = today - timedelta(days=today.weekday())
    if rel.startswith("上上"):
        return monday - timedelta(weeks=2) + timedelta(days=wd)
    if rel.startswith("上"):
        return monday - timedelta(weeks=1) + timedelta(days=wd)
    day = monday + timedelta(days=wd)
    if rel:
        return day if day <= today else None  # 本周五 said before Friday: no past day
    return day if day <= today else day - timedelta(weeks=1)


def find(text: str, today: date) -> list[DateMention]:
    out: list[DateMention] = []
    for m in _DATES.finditer(text):
        g = m.groupdict()
        day, precision = None, "day"
        if g["y"]:
            try:
                day = date(int(g["y"]), int(g["m"]), int(g["d"]))
            except ValueError:
                day = None
        elif g["m2"]:
            month = number(g["m2"])
            if month is None or not 1 <= month <= 12:
                continue
            if g["y2"] is None and g["yw"] is None and not g["d2"] and not g["part"] and not re.search(r"月份|月$", m.group(0)):
                continue
            year = int(g["y2"]) if g["y2"] else {"今年": today.year, "去年": today.year - 1, "前年": today.year - 2,
                                                   "明年": today.year + 1}.get(g["yw"] or "")
            if g["d2"]:
                d = number(g["d2"])
                day = _past(int(month), int(d), today, year) if d else None
            else:
                precision = "month"
        elif g["md_m"] or g["lb_m"]:
            day = _past(int(g["md_m"] or g["lb_m"]), int(g["md_d"] or g["lb_d"]), today, None)
        elif g["rel"]:
            d = number(g["d3"])
            back = 2 if g["rel"].startswith("上上") else 1 if g["rel"].startswith("上") else 0
            y, mo = today.year, today.month - back
            while mo < 1:
                y, mo = y - 1, mo + 12
            try:
                day = date(y, mo, int(d)) if d else None
            except ValueError:
                day = None
        elif g["day"]:
            back = {"大前天": 3, "前天": 2, "昨天": 1, "昨日": 1, "今天": 0, "今日": 0}[g["day"]]
            day = today - timedelta(days=back)
        elif g["wd"]:
            day = _weekday(g["wd"], g["wrel"] or "", today)
        elif g["ago"] or g["ago_en"]:
            n = number(g["ago"]) if g["ago"] else _EN_NUMBERS.get(g["ago_en"].lower()) or int(g["ago_en"])
            unit = 7 if (g["ago_u"] or g["ago_en_u"]).lower() in ("周", "星期", "礼拜", "week", "weeks") else 1
            day = today - timedelta(days=int(n) * unit) if n else None
        elif g["en_wd"]:
            # "last Wednesday" / "on Wednesday": the latest one before today.
            wd = next(i for i, w in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun")) if w in g["en_wd"].lower().split()[-1][:3])
            day = today - timedelta(days=(today.weekday() - wd - 1) % 7 + 1)
        elif g["en_dby"]:
            day = today - timedelta(days=2)
        elif g["week"]:
            precision = "week"
        elif g["en_m"] or g["en_m2"]:
            mo = _month_en(g["en_m"] or g["en_m2"])
            d = int(g["en_d"] or g["en_d2"])
            y = g["en_y"] or g["en_y2"]
            day = _past(mo, d, today, int(y) if y else None)
        elif g["en_m3"]:
            precision = "month"
        elif g["en_day"]:
            day = today - timedelta(days=1 if g["en_day"].lower() == "yesterday" else 0)
        else:
            precision = "year"
        out.append(DateMention(m.start(), m.end(), m.group(0), day, precision))
    return out
