"""Levels from absences and descriptions (issue 14): what is denied, a gap, or an ad hoc practice left."""

from __future__ import annotations

import pytest

from tests.chat.reading import levels





@pytest.mark.parametrize("text", [
    "内审证据就一份内审报告，别的真没有",                      # what else is missing is no absence of the practice
    "备件不适用，我们没有硬件。",                               # not applicable: no level
    "投诉处理也不是啥都没有哈，程序文件有，台账也有，就是没定处理时限",  # the absence is denied; one gap
    "没有第三方满意度测评报告，也没搞过神秘客户暗访",            # higher-level means missing: no L0
])
def test_no_level_where_the_client_stated_none(text):
    assert levels(text) == {}


def test_ad_hoc_practice_left_after_the_absence_is_initial_level():
    assert levels("改进这块说实话没什么正式流程，都是老板想起来哪块就抓哪块") == {"D6.1": 1}
    assert levels("We don't really have a complaint procedure - whoever picks up the phone deals with it.") == {"D2.3": 1}


def test_a_level_name_in_quotes_is_read():
    assert levels("Internal audit is at the 'defined' level I think: it covers every department.") == {"D5.4": 3}


def test_plain_absence_still_level_zero():
    assert levels("我们没有内审") == {"D5.4": 0}
    assert levels("满意度调查从来没做过") == {"D3.2": 0}
