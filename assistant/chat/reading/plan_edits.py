"""Changes to a plan item asked for in words: "把第2项的负责人改成王经理，截止日期延后两周", "push item 3 back two weeks"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from assistant.chat.reading.quantities import number
from assistant.chat.reading.text import normalise

_ORDINALS_EN = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
                "ninth": 9, "tenth": 10}
_NUM = r"[0-9]+|[一二两三四五六七八九十]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an|half a|半"
_ITEM_NO = re.compile(
    r"第\s*(?P<zh>[0-9一二两三四五六七八九十]+)\s*(?:项|条|个|行|号)"
    r"|(?:item|row|action|line|no\.?)\s*#?\s*(?P<en>\d+)|#\s*(?P<hash>\d+)\b"
    rf"|\bthe\s+(?P<ord>{'|'.join(_ORDINALS_EN)})\s+(?:item|row|action|line)\b",
    re.IGNORECASE,
)
_OWNER = re.compile(
    r"(?:负责人|责任人|责任部门|owner)\s*(?:改成|改为|换成|换为|设为|定为|调整为|变更为|是|为|to|:|→)\s*"
    r"(?P<owner>[^\s,.;!?，。；！？]+?)(?=[,.;!?，。；！？]|\s|$|\band\b|并|再|截止|期限)",
    re.IGNORECASE,
)
_OWNER_EN = re.compile(
    r"(?:(?:assign|give|hand(?: over)?|reassign)\s+(?:it|this|that|item\s*#?\s*\d+|the (?:\w+ )?item)|owner\s+(?:of\s+(?:item|row)\s*#?\s*\d+\s+)?)\s*to\s+"
    r"(?P<owner>[A-Za-z\u4e00-\u9fff][\w .'-]{1,40}?)(?=[,.;]|\s+and\b|$)"
    r"|\bmake\s+(?P<owner2>[A-Z][\w .'-]{1,40}?)\s+(?:the\s+)?owner\b",
    re.IGNORECASE,
)
_SHIFT_ZH = re.compile(
    rf"(?P<dir>延后|推迟|顺延|延期|延长|往后推|往后延|向后推|后延|后推|推后|宽限|提前|往前提|提早)\s*(?:了)?\s*(?P<n>{_NUM})?\s*(?:个)?\s*(?P<u>星期|礼拜|周|天|日|工作日|月)"
)
_SHIFT_EN = re.compile(
    r"(?P<verb>postpone|push(?:ed)?|delay|extend|move|moved|bring|brought|pull|shift|slip)\b"
    r"(?P<mid>(?:\s+(?:the|its|it|this|that|item\s*#?\s*\d+|row\s*#?\s*\d+|deadline|due date|date|of|back|out|forward|up|ahead|earlier|later|by))*)"
    rf"\s+(?:by\s+)?(?P<n>{_NUM})\s+(?P<u>days?|weeks?|months?|business days?|working days?)"
    r"(?P<after>(?:\s+(?:back|out|forward|up|earlier|later|ahead))?)",
    re.IGNORECASE,
)
_DEADLINE_DATE = re.compile(r"(?:截止日期|截止时间|完成期限|期限|截止|deadline|due date|due)\s*(?:改成|改为|定为|设为|调整为|是|为|到|to|:|on)?\s*"
                            r"(?P<d>\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)", re.IGNORECASE | re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_STATUS = (
    (re.compile(r"(?:已经?|都)?(?:完成|关闭|关掉|做完)了?|\b(?:done|closed|completed|finished)\b", re.IGNORECASE | re.ASCII), "closed"),
    (re.compile(r"(?:开始|正在|已经开始)(?:做|整改|处理)|进行中|整改中|\bin progress\b|\bstarted\b|\bunderway\b", re.IGNORECASE | re.ASCII), "in_progress"),
    (re.compile(r"(?:重新)?打开|\breopen", re.IGNORECASE | re.ASCII), "open"),
)


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


def _amount(raw: str | None) -> float | None:
    if raw is None:
        return 1.0
    raw = raw.strip().lower()
    if raw in ("a", "an", "one"):
        return 1.0
    if raw in ("half a", "半"):
        return 0.5
    return number(raw)


def _days(n: float, unit: str) -> int:
    unit = unit.lower()
    per = 7 if ("周" in unit or "星期" in unit or "礼拜" in unit or unit.startswith("week")) else \
        30 if ("月" in unit or unit.startswith("month")) else 1
    return round(n * per)


def extract_plan_edit(text: str, *, unnamed: bool = False) -> PlanEdit | None:
    """The plan edit a message asks for, or None when it names no item or no change. With `unnamed`, a message
    that names no item ("push the deadline back two weeks") gives an edit of item 0 when it asks to move a
    deadline or change an owner (a status word alone is too common to read as an edit of some item)."""
    text = normalise(text)
    m = _ITEM_NO.search(text)
    if m:
        raw = m.group("zh") or m.group("en") or m.group("hash")
        no = _ORDINALS_EN[m.group("ord").lower()] if m.group("ord") else number(raw) if raw else None
    else:
        no = 0 if unnamed and (_SHIFT_ZH.search(text) or _SHIFT_EN.search(text) or _OWNER.search(text)
                               or _OWNER_EN.search(text) or _DEADLINE_DATE.search(text)) else None
    if no is None or (no == 0 and m):
        return None
    edit = PlanEdit(item=int(no), said=text.strip())
    om = _OWNER_EN.search(text) or _OWNER.search(text)
    if om:
        edit.owner = (om.groupdict().get("owner") or om.groupdict().get("owner2") or "").strip().strip("“”\"'")
    sz, se = _SHIFT_ZH.search(text), _SHIFT_EN.search(text)
    if sz:
        n = _amount(sz.group("n"))
        if n is not None:
            days = _days(n, sz.group("u"))
            edit.shift_days = -days if sz.group("dir") in ("提前", "往前提", "提早") else days
    elif se:
        n = _amount(se.group("n"))
        words = f"{se.group('verb')} {se.group('mid')} {se.group('after')}".lower()
        if n is not None:
            days = _days(n, se.group("u"))
            earlier = re.search(r"\b(?:forward|up|earlier|ahead)\b", words) or se.group("verb").lower() in ("bring", "brought", "pull")
            edit.shift_days = -days if earlier and not re.search(r"\b(?:back|out|later)\b", words) else days
    dm = _DEADLINE_DATE.search(text)
    if dm:
        parts = _ISO_DATE.match(dm.group("d"))
        if parts:
            try:
                edit.deadline = date(int(parts.group(1)), int(parts.group(2)), int(parts.group(3)))
            except ValueError:
                pass
    rest = re.sub(r"完成期限|截止|deadline", "", _DEADLINE_DATE.sub("", _OWNER.sub("", text)), flags=re.IGNORECASE | re.ASCII)
    for pattern, status in _STATUS if no else ():
        if pattern.search(rest):
            edit.status = status
            break
    return edit


def shifted(d: date, days: int) -> date:
    """`d` moved by `days`; past the calendar's ends, its first or last day (then refused as out of the rules)."""
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min
