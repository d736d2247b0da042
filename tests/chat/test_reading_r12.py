"""Round 12 of the reading (issue 14): a list's line breaks are no ranges, arrows are changes, what is expected is no
value, a line's or a model's number is no value, an incident settled in more words is closed, and nothing said of
another company is this client's."""

from __future__ import annotations

import pytest

from tests.chat.reading import kpis, levels, read


def test_numbered_lines_are_read_each_with_its_own_value():
    got = kpis("1. 一次修复率 91.5%\n2. 上门及时率 96.1%\n3. 投诉处理周期 3.2天")
    assert got == {"D1.2": 91.5, "D2.2": 96.1, "D2.3": 3.2}


def test_an_arrow_is_a_change_to_the_later_value():
    assert kpis("上门及时率 上半年 88% → 下半年 93%") == {"D2.2": 93.0}


@pytest.mark.parametrize("text", [
    "我们打算明年上智能派单系统，预计上门及时率能提到98%。",
    "新系统上线后一次修复率有望达到95%。",
])
def test_a_value_expected_is_no_value(text):
    assert read(text).kpis == []


def test_a_production_line_number_is_no_value():
    assert read("返修主要集中在5号线生产的那几批，型号是KF-26").kpis == []


@pytest.mark.parametrize("text", [
    "去年那起热水器漏电事故，赔偿谈妥了，调查报告也结了。",
    "前年那次召回早就处理完了，监管部门正式结案。",
])
def test_an_incident_settled_is_recorded_closed(text):
    assert read(text).declarations.get("major_incident_unresolved") is False


@pytest.mark.parametrize("text", [
    "隔壁那家做空调的同行被查出来材料造假，证书撤了，我们可不想这样。",
    "我们参考过同行一家龙头企业的《服务标准手册》，挺受启发的。",
])
def test_what_is_said_of_another_company_records_nothing(text):
    x = read(text)
    assert x.declarations == {} and x.evidence == [] and "industry" not in x.enterprise


def test_the_clients_own_fact_beside_another_companys_is_recorded():
    x = read("隔壁公司被开了严重不符合。我们是做空调的，材料都是自己整理的真实数据。")
    assert x.enterprise.get("industry") == "空调" and x.findings == []


def test_scores_steered_or_faked_by_staff_are_a_confession_and_the_figure_is_not_recorded():
    x = read("说实话，报上去的95%是工程师在现场引导客户扫码打的分，还有一部分是员工自己刷的")
    assert x.declarations.get("materials_truthful") is False
    assert x.kpis == []


def test_a_trade_with_a_modal_looking_character_is_still_a_trade():
    assert read("我们是杭州一家做智能门锁的，员工两百来人").enterprise.get("industry") == "智能门锁"


@pytest.mark.parametrize("text", [
    "我们正在编《服务创新管理办法》，下个月发布",
    "审核员让我们准备《管理评审报告》，这个我们还没写",
])
def test_a_document_being_written_is_no_evidence(text):
    assert read(text).evidence == []


def test_records_put_together_afterwards_are_a_confession():
    x = read("To be honest, part of the training records we uploaded were put together afterwards. "
             "They don't reflect what actually happened.")
    assert x.declarations.get("materials_truthful") is False and x.evidence == []


@pytest.mark.parametrize("text, want", [
    ("培训计划没有，培训记录也从来不留，新人就跟着老员工自己学，学会了就上岗。", {"D4.1": 0}),
    ("No, we don't have any written service standards yet – the engineers just go by experience.", {"D1.1": 0}),
])
def test_a_document_missing_with_the_work_done_from_experience_is_the_practice_missing(text, want):
    assert levels(text) == want


def test_a_document_missing_alone_is_still_no_level():
    assert levels("个人培训档案还没建") == {}
