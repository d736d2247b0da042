"""Conversation state, applying facts, and saving and resuming conversations."""

from __future__ import annotations

from assistant.chat.extract import extract
from assistant.chat.state import ConversationState, gradeable
from assistant.chat.store import ConversationStore


def test_apply_records_and_says_back():
    s = ConversationState()
    changes, problems = s.apply(extract("我们客户满意度88%，投诉首次响应平均36小时"))
    assert [c["criterion"] for c in changes] == ["D3.1", "D2.1"]
    assert s.assessment["criteria"]["D3.1"] == {"kpi": 88.0}
    assert problems == []
    assert s.focus == ["D3.1", "D2.1"]


def test_evidence_without_level_is_pending_and_not_graded():
    s = ConversationState()
    s.apply(extract("我们有售后服务手册和维修规范"))
    assert s.pending() == ["D1.1"]
    assert "D1.1" not in gradeable(s.assessment)["criteria"]
    assert "D1.1" in s.grade_result().missing
    s.apply(extract("服务规范与标准L3"))
    assert s.pending() == []
    assert s.grade_result().criteria["D1.1"].effective == 3


def test_a_change_the_scheme_rejects_is_not_kept():
    s = ConversationState()
    s.apply(extract("服务创新是2级"))
    assert s.assessment["criteria"]["D6.3"]["level"] == 2
    ex = extract("D1.1 L3")
    ex.levels[0].level = 9  # out of range: the assessment validator refuses it
    changes, problems = s.apply(ex)
    assert changes == [] and problems and "D1.1" not in s.assessment["criteria"]


def test_changes_mark_the_plan_stale():
    s = ConversationState(plan={"items": []})
    s.apply(extract("客户满意度90%"))
    assert s.plan_stale


def test_store_saves_and_resumes(database_url):
    store = ConversationStore(database_url)
    s = ConversationState()
    cid = store.create(s)
    s.apply(extract("客户满意度90%"))
    s.turns = 1
    store.save(s)
    again = store.load(cid)
    assert again.assessment["criteria"]["D3.1"]["kpi"] == 90
    assert store.latest() == cid
    store.close()
    again = ConversationStore(database_url)  # after a restart
    assert again.load(cid).assessment["criteria"]["D3.1"]["kpi"] == 90
    assert [(i, turns) for i, _, turns, _ in again.listing()] == [(cid, 1)]
    again.close()


def test_the_conversation_saved_last_is_the_latest_within_the_same_second(database_url):
    """A browser reopens an earlier conversation right after a turn in a newer one: a reload must bring back the
    reopened one (the web app's reload asks `latest`), however close the two saves are."""
    store = ConversationStore(database_url)
    earlier, newer = ConversationState(), ConversationState()
    store.create(earlier, "browser")
    store.create(newer, "browser")
    for _ in range(20):  # back and forth, each save within microseconds of the other
        store.save(newer)
        assert store.latest("browser") == newer.id
        store.save(earlier)
        assert store.latest("browser") == earlier.id
    assert all(at.microsecond == 0 for *_, at in store.listing(owner_token="browser"))  # shown to the second
    store.close()


def test_a_rejected_change_does_not_lose_the_changes_after_it():
    s = ConversationState()
    ex = extract("D1.1 L3，客户满意度88%，我们是做家电的")
    ex.levels[0].level = 9  # refused by the validator, then the assessment is restored from a copy
    changes, problems = s.apply(ex)
    assert problems and "D1.1" not in s.assessment["criteria"]
    assert s.assessment["criteria"]["D3.1"]["kpi"] == 88
    assert [c["kind"] for c in changes] == ["kpi", "enterprise"]
    assert s.assessment["enterprise"]["industry"] == "家电"
