"""Tests of assistant/rules/assessment.py: the CONTRACTS.md file format, strictly checked against its scheme."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import BadInput
from assistant.rules import Scheme, load_assessment, validate_assessment

from .conftest import FIXTURES


def test_contract_example_loads_with_defaults_filled(scheme: Scheme) -> None:
    a = load_assessment(FIXTURES / "contract_example.yaml")
    assert a.scheme == "2026.1"
    assert a.enterprise is not None and a.enterprise.name == "示例电器有限公司"
    assert a.assessed_on == date(2026, 11, 1) and a.next_audit == date(2027, 3, 1)
    assert a.declarations == {"materials_truthful": True, "major_incident_unresolved": False}
    assert a.criteria["D1.2"].kpi == 91.5 and a.criteria["D1.1"].level == 3
    assert a.findings[0].severity == "minor" and a.findings[0].raised_on == date(2026, 10, 20)


def test_json_and_yaml_give_the_same_shape() -> None:
    a = load_assessment(FIXTURES / "excellent.json")
    assert len(a.criteria) == 22
    assert a.findings[0].raised_on == date(2026, 10, 20)


def test_scheme_defaults_to_the_newest_and_unquoted_version_is_text() -> None:
    assert validate_assessment({}).scheme == "2026.1"
    assert validate_assessment({"scheme": 2026.1}).scheme == "2026.1"


def test_the_other_scheme_validates_its_own_criteria(other: Scheme, other_dir: Path) -> None:
    a = validate_assessment({"scheme": "2099.1", "criteria": {"D3.1": {"level": 4}}}, knowledge_dir=other_dir)
    assert a.scheme == "2099.1" and a.declarations == {"materials_truthful": True}
    with pytest.raises(BadInput, match=r"criteria\.D3\.1\.level: 组织架构: level must be an integer 0–4, got 5"):
        validate_assessment({"criteria": {"D3.1": {"level": 5}}}, scheme=other)
    with pytest.raises(BadInput, match=r"criteria\.D4\.1: unknown criterion ID"):
        validate_assessment({"criteria": {"D4.1": {"level": 1}}}, scheme=other)


def test_evidence_lone_string_is_one_item_and_repeats_count_once() -> None:
    a = validate_assessment({"criteria": {"D1.1": {"level": 3, "evidence": "手册"}, "D1.4": {"level": 5, "evidence": ["表", " 表 "]}}})
    assert a.criteria["D1.1"].evidence == ["手册"]
    assert a.criteria["D1.4"].evidence_count == 1


@pytest.mark.parametrize(
    ("name", "where", "what"),
    [
        ("unknown_key.yaml", "criteria.D1.1.note", "unknown key 'note'; allowed: level, kpi, evidence"),
        ("unknown_top_key.yaml", "foo", "unknown key 'foo'"),
        ("unknown_criterion.yaml", "criteria.D9.9", "unknown criterion ID"),
        ("level6.yaml", "criteria.D1.1.level", "level must be an integer 0–5, got 6"),
        ("kpi120.yaml", "criteria.D1.2.kpi", "一次修复率 must be within 0–100 %, got 120"),
        ("negative_hours.yaml", "criteria.D2.1.kpi", "客户诉求首次响应时间 must be ≥ 0 小时, got -3"),
        ("severity_critical.yaml", "findings[0].severity", "unknown severity 'critical'"),
        ("malformed.yaml", "line 3", "not valid YAML"),
        ("malformed.json", "line 1, column 35", "not valid JSON"),
        ("unknown_scheme.yaml", "scheme", "unknown scheme version '2030.9'"),
        ("duplicate_key.yaml", "line 3", "key 'D1.1' appears twice"),
    ],
)
def test_bad_files_name_the_file_and_the_field(name: str, where: str, what: str) -> None:
    path = FIXTURES / "bad" / name
    with pytest.raises(BadInput) as err:
        load_assessment(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {where}")
    assert what in message


def test_the_brief_example_message_word_for_word(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("criteria:\n  D1.2: {kpi: 120}\n", encoding="utf-8")
    with pytest.raises(BadInput) as err:
        load_assessment(tmp_path / "a.yaml")
    assert str(err.value) == f"{tmp_path / 'a.yaml'}: criteria.D1.2.kpi: 一次修复率 must be within 0–100 %, got 120"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="nope.yaml: file not found"):
        load_assessment(tmp_path / "nope.yaml")
    with pytest.raises(BadInput, match="is a directory"):
        load_assessment(tmp_path)


@pytest.mark.parametrize(
    ("data", "where", "what"),
    [
        ([1, 2], "", "top level must be a mapping"),
        ({"criteria": {"D1.1": {"level": True}}}, "criteria.D1.1.level", "valid integer"),
        ({"criteria": {"D1.1": {"level": 2.5}}}, "criteria.D1.1.level", "valid integer"),
        ({"criteria": {"D1.1": {"level": -1}}}, "criteria.D1.1.level", "0–5, got -1"),
        ({"criteria": {"D1.2": {"kpi": "91"}}}, "criteria.D1.2.kpi", "valid number"),
        ({"criteria": {"D1.2": {"kpi": float("nan")}}}, "criteria.D1.2.kpi", "finite"),
        ({"criteria": {"D1.2": {"kpi": -0.5}}}, "criteria.D1.2.kpi", "within 0–100 %, got -0.5"),
        ({"criteria": {"D1.1": {"kpi": 50}}}, "criteria.D1.1.kpi", "declared criterion"),
        ({"criteria": {"D1.1": {"evidence": ["手册"]}}}, "criteria.D1.1", "give level"),
        ({"criteria": {"D1.2": {"evidence": ["x"]}}}, "criteria.D1.2", "give kpi"),
        ({"criteria": {"D1.1": {"level": 2, "evidence": ["a", "  "]}}}, "criteria.D1.1.evidence", "not be empty"),
        ({"declarations": {"materials_truthful": "yes"}}, "declarations.materials_truthful", "valid boolean"),
        ({"declarations": {"ok": True}}, "declarations.ok", "unknown declaration"),
        ({"findings": [{"id": "F1", "criterion": "D1.1", "severity": "minor", "status": "pending"}]},
         "findings[0].status", "'open' or 'closed'"),
        ({"findings": [{"id": "F1", "criterion": "D7.1", "severity": "minor", "status": "open"}]},
         "findings[0].criterion", "unknown criterion ID 'D7.1'"),
        ({"findings": [{"id": "F1", "criterion": "D1.1", "severity": "minor", "status": "open"}] * 2},
         "findings[1].id", "appears twice"),
        ({"findings": [{"criterion": "D1.1", "severity": "minor", "status": "open"}]}, "findings[0].id", "missing"),
        ({"findings": [{"id": "F1", "criterion": "D1.1", "severity": "minor", "status": "open", "raised_on": "2026-13-01"}]},
         "findings[0].raised_on", "date"),
        ({"enterprise": {"name": "x", "size": 3}}, "enterprise.size", "unknown key 'size'; allowed: name, industry"),
    ],
)
def test_strict_checks_name_the_field_path(data: Any, where: str, what: str) -> None:
    with pytest.raises(BadInput) as err:
        validate_assessment(data, source="a.yaml")
    message = str(err.value)
    assert message.startswith(f"a.yaml: {where}"), message
    assert what in message, message


def test_a_kpi_criterion_may_carry_a_declared_level_only() -> None:
    a = validate_assessment({"criteria": {"D1.2": {"level": 3, "evidence": ["x"]}}})
    assert a.criteria["D1.2"].kpi is None and a.criteria["D1.2"].level == 3


def test_given_scheme_must_match_the_file(other: Scheme) -> None:
    with pytest.raises(BadInput, match="names '2026.1' but scheme 2099.1 was given"):
        validate_assessment({"scheme": "2026.1"}, scheme=other)


# --- files from outside: bounded before anything is built from them ----------------------------------------

BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefg", "bcdefgh"))
    + "criteria: {D1.1: {level: *h}}\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_aliases_are_refused_before_they_expand(tmp_path: Path) -> None:
    """420 bytes of nested aliases expand to 9^8 strings; the loader must refuse at the first alias."""
    import time
    import tracemalloc

    path = write(tmp_path, "bomb.yaml", BOMB)
    assert path.stat().st_size < 600
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(BadInput, match=r"bomb\.yaml: line 2, column \d+: .*aliases \(\*a\) are not allowed"):
        load_assessment(path)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seconds < 1 and peak < 5 * 1024 * 1024


@pytest.mark.parametrize("name, text, what", [
    ("feb30.yaml", "assessed_on: 2026-02-30\ncriteria: {}\n", "line 1, column 14: not valid YAML ('2026-02-30' is not a date in the calendar)"),
    ("deep.yaml", "criteria: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 16 levels deep"),
    ("deep.json", "[" * 100_000 + "]" * 100_000, "not valid JSON (nested more than 16 levels deep)"),
    ("deep20.json", '{"criteria": ' + "[" * 20 + "]" * 20 + "}", "not valid JSON (nested more than 16 levels deep)"),
    ("y9999.yaml", "assessed_on: 9999-12-31\ncriteria: {}\n", "assessed_on: the date must lie between 1990-01-01 … 2099-12-31, got 9999-12-31"),
    ("y1.yaml", "criteria: {}\nfindings:\n  - {id: F1, criterion: D2.1, severity: minor, status: open, raised_on: 0001-01-01}\n",
     "findings[0].raised_on: the date must lie between"),
    ("bigint.yaml", "criteria:\n  D1.2: {kpi: " + "9" * 5000 + "}\n", "line 2, column 15: not valid YAML ('99999"),
    ("key.yaml", "criteria:\n  " + "D" * 1000 + ": {level: 3}\n", "criteria." + "D" * 37 + "...: unknown criterion ID"),
])
def test_hostile_files_are_bad_input_with_file_and_place(tmp_path: Path, name: str, text: str, what: str) -> None:
    with pytest.raises(BadInput) as exc:
        load_assessment(write(tmp_path, name, text))
    assert str(exc.value).startswith(f"{tmp_path / name}: ") and what in str(exc.value)
    assert len(str(exc.value)) < 400


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = write(tmp_path, "big.yaml", "criteria: {}\n" + "#" * 3000 + "\n")
    with pytest.raises(BadInput, match=r"big\.yaml: the file has 2\.9 KiB; an assessment file may have at most 2 KiB"):
        load_assessment(path, max_bytes=2048)
    assert load_assessment(path, max_bytes=4096).criteria == {}


def test_an_echoed_value_is_bounded_however_large(tmp_path: Path) -> None:
    huge = "x" * 1_000_000
    with pytest.raises(BadInput) as exc:
        validate_assessment({"criteria": {"D1.1": {"level": [huge] * 100}}})
    assert len(str(exc.value)) < 300 and "xxx..." in str(exc.value)
