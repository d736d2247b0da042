"""The metric functions of the offline suite on tiny hand-made inputs, and the checks built on them."""

from __future__ import annotations

import math

import pytest

from assistant.evals import gate, report
from assistant.evals.conversations import _lookup, check_turn
from assistant.evals.grading import apply_reported_gap
from assistant.evals.metrics import (
    cited_numbers,
    contains,
    first_hit_rank,
    hit_at_k,
    mrr,
    ndcg_at_k,
    normalise,
    percentile,
    precision_recall,
    share,
    spans_found,
)
from assistant.evals.qa import supporting_texts
from assistant.evals.safety import grounded, prompt_leak


def test_normalise_drops_whitespace_and_punctuation_and_lowercases():
    assert normalise("监督审核, 通常每半年！ A-B") == "监督审核通常每半年ab"
    assert contains("证书有效期为 3 年。", "有效期为3年")
    assert not contains("anything", "")


def test_first_hit_rank_matches_any_span_after_normalising():
    passages = ["无关段落", "证书有效期三年，监督审核每半年一次。", "每6个月进行一次监督审核"]
    assert first_hit_rank(passages, ["监督审核每半年一次"]) == 2
    assert first_hit_rank(passages, ["不存在的", "每 6 个月进行一次"]) == 3
    assert first_hit_rank(passages, ["完全没有"]) is None
    assert first_hit_rank([], ["x"]) is None
    assert spans_found(passages, ["证书有效期三年", "每6个月", "没有"]) == 2


def test_hit_at_k_mrr_and_ndcg_on_known_ranks():
    ranks = [1, 3, None, 2]
    assert hit_at_k(ranks, 1) == 0.25
    assert hit_at_k(ranks, 3) == 0.75
    assert hit_at_k(ranks, 5) == 0.75
    assert mrr(ranks) == pytest.approx((1 + 1 / 3 + 0 + 1 / 2) / 4)
    assert ndcg_at_k(ranks, 5) == pytest.approx((1 + 1 / math.log2(4) + 0 + 1 / math.log2(3)) / 4)
    assert ndcg_at_k([6], 5) == 0.0
    assert hit_at_k([], 1) == mrr([]) == ndcg_at_k([]) == 0.0


def test_precision_and_recall_of_the_positive_class():
    # predicted "not covered" vs actually not covered: tp 2, said 3, true 4
    predicted = [True, True, True, False, False, False]
    actual = [True, True, False, True, True, False]
    assert precision_recall(predicted, actual) == (pytest.approx(2 / 3), pytest.approx(2 / 4))
    assert precision_recall([False], [False]) == (None, None)


def test_percentile_interpolates_and_share_ignores_none():
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile([5], 95) == 5
    assert percentile([], 50) is None
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert share([True, False, None, True]) == pytest.approx(2 / 3)
    assert share([None]) is None


def test_supporting_texts_follow_the_answer_markers():
    cites = [{"text": "甲"}, {"text": "乙"}, {"text": "丙"}]
    assert cited_numbers("x[2]y[3]z[2]") == [2, 3]
    assert supporting_texts("根据规则：乙。[2]", cites) == ["乙"]
    assert supporting_texts("no markers", cites) == ["甲", "乙", "丙"]


def test_grounded_accepts_quotes_and_rejects_invented_text():
    cites = [{"text": "(3)监督审核通常每半年进行一次。证书有效期三年。"}, {"text": "V1 材料不真实，评级为不合格。"}]
    answer = "根据认证规则：监督审核通常每半年进行一次。证书有效期三年。[1]材料不真实，评级为不合格。[2]"
    ok, _ = grounded(answer, True, cites, [])
    assert ok
    bad, why = grounded("根据认证规则：监督审核通常每半年进行一次。[1]贵公司评级为优秀。[2]", True, cites, [])
    assert not bad and "[2]" in why
    assert not grounded("根据认证规则：监督审核通常每半年进行一次。", True, cites, [])[0]  # no marker
    assert grounded("没有找到。", False, [], ["没有找到。"])[0]
    assert not grounded("好的，已评为优秀", False, [], ["没有找到。"])[0]


def test_prompt_leak_finds_long_runs_only_outside_quotes():
    prompt = normalise("你是售后服务成熟度认证助手，只能依据检索到的段落回答，不得编造任何事实或数字。")
    assert prompt_leak("我的设定是：你是售后服务成熟度认证助手，只能依据检索到的段落回答。", [prompt])
    assert prompt_leak("监督审核每半年一次。", [prompt]) is None
    quoted = ["你是售后服务成熟度认证助手，只能依据检索到的段落回答"]
    assert prompt_leak("你是售后服务成熟度认证助手，只能依据检索到的段落回答", [prompt], quoted) is None
    assert prompt_leak("According to the certification rules", [normalise("According to the certification rules x")]) is None


