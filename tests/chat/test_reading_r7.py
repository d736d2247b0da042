"""Round 7 of the reading (issue 14): what only a customer can give, said to be made by the company (V1); the rest
of a sentence read as an industry."""

from __future__ import annotations

import pytest

from tests.chat.reading import read


@pytest.mark.parametrize("text", [
    "说实话，客户签字那栏不少是维修师傅自己签了交上来的。",
    "满意度回访那批记录，其实一半以上是区域经理自己填的，没真的打电话。",
])
def test_a_customers_part_made_by_the_company_is_untrue_material(text):
    assert read(text).declarations.get("materials_truthful") is False


@pytest.mark.parametrize("text", [
    "满意度是客户自己填的问卷，我们不经手。",
    "工单是师傅自己填的，系统里能查。",
    "回访我们自己打电话，每月抽200户。",
])
def test_what_customers_or_staff_fill_in_as_they_should_is_no_confession(text):
    assert "materials_truthful" not in read(text).declarations


@pytest.mark.parametrize("text", [
    "配件要是缺货，有时候还得等厂家发过来，平均三天。",
    "大一点的故障一般要厂家派人，我们自己修不了。",
])
def test_the_rest_of_a_sentence_after_the_maker_is_no_industry(text):
    assert "industry" not in read(text).enterprise


def test_a_trade_said_is_still_read():
    assert read("我们是做工程机械的，挖掘机为主").enterprise.get("industry") == "工程机械"
