"""Reading facts out of plain Chinese and English (assistant/chat/extract.py)."""

from __future__ import annotations

import pytest

from assistant.chat.extract import extract, extract_plan_edit


def kpis(text):
    return [(k.criterion, k.value) for k in extract(text).kpis]


def test_issue_sentence_sets_csat_and_first_response():
    assert kpis("我们客户满意度88%，投诉首次响应平均36小时") == [("D3.1", 88.0), ("D2.1", 36.0)]


def test_english_kpis():
    assert kpis("Our customer satisfaction is 88% and first response takes 36 hours on average") == [("D3.1", 88.0), ("D2.1", 36.0)]


@pytest.mark.parametrize("text, expected", [
    ("首次响应1.5天", [("D2.1", 36.0)]),
    ("首次响应90分钟", [("D2.1", 1.5)]),
    ("投诉处理周期36小时", [("D2.3", 1.5)]),
    ("人均年培训学时30学时", [("D4.2", 30.0)]),
    ("持证上岗率百分之九十五", []),  # Chinese numerals are not read as values: asked back instead of guessed
    ("一次修复率和返修率分别是92%和1.5%", [("D1.2", 92.0), ("D1.3", 1.5)]),
])
def test_units_are_converted_to_the_criterion_unit(text, expected):
    assert kpis(text) == expected


def test_out_of_range_and_wrong_unit_are_reported_not_recorded():
    ex = extract("客户满意度120%，一次修复率95小时")
    assert ex.kpis == []
    assert any("超出" in p and "0–100%" in p for p in ex.problems)
    assert any("单位" in p for p in ex.problems)


def test_evidence_items_are_placed_by_keyword():
    ex = extract("我们有售后服务手册和维修规范")
    assert [(e.criterion, e.item) for e in ex.evidence] == [("D1.1", "售后服务手册"), ("D1.1", "维修规范")]


def test_levels_and_evidence_after_a_named_criterion():
    ex = extract("售后服务组织与职责达到L3，有组织架构图和任命书")
    assert [(lv.criterion, lv.level) for lv in ex.levels] == [("D5.1", 3)]
    assert [e.item for e in ex.evidence] == ["组织架构图", "任命书"]


def test_unplaced_evidence_is_reported():
    assert extract("我们有一本蓝皮书").unplaced_evidence == ["蓝皮书"]


def test_questions_state_nothing():
    for text in ("一次修复率达到多少才算L4？", "一般不符合给多少天整改？", "有没有类似的案例", "有什么要求"):
        assert not extract(text).anything, text


def test_hypothetical_changes_nothing():
    ex = extract("如果客户满意度达到95%能评优秀吗")
    assert ex.hypothetical and not ex.changes


def test_findings_declarations_and_dates():
    ex = extract("审核发现F1：D2.1 一般不符合，投诉首次响应平均36小时")
    assert [(f.id, f.criterion, f.severity, f.text) for f in ex.findings] == [("F1", "D2.1", "minor", "投诉首次响应平均36小时")]
    assert extract("F1已经关闭了").closed_findings == ["F1"]
    assert extract("近12个月有一起未解决的重大安全事故").declarations == {"major_incident_unresolved": True}
    assert extract("我们的材料有造假").declarations == {"materials_truthful": False}
    assert str(extract("下次审核是2027-03-01").dates["next_audit"]) == "2027-03-01"


@pytest.mark.parametrize("text, item, owner, shift, status", [
    ("把第2项的负责人改成王经理，截止日期延后两周", 2, "王经理", 14, None),
    ("第1项提前一个月", 1, None, -30, None),
    ("第3项已经完成了", 3, None, None, "closed"),
    ("change the owner of item 2 to Manager Wang and postpone the deadline by two weeks", 2, "Manager Wang", 14, None),
])
def test_plan_edits(text, item, owner, shift, status):
    edit = extract_plan_edit(text)
    assert (edit.item, edit.owner, edit.shift_days, edit.status) == (item, owner, shift, status)


def test_plan_edit_needs_an_item_number():
    assert extract_plan_edit("负责人改成王经理") is None
