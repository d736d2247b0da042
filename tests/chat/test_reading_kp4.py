"""KPI values, round 4 (assistant/chat/reading/kpis.py, quantities.py, patterns.py): service hours and hotline numbers
are no values, a value per period becomes a year's training hours, loose words and denied values give way to the
figure meant, and a what-if covers only its own sentence."""

from __future__ import annotations

import pytest

from assistant.chat.extract import Context
from tests.chat.reading import read, said_back





def stated(x):
    return x.stated if x.hypothetical and x.stated is not None else x


def kpis(text, **kw):
    return {k.criterion: k.value for k in stated(read(text, **kw)).kpis}


# --- service hours said in words are no value, and are said back ---------------------------------------------------


@pytest.mark.parametrize("text, value, words", [
    ("首次响应我们平均0.8小时，值班是24小时的，晚上也有人", 0.8, "24小时"),
    ("困人救援首次响应平均0.4个钟，24小时有人值班", 0.4, "24小时有人值班"),
    ("热线全天24小时，首次响应平均1.5小时", 1.5, "24小时"),
    ("We staff the hotline 24 hours a day; first response averages 1.5 hours", 1.5, "24 hours a day"),
])
def test_service_hours_are_said_back_not_a_response_time(text, value, words):
    x = read(text)
    assert {k.criterion: k.value for k in x.kpis} == {"D2.1": value}
    assert words in said_back(x)


def test_a_bound_of_24_hours_is_still_a_response_time():
    assert kpis("首次响应24小时内") == {"D2.1": 24.0}


def test_a_hotline_number_after_a_comma_is_no_value():
    assert kpis("投诉处理周期大概两周，12315转过来的那种更久") == {"D2.3": 14.0}


@pytest.mark.parametrize("text", ["首次响应平均3个钟头", "首次响应平均3个钟", "首次响应平均3钟头"])
def test_zhong_is_hours(text):
    assert kpis(text) == {"D2.1": 3.0}


# --- training hours said per period ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("培训的话每个季度每人8小时，雷打不动", 32.0),
    ("培训学时每季度10小时", 40.0),
    ("人均培训每月3小时", 36.0),
    ("training hours: 2 hours a week per technician", 104.0),
])
def test_training_hours_per_period_are_counted_for_the_year(text, value):
    x = read(text)
    assert {k.criterion: k.value for k in x.kpis} == {"D4.2": value}
    assert "全年" in x.kpis[0].note or "a year" in x.kpis[0].note


def test_a_period_does_not_multiply_a_kpi_that_is_not_per_year():
    assert kpis("首次响应每个季度平均2小时") == {"D2.1": 2.0}


# --- 成 -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [("上门及时率九成二", 92.0), ("上门及时率九成五", 95.0), ("上门及时率八成", 80.0)])
def test_tenths_said_in_cheng(text, value):
    assert kpis(text) == {"D2.2": value}


def test_a_kpi_named_alone_before_a_pause_is_the_topic_of_the_value():
    assert kpis("上门及时率的话……大概九成二吧，我印象里是这个数") == {"D2.2": 92.0}


# --- a loose word beside an exact figure ------------------------------------------------------------------------


def test_a_loose_while_gives_way_to_the_exact_figure():
    x = read("首次响应一般得大半天，平均八个小时吧")
    assert {k.criterion: k.value for k in x.kpis} == {"D2.1": 8.0}
    assert "大半天" in said_back(x)


def test_a_day_or_half_a_day_is_not_a_day_and_a_half():
    assert kpis("投诉处理一天半天就能关") == {"D2.3": 1.0}
    assert kpis("首次响应一天半") == {"D2.1": 36.0}


# --- a denied value ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Sorry, correction: training is 26 hours, not 36. The 36 was the plan.",
    "更正一下，培训学时是26，不是36，36是计划",
    "培训学时不是36，是26",
])
def test_the_value_said_not_to_be_it_is_not_recorded(text):
    ctx = Context(kpis={"D4.2": 36.0}, focus=["D4.2"])
    x = read(text, context=ctx)
    assert {k.criterion: k.value for k in x.kpis} == {"D4.2": 26.0}
    assert "36" in said_back(x)


# --- a what-if covers only its own sentence ---------------------------------------------------------------------


def test_the_statement_before_a_what_if_is_recorded_and_the_supposed_value_is_not():
    x = read("Right now on-site punctuality is 91.2%. If we pushed it to 95%, would that bump us up a level?")
    assert x.hypothetical
    assert {k.criterion: k.value for k in x.kpis} == {"D2.2": 95.0}  # supposed, for the trial
    assert {k.criterion: k.value for k in x.stated.kpis} == {"D2.2": 91.2}


def test_now_with_no_name_carries_on_with_the_kpi_talked_about_and_the_what_if_stays_supposed():
    ctx = Context(kpis={"D2.2": 89.0}, focus=["D2.2"])
    x = read("现在是91.2%，如果提到95%能升一级吗", context=ctx)
    assert x.hypothetical
    assert {k.criterion: k.value for k in x.stated.kpis} == {"D2.2": 91.2}
    assert {k.criterion: k.value for k in x.kpis} == {"D2.2": 95.0}


# --- days of training at a stated day length -----------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("人均一年培训两天，一天按八个小时算。", 16.0),
    ("Each technician gets 3 days of training a year, at 8 hours a day", 24.0),
])
def test_training_days_at_a_stated_day_length_are_hours(text, value):
    x = read(text)
    assert {k.criterion: k.value for k in x.kpis} == {"D4.2": value}
    assert "8" in x.kpis[0].note


def test_training_days_without_a_day_length_are_said_back_not_guessed():
    x = read("人均一年培训两天")
    assert x.kpis == []
    assert "两天" in said_back(x)
