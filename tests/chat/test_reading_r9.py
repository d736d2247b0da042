"""Round 9 of the reading (issue 14): findings told as a list (a tally, then the items under their severity, then
what holds for some or all of them); a finding is closed only when the certification body verified it."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.chat.extract import Context
from tests.chat.reading import read


def findings(text: str, **kw) -> list[tuple[str, str | None, str]]:
    return [(f.severity, f.criterion, f.status) for f in read(text, **kw).findings]


def test_a_tally_then_items_under_each_severity_records_each_finding_once():
    got = findings("上周外审开了一个严重两个一般。严重的是备件需求没有任何记录；一般的一个是投诉关闭没有客户确认，"
                   "另一个是培训学时没有统计。三个都还在整改。")
    assert sorted(got) == sorted([("major", "D2.4", "open"), ("minor", "D2.3", "open"), ("minor", "D4.2", "open")])


@pytest.mark.parametrize("text, n", [
    ("外审结果：严重0条，一般2条，观察1条。一般：①备件账实不符；②回访不满意的客户没有再跟进。观察：改进项目没有台账。", 3),
    ("审核开了俩一般，一个说备件盘点不准；一个说满意度回访是网点自己打的。", 2),
    ("两个一般：备件账实不符，培训学时统计口径有问题。", 2),
    ("10.20外审 严重1 一般2 严重:售后组织架构没有发文 一般:制度文件无版本号/工单系统查不到服务历史", 3),
    ("Two minors at the audit: spare-parts records don't match the shelves; complaints are closed without asking the customer.", 2),
])
def test_items_are_split_by_enumerators_semicolons_or_as_many_commas_as_the_tally_counts(text, n):
    got = findings(text)
    assert len(got) == n
    assert all(c is not None for _, c, _ in got)


def test_the_audit_date_said_once_holds_for_every_item():
    x = read("11月12日外审：2个一般不符合，1个观察项。一般1：内审没有覆盖授权网点；一般2：证书台账不记录有效期。"
             "观察项：改进项目没做效果验证。")
    assert [(f.severity, f.criterion) for f in x.findings] == [("minor", "D5.4"), ("minor", "D4.3"), ("observation", "D6.1")]
    assert {f.raised_on for f in x.findings} == {date(2026, 11, 12)}


def test_statuses_said_for_one_severity_and_for_the_rest():
    got = findings("初审共3项：严重1项——售后负责人由销售总监兼任且没有任命文件；一般1项——制度文件没有受控编号；"
                   "观察1项——服务创新没有效果数据。严重项已经现场复审关闭，其余在整改中。")
    assert got == [("major", "D5.1", "closed"), ("minor", "D5.2", "open"), ("observation", "D6.3", "open")]
    got = findings("严重项复审通过了，观察项还挂着。严重的是管理评审没开过，观察是服务创新。")
    assert got == [("major", "D5.4", "closed"), ("observation", "D6.3", "open")]
    got = findings("两个一般都关了：一个是学时口径，一个是备件盘点。")
    assert [s for _, _, s in got] == ["closed", "closed"]


def test_a_severity_counted_but_not_itemised_is_recorded_without_a_criterion():
    got = findings("上回外审开了4个不符合，严重1个一般3个。严重那个已经现场复审关了。"
                   "一般的3个：学时统计口径不一致；返修按客户电话关联；回访录音只保存一个月。")
    assert ("major", None, "closed") in got
    assert sorted(s for s, _, _ in got) == ["major", "minor", "minor", "minor"]


@pytest.mark.parametrize("text", [
    "首次响应一般2到4个小时。",                 # 一般 the adverb, and a range, not a tally
    "投诉处理周期一般5到8天吧。",
    "那个D2.3的一般不符合上周已经关了。",      # D2.3 is no count
    "ISO 9001 的外审开了一个一般不符合，是采购的，跟售后没关系吧？",
    "下个月监督审核，怕被开严重，你帮我看看。",
    "审核员说下次要重点看备件，这算观察项吗？",
])
def test_no_list_of_findings_is_read_where_none_was_told(text):
    x = read(text)
    assert len(x.findings) <= 1
    assert not any(f.severity for f in x.findings) or "D2.3" in text


def test_findings_done_by_the_client_but_not_verified_stay_open():
    assert findings("审核员开了个一般，说返修没有原因分析，我们已经整改完交材料了，等确认。") == [("minor", "D1.3", "open")]
    assert findings("开了一个一般不符合，备件账实不符，我们整改完了。")[0][2] == "open"
    assert findings("开了一个一般不符合，备件账实不符，文件审查已经通过了。")[0][2] == "closed"
    ctx = Context(findings=[{"id": "F1", "severity": "minor", "criterion": "D2.4", "status": "open", "text": "备件账实不符"}])
    x = read("F1整改完了，材料交了还没确认", context=ctx)
    assert all(f.status != "closed" for f in x.findings)


def test_a_finding_said_with_a_bare_severity_after_a_measure_word():
    assert findings("11/30外审 给了个一般 说我们客户反馈没人回复 就这") == [("minor", "D3.4", "open")]
    assert findings("外审开了个观察：改进成果没推广到授权网点。")[0][:2] == ("observation", "D6.1")


@pytest.mark.parametrize("text", [
    "现场服务规范是技术部编的，安装和维修都写了。",            # a document compiled, no confession
    "D1.1还是改成L2吧，网点那边其实还没用上新规范，别虚报了。",  # a warning against overstating
    "回访记录是我们客服部自己打的电话，不是网点打的。",          # the company calls its customers: normal practice
    "客户不方便写字的时候是口头同意、工程师拍视频留证，不存在代签。",
    "上次说的代签的事我回去查了，是误会，那几张是客户家属签的。",
])
def test_what_is_no_confession_records_no_untruthful_materials(text):
    assert read(text).declarations.get("materials_truthful") is not False


@pytest.mark.parametrize("text", [
    "满意度有一部分是网点自己打的分，客户根本没接到电话。",
    "审核材料里的工单照片有一些是从别的单子里挪过来凑数的。",
])
def test_confessions_are_still_read(text):
    assert read(text).declarations.get("materials_truthful") is False


def test_evidence_items_are_documents_by_their_own_names():
    x = read("持证情况可以用证书台账和岗位资格要求清单来证明。")
    assert sorted(e.item for e in x.evidence) == ["岗位资格要求清单", "证书台账"]
    x = read("证明我们有售后组织的材料：组织架构图、售后总监任命书。")
    assert sorted(e.item for e in x.evidence) == ["售后总监任命书", "组织架构图"]


@pytest.mark.parametrize("text, level", [
    ("我们有独立的售后服务部，部长是总经理发文任命的，部门职责也发过文。", 2),
    ("售后这边有服务部，组织架构图去年发了的，负责人也任命了。", 2),
    ("售后部有五个人，职责没成文，都是口头安排。", 1),
])
def test_an_organisation_with_its_chart_issued_and_head_appointed_is_l2(text, level):
    got = {lv.criterion: lv.level for lv in read(text).levels}
    assert got.get("D5.1") == level
