"""Tests of assistant/rules/cli.py through the real command line: `python -m assistant grade FILE ...`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES

REPO = Path(__file__).resolve().parents[2]


def _grade(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "grade", *args],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=60, check=False,
    )


def test_json_output_is_the_contract_object() -> None:
    p = _grade(str(FIXTURES / "worked_pass.yaml"), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert list(out) == ["scheme", "grade", "grade_en", "provisional", "decided_by", "overall", "dimensions",
                         "criteria", "vetoes", "missing", "warnings", "gap"]
    assert (out["scheme"], out["grade"], out["grade_en"], out["decided_by"], out["overall"]) == (
        "2026.1", "合格", "pass", "R4", 66.3)
    assert out["dimensions"] == {"D1": 65.0, "D2": 75.0, "D3": 70.0, "D4": 66.7, "D5": 60.0, "D6": 53.3}
    assert len(out["criteria"]) == 22 and out["criteria"]["D1.4"] == {"claimed": 4, "effective": 3, "score": 60, "capped": True}
    assert out["vetoes"] == [] and out["missing"] == [] and out["provisional"] is False
    assert out["gap"]["target"] == "优秀" and out["gap"]["close_findings"] == ["F1"] and out["gap"]["clear"] == []
    assert out["gap"]["changes"][1] == {"criterion": "D1.2", "from": 4, "to": 5, "kpi": 95.0, "evidence_needed": 2}
    assert "优秀" in p.stdout  # ensure_ascii=False: Chinese as text, not \\u escapes


def test_json_with_target_and_at_the_top_grade() -> None:
    out = json.loads(_grade(str(FIXTURES / "excellent.json"), "--json").stdout)
    assert (out["grade"], out["gap"]) == ("优秀", None)
    out = json.loads(_grade(str(FIXTURES / "excellent.json"), "--json", "--target", "合格").stdout)
    assert out["gap"] == {"target": "合格", "changes": [], "close_findings": [], "clear": []}
    out = json.loads(_grade(str(FIXTURES / "contract_example.yaml"), "--json", "--target", "优秀").stdout)
    assert (out["grade"], out["provisional"], out["vetoes"], out["gap"]["target"]) == ("不合格", True, ["V2"], "优秀")
    assert len(out["missing"]) == 20


def test_readable_report() -> None:
    p = _grade(str(FIXTURES / "worked_pass.yaml"))
    assert p.returncode == 0, p.stderr
    for needle in ("合格 (pass)", "维度得分", "规则判定", "说明 explanation", "由规则R4决定", "差距 gap"):
        assert needle in p.stdout, needle


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("unknown_key.yaml", "criteria.D1.1.note"),
        ("unknown_criterion.yaml", "criteria.D9.9"),
        ("level6.yaml", "criteria.D1.1.level"),
        ("kpi120.yaml", "criteria.D1.2.kpi: 一次修复率 must be within 0–100 %, got 120"),
        ("negative_hours.yaml", "criteria.D2.1.kpi"),
        ("severity_critical.yaml", "findings[0].severity"),
        ("malformed.yaml", "line 3"),
        ("unknown_scheme.yaml", "scheme: unknown scheme version '2030.9'"),
        ("does_not_exist.yaml", "file not found"),
    ],
)
def test_bad_input_exits_2_naming_the_field_without_a_traceback(name: str, field: str) -> None:
    path = FIXTURES / "bad" / name
    p = _grade(str(path), "--json")
    assert p.returncode == 2
    assert p.stdout == ""
    assert str(path) in p.stderr and field in p.stderr, p.stderr
    assert "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1  # one paragraph
