"""The answer metrics of the QA suite on hand-made answers: quoted sentences, verbatim checks, unrelated sentences."""

from __future__ import annotations

from assistant.evals.metrics import quote_problems, quoted_sentences
from assistant.evals.qa import answer_metrics

CITES = [{"text": "获证后自认证日期起每6个月进行一次监督审核；证书有效期3年。"},
         {"text": "【PF-001】家电·一般不符合·D2.1：投诉首次响应已超过30天期限4个月。"}]


def test_quotes_are_the_lines_before_each_marker_without_leads_or_english():
    answer = "根据评价方案：获证后自认证日期起每6个月进行一次监督审核；证书有效期3年。[1]\n- 已超过30天期限4个月。[2]"
    assert quoted_sentences(answer) == [(1, "获证后自认证日期起每6个月进行一次监督审核；"), (1, "证书有效期3年。"),
                                        (2, "已超过30天期限4个月。")]
    english = "The certificate is valid for 3 years. [1]\n- 证书有效期3年。[1]"
    assert quoted_sentences(english) == [(1, "证书有效期3年。")]


def test_quote_problems_counts_mismatched_and_unrelated_sentences():
    answer = "证书有效期3年。[1]\n- 已超过30天期限4个月。[2]\n- 证书有效期5年。[1]"
    quoted, mismatched, unrelated = quote_problems(answer, CITES, ["每6个月进行一次监督审核"])
    assert (quoted, mismatched, unrelated) == (3, 1, 1)
    assert quote_problems("证书有效期3年。[3]", CITES, [])[1] == 1  # a marker naming no citation


def test_answer_metrics_over_rows():
    rows = [{"answer_chars": 100, "quoted_sentences": 2, "unrelated_sentences": 1, "quote_mismatches": 0},
            {"answer_chars": 300, "quoted_sentences": 2, "unrelated_sentences": 0, "quote_mismatches": 1},
            {"answer_chars": None, "quoted_sentences": 0, "unrelated_sentences": None, "quote_mismatches": 0}]
    m = answer_metrics(rows)
    assert m["unrelated_sentence_rate"] == 0.25 and m["quote_mismatches"] == 1 and m["answer_chars_p50"] == 200.0
