"""`eval` as acceptance checks and users run it: the contract JSON for any dataset, bad input, --compare, --suite."""

from __future__ import annotations

import json

from tests.conftest import REPO, run_cli


def _small_dataset(tmp_path):
    items = [
        {"id": "a", "question": "监督审核多久一次？",
         "expected_evidence": ["监督审核通常每半年进行一次", "每6个月进行一次监督审核"], "must_include": ["6个月"]},
        {"id": "b", "question": "What is veto V1?", "expected_evidence": "materials_truthful"},
        {"id": "c", "question": "明天北京的天气怎么样", "expected_evidence": None, "not_covered": True},
        {"id": "d", "question": "一个肯定找不到的证据", "expected_evidence": "这段文字不在知识库里出现过"},
    ]
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n", encoding="utf-8")
    return path


def test_eval_dataset_json_is_exactly_the_contract(index_settings, tmp_path):
    result = run_cli("eval", "--dataset", str(_small_dataset(tmp_path)), "--json", data_dir=index_settings.data_dir)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"items", "metrics"}
    m = out["metrics"]
    assert {"hit@1", "hit@3", "hit@5", "mrr"} <= set(m)
    assert [r["id"] for r in out["items"]] == ["a", "b", "c", "d"]
    rows = {r["id"]: r for r in out["items"]}
    assert rows["a"]["rank"] is not None and rows["d"]["rank"] is None
    # Three answerable items; "d" can never be a hit, so hit@5 is at most 2/3 and counts only answerable items.
    assert m["hit@5"] <= 0.6667
    assert m["hit@5"] == round(sum(1 for r in rows.values() if r["rank"] and r["rank"] <= 5) / 3, 4)
    assert m["items"] == 4 and m["citation_validity"] == 1.0
    for r in out["items"]:
        assert len(r["citations"]) <= 5


def test_eval_dataset_errors_name_the_file_and_line(index_settings, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "q", "expected_evidence": "x"}\n{"id": "b", "question": "q2"}\n', encoding="utf-8")
    result = run_cli("eval", "--dataset", str(bad), "--json", data_dir=index_settings.data_dir)
    assert result.returncode == 2
    assert f"{bad}:2" in result.stderr and "expected_evidence" in result.stderr and "Traceback" not in result.stderr
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n", encoding="utf-8")
    result = run_cli("eval", "--dataset", str(broken), data_dir=index_settings.data_dir)
    assert result.returncode == 2 and f"{broken}:1" in result.stderr


def test_unknown_suite_and_misused_flags_are_bad_input(tmp_path):
    result = run_cli("eval", "--suite", "qa,bogus", data_dir=tmp_path)
    assert result.returncode == 2 and "bogus" in result.stderr and "grading" in result.stderr
    result = run_cli("eval", "--dataset", "x.jsonl", "--gate", data_dir=tmp_path)
    assert result.returncode == 2 and "--gate" in result.stderr


def test_grading_suite_from_the_cli_writes_a_report(tmp_path):
    result = run_cli("eval", "--suite", "grading", "--json", "--report", str(tmp_path), data_dir=tmp_path / "data",
                     env={"ASSISTANT_KNOWLEDGE_DIR": str(REPO / "knowledge")}, timeout=900)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["suites"]["grading"]["metrics"]["grade_accuracy"] == 1.0
    folder = next(tmp_path.glob("2*"))
    assert {"report.md", "report.html", "report.json"} <= {p.name for p in folder.iterdir()}


def test_compare_prints_deltas_between_two_saved_runs(tmp_path):
    a = tmp_path / "a.json"
    a.write_text(json.dumps({"items": [], "metrics": {"hit@1": 0.70, "mrr": 0.80}}), encoding="utf-8")
    (tmp_path / "run_b").mkdir()
    (tmp_path / "run_b" / "report.json").write_text(json.dumps({"suites": {"qa": {"metrics": {"hit@1": 0.75, "mrr": 0.78}}}}),
                                                    encoding="utf-8")
    result = run_cli("eval", "--compare", str(a), str(tmp_path / "run_b"), "--json")
    assert result.returncode == 0, result.stderr
    rows = {r["metric"]: r for r in json.loads(result.stdout)["metrics"]}
    assert rows["qa.hit@1"]["verdict"] == "better" and rows["qa.mrr"]["verdict"] == "worse"
    result = run_cli("eval", "--compare", str(a), str(tmp_path / "missing"))
    assert result.returncode == 2 and "missing" in result.stderr


def test_gate_exits_1_with_a_table_when_a_metric_is_below_its_threshold(tmp_path, monkeypatch, capsys):
    from assistant.cli import main
    from assistant.evals import gate

    monkeypatch.setattr(gate, "load_thresholds", lambda: {"grading": {"grade_accuracy": {"min": 1.5},
                                                                      "decided_by_accuracy": {"min": 1.0}}})
    assert main(["eval", "--suite", "grading", "--gate", "--report", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "gate FAILED: 1 metric" in err and "FAIL  grading" in err and "grade_accuracy" in err
    assert "decided_by_accuracy" not in err.split("gate FAILED")[1]
