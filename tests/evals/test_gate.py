"""The gate CI holds: the offline suites on the session's index, every metric at or above evals/thresholds.yaml,
our pipeline beside (and ahead of) the LangChain baseline, the report written, all within the time budget."""

from __future__ import annotations

import json

import pytest

from assistant.evals import gate, report
from assistant.evals.runner import SUITES, run_suites
from tests.conftest import REPO

pytestmark = pytest.mark.slow
BUDGET_S = 600


@pytest.fixture(scope="module")
def suite_result(index_settings):
    return run_suites(SUITES, index_settings, baseline=True, progress=lambda _m: None)


def test_every_metric_meets_its_threshold(suite_result):
    checks = gate.check(suite_result["suites"], gate.load_thresholds())
    assert checks, "evals/thresholds.yaml names no metric of the suites that ran"
    failed = [c for c in checks if not c.ok]
    assert not failed, "metrics below evals/thresholds.yaml:\n" + gate.table(failed)


def test_every_offline_suite_ran(suite_result):
    for name in ("qa", "grading", "plans", "anonymization", "safety"):
        assert suite_result["suites"][name]["status"] == "ok", name
    conv = suite_result["suites"]["conversations"]
    assert conv["status"] == "ok" or conv.get("reason"), "a skipped suite says why"


def test_ours_is_ahead_of_the_baseline_overall_and_per_subset(suite_result):
    ours, base = suite_result["suites"]["qa"], suite_result["baseline"]
    assert base["items"] and len(base["items"]) == len(ours["items"])
    for metric in ("hit@1", "hit@5", "mrr", "citation_support"):
        assert ours["metrics"][metric] >= base["metrics"][metric], metric
    for subset, m in ours["by_subset"].items():
        if "hit@5" in m:
            assert m["hit@5"] >= base["by_subset"][subset]["hit@5"], subset


def test_report_shows_the_baseline_beside_ours(suite_result, tmp_path):
    checks = gate.check(suite_result["suites"], gate.load_thresholds())
    folder = report.write_report(suite_result, tmp_path, checks)
    md = (folder / "report.md").read_text(encoding="utf-8")
    assert "| metric | ours 我们 | baseline 基线 |" in md
    assert "hit@1 ours | hit@1 base" in md and "english" in md
    assert {"qa_subsets.png", "latency.png"} <= {p.name for p in folder.iterdir()}
    assert "<table>" in (folder / "report.html").read_text(encoding="utf-8")
    saved = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report.compare(saved, saved) and all(r["verdict"] in ("=", "") for r in report.compare(saved, saved))


def test_the_whole_suite_runs_within_the_budget(suite_result):
    assert suite_result["run"]["seconds"] < BUDGET_S


def test_datasets_have_the_promised_size():
    def count(name):
        return sum(1 for line in (REPO / "evals" / name).read_text(encoding="utf-8").splitlines() if line.strip())

    assert count("retrieval_qa.jsonl") >= 150
    assert count("grading_cases.jsonl") >= 25
    assert count("plan_cases.jsonl") >= 8
    assert count("safety_cases.jsonl") >= 15
    assert count("anonymization_cases.jsonl") >= 40
