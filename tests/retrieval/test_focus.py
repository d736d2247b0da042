"""The thing a question asks about (assistant/retrieval/focus.py): a word no knowledge file mentions, asked about,
declines the question; unknown words in context positions do not. Wordings written for these tests (not from
evals/)."""

from __future__ import annotations

import pytest

from assistant.answer import answer_question, is_covered
from assistant.retrieval.focus import frame_words, unknown_focus, vocabulary
from assistant.retrieval.hybrid import search
from tests.conftest import REPO

KNOWLEDGE = REPO / "knowledge"


@pytest.mark.parametrize(("question", "focus"), [
    ("拿到认证证书以后，能不能办信用卡？", "信用卡"),                # an object the knowledge base never names
    ("监督审核那天中午，审核组想吃饺子还是面条？", "面条"),        # jieba tags 吃饺子 a verb; 面条 is asked too
    ("评上优秀以后，我们的股价会不会涨？", "股价"),
    ("企业没关闭严重不符合，会被海关扣货吗？", "扣货"),              # among the scheme's words; 海关 is the agent
    ("这个认证和WHO的标准是什么关系？", "WHO"),                      # an acronym no knowledge file has
    ("Is the Bureau of Standards (BSI) allowed to audit us?", "BSI"),  # a named acronym in an English question
])
def test_an_object_the_knowledge_base_never_mentions_is_the_unknown_focus(question, focus):
    assert unknown_focus(question, KNOWLEDGE) == focus


@pytest.mark.parametrize("question", [
    "客户满意度这一项一共有几个等级？",              # the question word and a quantity, not an object
    "观察项到期没整改，是不是就升级成不符合了？",    # a verb and its complement (升级 + 成)
    "拖后腿的那个维度要先补吗？",                    # an unknown word modifying a known one
    "审核会不会被人情世故左右？",                    # the agent of a passive
    "评审的时候会不会偏向大企业？",                  # a verb after a modal that jieba tags as a noun
    "这一条的原文是什么意思？",                      # relational nouns (focus.frame)
    "客户打热线电话后多久要响应？",                  # a compound of known words (热线 + 电话)
    "How long is the certificate valid?",           # English: only named acronyms are read
])
def test_unknown_words_in_context_or_known_words_are_no_unknown_focus(question):
    assert unknown_focus(question, KNOWLEDGE) is None


def test_the_vocabulary_is_the_knowledge_files_and_frame_words_are_data():
    vocab = vocabulary(KNOWLEDGE)
    assert "监督审核" in vocab and "一票否决" in vocab and "短信" in vocab  # rules, scheme, criteria and findings
    assert "火锅" not in vocab
    assert {"意思", "区别", "名称"} <= frame_words(KNOWLEDGE)


def test_an_unknown_focus_declines_a_question_the_scores_and_topics_would_answer(index_settings):
    question = "评上优秀以后，我们的股价会不会涨？"
    hits = search(question, settings=index_settings)
    assert max(h.score for h in hits) < index_settings.focus_strong_dense
    declined = answer_question(question, settings=index_settings)
    assert not declined.covered and declined.citations == []
    # The same check, with the unknown word as a modifier only, keeps a rules question answered.
    kept = "拖后腿的那个维度要先补吗？"
    assert is_covered(search(kept, settings=index_settings), index_settings, kept)


def test_a_very_close_match_keeps_a_question_with_an_unknown_word_answered(index_settings):
    """An unknown focus declines only below `focus_strong_dense`: with the guard at 0, nothing is declined by it."""
    question = "企业没关闭严重不符合，会被海关扣货吗？"
    lenient = index_settings.model_copy(update={"focus_strong_dense": 0.0})
    hits = search(question, settings=index_settings)
    assert not is_covered(hits, index_settings, question)
    assert is_covered(hits, lenient, question)
