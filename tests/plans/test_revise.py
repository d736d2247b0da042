"""A plan drafted again keeps the consultant's edits of items still in it (assistant/plans/revise.py)."""

from __future__ import annotations

import json
from datetime import timedelta

from assistant.plans.draft import draft_plan
from assistant.plans.models import Plan
from assistant.plans.revise import keep_edits
from assistant.rules import validate_assessment
from tests.plans.conftest import draft


def edited(plan: Plan, no: int, **changes) -> Plan:
    data = json.loads(plan.model_dump_json())
    data["items"][no - 1].update(changes)
    return Plan.model_validate_json(json.dumps(data, ensure_ascii=False))


def test_the_edits_of_items_still_needed_stay_and_the_changes_are_named(guidance):
    assessment, first = draft("failing", guidance)
    f1 = next(i for i in first.items if i.finding == "NC-01")
    gap = next(i for i in first.items if i.kind == "gap")
    earlier = (f1.deadline - timedelta(days=3)).isoformat()
    old = edited(first, f1.no, owner="安装部经理", deadline=earlier, status="in_progress")
    old = edited(old, gap.no, owner="客服中心主管")
    # The client closes NC-02 meanwhile: its item is no longer needed; NC-01 and the gap stay.
    data = json.loads(assessment.model_dump_json())
    for f in data["findings"]:
        if f["id"] == "NC-02":
            f["status"] = "closed"
    again = draft_plan(validate_assessment(data), guidance=guidance)
    redraft = keep_edits(old, again)
    kept = {i.subject: i for i in redraft.plan.items}
    assert kept[f1.subject].owner == "安装部经理" and kept[f1.subject].deadline.isoformat() == earlier
    assert kept[f1.subject].status == "in_progress" and kept[gap.subject].owner == "客服中心主管"
    assert set(redraft.kept) == {f1.subject, gap.subject}
    assert redraft.dropped == ["NC-02（D2.3）"] and redraft.added == []
    assert "保留2项的修改" in redraft.note() and "删除 NC-02（D2.3）" in redraft.note()


def test_a_deadline_the_scheme_no_longer_allows_is_reset_and_said(guidance):
    _, first = draft("failing", guidance)
    f1 = next(i for i in first.items if i.finding == "NC-01")
    late = (f1.latest_deadline + timedelta(days=30)).isoformat()
    # An old plan whose deadline was later (drafted under other rules): the new draft's deadline stands.
    data = json.loads(first.model_dump_json())
    data["items"][f1.no - 1].update(deadline=late, latest_deadline=late)
    old = Plan.model_validate_json(json.dumps(data, ensure_ascii=False))
    redraft = keep_edits(old, first)
    assert next(i for i in redraft.plan.items if i.finding == "NC-01").deadline == f1.deadline
    assert redraft.deadlines_reset == [f1.subject]


def test_without_an_earlier_plan_nothing_changes(guidance):
    _, plan = draft("passing", guidance)
    assert keep_edits(None, plan).plan == plan
