"""What users rely on when an answer quotes more than its best passage: a sentence of another passage is quoted
when that passage bears on the question (a question about two rules gets both), not because it merely scored
near (assistant/retrieval/other_passages.py weighs what the writer's rules admit)."""

from __future__ import annotations

import pytest

from assistant.answer import answer_question
from assistant.evals.metrics import quoted_sentences
from assistant.retrieval import other_passages


def _quoted_locators(ans) -> set[str]:
    return {ans.citations[n - 1]["locator"] for n, _ in quoted_sentences(ans.answer)}


@pytest.mark.parametrize(("question", "passage", "unrelated"), [
    # The metric's definition (D2.2 · 指标口径) answers it; its L2 level scored near and was quoted under it.
    ("D2.2上门及时率的到达时间以什么为准？", "D2.2 上门及时率 · 指标口径", "D2.2 上门及时率 · L2 规范级"),
    # The principles' list of improvements answers it; an L5 level of the IT-system criterion was quoted under it.
    ("搞信息化系统跟持续改进有啥关系？", "三、认证评价与持续改进 (3)", "D5.3 服务信息化系统 · L5 持续优化级"),
])
def test_a_question_one_passage_answers_quotes_no_sentence_of_a_passage_that_only_scored_near(
        index_settings, question, passage, unrelated):
    ans = answer_question(question, settings=index_settings)
    assert ans.covered
    assert _quoted_locators(ans) == {passage}
    # The check is what leaves it out: without it the writer's rules quote the other passage too.
    before = answer_question(question, settings=index_settings.model_copy(update={"learned_others": False}))
    assert unrelated in _quoted_locators(before)


def test_a_question_about_two_rules_still_quotes_both_passages(index_settings):
    ans = answer_question("严重不符合没在期限内关闭，对评级和证书分别有什么后果？", settings=index_settings)
    quoted = _quoted_locators(ans)
    assert "评价方案2026.1 §4 审核发现与期限 暂停与撤销" in quoted  # the certificate: suspended, then withdrawn
    assert "评价方案2026.1 §3 评级规则 一票否决 V4" in quoted  # the rating: veto V4
    assert "证书暂停" in ans.answer and "不合格" in ans.answer


def test_the_shipped_weights_load_and_name_only_known_features():
    model = other_passages.load()
    assert model is not None and 0.0 < model.threshold < 1.0
    main = other_passages.Main(n=1, source="rules", criterion=None, score=0.9, passage_score=0.9, overlap=0.5,
                               passage_overlap=0.6, title_overlap=0.2, dense=0.9, bm25=10.0)
    cand = other_passages.Candidate(n=2, source="criteria", criterion="D2.2", text="句子。", score=0.88,
                                    passage_score=0.86, overlap=0.4, adds=0.1, new_number=False, passage_overlap=0.5,
                                    title_overlap=0.1, bm25=8.0, fused_gap=0.3, dense=0.88, tie=True)
    feats = other_passages.features("问题？", {"list": False}, main, cand)
    assert set(model.weights) <= set(feats)
    assert 0.0 <= model.probability(feats) <= 1.0
