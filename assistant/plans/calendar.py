"""The surveillance calendar: audit dates and certificate expiry from a certification date, merged with plan deadlines."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.plans.models import STATUS_ZH, Plan
from assistant.rules.scheme import Scheme


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months; the 31st becomes the month's last day (2026-08-31 + 6 → 2027-02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def surveillance_dates(certified_on: date, scheme: Scheme) -> list[date]:
    """Every surveillance audit of one certificate: each `surveillance_months` after certification, before expiry."""
    step = scheme.certification.surveillance_months
    total = scheme.certification.validity_years * 12
    return [add_months(certified_on, m) for m in range(step, total, step)]


def expiry(certified_on: date, scheme: Scheme) -> date:
    """The day the certificate's validity (`validity_years`) runs out."""
    return add_months(certified_on, scheme.certification.validity_years * 12)


def next_surveillance(certified_on: date, after: date, scheme: Scheme) -> date:
    """The first surveillance audit after `after`; past the last one, the expiry (the re-certification audit)."""
    for day in surveillance_dates(certified_on, scheme):
        if day > after:
            return day
    return expiry(certified_on, scheme)


@dataclass(frozen=True)
class Event:
    """One dated entry of the calendar: an audit, the expiry, or an item's deadline."""

    day: date
    kind: str  # surveillance | expiry | deadline
    title: str
    item: int | None = None
    status: str | None = None
    overdue: bool = False
    before: str | None = None  # for a deadline: the audit it falls before

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(), "kind": self.kind, "title": self.title, "item": self.item,
            "status": self.status, "overdue": self.overdue, "before": self.before,
        }


def plan_calendar(
    plan: Plan, certified_on: date, scheme: Scheme, *, today: date | None = None, plan_id: int | str = "ID"
) -> dict[str, Any]:
    """Surveillance audits, expiry and every item deadline in date order, each deadline with the audit it precedes;
    `warnings` name observation items due after the audit that must verify them, and open items already overdue."""
    today = today or date.today()
    audits = [(d, f"第{n}次监督审核") for n, d in enumerate(surveillance_dates(certified_on, scheme), 1)]
    end = expiry(certified_on, scheme)
    milestones = [*audits, (end, "证书有效期满（再认证审核）")]
    events: list[Event] = [Event(d, "surveillance", t) for d, t in audits] + [Event(end, "expiry", "证书有效期满（再认证审核）")]
    warnings: list[str] = []
    for item in plan.items:
        before = next((t for d, t in milestones if d >= item.deadline), None)
        overdue = item.status != "closed" and item.deadline < today
        events.append(
            Event(item.deadline, "deadline", f"第{item.no}项 {item.subject} 整改期限", item.no, item.status, overdue, before)
        )
        if overdue:
            warnings.append(f"第{item.no}项（{item.subject}）期限{item.deadline.isoformat()}已过，状态仍为{STATUS_ZH[item.status]}。")
        if item.kind == "finding" and item.severity and scheme.severities[item.severity].due_next_surveillance:
            due = next_surveillance(certified_on, plan.plan_date, scheme)
            if item.deadline > due:
                warnings.append(
                    f"第{item.no}项（{item.subject}）的期限{item.deadline.isoformat()}晚于下次监督审核{due.isoformat()}，"
                    f"应在该次审核前完成：用 plans update {plan_id} {item.no} --deadline {due.isoformat()} 调整。"
                )
    order = {"surveillance": 0, "expiry": 0, "deadline": 1}
    events.sort(key=lambda e: (e.day, order[e.kind], e.item or 0))
    return {
        "certified_on": certified_on.isoformat(),
        "surveillance": [d.isoformat() for d, _ in audits],
        "expires_on": end.isoformat(),
        "events": [e.to_json() for e in events],
        "warnings": warnings,
    }
