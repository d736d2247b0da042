"""The intake suite's scenario scoring (assistant/evals/intake.py) through the real offline conversation: a veto the
client stated and the chat missed is counted; a veto that only follows from a criterion the client never gave a level
is not one the client stated."""

from __future__ import annotations

import json

from assistant.evals.intake import run_scenarios


def _write(tmp_path, turns):
    path = tmp_path / "scenarios.jsonl"
    path.write_text(json.dumps({"id": "t1", "split": "heldout", "lang": "zh", "turns": turns}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path


def test_a_stated_veto_the_chat_does_not_record_is_counted(index_settings, tmp_path):
    # The writer says the message declares an unresolved incident; the message is about something else, so the
    # chat cannot have recorded it: the scorer must say so.
    path = _write(tmp_path, [
        {"user": "一次修复率92%", "expect": {"kpi": {"D1.2": 92}, "declarations": {"major_incident_unresolved": True}}},
        {"user": "现在能过吗？", "expect": {}, "asks_grade": True},
    ])
    rows, _, _ = run_scenarios(path, index_settings)
    assert rows[0]["missed_veto"] is True
    assert any("V3" in p for p in rows[0]["problems"])


def test_a_veto_on_a_level_never_given_is_not_a_stated_one(index_settings, tmp_path):
    # The client says it has an after-sales department and names documents; the writer records only the documents.
    # D5.1 without a level grades L0 in the writer's assessment (V2), but the client stated the opposite.
    path = _write(tmp_path, [
        {"user": "组织上有售后服务部，售后总监任命书和组织架构图都有。",
         "expect": {"evidence": {"D5.1": ["售后总监任命书", "组织架构图"]}}},
        {"user": "现在能过吗？", "expect": {}, "asks_grade": True},
    ])
    rows, _, _ = run_scenarios(path, index_settings)
    assert rows[0]["missed_veto"] is False


def test_no_after_sales_organisation_stated_is_a_veto_the_chat_keeps(index_settings, tmp_path):
    path = _write(tmp_path, [
        {"user": "我们没有专门的售后部门，都是销售兼着。", "expect": {"level": {"D5.1": 0}}},
        {"user": "现在能过吗？", "expect": {}, "asks_grade": True},
    ])
    rows, _, _ = run_scenarios(path, index_settings)
    assert rows[0]["missed_veto"] is False and rows[0]["passed"], rows[0]["problems"]
