"""Findings and veto declarations in clients' own words (assistant/chat/reading/findings.py, topics.py, dates.py and
the declaration readings in company.py and patterns.py)."""

from __future__ import annotations

import pytest

from assistant.chat.extract import Context
from assistant.chat.reading.dates import find as find_dates
from tests.chat.reading import TODAY, read

MAJOR_OPEN = Context(findings=[{"id": "F1", "criterion": "D2.3", "severity": "major", "status": "open",
                                "text": "投诉处理超期", "raised_on": "2026-10-20"}])




def findings(text, **kw):
    return [(f.id, f.severity, f.criterion, f.raised_on.isoformat() if f.raised_on else None, f.status)
            for f in read(text, **kw).findings]


# --- dates as people say them ----------------------------------------------------------------------------------


@pytest.mark.parametrize("words, day", [
    ("上周三", "2026-11-25"),  # the week before this one, weeks from Monday
    ("上上周五", "2026-11-20"),
    ("本周一", "2026-11-30"),
    ("周五", "2026-12-04"),  # a weekday alone: the latest one not after today
    ("3天前", "2026-12-03"),
    ("两周前", "2026-11-22"),
    ("上个月15号", "2026-11-15"),
    ("前天", "2026-12-04"),
    ("two weeks ago", "2026-11-22"),
    ("last Wednesday", "2026-12-02"),
    ("the day before yesterday", "2026-12-04"),
])
def test_relative_days(words, day):
    found = [d for d in find_dates(words, TODAY) if d.day]
    assert [d.day.isoformat() for d in found] == [day]


@pytest.mark.parametrize("words", ["下周三复审", "每周三培训"])
def test_weekdays_ahead_or_recurring_are_no_past_day(words):
    assert not [d for d in find_dates(words, TODAY) if d.day]


# --- findings ----------------------------------------------------------------------------------------------------


def test_several_findings_with_ids_share_severity_date_and_status():
    got = findings("上个月15号监督审核，开了两个一般项：F2文件版本不受控，F3内审没覆盖授权网点，都还开着")
    assert got == [("F2", "minor", "D5.2", "2026-11-15", "open"), ("F3", "minor", "D5.4", "2026-11-15", "open")]


@pytest.mark.parametrize("text, severity", [
    ("审核开了个严重项，备件库存账实不符", "major"),
    ("审核开了个一般项，管理评审没做", "minor"),
    ("外审开了一个严重的不符合，工程师很多没有上岗证", "major"),
])
def test_severity_said_short(text, severity):
    got = findings(text)
    assert len(got) == 1 and got[0][1] == severity and got[0][4] == "open"


def test_audit_day_said_relative_to_today():
    assert findings("上周三审核老师提了个观察项，说差评没人回复客户") == [(None, "observation", "D3.4", "2026-11-25", "open")]
    assert findings("3天前外审开了个一般项，管理评审没做") == [(None, "minor", "D5.4", "2026-12-03", "open")]


@pytest.mark.parametrize("text, criterion", [
    ("审核员开了个观察项，说差评没人跟进回复", "D3.4"),  # the catalogue's D3.4 speaks of 差评 and 回复
    ("审核员开了个观察项，说整改超期没有跟踪", "D6.2"),
    ("The auditor raised a minor one on staff certification, still open.", "D4.3"),
])
def test_criterion_from_the_findings_topic_in_the_catalogues_words(text, criterion):
    assert [f[2] for f in findings(text)] == [criterion]


def test_status_words_alone_name_no_criterion():
    text = ("At the November 3 audit they raised two minor NCs: F4 on complaint-rate data, F5 on internal audit scope. "
            "F4 is closed already, F5 still open.")
    assert {f[2] for f in findings(text) if f[0] == "F4"} <= {"D3.3", None}


def test_known_major_closed_in_vague_words():
    assert findings("哦不对，那个严重项上周已经现场复审关掉了", context=MAJOR_OPEN) == [("F1", None, None, None, "closed")]


def test_known_major_closed_beside_a_new_finding():
    got = findings("那个严重不符合关了。不过审核老师顺手又开了个观察项，说投诉分级还可以再细一点", context=MAJOR_OPEN)
    assert ("F1", None, None, None, "closed") in got
    assert [(f[1], f[4]) for f in got if f[0] is None] == [("observation", "open")]


def test_by_ear_does_not_turn_a_raised_finding_into_another_word():
    # 核 has a rare reading kai, but not in 审核: "外审开了" stays as written and the finding is read.
    assert findings("外审开了一个一般不符合，培训记录不全")[0][1:3] == ("minor", "D4.1")


# --- veto declarations ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "说实话，上回交上去的满意度报告是我们自己填的，报告上写回访了2000户，实际也就几百户",
    "报告是我们自己填的，实际没那么多",
    "有几张工单截图的日期是后来P上去的，这个要紧吗",
    "数据是编的",
    "报上去的满意度有水分，实际没那么高",
    "we padded the numbers a bit before the audit",
    "Honestly we inflated the satisfaction figures.",
])
def test_materials_not_truthful_in_plain_words(text):
    assert read(text).declarations.get("materials_truthful") is False


