"""Round 11 of the reading (issue 14): findings dated, described and placed as audits report them; findings that are
not this client's; a figure confessed untrue; an organisation intended or staffed without a department; names and
trades that are no company's."""

from __future__ import annotations

from datetime import date

import pytest

from tests.chat.reading import levels, read, said_back


def findings(text, **kw):
    return [(f.id, f.severity, f.criterion, f.status, f.raised_on) for f in read(text, **kw).findings]


@pytest.mark.parametrize("text, day", [
    ("审核员在D1.4开了个一般不符合，说稽查表没签字，11月9号开的。", date(2026, 11, 9)),   # D1.4 is no date
    ("审核员说我们呆滞备件没处理，开了个一般不符合。审核是10/21。", date(2026, 10, 21)),
    ("一般不符合F4，D3.2，抽样方法没写。日期是11.3，还开着。", date(2026, 11, 3)),
    ("这次审核（9.17）开了个观察项，说回访话术不统一。", date(2026, 9, 17)),
    ("开了个观察项，说知识库没人维护。其实维护记录我们是有的。审核是11月24号。", date(2026, 11, 24)),
])
def test_the_audit_date_the_message_tells_elsewhere_dates_the_finding(text, day):
    got = findings(text)
    assert len(got) == 1 and got[0][4] == day


def test_a_date_taken_back_is_not_the_audit_date():
    x = read("说错了，不是10月12号，是10月21号审核的，开了一个一般不符合，还开着")
    assert [f.raised_on for f in x.findings] == [date(2026, 10, 21)]


@pytest.mark.parametrize("text", [
    "听说隔壁做净水器的那家被开了个严重不符合，我们会不会也这样？",
    "我们竞争对手上次被开了严重不符合，就是因为满意度造假。",
    "Our competitor got a major NC for their complaint log last month.",
    "估计正式审核会有两三个一般不符合吧，你帮我们看看怎么准备",
    "审核员提醒我们，如果回访一直让网点自己做，下次可能会开严重不符合。",
    "请问观察项如果拖到下次监督审核还没关，会升级成不符合吗？",
])
def test_a_finding_that_is_not_this_clients_or_not_raised_records_none(text):
    assert read(text).findings == []


def test_the_severity_a_finding_was_downgraded_from_is_no_finding():
    x = read("那个严重不符合被降级成一般不符合了，审核组长确认过的，现在还开着。")
    assert not any(f.severity == "major" for f in x.findings)


def test_a_major_finding_said_as_the_heaviest_grade_is_a_major_finding():
    x = read("对了，9月2号认证机构来审核，给我们开了个最重的那一档问题，说维修记录有代签，到现在整改还没通过复查。")
    assert [(f.severity, f.status, f.raised_on) for f in x.findings] == [("major", "open", date(2026, 9, 2))]
    # what the auditor found is the finding's, not a confession of the client's
    assert "materials_truthful" not in x.declarations


def test_a_finding_described_in_a_sentence_of_its_own_takes_its_criterion_from_it():
    x = read("那个一般项审核员说整改报告写得不行，退回来了。内容是差评没人回复客户。")
    assert [(f.severity, f.criterion) for f in x.findings] == [("minor", "D3.4")]
    assert "差评" in x.findings[0].text


@pytest.mark.parametrize("text, closed", [
    ("F3 观察项 D6.3 已关，F4 一般 D2.2 未关", {"F3": "closed", "F4": "open"}),
    ("F1一般不符合，D2.3，投诉关闭没有客户确认，还开着", {"F1": "open"}),
    ("F2严重不符合，D5.1，整改报告交上去了，应该算关了吧？", {"F2": "open"}),
])
def test_a_findings_status_is_what_was_verified(text, closed):
    assert {f.id: f.status for f in read(text).findings} == closed


def test_a_status_said_of_a_severity_after_the_findings_holds_for_those_findings():
    x = read("上次审核开了一个严重不符合（D2.3，投诉没有时限）和一个一般不符合（D1.4，稽查没覆盖网点）。一般的已经关了，严重的还开着。")
    assert sorted((f.severity, f.criterion, f.status) for f in x.findings) == [("major", "D2.3", "open"), ("minor", "D1.4", "closed")]


def test_criteria_listed_together_go_to_the_findings_in_order():
    x = read("今年监督审核开了3个一般不符合，都还没关，分别在D1.4、D2.3、D3.4。")
    assert [f.criterion for f in x.findings] == ["D1.4", "D2.3", "D3.4"]


