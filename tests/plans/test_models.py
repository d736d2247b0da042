"""One rule for changing a plan item (Plan.with_item_changed): the store, the chat and the web all go through it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from assistant.chat.extract import PlanEdit
from assistant.chat.state import ConversationState
from assistant.chat.tools import edit_plan
from assistant.errors import BadInput
from assistant.plans.store import _change
from tests.plans.conftest import draft


def test_allowed_parts_are_made_and_the_rest_refused_with_why(guidance):
    _, plan = draft("failing", guidance)
    item = plan.items[0]
    too_late = item.latest_deadline + timedelta(days=1)
    change = plan.with_item_changed(1, owner="客服中心经理", deadline=too_late, status="closed", today=date(2026, 12, 1))
    assert [f for f, _, _ in change.done] == ["status", "owner"]
    assert [(r.field, r.kind, r.bound) for r in change.refused] == [("deadline", "late", item.latest_deadline.isoformat())]
    after = change.plan.item(1)
    assert (after.owner, after.status, after.closed_on, after.deadline) == ("客服中心经理", "closed", date(2026, 12, 1), item.deadline)
    assert change.note == f"第1项：状态 待整改→已关闭；责任人 {item.owner}→客服中心经理"
    assert plan.item(1).owner == item.owner  # the plan itself is not changed


def test_an_owner_that_names_no_role_is_refused_by_the_chat_and_the_store_alike(guidance):
    """The chat ignored a one-character owner while `plans update` refused it: now both refuse it, for the same reason."""
    _, plan = draft("failing", guidance)
    change = plan.with_item_changed(2, owner="王")
    assert change.plan is None and [(r.field, r.kind) for r in change.refused] == [("owner", "role")]
    with pytest.raises(BadInput, match="the owner must name a role") as exc:
        _change(plan, 7, 2, None, "王", None, date(2026, 12, 1))
    assert exc.value.where == "plans update 7 2 --owner"
    state = ConversationState(plan=plan.model_dump(mode="json"))
    said = edit_plan(state, PlanEdit(item=2, owner="王", said="第2项责任人改成王"))
    assert said.refused[0].message == change.refused[0].message
    assert state.plan == plan.model_dump(mode="json")  # nothing changed


def test_the_store_refuses_a_change_with_any_refused_part_as_a_whole(guidance):
    _, plan = draft("failing", guidance)
    late = plan.items[0].latest_deadline + timedelta(days=30)
    with pytest.raises(BadInput, match="later than the scheme allows"):
        _change(plan, 1, 1, None, "客服中心经理", late, date(2026, 12, 1))
    new, note = _change(plan, 1, 1, None, "客服中心经理", None, date(2026, 12, 1))
    assert new.item(1).owner == "客服中心经理" and note.startswith("第1项：责任人")
    assert _change(plan, 1, 1, None, plan.items[0].owner, None, date(2026, 12, 1)) == (None, "第1项：无变化")
