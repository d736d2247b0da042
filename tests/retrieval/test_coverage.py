"""When the answer writer declines a question as not covered, and when a question is in scope whatever its scores."""

from __future__ import annotations

import pytest

from assistant.answer import answer_question, is_covered, names_scheme_concept
from assistant.retrieval.hybrid import search
from tests.conftest import REPO

KNOWLEDGE = REPO / "knowledge"


@pytest.mark.parametrize("question", [
    "L4和L5到底有啥不一样？",                       # level codes
    "漏评的那几条准则会当零分算吗？",               # a scope word of knowledge/terms.yaml
    "我们总分已经86了，怎么还评不上优秀？",
    "一次修复率要到多少？",                          # a criterion name, from the scheme data
    "What does the customer satisfaction dimension contain?",  # an English dimension name
    "Which criteria make up D3?",                    # an id
    "V1是什么意思",
])
def test_questions_naming_a_scheme_concept_are_in_scope(question):
    assert names_scheme_concept(question, KNOWLEDGE)


@pytest.mark.parametrize("question", [
    "申请认证要交多少认证费？",       # generic domain words (认证, 审核) do not put a question in scope
    "现场审核一般会派几个审核员来？",
    "What is the certification fee?",
    "怎么做红烧肉？",
    "html5 和 LLM 是什么",              # letters and digits inside words are not level or criterion ids
])
def test_generic_or_unrelated_questions_are_not_in_scope_by_wording(question):
    assert not names_scheme_concept(question, KNOWLEDGE)


def test_scope_decides_coverage_when_scores_are_low(index_settings):
    """With thresholds no score reaches, only the scheme's wording keeps a question answered."""
    strict = index_settings.model_copy(update={"not_covered_dense": 2.0, "not_covered_bm25": float("inf"),
                                               "not_covered_dense_en": 2.0, "not_covered_bm25_en": float("inf")})
    scoped = answer_question("L4和L5到底有啥不一样？", settings=strict)
    assert scoped.covered and scoped.citations
    assert any("L5" in c["text"] or "L4" in c["text"] for c in scoped.citations)
    unscoped = answer_question("申请认证要交多少认证费？", settings=strict)
    assert not unscoped.covered and unscoped.citations == []


def test_unrelated_question_is_still_declined_with_the_calibrated_thresholds(index_settings):
    ans = answer_question("怎么做红烧肉？", settings=index_settings)
    assert not ans.covered and ans.citations == []


def test_a_value_no_passage_states_is_declined_and_one_a_later_passage_states_is_quoted_first(index_settings):
    """Questions in scope by their words (D2.1, L5, 证书) that ask for a value the knowledge base never gives (a
    headcount, a place to download from) are declined, not answered with sentences that state no such value;
    "证书有效期几年" is answered with the sentence that states the three years, first."""
    rules_only = index_settings.model_copy(update={"learned_scope": False})
    for question in ["D2.1做到L5要多少个客服？", "认证证书去哪里下载？"]:
        hits = search(question, settings=rules_only)
        assert is_covered(hits, rules_only, question)  # the scores and the topics would answer it
        declined = answer_question(question, settings=rules_only)
        assert not declined.covered and declined.citations == [], question
    validity = answer_question("这个证书有效期几年？", settings=index_settings)
    assert validity.covered
    assert "证书有效期3年" in validity.answer.splitlines()[0]
