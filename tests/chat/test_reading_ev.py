"""Evidence as clients name it: one item per document, on the criterion it proves, never a fragment, an absence or a
level phrase (assistant/chat/reading/evidence.py)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.chat.extract import extract

TODAY = date(2026, 12, 6)


def evidence(text):
    return sorted((e.criterion, e.item) for e in extract(text, today=TODAY).evidence)


def items(text):
    return sorted(e.item for e in extract(text, today=TODAY).evidence)


# --- several documents said with one document word ------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "还有安装、维修两本作业指导书",
    "我们有安装和维修作业指导书",
    "文件方面，安装、维修作业指导书都是受控的",
])
def test_modifiers_listed_before_one_document_word_make_one_item_each(text):
    assert evidence(text) == [("D1.1", "安装作业指导书"), ("D1.1", "维修作业指导书")]


def test_a_criterion_named_as_the_second_modifier_keeps_its_whole_name():
    assert items("我们有内审和管理评审报告") == ["内审报告", "管理评审报告"]


def test_documents_of_their_own_in_a_list_are_not_distributed():
    assert items("有组织架构图和岗位说明书") == ["岗位说明书", "组织架构图"]
    assert items("培训签到表和考试成绩单都有") == ["培训签到表", "考试成绩单"]


def test_english_modifiers_listed_before_one_document_word():
    assert evidence("We have a service manual plus installation and repair work instructions.") == [
        ("D1.1", "installation work instructions"), ("D1.1", "repair work instructions"), ("D1.1", "service manual")]
    assert items("We have training records and complaint logs.") == ["complaint logs", "training records"]


# --- bare document words take the topic they are told under -----------------------------------------------------


def test_a_bare_report_is_the_report_of_its_topic():
    assert evidence("内审每年按计划做一次，有报告") == [("D5.4", "内审报告")]
    assert evidence("管理评审也开，有会议纪要") == [("D5.4", "管理评审会议纪要")]
    assert evidence("满意度调查整了个制度，主要业务都按那个做") == [("D3.2", "满意度调查制度")]


def test_bare_words_after_as_many_topics_pair_in_order():
    assert items("我们每年都按计划做内审，也开管理评审，报告和会议纪要都有") == ["内审报告", "管理评审会议纪要"]


def test_bare_words_without_a_topic_or_under_a_measure_are_no_item():
    assert items("我们有计划") == []
    assert items("整改按期关闭率我们自己拉了台账算了一下，85%") == []
    assert items("管理体系那块，组织、制度、系统都能到L4") == []


def test_a_bare_word_used_as_a_verb_is_no_document():
    assert items("投诉处理是有程序的，投诉处理程序里规定了分级和时限") == ["投诉处理程序"]


# --- a name listed with a document shares its verb ---------------------------------------------------------------


def test_a_name_listed_with_a_document_before_their_verb_is_an_item():
    assert evidence("培训签到表和考试成绩都有，个人培训档案还没建") == [("D4.1", "培训签到表"), ("D4.1", "考试成绩")]


# --- absence, before or after the name -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, want", [
    ("备件管理规定和每月的盘点记录能拿出来，安全库存测算表没有", ["备件管理规定", "盘点记录"]),
    ("培训签到表、考试成绩单都有，就是没做年度培训计划", ["培训签到表", "考试成绩单"]),
    ("培训计划没有，签到表有", ["签到表"]),
    ("安全库存测算表也没有", []),
])
def test_a_document_said_to_be_missing_is_no_evidence(text, want):
    assert items(text) == want


@pytest.mark.parametrize("text", [
    "空调安装师傅里还有两成半没拿到制冷作业证",
    "维保人员全部持特种设备作业证",
])
def test_certificates_people_hold_or_lack_are_no_document_and_no_fragment(text):
    assert items(text) == []


def test_a_noun_that_opens_with_a_lack_word_is_still_a_document():
    assert items("有备件盘点记录，每月一次，还有缺件挂起工单清单。") == ["备件盘点记录", "缺件挂起工单清单"]


# --- screenshots and look-ups as documents ---------------------------------------------------------------------------


def test_screenshots_of_official_lookups_are_documents():
    assert evidence("证书台账有，官方查询截图也都截了") == [("D4.3", "官方查询截图"), ("D4.3", "证书台账")]
    assert evidence("证书台账有，每个证都截了官方查询的图") == [("D4.3", "官方查询截图"), ("D4.3", "证书台账")]
    assert items("证书台账和市场监管局查询截图都有") == ["市场监管局查询截图", "证书台账"]


def test_looking_records_up_is_still_no_document():
    assert items("系统能按序列号查历史记录") == []


# --- the criterion a document proves -----------------------------------------------------------------------------------


def test_an_attendance_sheet_told_with_training_proves_training():
    assert evidence("培训：人均年学时28，持证率92%，有年度培训计划和签到表") == [("D4.1", "年度培训计划"), ("D4.1", "签到表")]
    assert evidence("上门有定位签到表") == [("D2.2", "定位签到表")]


def test_complaint_documents_joined_by_and_stay_two_items():
    # 和 is never read as 化 (文件化) by ear.
    assert evidence("投诉处理程序文件和投诉台账都有") == [("D2.3", "投诉台账"), ("D2.3", "投诉处理程序文件")]


def test_documents_after_a_sentence_on_their_topic():
    assert evidence("服务质量检查我们每月抽查主要网点的完工工单；有检查办法和检查表") == [("D1.4", "检查办法"), ("D1.4", "检查表")]


def test_management_review_abbreviated():
    assert evidence("内审报告和管评报告都在。") == [("D5.4", "内审报告"), ("D5.4", "管评报告")]


# --- English ---------------------------------------------------------------------------------------------------------------


def test_english_recordings_sheets_and_patents():
    assert evidence("We keep all the follow-up call recordings.") == [("D3.1", "follow-up call recordings")]
    assert evidence("We keep signed training attendance sheets.") == [("D4.1", "signed training attendance sheets")]
    assert evidence("For innovation we have remote diagnostics with a patent.") == [("D6.3", "patent")]


def test_a_document_shown_to_close_a_finding_is_evidence():
    assert evidence("Update: F2 is closed, the auditor accepted our certificate register last week.") == [
        ("D4.3", "certificate register")]
    assert evidence("F2上个月关了，我们建了投诉台账，审核老师看了文件认可的。") == [("D2.3", "投诉台账")]


def test_a_document_inside_an_open_finding_is_no_evidence():
    assert items("审核开了一个一般不符合F3，D1.1：有作业指导书但网点没按要求执行") == []


# --- through the conversation ------------------------------------------------------------------------------------------


def test_the_conversation_records_each_distributed_document(conv):
    conv.handle("文件方面有《售后服务规范》2024版，还有安装、维修作业指导书，都是受控的")
    recorded = conv.state.assessment["criteria"]["D1.1"]["evidence"]
    assert len(recorded) == 3 and "安装作业指导书" in recorded and "维修作业指导书" in recorded


# --- what is called evidence but names no document ------------------------------------------------------------------


def test_a_practice_called_evidence_is_said_back_not_stored():
    x = extract("证据是我们每个月都会开会讨论投诉的情况", today=TODAY)
    assert x.evidence == [] and any("没有作为证据记录" in s for s in x.set_aside)
    assert items("这个能作为D1.4的证据：每月的检查表") == ["检查表"]


def test_evidence_for_a_named_criterion_in_english():
    assert evidence("evidence for D3.2 is the survey plan and the questionnaire") == [
        ("D3.2", "questionnaire"), ("D3.2", "survey plan")]


def test_nouns_that_open_like_acts_are_documents():
    assert items("备件这块有出入库台账") == ["出入库台账"]
    assert items("有发料明细") == ["发料明细"]
    assert items("每月出报告") == []


def test_certificates_held_by_people_listed_after_hold():
    assert items("工程师都持有电工证和登高证") == []


def test_an_item_takes_a_sibling_criterion_only_when_listed_with_it():
    assert evidence("The after-sales manual was issued in 2023 and we also have a spare parts policy.") == [
        ("D1.1", "after-sales manual"), ("D2.4", "spare parts policy")]
    assert evidence("回访我们有录音，也有回访记录表") == [("D3.1", "回访录音"), ("D3.1", "回访记录表")]


@pytest.mark.parametrize("text, item", [
    ("文件方面，我们有《售后服务规范》V3.0", "售后服务规范V3.0"),
    ("文件方面有《售后服务规范》2024版", "售后服务规范2024版"),
    ("售后服务规范V3.0已经发布", "售后服务规范V3.0"),
    ("We have a service manual (v3.2).", "service manual (v3.2)"),
])
def test_a_document_keeps_the_version_said_after_its_name(text, item):
    assert evidence(text) == [("D1.1", item)]


@pytest.mark.parametrize("text, want", [
    ("The training plan isn't written yet.", []),
    ("Complaint log: none.", []),
    ("Our spare parts policy and stocktake records are available; the safety stock sheet is missing.",
     ["spare parts policy", "stocktake records"]),
    ("安全库存测算表：没有", []),
])
def test_english_and_colon_absence_after_the_name(text, want):
    assert items(text) == want


def test_english_documents_named_by_what_they_are_of():
    assert evidence("We keep minutes of management review meetings.") == [("D5.4", "minutes of management review meetings")]
    assert ("D4.3", "screenshots of the official lookups") in evidence(
        "The certificate register is up to date and we keep screenshots of the official lookups.")


def test_a_bare_word_under_its_own_topic_is_that_document():
    assert evidence("服务规范的话，我们有规范，覆盖了全部网点") == [("D1.1", "服务规范")]


def test_names_before_de_say_which_records_and_are_no_items():
    assert evidence("电话和微信的回访记录都有") == [("D3.1", "回访记录")]
