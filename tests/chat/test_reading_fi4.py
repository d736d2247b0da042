"""Several findings told in one message: one span per finding ID, a severity said right before an ID is that ID's
and carries over the list, what is said once for the list (its audit date, "全部未关闭") holds for all, and each
finding's words are its description (assistant/chat/reading/findings.py)."""

from __future__ import annotations

import pytest

from assistant.chat.extract import extract
from tests.chat.reading import TODAY, read



def findings(text):
    return [(f.id, f.severity, f.raised_on.isoformat() if f.raised_on else None, f.status)
            for f in extract(text, today=TODAY).findings]


def texts(text):
    return {f.id: f.text for f in extract(text, today=TODAY).findings}


REPORT = ("外审报告出来了：严重不符合F1，客户投诉超时没人升级；一般不符合F2 培训记录不全，F3 制度文件没版本号；"
          "观察项F4 创新项目没效果数据。审核日期11月18日，全部未关闭")


def test_a_severity_before_an_id_is_its_own_and_carries_to_the_next_ids():
    assert findings(REPORT) == [("F1", "major", "2026-11-18", "open"), ("F2", "minor", "2026-11-18", "open"),
                                ("F3", "minor", "2026-11-18", "open"), ("F4", "observation", "2026-11-18", "open")]


def test_a_findings_words_stop_before_the_next_ones_severity():
    assert texts(REPORT) == {"F1": "客户投诉超时没人升级", "F2": "培训记录不全", "F3": "制度文件没版本号", "F4": "创新项目没效果数据"}


@pytest.mark.parametrize("text, expected", [
    ("Audit on 3 Nov: major NC F2 on spare parts availability, still open, plus observation F3 about the "
     "satisfaction survey questionnaire.",
     [("F2", "major", "2026-11-03", "open"), ("F3", "observation", "2026-11-03", "open")]),
    ("We had an audit on 14 October: minor NC F1 on document version control, closed after document review, and an "
     "observation F2 about innovation pilots lacking data, still open.",
     [("F1", "minor", "2026-10-14", "closed"), ("F2", "observation", "2026-10-14", "open")]),
    ("Major NC F1 on complaint escalation and minor NC F2 on training records, both closed.",
     [("F1", "major", None, "closed"), ("F2", "minor", None, "closed")]),
])
def test_each_english_severity_and_status_stays_with_its_own_id(text, expected):
    assert findings(text) == expected


def test_english_descriptions_lose_the_joining_and_status_words():
    got = texts("We had an audit on 14 October: minor NC F1 on document version control, closed after document "
                "review, and an observation F2 about innovation pilots lacking data, still open.")
    assert got == {"F1": "document version control", "F2": "innovation pilots lacking data"}


def test_ids_listed_together_then_described_one_by_one():
    text = "9月8号外审开了一般不符合F1和F2：F1是备件安全库存没测算，已经文件审查关了；F2是内审员审自己部门，还开着"
    assert findings(text) == [("F1", "minor", "2026-09-08", "closed"), ("F2", "minor", "2026-09-08", "open")]
    assert texts(text) == {"F1": "备件安全库存没测算", "F2": "内审员审自己部门"}


def test_a_clause_about_the_others_holds_for_the_ones_not_named_in_it():
    got = findings("外审开了3个不符合：严重不符合F1备件账实不符，一般不符合F2培训记录不全、F3内审没覆盖网点。F1还开着，其他都关了")
    assert [(f[0], f[1], f[3]) for f in got] == [("F1", "major", "open"), ("F2", "minor", "closed"), ("F3", "minor", "closed")]


def test_an_audit_date_said_after_the_list_holds_for_all():
    got = findings("观察项F5 回访样本不独立，F6 满意度问卷没有统计分析，11月3号审核")
    assert got == [("F5", "observation", "2026-11-03", "open"), ("F6", "observation", "2026-11-03", "open")]


def test_a_severity_after_an_id_is_not_the_next_ids():
    # "F1是严重不符合 F2…": the severity tells F1; F2 says its own.
    assert findings("F1是严重不符合 F2是观察项") == [("F1", "major", None, "open"), ("F2", "observation", None, "open")]
    assert texts("F1（严重）投诉超期，F2（一般）培训记录不全，都没关") == {"F1": "投诉超期", "F2": "培训记录不全"}


def test_a_single_finding_keeps_its_reading_and_loses_the_frame_words():
    text = "还有个严重不符合F1没关，8月12号开的，关于装机规范"
    assert findings(text) == [("F1", "major", "2026-08-12", "open")]
    assert texts(text) == {"F1": "装机规范"}
    assert texts("A minor nonconformity, F2, was raised on 15 November about missing training records. Still open.") \
        == {"F2": "missing training records"}


def test_a_status_word_inside_the_description_is_kept_in_its_words():
    text = "10月20号外审开了2个一般不符合，F1：有工程师证书过期了还在上门；F2：投诉关闭没有客户确认。都还open"
    assert [f[3] for f in findings(text)] == ["open", "open"]
    assert texts(text)["F2"] == "投诉关闭没有客户确认"


def test_a_sentence_telling_only_when_it_was_raised_belongs_to_the_finding():
    assert findings("观察项一条：内审没覆盖到分公司。9月3号开的") == [(None, "observation", "2026-09-03", "open")]
    # a day it was closed is no audit day
    assert findings("外审开了个一般不符合，培训记录不全。12月1号复审关了") == [(None, "minor", None, "closed")]


def test_kpi_values_said_before_a_finding_in_the_same_sentence_are_recorded():
    ex = read("备件保障率96.5，一次修复率92，另外F2那个一般不符合上周已经关了")
    assert {k.criterion: k.value for k in ex.kpis} == {"D2.4": 96.5, "D1.2": 92.0}
    assert [(f.id, f.status) for f in ex.findings] == [("F2", "closed")]
