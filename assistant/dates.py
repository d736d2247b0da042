"""Dates a user gives (assessment dates, plan dates, deadlines): parsed once, and kept inside a plausible range.

A certification case lives in a few years around today; a date in year 1 or 9999 is a typo, and date arithmetic
on it (a deadline 30 days after 9999-12-31) would overflow deep inside the engine instead of saying what is wrong.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator

from assistant.errors import BadInput, shown

EARLIEST = date(1990, 1, 1)
LATEST = date(2099, 12, 31)
RANGE_TEXT = f"{EARLIEST.isoformat()} … {LATEST.isoformat()}"


def in_range(day: date) -> date:
    """`day` itself, or ValueError when it is outside EARLIEST…LATEST (a pydantic validator as well)."""
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"the date must lie between {RANGE_TEXT}")
    return day


# A date field of a model users fill in: validated as a date, then held to the range.
Day = Annotated[date, AfterValidator(in_range)]


def parse_day(value: Any, where: str) -> date | None:
    """A date from text (`2026-11-01`) or a date; None for nothing. BadInput naming `where` otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise BadInput(f"{shown(str(value))} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-01",
                           where=where) from None
    try:
        return in_range(day)
    except ValueError as exc:
        raise BadInput(f"{exc}, got {day.isoformat()}", where=where) from None
