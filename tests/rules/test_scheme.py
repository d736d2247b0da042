"""Tests of assistant/rules/scheme.py: the scheme file holds every number of SCHEME.md, and loads strictly."""

from __future__ import annotations

import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.errors import BadInput
from assistant.rules import available_versions, load_scheme
from assistant.rules.scheme import Scheme

from .conftest import FIXTURES


def test_default_is_the_newest_version_in_knowledge(scheme: Scheme) -> None:
    assert "2026.1" in available_versions()
    assert load_scheme().version == available_versions()[-1]
    assert scheme.version == "2026.1"


def test_newest_version_wins_and_versions_sort_numerically(tmp_path: Path) -> None:
    (tmp_path / "scheme").mkdir()
    shutil.copy(FIXTURES / "scheme" / "2099.1.yaml", tmp_path / "scheme")
    text = (FIXTURES / "scheme" / "2099.1.yaml").read_text(encoding="utf-8")
    # 2099.10 is newer than 2099.9 although it sorts first as text
    for v in ("2099.9", "2099.10"):
        (tmp_path / "scheme" / f"{v}.yaml").write_text(text.replace('"2099.1"', f'"{v}"'), encoding="utf-8")
    assert available_versions(tmp_path) == ["2099.1", "2099.9", "2099.10"]
    assert load_scheme(knowledge_dir=tmp_path).version == "2099.10"
    assert load_scheme("2099.9", knowledge_dir=tmp_path).version == "2099.9"


def test_unknown_version_is_bad_input() -> None:
    with pytest.raises(BadInput, match=r"unknown scheme version '1999\.1'.*2026\.1"):
        load_scheme("1999.1")


def test_dimensions_weights_and_owners_are_section_1_and_6(scheme: Scheme) -> None:
    got = {d.id: (d.name, float(d.weight), d.owner) for d in scheme.dimensions.values()}
    assert got == {
        "D1": ("服务质量", 20, "售后服务质量主管"),
        "D2": ("服务效率", 20, "客服中心经理"),
        "D3": ("客户满意度", 20, "客户体验经理"),
        "D4": ("员工技能和培训", 15, "培训主管"),
        "D5": ("管理体系有效性", 15, "售后服务总监"),
        "D6": ("持续改进与创新", 10, "质量管理部经理"),
    }
    assert list(scheme.dimensions) == ["D1", "D2", "D3", "D4", "D5", "D6"]


# SCHEME.md §1, the criteria table: (kind, direction, unit, L5, L4, L3, L2)
CRITERIA_TABLE = {
    "D1.1": ("declared",),
    "D1.2": ("kpi", "higher", "%", 95, 90, 85, 75),
    "D1.3": ("kpi", "lower", "%", 1, 2, 3, 5),
    "D1.4": ("declared",),
    "D2.1": ("kpi", "lower", "小时", 1, 2, 4, 24),
    "D2.2": ("kpi", "higher", "%", 98, 95, 90, 80),
    "D2.3": ("kpi", "lower", "天", 1, 3, 7, 15),
    "D2.4": ("kpi", "higher", "%", 98, 95, 90, 80),
    "D3.1": ("kpi", "higher", "%", 95, 90, 85, 80),
    "D3.2": ("declared",),
    "D3.3": ("kpi", "lower", "%", Decimal("0.1"), Decimal("0.5"), 1, 2),
    "D3.4": ("declared",),
    "D4.1": ("declared",),
    "D4.2": ("kpi", "higher", "学时", 40, 32, 24, 16),
    "D4.3": ("kpi", "higher", "%", 98, 95, 90, 80),
    "D5.1": ("declared",),
    "D5.2": ("declared",),
    "D5.3": ("declared",),
    "D5.4": ("declared",),
    "D6.1": ("declared",),
    "D6.2": ("kpi", "higher", "%", 95, 90, 80, 60),
    "D6.3": ("declared",),
}


