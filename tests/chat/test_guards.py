"""The guards every model-written answer passes (assistant/chat/guards.py)."""

from __future__ import annotations

from assistant.chat.guards import (
    check_citations,
    check_grade,
    check_numbers,
    numbers_in,
    stated_grades,
)


def test_grades_stated_versus_goals():
    assert stated_grades("你们目前评级为合格（暂定）。") == {"合格"}
    assert stated_grades("要达到优秀，还需要提升D6；离合格还差D5.1。") == set()
    assert stated_grades("Your grade is fail. To reach excellent you need more.") == {"不合格"}
    assert check_grade("当前为不合格（暂定）。", "不合格") is None
    assert check_grade("You would pass.", "不合格") is not None
    assert check_grade("你们可以评为优秀", "合格") is not None


def test_numbers_must_come_from_sources():
    passage = "获证后自认证日期起每6个月进行一次监督审核；证书有效期3年。"
    assert check_numbers("每6个月一次[1]，证书3年有效。", [passage]) is None
    assert "4" in check_numbers("每季度一次，4年有效", [passage])
    assert numbers_in("[1] 总分72.50，2027-02-25前\n1. 第一项") == {"72.5", "2027-02-25"}


def test_citations_are_checked_against_the_index(index_settings):
    from assistant.retrieval.hybrid import search

    hit = search("监督审核多久一次", settings=index_settings)[0]
    good = hit.citation()
    assert check_citations("答案[1]", [good], index_settings) is None
    forged = dict(good, text=good["text"] + "（另附）")
    assert "not a passage" in check_citations("答案[1]", [forged], index_settings)
    assert "[2]" in check_citations("答案[2]", [good], index_settings)
    assert "quoted" in check_citations("规则说“认证有效期为十年整”[1]", [good], index_settings)
