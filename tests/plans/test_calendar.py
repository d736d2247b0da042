"""The surveillance calendar: audits every 6 months, expiry after 3 years, merged with the plan's deadlines."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from assistant.plans.calendar import add_months, expiry, next_surveillance, plan_calendar, surveillance_dates
from tests.plans.conftest import draft


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(date(2026, 5, 20), 6) == date(2026, 11, 20)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 1), 14) == date(2028, 1, 1)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 120))
def test_add_months_lands_in_the_right_month(day, months):
    out = add_months(day, months)
    assert (out.year * 12 + out.month) - (day.year * 12 + day.month) == months
    assert out.day <= day.day


def test_surveillance_every_six_months_and_expiry_after_three_years(scheme):
    audits = surveillance_dates(date(2026, 5, 20), scheme)
    assert audits == [date(2026, 11, 20), date(2027, 5, 20), date(2027, 11, 20), date(2028, 5, 20), date(2028, 11, 20)]
    assert expiry(date(2026, 5, 20), scheme) == date(2029, 5, 20)
    assert next_surveillance(date(2026, 5, 20), date(2026, 11, 20), scheme) == date(2027, 5, 20)
    assert next_surveillance(date(2026, 5, 20), date(2028, 12, 1), scheme) == date(2029, 5, 20)


def test_calendar_merges_deadlines_with_audits(scheme, guidance):
    _, plan = draft("vetoed", guidance)
    cal = plan_calendar(plan, date(2026, 5, 20), scheme, today=date(2026, 11, 27), plan_id=4)
    assert cal["surveillance"][0] == "2026-11-20" and cal["expires_on"] == "2029-05-20"
    days = [e["date"] for e in cal["events"]]
    assert days == sorted(days)
    deadlines = [e for e in cal["events"] if e["kind"] == "deadline"]
    assert sorted(e["item"] for e in deadlines) == [i.no for i in plan.items]
    major = next(e for e in deadlines if e["item"] == 1)  # F-M1, due 2026-11-24
    assert major["before"] == "第2次监督审核" and major["overdue"]
    minor = next(e for e in deadlines if e["item"] == 2)  # F-m1, due 2026-09-30
    assert minor["before"] == "第1次监督审核"
    assert any("第3项" in w and "plans update 4 3 --deadline 2026-11-20" in w for w in cal["warnings"])
    assert any("第1项" in w and "已过" in w for w in cal["warnings"])