@pytest.mark.parametrize("text", [
    "我们没有虚报过任何数据",
    "审核员说数据可能有水分吗？",
    "满意度是客户自己打的",
    "计划写的每月培训，实际只做了两次",
    "目标写的95%，实际只有90%",
    "The auditor asked whether our numbers were inflated.",
    "The first-time fix rate was inflated because revisits were opened as new orders.",
    "上个月15号的审核开了个一般不符合，说二次上门另开新单，一次修复率虚高，还没关。",
])
def test_no_untruth_invented(text):
    assert read(text).declarations.get("materials_truthful") is not False


@pytest.mark.parametrize("text", [
    "今年8月有一批电热水器漏电，伤了两个人，召回到现在还没收尾",
    "去年电梯困人那件事，到现在还没了结",
    "召回到现在还没收尾，这个影响认证吗",
    "We had a recall of 2,000 heaters in August and it's still not finished.",
])
def test_unresolved_incident_in_plain_words(text):
    e = read(text)
    assert not e.hypothetical and e.declarations.get("major_incident_unresolved") is True


@pytest.mark.parametrize("text", [
    "如果有召回会怎样",
    "召回算重大事故吗",
    "召回程序还没写完",
    "We have a recall procedure but it isn't finished yet.",
    "What happens if there's a recall?",
])
def test_no_incident_invented(text):
    e = read(text)
    assert e.hypothetical or "major_incident_unresolved" not in e.declarations


def test_resolved_incident_clears_v3():
    assert read("去年那次召回早就处理完了").declarations == {"major_incident_unresolved": False}


@pytest.mark.parametrize("text", [
    "售后都是销售兼着做",
    "我们没有专人负责售后",
    "售后部去年撤了",
    "售后是生产部的人临时顶一下",
    "No one is in charge of after-sales.",
    "After-sales is just handled by the sales guys.",
])
def test_no_after_sales_organisation_in_l0s_own_words(text):
    assert {lv.criterion: lv.level for lv in read(text).levels}.get("D5.1") == 0


@pytest.mark.parametrize("text", ["售后服务部有12个人", "售后有专门的部门，但没有岗位说明书"])
def test_an_after_sales_organisation_told_clears_v2(text):
    assert {lv.criterion: lv.level for lv in read(text).levels}.get("D5.1") == 1


TWO_OPEN = Context(findings=[
    {"id": "F1", "criterion": "D2.3", "severity": "major", "status": "open", "text": "投诉处理超期", "raised_on": "2026-10-20"},
    {"id": "F2", "criterion": "D4.1", "severity": "minor", "status": "open", "text": "培训记录不全", "raised_on": "2026-10-20"}])


def test_each_known_finding_named_by_severity_gets_its_own_status():
    assert findings("严重的那个还没关，一般的那个关了", context=TWO_OPEN) == [("F2", None, None, None, "closed")]


def test_the_major_one_is_the_known_one():
    assert findings("the major one was closed on-site last Friday", context=TWO_OPEN) == [("F1", None, None, None, "closed")]


@pytest.mark.parametrize("text, fid", [("昨天复审，F1关了", "F1"), ("F2昨天文件审核通过了", "F2")])
def test_the_day_a_finding_closed_is_not_its_audit_day(text, fid):
    assert findings(text, context=TWO_OPEN) == [(fid, None, None, None, "closed")]


def test_a_denied_severity_is_not_the_findings():
    assert findings("监督审核没发现严重不符合，只开了一个观察项，说服务创新没有立项") == [(None, "observation", "D6.3", None, "open")]


@pytest.mark.parametrize("text", [
    "上次交的回访录音有一部分是找人冒充客户录的",
    "满意度问卷很多是工程师替客户填的",
    "我们把超时的工单从系统里删了再导出来的",
    "台账是审核前突击补的",
    "The timestamps on the work orders were changed by hand.",
    "Half the survey responses were filled in by our own staff.",
])
def test_records_made_to_look_better(text):
    assert read(text).declarations.get("materials_truthful") is False


@pytest.mark.parametrize("text", ["工程师会帮客户填写报修单", "假冒配件我们会查", "防止有人冒充我们的工程师", "we never padded the numbers"])
def test_ordinary_words_near_untruth_are_none(text):
    assert "materials_truthful" not in read(text).declarations


@pytest.mark.parametrize("text", ["召回的事情下个月才能全部完成", "那次召回还剩最后一批没回收完", "两个月前有个维修工从梯子上摔下来，赔偿到现在还没谈妥"])
def test_incident_left_open_in_other_words(text):
    assert read(text).declarations.get("major_incident_unresolved") is True


def test_ids_named_twice_in_one_message_are_one_finding_each():
    got = findings("Two weeks ago the auditor raised F2 and F3, both minor: F2 on document version control, "
                   "F3 on internal audit coverage. Both still open.")
    assert got == [("F2", "minor", "D5.2", "2026-11-22", "open"), ("F3", "minor", "D5.4", "2026-11-22", "open")]


def test_a_count_of_severity_before_the_ids_holds_for_all_and_a_later_status_for_its_own():
    got = findings("上周五监督审核开了三个一般项：F4培训记录不全，F5备件账实不符，F6回访不独立，F4已经关了，另外两个还开着")
    assert [(f[0], f[1], f[4]) for f in got] == [("F4", "minor", "closed"), ("F5", "minor", "open"), ("F6", "minor", "open")]


def test_a_status_said_for_all_of_them():
    got = findings("10月20号开了两个一般项：F1投诉超期，F2培训记录不全，都关了")
    assert [(f[0], f[4]) for f in got] == [("F1", "closed"), ("F2", "closed")]
