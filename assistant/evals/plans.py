"""The plans suite: plan completeness on evals/plan_cases.jsonl (every field, every gap criterion and open finding,
deadlines inside the rules of SCHEME §4 and §6, default owners), checked against the plan's contract JSON."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from assistant.evals.grading import load_cases
from assistant.evals.metrics import share
from assistant.rules import grade, load_scheme, validate_assessment
from assistant.rules.scheme import Scheme
from assistant.settings import Settings

REQUIRED_FIELDS = ("problem", "root_cause", "category", "action", "owner", "deadline", "target", "verification", "status")
CATEGORIES = set("人机料法环测")


def _months_later(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _key(item: dict) -> str:
    """What an item addresses: its finding ID, else its veto ID (declaration items), else its criterion."""
    return item.get("finding") or item.get("veto") or item.get("criterion") or ""


def latest_allowed(item: dict, a: Any, scheme: Scheme, plan_date: date, certified_on: date | None) -> tuple[date, bool]:
    """(the latest deadline the rules allow for this item, whether the rule fixes the date exactly)."""
    finding = next((f for f in a.findings if f.id == item.get("finding")), None)
    if finding is not None:
        sev = scheme.severities[finding.severity]
        start = finding.raised_on or a.assessed_on or plan_date
        if sev.due_days is not None:
            return start + timedelta(days=sev.due_days), finding.raised_on is not None
        if a.next_audit is not None:
            return a.next_audit, True
        months = scheme.certification.surveillance_months
        if certified_on is not None:
            day = certified_on
            while day <= start:
                day = _months_later(day, months)
            return day, True
        return _months_later(plan_date, months), False
    latest = plan_date + timedelta(days=scheme.plan.gap_item_days)
    if a.next_audit is not None and scheme.plan.not_after_next_audit:
        latest = min(latest, a.next_audit)
    return latest, False


def check_plan(case: dict, plan: dict, a: Any, scheme: Scheme, required_gap: list[str], certified_on: date | None) -> dict:
    plan_date = date.fromisoformat(plan["plan_date"])
    items = plan["items"]
    problems: list[str] = []
    filled = []
    for n, item in enumerate(items, 1):
        empty = [f for f in REQUIRED_FIELDS if not str(item.get(f) or "").strip()]
        if not _key(item):
            empty.append("criterion/finding")
        if item.get("category") not in CATEGORIES:
            empty.append(f"category={item.get('category')!r}")
        filled.append(not empty)
        if empty:
            problems.append(f"item {n} ({_key(item)}): empty or invalid {empty}")

    gap_items = {i["criterion"] for i in items if not i.get("finding") and not i.get("veto") and i.get("criterion")}
    finding_items = {i["finding"] for i in items if i.get("finding")}
    open_ids = [f.id for f in a.open_findings()]
    gap_cov = [c in gap_items for c in required_gap]
    find_cov = [f in finding_items for f in open_ids]
    for c, ok in zip(required_gap, gap_cov, strict=True):
        if not ok:
            problems.append(f"gap criterion {c} has no item")
    for f, ok in zip(open_ids, find_cov, strict=True):
        if not ok:
            problems.append(f"open finding {f} has no item")

    deadline_ok = []
    for item in items:
        due = date.fromisoformat(item["deadline"])
        latest, exact = latest_allowed(item, a, scheme, plan_date, certified_on)
        ok = due <= latest and (due == latest if exact else True)
        if not item.get("finding"):
            ok = ok and due >= plan_date
        overdue = item.get("status") != "closed" and due < plan_date
        if "overdue" in item and item["overdue"] != overdue:
            ok = False
        deadline_ok.append(ok)
        if not ok:
            problems.append(f"{_key(item)}: deadline {due} outside the rule (latest {latest}{', exactly' if exact else ''})")

    owners = {d: scheme.dimensions[d].owner for d in scheme.dimensions}
    owner_ok = []
    for item in items:
        if item.get("criterion") and not item.get("veto"):
            want = owners[scheme.criteria[item["criterion"]].dimension]
            owner_ok.append(item.get("owner") == want)
            if item.get("owner") != want:
                problems.append(f"{_key(item)}: owner {item.get('owner')!r}, the default is {want!r}")

    exp = case["expected"]
    expected_keys = set(exp.get("gap_criteria", [])) | set(exp.get("findings", [])) | set(exp.get("declarations", []))
    got_keys = {_key(i) for i in items}
    match = expected_keys == got_keys and len(items) == exp.get("items", len(items))
    if not match:
        problems.append(f"items for {sorted(got_keys)}, expected {sorted(expected_keys)}")
    by_key = {_key(i): i for i in items}
    for key, want in exp.get("deadlines", {}).items():
        have = by_key.get(key, {}).get("deadline")
        if have != want:
            match = False
            problems.append(f"{key}: deadline {have}, expected {want}")
    for key, want in exp.get("owners", {}).items():
        if by_key.get(key, {}).get("owner") != want:
            match = False
            problems.append(f"{key}: owner {by_key.get(key, {}).get('owner')!r}, expected {want!r}")
    for key in exp.get("overdue", []):
        if not by_key.get(key, {}).get("overdue"):
            match = False
            problems.append(f"{key}: not flagged overdue")

    complete = all(filled) and all(gap_cov) and all(find_cov) and all(deadline_ok)
    return {
        "id": case["id"], "title": case.get("title", ""), "items": len(items), "complete": complete,
        "fields_filled": filled, "gap_covered": gap_cov, "findings_covered": find_cov, "deadlines_ok": deadline_ok,
        "owners_ok": owner_ok, "expected_match": match, "problems": problems,
    }


def run(path: Path, settings: Settings, *, retrieval: bool = True) -> dict:
    """Draft every case's plan (with similar past findings from the index unless `retrieval` is off) and check it."""
    from assistant.plans.draft import Guidance, draft_plan, index_similar

    guidance = Guidance.load(settings)
    similar = index_similar(settings) if retrieval else None
    rows = []
    for case in load_cases(path):
        a = validate_assessment(case["assessment"], source=case["_where"], knowledge_dir=settings.knowledge_dir)
        scheme = load_scheme(a.scheme, settings.knowledge_dir)
        certified_on = date.fromisoformat(case["certified_on"]) if case.get("certified_on") else None
        plan = draft_plan(a, scheme=scheme, target=case.get("target"), guidance=guidance, similar=similar,
                          certified_on=certified_on, warn=lambda _m: None)
        result = grade(a, scheme, target=plan.target_en)
        required_gap = [c["criterion"] for c in (result.to_contract()["gap"] or {}).get("changes", [])]
        rows.append(check_plan(case, plan.to_contract(), a, scheme, required_gap, certified_on))

    def pooled(key: str) -> float | None:
        return share(flag for r in rows for flag in r[key])

    metrics: dict[str, Any] = {
        "plan_completeness": share(r["complete"] for r in rows),
        "fields_filled": pooled("fields_filled"),
        "gap_coverage": pooled("gap_covered"),
        "finding_coverage": pooled("findings_covered"),
        "deadline_validity": pooled("deadlines_ok"),
        "owner_defaults": pooled("owners_ok"),
        "expected_match": share(r["expected_match"] for r in rows),
        "cases": len(rows),
    }
    return {"metrics": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in metrics.items()}, "items": rows}
