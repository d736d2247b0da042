"""Round 6 (assistant/chat/reading/kpis.py, quantities.py, patterns.py): a value is checked against the words around it
before it is recorded (the name of another rate before it, a bare number beside one said with its unit, 一 that is
a word), a doubt about other figures leaves the figures said alone, and unresolved incidents and major findings in
more of the words clients use. Wordings written for these tests, not taken from evals/."""

from __future__ import annotations

import pytest

from tests.chat.reading import kpis, read, said_back


@pytest.mark.parametrize("text, recorded, back", [
    ("客户满意度90%，调查的接通率只有58%", {"D3.1": 90}, "58%"),
    ("一次修复率93%，派单准确率97%", {"D1.2": 93}, "97%"),
    ("CSAT came in at 88%, and the survey response rate was 41%", {"D3.1": 88}, "41%"),
])
def test_a_value_after_the_name_of_another_rate_is_that_rates_and_said_back(text, recorded, back):
    x = read(text)
    assert {k.criterion: k.value for k in x.kpis} == recorded
    assert back in said_back(x)


@pytest.mark.parametrize("text, recorded", [
    ("上门准时率是九成三", {"D2.2": 93}),                     # a rate named by the lexicon stays the KPI's
    ("Spare parts fill rate is 0.94", {"D2.4": 94}),        # words that go on naming the KPI before them
    ("上门这块约好的都按时到了，及时率98%", {"D2.2": 98}),   # a shortened name of the KPI just talked about
])
def test_a_rate_that_names_the_kpi_keeps_its_value(text, recorded):
    assert kpis(text) == recorded


def test_a_bare_number_beside_a_value_with_its_unit_is_not_that_value():
    assert kpis("2至10月的返修率是2.2%") == {"D1.3": 2.2}


def test_yi_as_part_of_a_word_is_no_number_and_a_doubt_about_other_figures_leaves_these_recorded():
    x = read("一次修复率90%，返修率3%，都是系统里的，其他的我还得问一下品质部")
    assert {k.criterion: k.value for k in x.kpis} == {"D1.2": 90, "D1.3": 3}
    doubted = read("一次修复率大概90%吧，我再核实一下")
    assert doubted.kpis == [] and "90%" in said_back(doubted)  # a doubt about the figure said: not recorded, said back


@pytest.mark.parametrize("text", [
    "上个月一台热水器漏电烫伤了用户，市场监管局还在查",
    "用户家里的空调起火了，调查结论还没出来",
    "有台扶梯夹伤了人，事故报告到现在还没出",
    "去年出过人命，那件事到现在还没定性",
    "上半年有一批次质量问题上了新闻，目前还在整改",
])
def test_an_unresolved_incident_in_plain_words_is_declared(text):
    assert read(text).declarations.get("major_incident_unresolved") is True


def test_a_major_finding_in_slang_is_major():
    x = read("上周审核开了个大的不符合，还没整改完")
    assert [(f.severity, f.status) for f in x.findings] == [("major", "open")]


@pytest.mark.parametrize("text, name", [
    ("说到返修率，这个我们是真有感触，去年才3%", None),   # words said of the company, not a name
    ("我们是比较重视售后的", None),
    ("我们是鸿达机械有限公司，做工程机械的", "鸿达机械有限公司"),
    ("我们叫华东精工", "华东精工"),
])
def test_a_company_name_is_a_name_not_words_said_of_the_company(text, name):
    assert read(text).enterprise.get("name") == name


@pytest.mark.parametrize("text", [
    "F2那个严重不符合我们准备下周关掉，关了以后能合格吗？",
    "争取月底前把F2关闭",
    "We plan to close F2 next week",
])
def test_a_closing_intended_is_not_a_closing(text):
    x = read(text)
    assert "F2" not in x.closed_findings
    assert all(f.status == "open" for f in x.findings)


@pytest.mark.parametrize("text", ["F2 10月底已经复审关闭", "上周会上确认F2已关闭", "F2整改要求的材料都交了，已经关闭"])
def test_a_closing_done_is_a_closing(text):
    assert read(text).closed_findings == ["F2"]


@pytest.mark.parametrize("text, recorded", [
    ("投诉一年也就二十来起，平均十天处理完", {"D2.3": 10}),          # 一年: the window of the count, not the closure time
    ("一个月有三百来单投诉，平均2天关闭", {"D2.3": 2}),
])
def test_a_period_said_with_a_count_is_the_counts_window(text, recorded):
    assert kpis(text) == recorded


def test_figures_said_not_to_be_real_are_untrue_materials():
    assert read("回访数据不是真实回访出来的，是网点估的").declarations.get("materials_truthful") is False


@pytest.mark.parametrize("text, untrue", [
    ("给审核组的回访数据，有一些是网点自己估的，不是真实回访出来的", False),  # the figures named before the clause
    ("交上去的回访记录，其实不是真的。", False),
    ("报告我们看了，不是真的很差", None),                                     # "not really": no statement on the materials
])
def test_figures_said_not_real_in_a_clause_of_their_own(text, untrue):
    assert read(text).declarations.get("materials_truthful") is untrue
