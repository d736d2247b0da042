"""Levels read from absences and descriptions, and company facts (assistant/chat/reading/levels.py, company.py)."""

from __future__ import annotations

import pytest

from assistant.chat.extract import extract
from tests.chat.reading import TODAY, levels





def enterprise(text):
    return extract(text, today=TODAY).enterprise


# --- company facts -----------------------------------------------------------------------------------------------


# Products the client names are recorded in the client's words, as consultants record them (intake round 10: twelve
# development messages of six writers, none the other way); the sector's name only where no product phrase is said.
@pytest.mark.parametrize("text, sector", [
    ("我们是鼎新重工，做挖掘机和装载机的，三千人左右。", "挖掘机和装载机"),
    ("我们做超声和监护仪，公司九百多人。", "超声和监护仪"),
    ("Hi, we're Acme Health, we make patient monitors.", "patient monitors"),
    ("我们是做中小企业财务SaaS的。", "SaaS"),                           # a size word is no sector
    ("我们做电梯安装和维保的。", "电梯"),                                # never a fragment like 电梯安装和
    ("咱们复印机这行没证不让上门。", "复印机"),                         # the trade as the client names it
])
def test_the_industry_is_the_trade_the_client_names(text, sector):
    assert enterprise(text).get("industry") == sector


def test_no_industry_from_words_that_are_no_introduction():
    assert "industry" not in enterprise("我们没有单独的售后部门，东西坏了就是销售顺手找厂里师傅去修")
    assert "industry" not in enterprise("空调安装师傅里还有两成半没拿到制冷作业证")


def test_an_english_name_says_the_sector():
    assert enterprise("Hi, we're Nordlift Elevators, about 650 staff.")["industry"].lower().startswith("elevator")


@pytest.mark.parametrize("text, employees", [
    ("我们是华澜电梯，做电梯安装维保，1200来号人，全国36个分公司。", 1200),
    ("我们是云栈科技，做SaaS的，380人。", 380),
    ("俺们是日曜新能源，整光伏逆变器的，六百来人。", 600),
])
def test_a_head_count_said_alone_in_a_self_introduction(text, employees):
    assert enterprise(text)["employees"] == employees


def test_a_department_head_count_is_not_the_company():
    assert "employees" not in enterprise("售后部62个人，分客服、工程师、备件三块。")


def test_a_name_after_a_greeting():
    e = enterprise("你好，重岳重工，做挖掘机和装载机的，4000人左右。")
    assert e["name"] == "重岳重工" and e["employees"] == 4000


# --- levels from what is missing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text, criterion, level", [
    ("有维修规范和培训记录，但没有备件管理制度。", "D2.4", 0),   # the rule L2 names is missing
    ("没有书面的安装维修规范，全凭师傅经验", "D1.1", 0),          # L0: 全凭个人经验
    ("售后服务规范那些书面的东西，说实话一份都没有，师傅们凭经验干", "D1.1", 0),
    ("创新的话，有几个师傅自己搞视频指导客户，没立项，也没统计效果", "D6.3", 1),  # L1: 自发尝试, 没有立项
    ("回访是有的，但是没有统一的问卷，谁打电话谁随便问。", "D3.2", 1),
])
def test_an_absence_gives_the_level_whose_descriptor_fits(text, criterion, level):
    assert levels(text).get(criterion) == level


def test_a_survey_never_done_is_the_survey_mechanism_absent_only():
    assert levels("满意度调查从来没做过") == {"D3.2": 0}


def test_a_missing_report_of_a_higher_level_is_no_level():
    assert levels("没有第三方满意度测评报告") == {}


def test_a_share_that_lacks_something_is_no_absence():
    assert "D4.3" not in levels("空调安装师傅里还有两成半没拿到制冷作业证")
