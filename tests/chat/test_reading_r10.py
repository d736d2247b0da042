"""Round 10 of the reading (issue 14): the value said to be the current one inside a what-if is stated; an incident
denied is none left open; confessions and a company's trade in a few more words."""

from __future__ import annotations

import pytest

from tests.chat.reading import read


@pytest.mark.parametrize("text, now, supposed", [
    ("假如返修率从现在的2.6%降到1%，D1能加几分？", ("D1.3", 2.6), ("D1.3", 1.0)),
    ("要是人均培训学时从目前的20小时翻倍到40小时，D4能拿多少分", ("D4.2", 20.0), ("D4.2", 40.0)),
])
def test_the_current_value_in_a_what_if_is_stated_and_the_other_supposed(text, now, supposed):
    x = read(text)
    assert x.hypothetical
    assert [(k.criterion, k.value) for k in x.kpis] == [supposed]
    assert x.stated is not None and [(k.criterion, k.value) for k in x.stated.kpis] == [now]


def test_a_what_if_without_the_current_value_states_nothing():
    x = read("如果首次响应降到4小时能过吗")
    assert x.hypothetical and x.stated is None


def test_a_what_if_records_the_current_value_and_grades_the_supposed_on_a_copy(conv):
    out = conv.handle("假如返修率从现在的2.6%降到1%，D1能加几分？")
    assert conv.state.assessment["criteria"]["D1.3"]["kpi"] == 2.6   # the value now is recorded
    assert "1%" in out["answer"] or "1.0" in out["answer"]             # the supposed one is what the answer grades


@pytest.mark.parametrize("text, want", [
    ("澄清一下，我们没有没解决的重大质量事故，去年那次压缩机召回早就全部处理完、结案了", False),
    ("去年有一批热水器召回，到现在还没处理完", True),
])
def test_an_incident_denied_is_none_left_open(text, want):
    assert read(text).declarations.get("major_incident_unresolved") is want


def test_figures_not_from_real_callbacks_are_a_confession():
    x = read("说句实话，之前交上去的满意度报告里有些数据并不是真的回访出来的")
    assert x.declarations.get("materials_truthful") is False


def test_the_rest_of_a_sentence_after_a_product_launch_is_no_trade():
    assert "industry" not in read("培训嘛零零散散的，新品出来厂家来人讲一讲，平时就是师傅带徒弟").enterprise


@pytest.mark.parametrize("text, name", [
    ("介绍下情况：我们是深圳的凯利达电器，做空调的，员工600人。", "凯利达电器"),
    ("Company: Nordic Breeze Appliances, HVAC, around 450 staff.", "Nordic Breeze Appliances"),
])
def test_a_company_name_after_a_place_or_a_label(text, name):
    assert read(text).enterprise.get("name") == name


@pytest.mark.parametrize("text, name", [
    ("我们做工程机械，公司名称三一达重工，员工2100人。", "三一达重工"),
    ("公司名：苏州迅梯机电工程有限公司，主要搞电梯维保，三百多号人", "苏州迅梯机电工程有限公司"),
    ("公司情况：光合太阳能，光伏逆变器，员工650。", "光合太阳能"),
])
def test_a_company_name_after_a_label(text, name):
    assert read(text).enterprise.get("name") == name


def test_a_head_count_corrected_is_no_name():
    assert "name" not in read("刚才说错了，全公司是360人，300是去年的数。").enterprise


def test_evidence_named_by_what_it_was_exported_from_keeps_its_own_name():
    x = read("上门及时率的证据是派工系统导出的签到明细，还有用户权限管理记录。")
    assert sorted(e.item for e in x.evidence) == ["用户权限管理记录", "签到明细"]


@pytest.mark.parametrize("text, want", [
    ("Something I need to flag: the spare-parts figure in the pack we submitted was inflated. "
     "So the materials we handed in are not accurate.", False),
    ("我们交上去的满意度数据不准确，有一部分是估的。", False),
    ("The first-time fix rate was inflated because repeat visits were not linked.", None),  # a rate counted wrong
    ("The data we submitted is accurate.", None),
])
def test_materials_handed_in_said_to_be_wrong_are_a_confession(text, want):
    assert read(text).declarations.get("materials_truthful") is want
