"""Levels read from a description of practice without a level (assistant/chat/reading/levels.py): the client's
words are matched to the criterion's own level descriptors in the catalogue."""

from __future__ import annotations

import pytest

from tests.chat.reading import levels





@pytest.mark.parametrize("text, cid, level", [
    # L2: the rule set up, followed for the main part, its records made
    ("我们每年都按计划做内审，也开管理评审，报告和会议纪要都有", "D5.4", 2),
    ("内审一年一回，按计划来，有报告，不符合的都整改了，管理评审也开，有纪要", "D5.4", 2),
    ("满意度调查整了个制度，主要业务都按那个做，每月出个报告", "D3.2", 2),
    # partial coverage: the own outlets covered is the catalogue's L2, the head office only with the rest each
    # doing their own is L1
    ("工单系统有，不过只有总部自营的服务站在用，代理商还是用Excel。", "D5.3", 2),
    # L1: occasional, oral, nothing recorded
    ("服务质量检查嘛，就是网点主管有空跟着上门看看，发现问题说两句，也不记", "D1.4", 1),
    # what is lacking is what the level above requires
    ("售后组织有架构图，任命了售后总监，总部、区域、网点都在架构里，岗位说明书大部分有了，跨部门接口还没发文件", "D5.1", 2),
    # English
    ("We run an internal audit every year to a plan and write a report; management review is held annually with minutes.", "D5.4", 2),
])
def test_a_description_gives_the_level_whose_descriptor_it_matches(text, cid, level):
    assert levels(text).get(cid) == level


@pytest.mark.parametrize("text, cid, level", [
    # The descriptor rules read these right, but the closest descriptor is another level and the learned check
    # (assistant/chat/reading/described.py) finds them unclear: measured over the development writers, keeping the
    # rules' level in such cases records about as many wrong levels as right ones, so none is recorded and the
    # assistant asks with the descriptors. What must never happen is a wrong level.
    ("工单系统整了一个，就自营网点在用，授权的还是用表格记", "D5.3", 2),
    ("工单系统只有总部在用，加盟店各做各的", "D5.3", 1),
    ("Internal audit covers every service process and a sample of distributors; auditors are trained and never audit "
     "their own area.", "D5.4", 3),
])
def test_an_unclear_description_records_no_wrong_level(text, cid, level):
    assert levels(text).get(cid) in (None, level)


@pytest.mark.parametrize("text, cid, level", [
    # Descriptions in development writers' wording (intake round 8) that the descriptor rules did not read, or read
    # only for criteria without a KPI: the closest descriptor of the criterion gives the level, and the check finds it clear.
    ("信息化嘛，就是各网点用Excel自己记，总部想汇总都汇总不了", "D5.3", 1),
    # a KPI criterion's practice told without its value gives its declared level (SCHEME.md §2)
    ("培训学时只有大的培训才签到，其他的年底由班组长估个数报上来。", "D4.2", 1),
    ("投诉处理周期这块，所有渠道的投诉都统一进系统，按严重程度分级自动流转到责任部门，关闭必须客户确认，重开的投诉跟原投诉关联", "D2.3", 3),
])
def test_the_closest_descriptor_gives_the_level_of_a_description(text, cid, level):
    assert levels(text).get(cid) == level


def test_one_description_over_two_sentences_on_the_same_criterion():
    assert levels("内审每年按计划做一次，有报告，不符合项有整改记录。管理评审每年也开，有纪要。") == {"D5.4": 2}


@pytest.mark.parametrize("text", [
    "内审查出来14条问题，都整改完了",                     # one phrase is no description of a level
    "首次响应从36小时降到了4小时，上了工单系统以后效果很明显",
    "服务创新拿了软件著作权证书，还有远程诊断项目的立项书。",  # documents named are evidence, not a level
    "如果我们每年按计划做内审，也开管理评审，能到几级？",      # a question supposes, it states nothing
    "培训：人均年学时28，持证率92%，有年度培训计划和签到表",
])
def test_no_level_without_a_description_of_one(text):
    assert {c: v for c, v in levels(text).items() if c in ("D5.4", "D5.3", "D6.3", "D4.1")} == {}