def test_a_figure_confessed_untrue_is_said_back_not_recorded():
    x = read("上门及时率那张表是我们改过的，把迟到的都改成了客户改约，报上去的是95%。")
    assert x.declarations.get("materials_truthful") is False
    assert [k for k in x.kpis if k.criterion == "D2.2"] == []
    assert "95%" in said_back(x)
    # a figure said in another sentence of the same message stays
    x = read("回访记录有一部分是客服自己填的，没真打电话。另外人均培训学时是34小时。")
    assert x.declarations.get("materials_truthful") is False and {k.criterion: k.value for k in x.kpis} == {"D4.2": 34.0}


def test_an_organisation_intended_does_not_clear_v2():
    assert "D5.1" not in levels("下个月我们准备成立售后部，招一个售后经理。")


@pytest.mark.parametrize("text, level", [
    ("售后没有单独的部门，挂在销售部下面，有两个专门做售后的小伙子。", 1),
    ("售后没有单独的部门，也没有专门管售后的人，都是销售兼着。", 0),
])
def test_staff_dedicated_to_after_sales_without_a_department_is_l1(text, level):
    assert levels(text) == {"D5.1": level}


@pytest.mark.parametrize("text", [
    "我们售后去年发过组织架构图，任命了售后总监，客服维修备件各有人管。",
    "今年成立了售后服务部，签发了部长任命书，也发布了岗位职责。",
])
def test_an_organisation_issued_said_verb_first_is_l2(text):
    assert levels(text) == {"D5.1": 2}


@pytest.mark.parametrize("text", [
    "我们是新能源车企的售后，全国有90家授权中心。",
    "文件这块我们是四层：手册、程序、作业指导书、表单。",
    "服务信息化我们是L3，有工单系统。",
])
def test_words_that_describe_a_company_are_no_name(text):
    assert "name" not in read(text).enterprise


@pytest.mark.parametrize("text", [
    "培训就是老师傅带徒弟，新机型出来的时候厂家派人来讲一次。",
    "一次修复率现在95%，一直在行业前列。",
])
def test_the_maker_or_the_trade_at_large_is_no_industry(text):
    assert "industry" not in read(text).enterprise


def test_an_industry_after_its_label_is_read_whole():
    assert read("Company: Larkspur Appliances. Industry: commercial refrigeration. Headcount: 800.").enterprise.get("industry") \
        == "commercial refrigeration"


def test_a_document_not_in_force_is_no_evidence():
    assert read("《备件管理规定》之前起草过，一直没发，现在还是各网点自己管。").evidence == []
    assert read("那本《售后服务手册》是2018版的，早就不适用了。").evidence == []
    assert [(e.criterion, e.item) for e in read("《售后服务规范》是受控发布的，审核可以看。").evidence] == [("D1.1", "售后服务规范")]


def test_documents_given_as_the_evidence_of_a_kpi_prove_that_kpi():
    x = read("首次响应平均2个小时，证据就是呼叫中心的CTI话单和在线客服系统日志。")
    assert {e.criterion for e in x.evidence} == {"D2.1"}


def test_a_year_or_a_list_number_is_no_kpi_value():
    assert read("As evidence for training we can show the Annual Training Plan 2026 and the course list.").kpis == []
    assert read("D4.1的证据：1. 年度培训计划 2. 课程清单 3. 讲师资格记录").kpis == []


@pytest.mark.parametrize("text, named", [
    ("最近12个月一次修复率91.3%，30天返修率1.8%", ["12个月（统计期）", "30天（指标名称的一部分）"]),
    ("审核开了俩一般，一个说备件账实不符；一个说回访是网点自己打的", ["俩（发现项的个数"]),
    ("我们2019年通过了ISO 9001，根因分析用5Why和8D", ["2019年（年份）", "ISO 9001", "5Why", "8D"]),
    ("11月12号监督审核开的严重不符合F1，12月1号已经现场复审关闭了。", ["12月1号（不是审核日期"]),
    ("内审每年做两次，都有报告", ["两次"]),
])
def test_every_number_not_recorded_is_said_back_with_what_it_was_read_as(text, named):
    back = said_back(read(text))
    for words in named:
        assert words in back


@pytest.mark.parametrize("text", [
    "员工800人，首次响应平均2小时，上门及时率95%",
    "D2.1算L3，F1已经文件审查通过关闭了",
    "我们有一个售后经理专门负责协调",
])
def test_numbers_recorded_or_names_are_not_said_back(text):
    assert said_back(read(text)) == ""
