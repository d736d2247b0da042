"""What users rely on in an answer: the first sentence states it (in English for an English question), lists are
complete, "how do we start" gets the steps, every quote is verbatim from the passage its [n] names, and what the
knowledge base does not say is declined with what it does cover."""

from __future__ import annotations

import re

import pytest

from assistant.answer import answer_question
from assistant.evals.metrics import quote_problems, quoted_sentences

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _first_line(answer: str) -> str:
    return answer.splitlines()[0]


@pytest.mark.parametrize("question", [
    "申请认证要交多少认证费？",
    "从申请到拿证一般要多久？",
    "可以和ISO 9001一起做结合审核吗？",
    "GB/T 27922 五星级售后服务认证怎么评？",
    "售后工程师的加班费怎么算？",
    "How much does the certification cost?",
    "How long does it take to get certified?",
    "Which certification bodies are accredited to issue this certificate?",
])
def test_questions_about_what_the_knowledge_base_does_not_say_are_declined_with_what_it_covers(index_settings, question):
    ans = answer_question(question, settings=index_settings)
    assert not ans.covered and ans.citations == []
    assert ("本助手可以回答" in ans.answer) or ("I can answer questions about" in ans.answer)


@pytest.mark.parametrize(("question", "fact"), [
    ("证书有效期是多久？", "3年"),
    ("监督审核多久做一次？", "6个月"),
    ("严重不符合要在多少天内整改完？", "30天"),
    ("How long is the certificate valid?", "3年"),
])
def test_durations_the_scheme_states_are_answered(index_settings, question, fact):
    ans = answer_question(question, settings=index_settings)
    assert ans.covered and fact in ans.answer


def test_a_question_about_a_rules_example_is_answered_with_the_example(index_settings):
    ans = answer_question("文件里提到的那家家电企业，一共整改了几次？", settings=index_settings)
    assert "两次整改" in _first_line(ans.answer)


def test_an_english_kpi_threshold_question_states_the_criterion_threshold(index_settings):
    ans = answer_question("What on-site arrival punctuality does D2.2 need for L4?", settings=index_settings)
    assert "95%" in ans.answer and "评价方案2026.1 §1 维度与准则 D2 服务效率" in [c["locator"] for c in ans.citations[:3]]


def test_an_english_question_gets_an_english_first_sentence_and_chinese_quotes(index_settings):
    ans = answer_question("Within how many days must a major nonconformity be corrected?", settings=index_settings)
    first = _first_line(ans.answer)
    assert not _CJK.search(first) and "30 days" in first and re.search(r"\[\d\]$", first)
    quotes = quoted_sentences(ans.answer)
    assert quotes and any("30天" in s for _, s in quotes)
    assert quote_problems(ans.answer, ans.citations, [])[1] == 0


def test_a_chinese_answer_starts_with_the_rule_itself(index_settings):
    ans = answer_question("监督审核多久一次？", settings=index_settings)
    first = _first_line(ans.answer)
    assert ("6个月" in first or "半年" in first) and first.endswith("[1]")
    assert not first.startswith("根据")


@pytest.mark.parametrize("question", ["一票否决项有哪些？", "Which vetoes are there?"])
def test_the_veto_list_names_all_four(index_settings, question):
    ans = answer_question(question, settings=index_settings)
    for code in ("V1", "V2", "V3", "V4"):
        assert code in ans.answer, code
    cited = {c["locator"] for c in ans.citations}
    assert {f"评价方案2026.1 §3 评级规则 一票否决 V{i}" for i in range(1, 5)} <= cited
    assert len(ans.citations) <= 5


def test_how_to_start_gets_the_steps_of_the_scheme(index_settings):
    ans = answer_question("第一次准备认证，该从哪里开始？", settings=index_settings)
    text = ans.answer
    steps = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(steps) >= 4
    order = [text.index(w) for w in ("自我评估", "自愿申请", "现场审核", "颁发")]
    assert order == sorted(order), "the steps come in the certification's order"
    assert quote_problems(text, ans.citations, [])[1] == 0


def test_missing_evidence_question_gets_the_evidence_cap(index_settings):
    ans = answer_question("KPI没有证据会怎么算", settings=index_settings)
    assert "0项证据最高L1" in ans.answer


@pytest.mark.parametrize("question", [
    "严重不符合多少天内要整改完？",
    "认证结果分几个等级？",
    "申请认证需要提交哪些资料？",
    "What does the audit report contain?",
    "审核发现分几类？",
])
def test_every_quote_is_verbatim_from_the_passage_its_marker_names(index_settings, question):
    ans = answer_question(question, settings=index_settings)
    quoted, mismatched, _ = quote_problems(ans.answer, ans.citations, [])
    assert quoted >= 1 and mismatched == 0, ans.answer


def test_a_rules_answer_quotes_no_past_finding(index_settings):
    ans = answer_question("严重不符合多少天内要整改完？", settings=index_settings)
    numbers = {n for n, _ in quoted_sentences(ans.answer)}
    assert all(ans.citations[n - 1]["source"] != "findings" for n in numbers)


def test_a_kpi_threshold_answer_quotes_that_kpi_not_the_rest_of_its_dimension(index_settings):
    ans = answer_question("一次修复率要做到多少才能评L5？", settings=index_settings)
    first = ans.answer.splitlines()[0]
    assert "≥95% 为L5" in first and "[1]" in first
    assert "D1.3" not in ans.answer and "D1.4" not in ans.answer
