"""The learned answerability check (assistant/retrieval/answerable.py): it declines what the topic rules let
through, keeps the questions users ask about the scheme answered, and stands aside when it cannot read them."""

from __future__ import annotations

import json

import pytest

from assistant.answer import answer_question, is_covered
from assistant.prompts import load_prompt
from assistant.retrieval import answerable
from assistant.retrieval.hybrid import search


def test_a_question_the_topic_rules_let_through_is_declined(index_settings):
    """The scheme never says how many auditors come; no topic rule knows "几个人来", so the rules alone answer it
    from the audit passages. The check reads what the question asks and declines it."""
    question = "现场审核一般几个人来？"
    rules_only = index_settings.model_copy(update={"learned_scope": False})
    assert is_covered(search(question, settings=rules_only), rules_only, question)
    ans = answer_question(question, settings=index_settings)
    assert not ans.covered and ans.citations == []
    assert ans.answer == load_prompt("ask", "zh")["not_covered"].strip()


@pytest.mark.parametrize("question", [
    "监督审核多久一次？",
    "我们投诉响应要36小时，能过吗？",
    "离优秀还差什么？",
    "证书有效期几年？",
    "一般不符合要多久整改完？",
    "L4和L5有啥不一样？",
    "一票否决有哪些？",
    "投诉处理周期怎么算？",
    "What happens if we fail the surveillance audit?",
])
def test_questions_about_the_scheme_stay_answered(index_settings, question):
    ans = answer_question(question, settings=index_settings)
    assert ans.covered and ans.citations, question


def test_the_check_stands_aside_for_weights_of_another_embedder(index_settings):
    """The weights read e5 vectors: with another embedder configured they would read noise, so the rules decide."""
    other = index_settings.model_copy(update={"embedder": "st"})
    hits = search("现场审核一般几个人来？", settings=index_settings)
    assert answerable.asks_beyond("现场审核一般几个人来？", hits, index_settings, names_concept=True)
    assert not answerable.asks_beyond("现场审核一般几个人来？", hits, other, names_concept=True)


def test_the_shipped_weights_were_not_trained_on_the_set_kept_for_measurement():
    data = json.loads(answerable.WEIGHTS.read_text(encoding="utf-8"))
    assert data["embedder"].startswith("e5:")
    assert "retrieval_unseen7.jsonl" not in data["trained_on"]
    assert 0.5 <= data["threshold"] < 1.0
    assert len(data["vector"]) == 384
