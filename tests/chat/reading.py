"""What the offline reader makes of one message, in the short forms the reading tests compare (today fixed)."""

from __future__ import annotations

from datetime import date

from assistant.chat.extract import extract

TODAY = date(2026, 12, 6)  # a Sunday


def read(text, **kw):
    kw.setdefault("today", TODAY)
    return extract(text, **kw)


def kpis(text, **kw):
    return {k.criterion: k.value for k in read(text, **kw).kpis}


def levels(text, **kw):
    return {lv.criterion: lv.level for lv in read(text, **kw).levels}


def evidence(text, **kw):
    return [(e.criterion, e.item) for e in read(text, **kw).evidence]


def said_back(x) -> str:
    """Everything an extraction says it did not record: unplaced numbers, values set aside, problems."""
    return " ".join(x.unplaced + x.set_aside + x.problems)