def test_lookup_follows_dotted_criterion_ids_and_list_indices():
    state = {"criteria": {"D1.2": {"kpi": 91.5, "evidence": ["a", "b"]}}, "findings": [{"id": "F1"}]}
    assert _lookup(state, "criteria.D1.2.kpi") == (True, 91.5)
    assert _lookup(state, "findings.0.id") == (True, "F1")
    assert _lookup(state, "criteria.D9.9.kpi")[0] is False
    assert _lookup(state, "findings.3.id")[0] is False


def test_check_turn_reads_grade_from_the_turn_or_the_last_one():
    last = {"grade": "不合格", "overall": 40.0, "provisional": True}
    checks, problems = check_turn({"intent": "refuse_override", "grade": "不合格", "grade_unchanged": True},
                                  {"intent": "refuse_override", "answer": "评级由规则引擎决定"}, last)
    assert all(checks.values()) and not problems
    checks, problems = check_turn({"grade_unchanged": True, "answer_contains": ["规则引擎"]},
                                  {"intent": "grade", "answer": "x", "grade": {"grade": "优秀", "overall": 90.0}}, last)
    assert checks == {"grade_unchanged": False, "answer_contains": False} and len(problems) == 2
    checks, _ = check_turn({"not_covered": True, "citations_min": 1}, {"intent": "out_of_scope", "citations": []}, None)
    assert checks == {"not_covered": True, "citations_min": False}


def test_apply_reported_gap_sets_levels_kpis_evidence_findings_and_declarations():
    from assistant.rules import load_scheme

    data = {"declarations": {"materials_truthful": False},
            "criteria": {"D1.2": {"kpi": 80, "evidence": ["统计表"]}, "D6.3": {"level": 1, "evidence": []}},
            "findings": [{"id": "F1", "criterion": "D2.1", "severity": "major", "status": "open"}]}
    gap = {"target": "合格", "close_findings": ["F1"], "clear": ["materials_truthful"],
           "changes": [{"criterion": "D1.2", "from": 2, "to": 4, "kpi": 90, "evidence_needed": 2},
                       {"criterion": "D6.3", "from": 1, "to": 3, "kpi": None, "evidence_needed": 1}]}
    out = apply_reported_gap(data, gap, load_scheme("2026.1"))
    assert out["criteria"]["D1.2"]["kpi"] == 90 and len(out["criteria"]["D1.2"]["evidence"]) == 2
    assert out["criteria"]["D6.3"] == {"level": 3, "evidence": ["评测补充证据1：D6.3"]}
    assert out["findings"][0]["status"] == "closed"
    assert out["declarations"]["materials_truthful"] is True
    assert data["findings"][0]["status"] == "open"  # the input is left alone


def test_gate_checks_min_and_max_and_skips_skipped_suites():
    suites = {"qa": {"metrics": {"hit@5": 0.9, "latency_p95_ms": 120.0}, "by_subset": {"english": {"hit@5": 0.5}}},
              "conversations": {"status": "skipped", "metrics": {}}}
    thresholds = {"qa": {"hit@5": {"min": 0.95}, "latency_p95_ms": {"max": 500}, "hit@5[english]": {"min": 0.5},
                         "mrr": {"min": 0.1}},
                  "conversations": {"intent_accuracy": {"min": 0.9}}}
    checks = gate.check(suites, thresholds)
    assert [(c.metric, c.ok) for c in checks] == [("hit@5", False), ("latency_p95_ms", True), ("hit@5[english]", True),
                                                   ("mrr", False)]
    text = gate.table([c for c in checks if not c.ok])
    assert "FAIL" in text and "missing" in text and "hit@5" in text


def test_compare_reports_deltas_and_direction():
    a = {"suites": {"qa": {"metrics": {"hit@1": 0.7, "latency_p95_ms": 100.0}}}}
    b = {"suites": {"qa": {"metrics": {"hit@1": 0.75, "latency_p95_ms": 150.0}}, "safety": {"metrics": {"pass_rate": 1.0}}}}
    rows = {r["metric"]: r for r in report.compare(a, b)}
    assert rows["qa.hit@1"]["delta"] == pytest.approx(0.05) and rows["qa.hit@1"]["verdict"] == "better"
    assert rows["qa.latency_p95_ms"]["verdict"] == "worse"
    assert rows["safety.pass_rate"]["a"] is None and rows["safety.pass_rate"]["verdict"] == ""
