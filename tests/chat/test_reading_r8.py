"""Round 8 of the reading (issue 14): a level said of a whole dimension or of every criterion, KPI criteria
included; findings told together sharing their audit date; severities as clients say them."""

from __future__ import annotations

from datetime import date

import pytest

from tests.chat.reading import levels, read

D1 = ["D1.1", "D1.2", "D1.3", "D1.4"]
D2 = ["D2.1", "D2.2", "D2.3", "D2.4"]


@pytest.mark.parametrize("text, want", [
    ("D2整个维度我感觉都是定义级", {c: 3 for c in D2}),
    ("D6三条都是L2", {"D6.1": 2, "D6.2": 2, "D6.3": 2}),
    # the level said of D1, not of D2.1 named after it with a value
    ("我们目前D1都在二级左右，D2.1平均响应6个小时", {c: 2 for c in D1}),
    # each level phrase is said of what comes before it since the one before
    ("D1.1到D1.4全部L3，D2也全部L3", {c: 3 for c in D1 + D2}),
])
def test_a_level_said_of_a_dimension_is_each_of_its_criteria(text, want):
    assert levels(text) == want


def test_a_level_said_of_every_criterion_is_each_of_the_22():
    got = levels("我们所有条款都只能算初始级吧，刚起步。")
    assert len(got) == 22 and set(got.values()) == {1}
    assert levels("All criteria are at level 2 for now.")["D6.2"] == 2


def test_a_kpi_criterion_keeps_its_value_and_takes_a_declared_level_only_without_one():
    x = read("我们目前D1都在二级左右，一次修复率91%")
    assert {k.criterion: k.value for k in x.kpis} == {"D1.2": 91}
    assert {lv.criterion: lv.level for lv in x.levels}["D1.1"] == 2  # the engine grades D1.2 by its value


def test_findings_told_together_share_the_audit_date_said_once():
    x = read("两条一般不符合：F3是年度培训计划没按计划执行（D4.1），F4是备件台账账实不符（D2.4），都是2026-10-15那次审核开的。F3已经关了，F4还开着。")
    got = {f.id: (f.severity, f.criterion, f.status, f.raised_on) for f in x.findings}
    assert got == {"F3": ("minor", "D4.1", "closed", date(2026, 10, 15)),
                   "F4": ("minor", "D2.4", "open", date(2026, 10, 15))}


def test_two_findings_with_their_own_dates_keep_them():
    x = read("F1是一般不符合，D2.1，10月9号审核开的；F2是观察项，D6.1，11月20号开的，都没关。")
    assert {f.id: f.raised_on for f in x.findings} == {"F1": date(2026, 10, 9), "F2": date(2026, 11, 20)}


@pytest.mark.parametrize("text, severity", [
    ("外审说我们培训学时统计有问题，把班前会也算进去了，开了个一半不符合。就是这周三的事，还没整改", "minor"),
    ("我们的F3是建议项，D6.3，审核日期十一月十二日，没处理。", "observation"),
    ("Two minors from the Oct 15 audit: F2 is about on-time arrival, F3 about spare parts. F3 is still open.", "minor"),
])
def test_severities_as_clients_say_them(text, severity):
    found = read(text).findings
    assert found and all(f.severity == severity for f in found)


def test_major_as_an_adjective_of_something_else_is_no_finding():
    assert read("Our first response is a major improvement over last year: 2 hours.").findings == []


def test_month_and_day_with_a_slash_date_the_audit_and_a_decimal_stays_a_number():
    x = read("11.12那次外审开了个一般不符合，D2.3，还没关")
    assert [f.raised_on for f in x.findings] == [date(2026, 11, 12)]
    assert {k.criterion: k.value for k in read("上门及时率0.92").kpis} == {"D2.2": 92}


def test_a_figure_filled_in_with_the_target_is_untrue_material():
    """Round 8's held-out part, read after it was measured: the veto it missed (V1)."""
    x = read("还有个事：报给你们的上门及时率96.5%其实不是统计出来的，是按我们的目标值填的，真实数据还在整理。")
    assert x.declarations == {"materials_truthful": False}


def test_each_finding_keeps_the_audit_date_said_before_it():
    x = read("10月28号的外审开了个一般不符合F1，是D2.2上门到达时间没有签到记录，还开着；8月12号那次的观察项O1是D5.2的，已经关了。")
    got = {f.id: (f.severity, f.criterion, f.status, f.raised_on) for f in x.findings}
    assert got == {"F1": ("minor", "D2.2", "open", date(2026, 10, 28)),
                   "O1": ("observation", "D5.2", "closed", date(2026, 8, 12))}


def test_a_kpi_criterion_with_a_value_held_is_not_read_from_a_description():
    """The value's level stands (SCHEME.md §2): a description of the practice adds no declared level beside it."""
    from assistant.chat.extract import Context

    text = "投诉处理周期这块，所有渠道的投诉都统一进系统，按严重程度分级自动流转到责任部门，关闭必须客户确认，重开的投诉跟原投诉关联"
    assert levels(text) == {"D2.3": 3}
    assert "D2.3" not in levels(text, context=Context(kpis={"D2.3": 5.0}))