def test_criteria_and_kpi_thresholds_are_the_section_1_table(scheme: Scheme) -> None:
    assert list(scheme.criteria) == list(CRITERIA_TABLE)
    for cid, row in CRITERIA_TABLE.items():
        c = scheme.criteria[cid]
        assert c.kind == row[0], cid
        assert c.dimension == cid.split(".")[0]
        if c.is_kpi:
            assert (c.direction, c.unit_symbol) == row[1:3], cid
            assert [c.thresholds[lv] for lv in (5, 4, 3, 2)] == list(row[3:]), cid
            assert c.fallback_level == 1


def test_levels_caps_scoring_vetoes_rules_and_deadlines_are_data(scheme: Scheme) -> None:
    assert [(lv.code, lv.name) for lv in scheme.levels] == [
        ("L0", "缺失"), ("L1", "初始级"), ("L2", "规范级"), ("L3", "定义级"), ("L4", "量化管理级"), ("L5", "持续优化级"),
    ]
    assert scheme.level_score_factor == 20
    assert [(c.min_items, c.cap) for c in scheme.scoring.evidence_caps] == [(0, 1), (1, 3), (2, 5)]
    assert list(scheme.vetoes) == ["V1", "V2", "V3", "V4"]
    assert scheme.vetoes["V2"].trigger.criterion == "D5.1" and scheme.vetoes["V2"].trigger.level == 0
    values = {r.id: [(c.kind, c.value, c.dimension) for c in r.conditions] for r in scheme.grade_rules}
    assert values["R2"] == [("overall_below", 60, None), ("any_dimension_below", 40, None)]
    assert values["R3"][:3] == [
        ("overall_at_least", 85, None), ("every_dimension_at_least", 70, None), ("dimension_at_least", 80, "D6"),
    ]
    assert [(k, s.name_zh, s.due_days, s.due_next_surveillance) for k, s in scheme.severities.items()] == [
        ("major", "严重不符合", 30, False), ("minor", "一般不符合", 60, False), ("observation", "观察项", None, True),
    ]
    assert (scheme.surveillance_months, scheme.validity_years, scheme.gap_item_days) == (6, 3, 90)
    assert scheme.certification.suspension.max_months == 6
    assert scheme.gap.close_findings == {"pass": ["major"], "excellent": ["major", "minor"]}


def test_step_gain_per_dimension_is_section_5(scheme: Scheme) -> None:
    # weight × 20 / (100 × criteria): 20·20/400 = 1, 15·20/300 = 1, 15·20/400 = 0.75, 10·20/300 = 2/3
    gains = {d: scheme.step_gain(d) for d in scheme.dimensions}
    assert gains == {"D1": 1, "D2": 1, "D3": 1, "D4": 1, "D5": Fraction(3, 4), "D6": Fraction(2, 3)}


def test_evidence_cap_and_needed(scheme: Scheme) -> None:
    assert [scheme.evidence_cap(n) for n in range(5)] == [1, 3, 5, 5, 5]
    assert [scheme.evidence_needed(lv) for lv in range(6)] == [0, 0, 1, 1, 2, 2]


@pytest.mark.parametrize(
    ("cid", "kpi", "level"),
    [
        ("D1.2", 95.0, 5), ("D1.2", 94.99, 4), ("D1.2", 90, 4), ("D1.2", 75, 2), ("D1.2", 74.9, 1), ("D1.2", 0, 1),
        ("D1.3", 1.0, 5), ("D1.3", 1.01, 4), ("D1.3", 5, 2), ("D1.3", 5.1, 1), ("D1.3", 0, 5),
        ("D2.1", 1.0, 5), ("D2.1", 24, 2), ("D2.1", 24.5, 1), ("D3.3", 0.1, 5), ("D3.3", 0.10001, 4),
        ("D4.2", 40, 5), ("D4.2", 1000, 5), ("D6.2", 60, 2), ("D6.2", 59.99, 1),
    ],
)
def test_kpi_exactly_on_a_threshold_meets_it(scheme: Scheme, cid: str, kpi: float, level: int) -> None:
    assert scheme.criteria[cid].level_for(kpi) == level


