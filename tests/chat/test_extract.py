"""Reading facts out of clients' own words, Chinese and English (assistant/chat/extract.py, assistant/chat/reading/)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.chat.extract import Context, extract_plan_edit, is_question
from assistant.chat.reading.quantities import find as find_quantities
from tests.chat.reading import evidence, kpis, levels, read





# --- numbers as people write them ------------------------------------------------------------------------------


def test_arabic_values_next_to_their_criteria():
    assert kpis("我们客户满意度88%，投诉首次响应平均36小时") == {"D3.1": 88.0, "D2.1": 36.0}


@pytest.mark.parametrize("text, criterion, value", [
    ("一次修复率百分之八十七", "D1.2", 87.0),
    ("客户满意度八成五", "D3.1", 85.0),
    ("上门及时率九成", "D2.2", 90.0),
    ("客户投诉率千分之三", "D3.3", 0.3),
    ("投诉率万分之五", "D3.3", 0.05),
    ("返修率百分之二点五", "D1.3", 2.5),
    ("持证上岗率百分百", "D4.3", 100.0),
    ("投诉处理周期平均十四天", "D2.3", 14.0),
    ("首次响应二十个小时", "D2.1", 20.0),
])
def test_chinese_numerals_are_read(text, criterion, value):
    assert kpis(text) == {criterion: value}


def test_numerals_with_thousands_separators_and_english_words():
    assert [q.value for q in find_quantities("about 1,250 employees")] == [1250.0]
    assert kpis("First response averages three and a half hours.") == {"D2.1": 3.5}


# --- units converted to the criterion's own --------------------------------------------------------------------


@pytest.mark.parametrize("text, criterion, value", [
    ("首次响应平均三十分钟", "D2.1", 0.5),
    ("首次响应要两天半", "D2.1", 60.0),
    ("投诉处理周期一天半", "D2.3", 1.5),
    ("投诉处理周期平均48小时", "D2.3", 2.0),
    ("投诉一般三个工作日闭环", "D2.3", 4.2),   # the scheme counts calendar days: 5 working days are 7
    ("投诉处理平均要半个月", "D2.3", 15.0),
    ("首次响应一个半小时", "D2.1", 1.5),
    ("首次响应平均三个钟", "D2.1", 3.0),
    ("人均年培训学时30学时", "D4.2", 30.0),
    ("首次响应1.5天", "D2.1", 36.0),
])
def test_units_become_the_unit_of_the_scheme(text, criterion, value):
    assert kpis(text) == {criterion: value}


def test_training_hours_per_month_are_counted_for_the_year():
    ex = read("工程师每个月培训两个小时")
    assert [(k.criterion, k.value) for k in ex.kpis] == [("D4.2", 24.0)]
    assert ex.kpis[0].note  # said back how it was read


def test_training_per_month_said_after_the_value_in_english():
    assert kpis("Engineers get 2 hours of training a month.") == {"D4.2": 24.0}


def test_per_thousand_orders_is_a_percentage():
    assert kpis("投诉率每千单3单") == {"D3.3": 0.3}


def test_a_wrong_unit_or_an_impossible_value_is_refused_with_the_reason():
    ex = read("客户满意度130%，一次修复率95小时")
    assert ex.kpis == []
    assert any("超出" in p and "0–100%" in p for p in ex.problems)
    assert any("单位" in p for p in ex.problems)


def test_a_rate_written_as_a_fraction_is_read_as_a_percentage_and_said_so():
    ex = read("一次修复率0.87")
    assert [(k.criterion, k.value) for k in ex.kpis] == [("D1.2", 87.0)]
    assert "87%" in ex.kpis[0].note


def test_a_small_rate_stays_a_percentage():
    # Complaint rates are fractions of a percent: 0.4 is 0.4 %, not 40 %.
    assert kpis("投诉率0.4") == {"D3.3": 0.4}


def test_a_change_by_so_much_is_no_value():
    assert kpis("满意度91%，比去年提升了4个百分点") == {"D3.1": 91.0}


def test_values_given_respectively_or_to_both():
    assert kpis("一次修复率和返修率分别是90%和2%") == {"D1.2": 90.0, "D1.3": 2.0}
    assert kpis("满意度和上门及时率都是92%") == {"D3.1": 92.0, "D2.2": 92.0}


def test_a_bare_value_answers_the_criterion_just_asked_about():
    assert kpis("88%", context=Context(asked="D3.1")) == {"D3.1": 88.0}
    # Without that context it is left to the caller: nothing recorded, nothing said back as unplaced.
    assert not read("88%").anything


def test_it_in_english_is_what_the_sentence_before_named():
    assert kpis("We track first response in our CRM; it averages 4 hours.") == {"D2.1": 4.0}


# --- ranges and changes ----------------------------------------------------------------------------------------


def test_a_range_is_recorded_at_its_worse_end_and_said_so():
    ex = read("上门及时率在88到93%之间")
    assert [(k.criterion, k.value) for k in ex.kpis] == [("D2.2", 88.0)]
    assert "区间" in ex.kpis[0].note
    assert kpis("首次响应一般3到6个小时") == {"D2.1": 6.0}  # lower is better: the worse end is the longer time
    assert kpis("Complaints are closed within 4 to 6 days.") == {"D2.3": 6.0}


def test_a_spread_said_as_lowest_and_highest_is_a_range():
    assert kpis("满意度各月不同，低的时候85，高的时候94") == {"D3.1": 85.0}


def test_a_change_records_the_current_value():
    assert kpis("首次响应从24小时缩短到了6小时") == {"D2.1": 6.0}
    assert kpis("一次修复率去年85%，今年提高到91%") == {"D1.2": 91.0}
    assert kpis("投诉处理周期现在是4天，以前要十天") == {"D2.3": 4.0}
    assert kpis("Customer satisfaction was 84% last year and is 90% now.") == {"D3.1": 90.0}


def test_a_target_is_not_the_actual_value_and_is_said_back():
    ex = read("满意度目标是96%，实际才89%")
    assert [(k.criterion, k.value) for k in ex.kpis] == [("D3.1", 89.0)]
    assert any("96%" in u and "目标" in u for u in ex.set_aside)  # said back under 没能记录, with why


def test_a_bound_on_the_bad_side_asks_for_the_value():
    ex = read("一次修复率不到90%")
    assert ex.kpis == [] and ex.problems


def test_a_bound_on_the_good_side_is_recorded_at_the_bound():
    assert kpis("首次响应基本在两小时以内") == {"D2.1": 2.0}


# --- numbers that belong to something else ---------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "8D报告有3份超期未关闭",
    "公司通过了ISO 9001认证，有30个网点",
    "我们主打A7-300型号的净水器",
    "2024年版的服务手册已经发布",
    "5Why分析做了两轮",
])
def test_identifiers_counts_and_years_are_never_kpi_values(text):
    assert read(text).kpis == []


def test_numbers_that_fit_no_field_are_said_back_not_dropped():
    ex = read("售后有60个工程师，服务车20辆，一年营收大概2000万")
    assert ex.kpis == []
    assert len(ex.unplaced) == 3


def test_the_number_of_days_in_the_criterion_name_is_no_value():
    assert kpis("30天返修率1.9%") == {"D1.3": 1.9}


def test_the_company_head_count_goes_to_the_enterprise_not_a_team_size():
    ex = read("公司一共750人，售后这块90人")
    assert ex.enterprise.get("employees") == 750
    assert any("90" in u for u in ex.unplaced)


def test_a_frequency_or_a_time_window_is_no_unplaced_number():
    assert read("内审每年一次，有内审报告").unplaced == []
    assert read("我们每年都会做两次内审").unplaced == []
    assert read("备件保障率最近三个月是95%").unplaced == []


# --- absence: a level, never evidence --------------------------------------------------------------------------


def test_a_missing_document_is_no_evidence_and_no_level():
    # One document missing is evidence missing, not the practice: no level is set from it (the grade's evidence
    # cap already counts what is not there); a practice not done at all is a level (below). The rule the
    # criterion's own L2 descriptor says is set up ("建立了备件管理规定") missing is the practice below L2 (issue 14:
    # an absence gives level 0 or the lowest level whose descriptor fits).
    ex = read("有售后服务手册，但没有备件管理制度")
    assert [(e.criterion, e.item) for e in ex.evidence] == [("D1.1", "售后服务手册")]
    assert [(lv.criterion, lv.level <= 1) for lv in ex.levels] == [("D2.4", True)]
    assert read("培训签到表和考试成绩都有，个人培训档案还没建").levels == []
    assert levels("我们没有内审") == {"D5.4": 0}


def test_every_other_value_said_is_named_with_why_it_was_not_recorded():
    ex = read("首次响应从36小时降到了4小时")
    assert [(k.criterion, k.value) for k in ex.kpis] == [("D2.1", 4.0)] and any("36小时" in u for u in ex.set_aside)
    ex = read("投诉处理周期，快的1天，慢的要10天，平均算下来4.2天")
    assert [(k.criterion, k.value) for k in ex.kpis] == [("D2.3", 4.2)] and len(ex.set_aside) == 2


@pytest.mark.parametrize("text, criterion", [
    ("我们没有内审", "D5.4"),
    ("管理评审从来没开过", "D5.4"),
    ("工单系统还没上线", "D5.3"),
    ("返修我们不统计", "D1.3"),
    ("We don't have a ticket system yet.", "D5.3"),
])
def test_not_having_something_is_level_zero(text, criterion):
    assert levels(text) == {criterion: 0}


def test_relying_on_individuals_is_the_initial_level():
    ex = read("培训全靠老师傅的经验，也没有培训记录")
    assert {lv.criterion: lv.level for lv in ex.levels} == {"D4.1": 1}
    assert ex.evidence == []


def test_part_done_part_missing_is_the_initial_level():
    assert levels("内审每年做一次，有内审报告，但管理评审还没开过") == {"D5.4": 1}


def test_no_after_sales_organisation_is_the_fact_behind_veto_v2():
    assert levels("我们没有专门的售后部门，都是销售兼着管") == {"D5.1": 0}
    assert levels("We have no dedicated after-sales department.") == {"D5.1": 0}


def test_an_after_sales_department_clears_veto_v2():
    ex = read("我们设有售后服务部，职责写在组织架构图里")
    assert {lv.criterion: lv.level for lv in ex.levels} == {"D5.1": 1}
    assert ("D5.1", "组织架构图") in [(e.criterion, e.item) for e in ex.evidence]


# --- evidence: the documents named -----------------------------------------------------------------------------


def test_one_item_per_document_on_the_criterion_it_proves():
    assert evidence("我们有维修作业指导书和培训签到表") == [("D1.1", "维修作业指导书"), ("D4.1", "培训签到表")]


def test_documents_are_named_not_sentences_or_level_words():
    for text in ("我们的满意度调查机制属于规范级", "审核员可以随便查原始记录", "工单系统能按序列号查历史记录"):
        assert read(text).evidence == [], text


def test_the_subject_of_a_clause_places_a_generic_document():
    assert evidence("内审员都有资格证书") == [("D5.4", "资格证书")]


def test_the_catalogue_names_place_documents():
    assert evidence("安全库存测算表和备件管理规定都有") == [("D2.4", "安全库存测算表"), ("D2.4", "备件管理规定")]


def test_a_topic_joins_a_bare_document_word():
    assert evidence("培训有年度计划") == [("D4.1", "年度培训计划")]


def test_items_called_evidence_count_whatever_their_names():
    assert evidence("蓝皮书是D1.1的证据") == [("D1.1", "蓝皮书")]
    assert evidence("服务规范与标准的证据有蓝皮书") == [("D1.1", "蓝皮书")]
    assert evidence("Our blue book is evidence for D1.1.") == [("D1.1", "blue book")]
    # "证据是投诉台账" and "投诉台账" are one item.
    assert evidence("证据是投诉台账") == evidence("有投诉台账") == [("D2.3", "投诉台账")]


def test_book_title_marks_name_a_document():
    assert evidence("有《客户投诉处理程序》A/1版") == [("D2.3", "客户投诉处理程序")]


def test_english_evidence_keeps_its_first_letter():
    assert evidence("We have an after-sales service manual.") == [("D1.1", "after-sales service manual")]


# --- levels in words -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, criterion, level", [
    ("售后服务规范这块算L3吧", "D1.1", 3),
    ("服务质量检查大概L2水平", "D1.4", 2),
    ("满意度调查机制算定义级", "D3.2", 3),
    ("持续改进机制能到量化管理级", "D6.1", 4),
    ("服务创新属于初始级", "D6.3", 1),
    ("培训体系我们自评四级", "D4.1", 4),
    ("D5.4内审管理评审我觉得是2", "D5.4", 2),
    ("We'd rate our service innovation as defined.", "D6.3", 3),
])
def test_levels_said_in_words(text, criterion, level):
    assert levels(text) == {criterion: level}


def test_a_level_between_two_is_recorded_at_the_lower():
    ex = read("服务创新大概在三四级之间")
    assert [(lv.criterion, lv.level) for lv in ex.levels] == [("D6.3", 3)]
    assert ex.levels[0].note


def test_one_statement_over_several_criteria_applies_to_each():
    assert levels("D2.1到D2.4全部是L4") == {"D2.1": 4, "D2.2": 4, "D2.3": 4, "D2.4": 4}
    assert levels("D6这块，持续改进机制和服务创新都是L2") == {"D6.1": 2, "D6.2": 2, "D6.3": 2}


def test_a_level_asked_about_is_no_level_stated():
    assert read("一次修复率要多少才能到L4？").levels == []
    assert read("满意度现在87%，要提高到多少才算L4？").levels == []


def test_a_description_matching_the_catalogue_gives_that_level():
    ex = read("售后组织覆盖总部、区域和全部网点，所有岗位有说明书和任职要求，跨部门职责和授权有文件规定")
    assert [(lv.criterion, lv.level) for lv in ex.levels] == [("D5.1", 3)]


# --- vetoes in plain words -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, declarations", [
    ("说实话，有些月份的回访数据是补编的", {"materials_truthful": False}),
    ("Some of the arrival figures we sent in were made up.", {"materials_truthful": False}),
    ("今年5月出过一起批量召回，到现在还没结案", {"major_incident_unresolved": True}),
    ("上半年那起重大安全事故已经结案了", {"major_incident_unresolved": False}),
    # intake round 8 (development writers' wording)
    ("我们把满意度从87改成了92，领导让改的，交上去的版本是92。", {"materials_truthful": False}),
    ("I need to come clean: the CSAT survey we submitted was filled in by our own staff pretending to be customers.",
     {"materials_truthful": False}),
    ("召回那事儿10月底就彻底完了，最后一台也换了", {"major_incident_unresolved": False}),
    ("今年出了批量性质量问题，控制板烧毁，影响三千多台，目前还在免费更换，完成了一半左右", {"major_incident_unresolved": True}),
    ("召回基本结束了，就差最后几十台联系不上的用户，我们下周去申请结案", {"major_incident_unresolved": True}),
])
def test_veto_facts_in_plain_words(text, declarations):
    assert read(text).declarations == declarations


@pytest.mark.parametrize("text, key, held, said", [
    ("提交的材料全部真实，可以查原始单据", "materials_truthful", False, True),
    ("今年没有召回，也没有重大事故", "major_incident_unresolved", True, False),
])
def test_the_state_assumed_by_default_is_recorded_only_to_take_back_what_was_held(text, key, held, said):
    """"材料全部真实" or "没有重大事故" adds no fact to an assessment that holds none (the scheme assumes it, and
    consultants record none); said after a confession or an open incident, it takes that back."""
    assert read(text).declarations == {}
    assert read(text, context=Context(declarations={key: held})).declarations == {key: said}


def test_no_finding_raised_is_no_finding():
    assert read("外审没有发现严重不符合").findings == []


def test_a_recall_question_is_no_declaration():
    assert read("召回还没结束会影响认证吗？").declarations == {}


# --- findings --------------------------------------------------------------------------------------------------


def test_a_finding_with_id_severity_criterion_date_and_status():
    ex = read("审核开了一个严重不符合F1，D2.3投诉处理超期，11月2号开的，还没整改完")
    assert [(f.id, f.severity, f.criterion, f.raised_on, f.status) for f in ex.findings] == [
        ("F1", "major", "D2.3", date(2026, 11, 2), "open")]
    assert ex.closed_findings == []


def test_a_major_finding_in_words_is_not_a_request_to_close_it():
    ex = read("审核开了一个严重不符合F1，D2.3：投诉超期，还没整改完")
    assert ex.closed_findings == [] and ex.findings[0].status == "open"


def test_relative_audit_dates_are_read_against_today():
    assert read("上个月15号外审开了一个观察项，说培训记录不全").findings[0].raised_on == date(2026, 11, 15)
    assert read("前天内审开了个一般不符合，备件账实不符").findings[0].raised_on == date(2026, 12, 4)


def test_a_finding_closed_already():
    ex = read("2026年8月5日开的一般不符合，返修率统计口径不对，已经整改关闭")
    assert [(f.severity, f.criterion, f.status) for f in ex.findings] == [("minor", "D1.3", "closed")]


def test_several_findings_in_one_message():
    ex = read("监督审核开了两个一般不符合，一个是文件版本没受控，一个是证书台账不全，都还开着")
    assert [(f.severity, f.criterion, f.status) for f in ex.findings] == [("minor", "D5.2", "open"), ("minor", "D4.3", "open")]


def test_counted_findings_split_into_closed_and_open():
    ex = read("外审一共开了4个一般不符合，已经关了3个，剩下一个还在整改")
    assert sorted(f.status for f in ex.findings) == ["closed", "closed", "closed", "open"]


def test_english_finding():
    ex = read("The auditor raised a minor nonconformity on 2026-11-03 about our training records; it is still open.")
    assert [(f.severity, f.criterion, f.raised_on, f.status) for f in ex.findings] == [("minor", "D4.1", date(2026, 11, 3), "open")]


def test_a_finding_update_by_id_uses_what_is_known():
    ctx = Context(findings=[{"id": "F2", "criterion": "D2.2", "severity": "minor", "status": "open"}])
    ex = read("F2已经整改完，审核员确认关闭了", context=ctx)
    assert [(f.id, f.status) for f in ex.findings] == [("F2", "closed")]
    ex = read("F2的材料交了，但审核员还没确认关闭", context=ctx)
    assert all(f.status != "closed" for f in ex.findings) and ex.closed_findings == []


def test_a_finding_date_corrected_afterwards():
    ctx = Context(findings=[{"id": "F1", "criterion": "D2.1", "severity": "minor", "status": "open", "raised_on": "2026-10-12"}])
    ex = read("日期记错了，是10月22号开的", context=ctx)
    assert [(f.id, f.raised_on) for f in ex.findings] == [("F1", date(2026, 10, 22))]


# --- corrections -----------------------------------------------------------------------------------------------


def test_a_correction_without_a_name_corrects_the_criterion_just_talked_about():
    ctx = Context(focus=["D2.1"], kpis={"D2.1": 6.0})
    assert kpis("不对，刚才说错了，是5小时", context=ctx) == {"D2.1": 5.0}
    ctx = Context(focus=["D3.1"], kpis={"D3.1": 85.0})
    assert kpis("85是去年的，今年是88", context=ctx) == {"D3.1": 88.0}


def test_without_context_a_bare_value_is_said_back_not_guessed():
    ex = read("不对，是5小时")
    assert ex.kpis == [] and ex.unplaced


# --- several facts, company facts ------------------------------------------------------------------------------


def test_several_facts_in_one_message():
    ex = read("我们是华信电梯有限公司，做电梯维保的，员工420人，上门及时率95%，有作业指导书；另外今年9月有一批电梯召回还没处理完。")
    assert ex.enterprise == {"name": "华信电梯有限公司", "industry": "电梯", "employees": 420}
    assert [(k.criterion, k.value) for k in ex.kpis] == [("D2.2", 95.0)]
    assert [(e.criterion, e.item) for e in ex.evidence] == [("D1.1", "作业指导书")]
    assert ex.declarations == {"major_incident_unresolved": True}


def test_a_department_head_count_is_not_the_company_size():
    ex = read("We have an after-sales department with 30 people.")
    assert "employees" not in ex.enterprise and ex.unplaced


def test_english_company_facts():
    ex = read("We are Baltic Cooling Ltd, a refrigeration company with about 640 employees.")
    assert ex.enterprise["name"] == "Baltic Cooling Ltd"
    assert ex.enterprise["employees"] == 640
    assert "refrigeration" in ex.enterprise["industry"]


# --- typos and dialect -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, criterion, value", [
    ("满以度九十", "D3.1", 90.0),  # 以 typed for 意
    ("一次修腹率92%", "D1.2", 92.0),
    ("返修绿百分之三", "D1.3", 3.0),
    ("投述处理周期八天", "D2.3", 8.0),
    ("我哋嘅上门及时率九成六", "D2.2", 96.0),
])
def test_names_typed_by_ear_are_recognised(text, criterion, value):
    assert kpis(text) == {criterion: value}


def test_cantonese_negation():
    assert levels("我哋冇做过管理评审") == {"D5.4": 0}


# --- questions and what-ifs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["一次修复率达到多少才算L4？", "一般不符合给多少天整改？", "有没有类似的案例", "严重不符合多久内要关闭？"])
def test_questions_state_nothing(text):
    assert not read(text).anything
    assert is_question(text)


def test_a_what_if_keeps_its_facts_as_a_supposition():
    ex = read("如果首次响应降到3小时能过吗")
    assert ex.hypothetical
    assert [(k.criterion, k.value) for k in ex.kpis] == [("D2.1", 3.0)]
    assert ex.stated is None


def test_a_what_if_with_a_stated_fact_keeps_both_apart():
    ex = read("首次响应现在是10小时，如果降到3小时能到几级？")
    assert ex.hypothetical and [(k.criterion, k.value) for k in ex.kpis] == [("D2.1", 3.0)]
    assert ex.stated is not None and [(k.criterion, k.value) for k in ex.stated.kpis] == [("D2.1", 10.0)]


def test_a_question_with_a_stated_fact_keeps_the_fact():
    assert kpis("上门及时率现在86%，要提高到多少才能L3？") == {"D2.2": 86.0}


def test_closing_a_known_finding_in_a_what_if():
    ctx = Context(findings=[{"id": "F4", "criterion": "D1.3", "severity": "major", "status": "open"}])
    ex = read("如果下周复审把那个严重不符合关掉，能到合格吗？", context=ctx)
    assert ex.hypothetical and [(f.id, f.status) for f in ex.findings] == [("F4", "closed")]


# --- plan edits ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, item, owner, shift, status", [
    ("把第2项的负责人改成王经理，截止日期延后两周", 2, "王经理", 14, None),
    ("第1项提前一个月", 1, None, -30, None),
    ("第3项推迟十天", 3, None, 10, None),
    ("第3项已经完成了", 3, None, None, "closed"),
    ("change the owner of item 2 to Manager Wang and postpone the deadline by two weeks", 2, "Manager Wang", 14, None),
    ("push item 4 back two weeks", 4, None, 14, None),
    ("for item 1, push the deadline back two weeks", 1, None, 14, None),
    ("move item 2 forward by 3 days", 2, None, -3, None),
])
def test_plan_edits(text, item, owner, shift, status):
    edit = extract_plan_edit(text)
    assert (edit.item, edit.owner, edit.shift_days, edit.status) == (item, owner, shift, status)


def test_plan_edit_needs_an_item_number():
    assert extract_plan_edit("负责人改成王经理") is None


# --- round 2 of issue 14: what the spent held-out set and the scenarios showed ----------------------------------


@pytest.mark.parametrize("text, criterion, value", [
    ("咱家备件保障率贼高九十八九十九那样", "D2.4", 98.0),       # neighbours said as one: the worse end of 98–99
    ("首次响应三十五六个小时", "D2.1", 36.0),                   # 35–36 hours: the worse end of a time is the longer
    ("一次修复率百分之九十二三", "D1.2", 92.0),
    ("投诉率千分之五六", "D3.3", 0.6),
    ("持证率百分之百", "D4.3", 100.0),                         # 百分之百 was read as 百分之 + 百 and lost
    ("满意度很高95%", "D3.1", 95.0),                          # 高 before a value says how it is, not a change
    ("投诉处理要成个礼拜，差唔多七日。", "D2.3", 7.0),           # Cantonese: 唔 is 不, 日 a day
])
def test_numbers_said_loosely(text, criterion, value):
    assert kpis(text) == {criterion: pytest.approx(value)}


def test_a_change_of_value_told_in_the_next_sentence():
    assert kpis("Complaint closure used to take two weeks; now it's about 4 days.") == {"D2.3": 4.0}
    assert kpis("投诉处理去年要8天。现在5天。") == {"D2.3": 5.0}


def test_a_count_of_people_corrects_no_value():
    ctx = Context(focus=["D3.1"])
    assert kpis("Sorry, correction: two contract engineers had expired certificates.", context=ctx) == {}


def test_typed_by_ear_and_dialect():
    # 管理办法 said under its topic is that topic's document (issue 14: "the documents named", round 3).
    assert evidence("满意杜调查我们有管里办法的") == [("D3.2", "满意度调查管理办法")]
    ex = read("严重不附合那个上礼拜关咗")
    assert [(f.severity, f.status) for f in ex.findings] == [("major", "closed")]
    ent = read("我哋係澜舍卫浴，做卫浴嘅，公司大概450人。").enterprise
    assert ent == {"name": "澜舍卫浴", "industry": "卫浴", "employees": 450}
    # A word that only sounds like a trade word is left alone when the rest does not match.
    assert kpis("不管你们怎么说，满意度90%") == {"D3.1": 90.0}


def test_several_findings_of_different_severity_in_one_message():
    ex = read("11月18号监督审核的结果出来了：严重不符合1项，是高空作业人员没有登高证；"
              "一般不符合2项，一个是回访由网点自己做，一个是备件账实不符。")
    got = [(f.severity, f.criterion, f.status, f.raised_on) for f in ex.findings]
    assert got == [("major", "D4.3", "open", date(2026, 11, 18)), ("minor", "D3.1", "open", date(2026, 11, 18)),
                   ("minor", "D2.4", "open", date(2026, 11, 18))]
    assert ex.unplaced == []  # "1项", "2项" are the counts of the findings just recorded
    ex = read("8月28号监督审核：严重不符合一项，派单不校验工程师资质，9月底已经复审关闭；一般不符合一项，记录保存期限没规定，还开着。")
    assert [(f.severity, f.criterion, f.status) for f in ex.findings] == [("major", "D4.3", "closed"), ("minor", "D5.2", "open")]


def test_finding_ids_and_dates_as_auditors_write_them():
    (f,) = read("NC-2026-03，观察项，创新项目没有效果数据，开于2026-10-09，状态关闭。").findings
    assert (f.id, f.severity, f.criterion, f.status, f.raised_on) == ("NC-2026-03", "observation", "D6.3", "closed", date(2026, 10, 9))
    (f,) = read("F7观察项：满意度问卷没有版本控制，11月25日开的，已经关了。").findings
    assert f.criterion == "D3.2"  # 满意度问卷: the questionnaire (the compound's head), not the satisfaction KPI


KNOWN = Context(findings=[
    {"id": "F1", "criterion": "D4.3", "severity": "major", "status": "open", "text": "高空作业人员没有登高证"},
    {"id": "F2", "criterion": "D3.1", "severity": "minor", "status": "open", "text": "回访由网点自己做"},
    {"id": "F3", "criterion": "D2.4", "severity": "minor", "status": "open", "text": "备件账实不符"},
])


def test_a_known_finding_named_by_what_it_is_about():
    ex = read("备件那条已经交了文件审查，昨天审核员确认关闭了。", context=KNOWN)
    assert [(f.id, f.status) for f in ex.findings] == [("F3", "closed")]
    # Named again with its status unchanged: no new finding, nothing changed.
    ex = read("登高证那个严重不符合，人已经去考了，但证还没下来，复审也没做。", context=KNOWN)
    assert ex.findings == [] and ex.closed_findings == []


def test_a_correction_moves_a_finding_to_another_clause():
    ctx = Context(findings=[{"id": "F1", "criterion": "D4.1", "severity": "minor", "status": "closed", "text": "training records"}])
    ex = read("Sorry, correction: F1 was about certificates, not training records.", context=ctx)
    assert [(f.id, f.criterion) for f in ex.findings] == [("F1", "D4.3")]


@pytest.mark.parametrize("text", [
    "有个事得跟你说，去年报上去的上门及时率是我们改过数的。",
    "给认证机构的寄修时效数据，有一部分是事后手工改过时间戳的。",
    "To be honest, the data was doctored before the audit.",
])
def test_falsified_figures_in_plain_words(text):
    assert read(text).declarations == {"materials_truthful": False}


def test_changing_how_a_figure_is_counted_is_no_falsification():
    assert "materials_truthful" not in read("我们改过数据统计口径，现在按全渠道统计。").declarations


def test_no_department_in_plain_words_is_no_organisation():
    ex = read("我们厂小，售后就是生产主管顺带接个电话，没设部门也没专人。")
    assert levels("我们厂小，售后就是生产主管顺带接个电话，没设部门也没专人。") == {"D5.1": 0}
    assert "industry" not in ex.enterprise  # "我们厂" names no industry


def test_absence_of_a_document_goes_to_the_criterion_of_that_document():
    assert levels("回访是有的，但是没有统一的问卷，谁打电话谁随便问。") == {"D3.2": 1}


def test_partial_coverage_is_no_absence():
    assert levels("服务规范现在只在主要网点发了，授权网点和高空作业还没覆盖。") == {"D1.1": 2}


def test_the_industry_in_a_self_introduction():
    assert read("我们是汽车4S店集团的售后，一次修复率94%。").enterprise == {"industry": "汽车"}
    assert read("我们是深圳的手机品牌，叫鲸鸣科技，员工3000人").enterprise == {"name": "鲸鸣科技", "industry": "手机", "employees": 3000}
    assert "name" not in read("我们是物业公司，业主报修首次响应15分钟").enterprise


def test_a_plan_said_as_an_intention_is_no_document():
    assert evidence("去年人均培训四十个学时，今年计划再多一些。") == []
    assert evidence("培训有年度计划和个人培训档案") == [("D4.1", "年度培训计划"), ("D4.1", "个人培训档案")]


def test_a_corrected_company_name():
    assert read("名字说错了，是东昇物业，日出那个昇。").enterprise.get("name") == "东昇物业"


def test_service_hours_are_said_back_not_dropped():
    ex = read("我们热线是7×24小时的，一次修复率90%")
    assert {k.criterion: k.value for k in ex.kpis} == {"D1.2": 90.0}
    assert "7×24小时" in ex.unplaced


@pytest.mark.parametrize(("text", "declarations"), [
    # A recall with units still out, or the regulator's decision still to come, is an unresolved incident (V3).
    ("我们有批设备因为报警失灵召回了，现在还有二十多台没追回来，监管那边还没给结论", {"major_incident_unresolved": True}),
    ("5月那次召回，质监到现在还没销案", {"major_incident_unresolved": True}),
    # Figures handed in said to be untrue (V1), in Chinese and English.
    ("领导让把那张表改好看点再交，所以交上去的数其实不是真实的", {"materials_truthful": False}),
    ("To be honest, that 95% resolution number isn't real.", {"materials_truthful": False}),
    ("Our branch managers filled in many of the satisfaction forms themselves.", {"materials_truthful": False}),
    ("The complaint log we sent was cleaned up first.", {"materials_truthful": False}),
    ("Some overdue tickets were removed from the report before we submitted it.", {"materials_truthful": False}),
    ("报给机构的那份响应时间，其实是按排班表倒推出来的", {"materials_truthful": False}),
    ("交上去的回访记录里，有些分数是坐席后来自己补打的", {"materials_truthful": False}),
    ("报给审核组的及时率是挑了数据好的月份算的，全年真实的没那么好看", {"materials_truthful": False}),
    ("上个月有台设备起火了，原因还没查清，用户在索赔", {"major_incident_unresolved": True}),
    ("We recalled 200 units in September and most of them are still waiting for the repair.", {"major_incident_unresolved": True}),
    # None of these is a veto: a procedure, figures said to be real, a part removed, planning estimates, a pilot.
    ("我们的召回程序还没建立", {}),
    ("The figures we sent are real, every one.", {}),
    ("The faulty part was removed before we shipped it.", {}),
    ("We cleaned up the workshop before the audit.", {}),
    ("备件需求是按历史销量推算出来的", {}),
    ("我们挑了三个网点做试点", {}),
])
def test_vetoes_in_plain_words(text, declarations):
    assert read(text).declarations == declarations


def test_a_recall_supposed_in_a_question_is_no_declaration():
    ex = read("如果有召回还没结束，会怎样？")
    assert ex.hypothetical and not (ex.stated and ex.stated.declarations)


def test_absences_topics_and_departments_are_no_evidence_and_no_name():
    assert read("改进这块说实话没什么正式流程，都是老板想起来哪块就抓哪块").evidence == []
    assert read("投诉处理周期平均要得个六天左右，莫得办法，厂家配件来得慢").evidence == []
    ex = read("服务规范这块有受控的售后服务规范和退换货判定标准")
    assert sorted(e.item for e in ex.evidence) == ["售后服务规范", "退换货判定标准"]
    ex = read("我们是有售后服务部的，有部长，有组织架构图，就是人少")
    assert [e.item for e in ex.evidence] == ["组织架构图"] and "name" not in ex.enterprise


def test_a_date_with_no_place_is_said_back_with_why():
    ex = read("今年9月有一批设备召回了，到现在还没追回来")
    assert ex.declarations == {"major_incident_unresolved": True}
    assert any(note.startswith("今年9月") and "日期" in note for note in ex.set_aside)
    # A finding's date is the finding's: not said back.
    ex = read("10月20号外审开了一个一般不符合F1，投诉台账不全，还开着")
    assert not any("10月20号" in note for note in ex.set_aside)



def test_an_incident_told_without_its_status_is_asked_about_not_recorded():
    ex = read("今年8月出过一次批量召回")
    assert ex.declarations == {}
    assert any("召回" in note and "V3" in note and "结案了吗" in note for note in ex.set_aside)
    # A kind of service call is no incident.
    assert not any("V3" in note for note in read("困人救援首次响应平均0.4小时").set_aside)