def test_kpi_for_level_is_the_threshold_or_the_worst_value_of_the_range(scheme: Scheme) -> None:
    fix, repeat, response = scheme.criteria["D1.2"], scheme.criteria["D1.3"], scheme.criteria["D2.1"]
    assert fix.kpi_for_level(4) == 90 and fix.kpi_for_level(1) == 0
    assert repeat.kpi_for_level(5) == 1 and repeat.kpi_for_level(1) == 100
    assert response.kpi_for_level(1) is None  # hours have no upper bound: any measured value is L1
    for c in (fix, repeat, response):
        for lv in range(1, 6):
            value = c.kpi_for_level(lv)
            if value is not None:
                assert c.level_for(float(value)) == lv


def _exact_level(c, kpi: float) -> int:  # type: ignore[no-untyped-def]
    """The level by exact decimal arithmetic: the KPI as the decimal it was written as."""
    value = Fraction(repr(kpi))
    for lv in sorted(c.thresholds, reverse=True):
        t = Fraction(str(c.thresholds[lv]))
        if (value >= t) if c.direction == "higher" else (value <= t):
            return lv
    return c.fallback_level


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_float_comparison_equals_exact_decimal_comparison(scheme: Scheme, data: st.DataObject) -> None:
    c = scheme.criteria[data.draw(st.sampled_from([k for k, v in scheme.criteria.items() if v.is_kpi]))]
    near = [float(t) for t in c.thresholds.values()]
    kpi = data.draw(
        st.one_of(
            st.sampled_from(near),
            st.sampled_from(near).map(lambda t: round(t + 0.001, 3)),
            st.sampled_from(near).map(lambda t: round(max(t - 0.001, 0), 3)),
            st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 2)),
        )
    )
    assert c.level_for(kpi) == _exact_level(c, kpi)


def test_second_scheme_loads_from_another_knowledge_dir(other: Scheme) -> None:
    assert other.version == "2099.1"
    assert other.max_level == 4 and other.level_score_factor == 25
    assert [float(d.weight) for d in other.dimensions.values()] == [45, 35, 20]
    assert other.step_gain("D1") == Fraction(15, 4) and other.step_gain("D3") == 5
    assert other.evidence_needed(3) == 3 and other.evidence_needed(2) == 1


def _write(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load((FIXTURES / "scheme" / "2099.1.yaml").read_text(encoding="utf-8"))
    mutate(data)
    (tmp_path / "scheme").mkdir(exist_ok=True)
    (tmp_path / "scheme" / "2099.1.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["dimensions"][0].update(weight=50), "weights must sum to 100"),
        (lambda d: d["criteria"][1].update(thresholds={4: 90, 3: 97, 2: 80}), "strictly better"),
        (lambda d: d["criteria"].append({**d["criteria"][0], "dimension": "D9", "id": "D9.1"}), "unknown dimension"),
        (lambda d: d["vetoes"][1]["trigger"].update(severity="critical"), "unknown severity"),
        (lambda d: d["gap"]["close_findings"].update({"perfect": ["minor"]}), "unknown grade or severity"),
        (lambda d: d["gap"]["close_findings"].update({"pass": ["minor"]}), "disagrees with the grade rules"),
        (lambda d: d["grade_rules"].pop(), "last grade rule must hold always"),
        (lambda d: d.update(surprise=1), "surprise"),
    ],
)
def test_a_broken_scheme_file_is_bad_input_naming_it(tmp_path: Path, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    knowledge = _write(tmp_path, mutate)
    with pytest.raises(BadInput) as err:
        load_scheme(knowledge_dir=knowledge)
    assert "2099.1.yaml" in str(err.value)
    assert message in str(err.value)
