"""Tests of assistant/rules/engine.py: grades worked out by hand from SCHEME.md, boundaries, vetoes, caps, properties."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import BadInput
from assistant.rules import (
    Assessment,
    GradeResult,
    Scheme,
    grade,
    load_assessment,
    validate_assessment,
)
from assistant.rules.assessment import CriterionEntry, Finding
from assistant.rules.engine import _new_result

from .conftest import FIXTURES, levels_assessment, uniform

RANK = {"fail": 0, "pass": 1, "excellent": 2}


def test_worked_example_pass_by_r4(scheme: Scheme) -> None:
    r = grade(load_assessment(FIXTURES / "worked_pass.yaml"))
    # Effective levels (claimed → cap by evidence count: 0→1, 1→3, 2+→5):
    # D1: D1.1 L3; D1.2 91.5% ≥90 → L4; D1.3 2.5% ≤3 → L3; D1.4 L4 with 1 item → capped L3
    #     sum 13 → 13×20/4 = 65
    # D2: D2.1 3 h ≤4 → L3; D2.2 95% → L4; D2.3 5 d ≤7 → L3; D2.4 98% → L5      sum 15 → 75
    # D3: D3.1 88% ≥85 → L3; D3.2 L4; D3.3 0.5% ≤0.5 → L4; D3.4 L3              sum 14 → 70
    # D4: D4.1 L3; D4.2 30 h ≥24 → L3; D4.3 96% ≥95 → L4                        sum 10 → 200/3 = 66.67
    # D5: L4 + L3 + L3 + L2                                                     sum 12 → 60
    # D6: D6.1 L3; D6.2 85% ≥80 → L3; D6.3 L2                                   sum 8 → 160/3 = 53.33
    # overall = (20·65 + 20·75 + 20·70 + 15·200/3 + 15·60 + 10·160/3) / 100
    #         = (1300 + 1500 + 1400 + 1000 + 900 + 1600/3) / 100 = 199/3 = 66.33
    # R1 no veto; R2 66.3 ≥ 60 and every dimension ≥ 40; R3 fails (66.3 < 85, …) → R4 合格
    assert r.dimensions["D4"].exact == Fraction(200, 3)
    assert {d: v.score for d, v in r.dimensions.items()} == {
        "D1": 65.0, "D2": 75.0, "D3": 70.0, "D4": 66.7, "D5": 60.0, "D6": 53.3,
    }
    assert r.overall_exact == Fraction(199, 3) and r.overall == 66.3
    assert (r.grade, r.grade_en, r.decided_by, r.provisional) == ("合格", "pass", "R4", False)
    assert r.capped == ["D1.4"] and r.criteria["D1.4"].claimed == 4 and r.criteria["D1.4"].effective == 3
    assert r.criteria["D1.2"].kpi_level == 4 and r.criteria["D1.2"].score == 80
    assert r.vetoes == [] and r.missing == [] and r.warnings == []
    # F1 (open minor) makes it a conditional pass; F2 (open observation) and F3 (closed major) do not count
    assert r.conditional is True
    assert r.open_findings == {"minor": ["F1"], "observation": ["F2"]}


def test_all_top_levels_with_an_open_observation_is_excellent() -> None:
    r = grade(load_assessment(FIXTURES / "excellent.json"))
    assert (r.grade, r.decided_by, r.overall) == ("优秀", "R3", 100.0)
    assert r.gap is None


def test_second_scheme_worked_example(other: Scheme) -> None:
    a = validate_assessment(
        {
            "criteria": {
                "D1.1": {"level": 3, "evidence": ["a", "b", "c"]},
                "D1.2": {"kpi": 97, "evidence": ["a"]},
                "D1.3": {"level": 4, "evidence": ["a", "b", "c"]},
                "D2.1": {"kpi": 2, "evidence": ["a", "b", "c"]},
                "D2.2": {"level": 2, "evidence": ["a"]},
                "D2.3": {"level": 1},
                "D3.1": {"level": 4, "evidence": ["a", "b", "c"]},
            }
        },
        scheme=other,
    )
    r = grade(a, other)
    # 2099.1: factor 25, caps 0→1, 1→2, 3+→4; weights 45/35/20
    # D1: L3; 97% ≥97 → L3 but 1 item → capped L2; L4          sum 9 → 9×25/3 = 75
    # D2: 2 h ≤2 → L3; L2 (1 item, cap 2); L1 (no item)        sum 6 → 50
    # D3: L4                                                    sum 4 → 100
    # overall = (45·75 + 35·50 + 20·100) / 100 = 71.25 → 71.3 (half up)
    # R2 needs < 50 or a dimension < 30: no; R3 needs ≥ 90: no → R4
    assert {d: v.score for d, v in r.dimensions.items()} == {"D1": 75.0, "D2": 50.0, "D3": 100.0}
    assert r.overall_exact == Fraction(285, 4) and r.overall == 71.3
    assert (r.grade, r.decided_by, r.capped) == ("合格", "R4", ["D1.2"])


# --- boundaries ------------------------------------------------------------------------------


def test_overall_exactly_85_is_excellent_and_84_is_pass(scheme: Scheme) -> None:
    # D1, D2, D3 at L4,L4,L4,L3 → 75 each; D4, D5, D6 all L5 → 100
    # overall = (20·75·3 + 15·100 + 15·100 + 10·100) / 100 = (4500 + 4000) / 100 = 85 exactly.
    # KPI values sit exactly on their thresholds (e.g. D1.2 = 90.0 → L4, D1.3 = 2.0 → L4).
    levels = uniform(scheme, 5, D1_1=4, D1_2=4, D1_3=4, D1_4=3, D2_1=4, D2_2=4, D2_3=4, D2_4=3,
                     D3_1=4, D3_2=4, D3_3=4, D3_4=3)
    r = grade(levels_assessment(scheme, levels))
    assert r.overall_exact == 85 and r.overall == 85.0
    assert (r.grade, r.decided_by) == ("优秀", "R3")
    # D2.4 one step lower: D2 = 20·14/4 = 70, overall = 85 − 20·5/100 = 84 → R3 fails on overall only
    r = grade(levels_assessment(scheme, {**levels, "D2.4": 2}))
    assert (r.overall, r.grade, r.decided_by) == (84.0, "合格", "R4")
    assert any("总分84.0低于85" in s for s in r.explanation)


def test_d6_exactly_80_is_excellent_below_is_not(scheme: Scheme) -> None:
    # D6 = 20·12/3 = 80; overall = 90 + 10·80/100 = 98
    r = grade(levels_assessment(scheme, uniform(scheme, 5, D6_1=4, D6_2=4, D6_3=4)))
    assert (r.dimensions["D6"].score, r.overall, r.grade) == (80.0, 98.0, "优秀")
    r = grade(levels_assessment(scheme, uniform(scheme, 5, D6_1=5, D6_2=4, D6_3=3)))
    assert (r.dimensions["D6"].score, r.grade) == (80.0, "优秀")
    # D6 = 20·11/3 = 73.3: every dimension ≥ 70 still holds, D6 ≥ 80 does not
    r = grade(levels_assessment(scheme, uniform(scheme, 5, D6_1=4, D6_2=4, D6_3=3)))
    assert (r.dimensions["D6"].score, r.overall, r.grade, r.decided_by) == (73.3, 97.3, "合格", "R4")
    assert [s.threshold for s in r.shortfalls["D6"]] == [80]


def test_a_dimension_exactly_70_is_excellent_65_is_not(scheme: Scheme) -> None:
    # D1 = 20·14/4 = 70, overall = (20·70 + 8000)/100 = 94
    r = grade(levels_assessment(scheme, uniform(scheme, 5, D1_1=4, D1_2=4, D1_3=3, D1_4=3)))
    assert (r.dimensions["D1"].score, r.overall, r.grade) == (70.0, 94.0, "优秀")
    r = grade(levels_assessment(scheme, uniform(scheme, 5, D1_1=4, D1_2=3, D1_3=3, D1_4=3)))
    assert (r.dimensions["D1"].score, r.grade) == (65.0, "合格")
    assert [(s.rule, s.threshold) for s in r.shortfalls["D1"]] == [("R3", 70)]


def test_overall_exactly_60_passes_and_59_3_fails(scheme: Scheme) -> None:
    # every criterion L3 → every dimension 60 → overall 60
    r = grade(levels_assessment(scheme, uniform(scheme, 3)))
    assert (r.overall, r.grade, r.decided_by) == (60.0, "合格", "R4")
    # D6.3 at L2: D6 = 160/3, overall = 60 − 10·(20/3)/100 = 59.33 → R2
    r = grade(levels_assessment(scheme, uniform(scheme, 3, D6_3=2)))
    assert (r.overall, r.grade, r.decided_by) == (59.3, "不合格", "R2")
    assert r.overall_exact == Fraction(178, 3)
    assert any("总分59.3低于60" in s for s in r.explanation)


def test_a_dimension_exactly_40_passes_33_fails(scheme: Scheme) -> None:
    # D1–D3 at L3 (60), D4 all L2 (40), D5 and D6 at L4 (80):
    # overall = (3·20·60 + 15·40 + 15·80 + 10·80)/100 = (3600 + 600 + 1200 + 800)/100 = 62
    levels = {**uniform(scheme, 3), **{c: 2 for c in ("D4.1", "D4.2", "D4.3")},
              **{c: 4 for c in scheme.criteria if c[:2] in ("D5", "D6")}}
    r = grade(levels_assessment(scheme, levels))
    assert (r.dimensions["D4"].score, r.overall, r.grade) == (40.0, 62.0, "合格")
    # D4 = 20·5/3 = 33.3 < 40 → R2 although overall 61 ≥ 60
    r = grade(levels_assessment(scheme, {**levels, "D4.3": 1}))
    assert (r.dimensions["D4"].score, r.overall, r.grade, r.decided_by) == (33.3, 61.0, "不合格", "R2")
    assert [(s.rule, s.threshold) for s in r.shortfalls["D4"]] == [("R2", 40), ("R3", 70)]


def test_reported_values_round_half_up(scheme: Scheme) -> None:
    # all L3 but D5 at 4,4,4,3: D5 = 75, overall = 60 + 15·15/100 = 62.25 exactly → 62.3 (round() says 62.2)
    r = grade(levels_assessment(scheme, uniform(scheme, 3, D5_1=4, D5_2=4, D5_3=4)))
    assert r.overall_exact == Fraction(249, 4) and r.overall == 62.3


# --- vetoes ---------------------------------------------------------------------------------


def _top(scheme: Scheme, **extra: Any) -> Assessment:
    return levels_assessment(scheme, uniform(scheme, 5), **extra)


def test_v1_materials_not_truthful(scheme: Scheme) -> None:
    r = grade(_top(scheme, declarations={"materials_truthful": False}))
    assert (r.grade, r.decided_by, [v.id for v in r.vetoes], r.overall) == ("不合格", "R1", ["V1"], 100.0)
    assert any("V1" in s and "材料不真实" in s for s in r.explanation)


def test_v2_no_after_sales_organisation(scheme: Scheme) -> None:
    r = grade(levels_assessment(scheme, uniform(scheme, 5, D5_1=0)))
    assert ([v.id for v in r.vetoes], r.grade) == (["V2"], "不合格")
    # absent D5.1 counts as L0: V2 as well, and the result is provisional
    levels = uniform(scheme, 5)
    del levels["D5.1"]
    r = grade(levels_assessment(scheme, levels))
    assert ([v.id for v in r.vetoes], r.provisional, r.missing) == (["V2"], True, ["D5.1"])
    # declared L3 without evidence is capped to L1, not L0: no V2
    a = levels_assessment(scheme, uniform(scheme, 5))
    a = a.model_copy(update={"criteria": {**a.criteria, "D5.1": CriterionEntry(level=3)}})
    r = grade(a)
    assert r.vetoes == [] and r.criteria["D5.1"].effective == 1


def test_v3_unresolved_major_incident(scheme: Scheme) -> None:
    r = grade(_top(scheme, declarations={"major_incident_unresolved": True}))
    assert ([v.id for v in r.vetoes], r.decided_by) == (["V3"], "R1")


def test_v4_open_major_nonconformity_but_not_a_closed_one(scheme: Scheme) -> None:
    major = {"id": "F9", "criterion": "D2.1", "severity": "major", "status": "open"}
    r = grade(_top(scheme, findings=[major]))
    assert ([v.id for v in r.vetoes], r.vetoes[0].findings, r.grade) == (["V4"], ("F9",), "不合格")
    r = grade(_top(scheme, findings=[{**major, "status": "closed"}]))
    assert (r.vetoes, r.grade) == ([], "优秀")


def test_every_veto_at_once_is_listed_in_order(scheme: Scheme) -> None:
    r = grade(
        levels_assessment(
            scheme, uniform(scheme, 5, D5_1=0),
            declarations={"materials_truthful": False, "major_incident_unresolved": True},
            findings=[{"id": "F1", "criterion": "D1.1", "severity": "major", "status": "open"}],
        )
    )
    assert [v.id for v in r.vetoes] == ["V1", "V2", "V3", "V4"]


# --- evidence, KPI, missing, findings ----------------------------------------------------------


@pytest.mark.parametrize(("items", "effective"), [(0, 1), (1, 3), (2, 5), (3, 5)])
def test_evidence_caps_a_declared_level(scheme: Scheme, items: int, effective: int) -> None:
    a = validate_assessment({"criteria": {"D1.1": {"level": 5, "evidence": [f"e{i}" for i in range(items)]}}})
    c = grade(a).criteria["D1.1"]
    assert (c.claimed, c.effective, c.cap, c.capped, c.score) == (5, effective, effective, effective < 5, effective * 20)


def test_evidence_caps_a_kpi_level_and_each_capping_is_explained(scheme: Scheme) -> None:
    r = grade(validate_assessment({"criteria": {"D1.2": {"kpi": 96}, "D1.1": {"level": 4, "evidence": ["x"]}}}))
    assert (r.criteria["D1.2"].claimed, r.criteria["D1.2"].effective) == (5, 1)
    assert r.capped == ["D1.1", "D1.2"]
    capped = [s for s in r.explanation if s.startswith("证据上限")]
    assert len(capped) == 2 and "D1.2 一次修复率KPI测得L5，只有0项证据，按L1计" in capped[1]


def test_declaration_above_kpi_warns_and_the_kpi_level_stands(scheme: Scheme) -> None:
    r = grade(validate_assessment({"criteria": {"D1.2": {"kpi": 91.5, "level": 5, "evidence": ["a", "b"]}}}))
    c = r.criteria["D1.2"]
    assert (c.claimed, c.effective, c.kpi_level, c.declared) == (4, 4, 4, 5)
    assert r.warnings == ["D1.2 一次修复率：申报等级L5高于KPI测得值91.5%对应的L4，按KPI计为L4。"]
    # a declaration at or below the KPI level is no conflict
    r = grade(validate_assessment({"criteria": {"D1.2": {"kpi": 91.5, "level": 3, "evidence": ["a", "b"]}}}))
    assert (r.criteria["D1.2"].claimed, r.warnings) == (4, [])


def test_lower_is_better_kpi_on_its_threshold(scheme: Scheme) -> None:
    r = grade(validate_assessment({"criteria": {"D1.3": {"kpi": 1.0, "evidence": ["a", "b"]},
                                                "D3.3": {"kpi": 0.1, "evidence": ["a", "b"]}}}))
    assert r.criteria["D1.3"].effective == 5 and r.criteria["D3.3"].effective == 5


def test_kpi_criterion_without_a_measured_value_uses_the_declaration_and_warns(scheme: Scheme) -> None:
    r = grade(validate_assessment({"criteria": {"D2.1": {"level": 3, "evidence": ["a"]}}}))
    assert r.criteria["D2.1"].effective == 3
    assert r.warnings == ["D2.1 客户诉求首次响应时间：未提供KPI测量值，按申报等级L3计。"]


def test_missing_criteria_count_as_l0_and_make_the_result_provisional(scheme: Scheme) -> None:
    r = grade(validate_assessment({"criteria": {"D1.1": {"level": 3, "evidence": ["a"]}}}))
    assert r.provisional is True
    assert r.missing == [c for c in scheme.criteria if c != "D1.1"]
    assert all(r.criteria[c].effective == 0 and r.criteria[c].missing for c in r.missing)
    assert set(r.to_contract()["criteria"]) == set(scheme.criteria)
    assert any(s.startswith("以下21项准则未评估，按L0计，结果为暂定") for s in r.explanation)


@pytest.mark.parametrize(
    ("severity", "status", "grade_name", "rule", "conditional"),
    [
        ("observation", "open", "优秀", "R3", False),
        ("observation", "closed", "优秀", "R3", False),
        ("minor", "open", "合格", "R4", True),
        ("minor", "closed", "优秀", "R3", False),
        ("major", "open", "不合格", "R1", False),
        ("major", "closed", "优秀", "R3", False),
    ],
)
def test_findings_of_every_severity_and_status(
    scheme: Scheme, severity: str, status: str, grade_name: str, rule: str, conditional: bool
) -> None:
    finding = {"id": "F1", "criterion": "D3.4", "severity": severity, "status": status}
    r = grade(_top(scheme, findings=[finding]))
    assert (r.grade, r.decided_by, r.conditional) == (grade_name, rule, conditional)


def test_overdue_findings_are_flagged_and_an_old_major_threatens_suspension(scheme: Scheme) -> None:
    findings = [
        {"id": "F1", "criterion": "D1.1", "severity": "major", "status": "open", "raised_on": "2026-09-01"},
        {"id": "F2", "criterion": "D1.1", "severity": "minor", "status": "open", "raised_on": "2026-09-01"},
        {"id": "F3", "criterion": "D1.1", "severity": "minor", "status": "open", "raised_on": "2026-08-01"},
    ]
    r = grade(_top(scheme, findings=findings, assessed_on="2026-11-01"))
    # major: due 2026-10-01 (30 days), passed; minor F2 due 2026-10-31, passed; F3 due 2026-09-30
    assert r.warnings[0].startswith("F1（严重不符合）整改期限2026-10-01已过")
    assert "证书暂停（最长6个月" in r.warnings[0]
    assert r.warnings[1].startswith("F2（一般不符合）整改期限2026-10-31已过")
    assert len(r.warnings) == 3 and "暂停" not in r.warnings[1]


# --- the contract and the API -------------------------------------------------------------------


def test_contract_shape(scheme: Scheme) -> None:
    r = grade(load_assessment(FIXTURES / "worked_pass.yaml"))
    c = r.to_contract()
    assert list(c) == ["scheme", "grade", "grade_en", "provisional", "decided_by", "overall", "dimensions",
                       "criteria", "vetoes", "missing", "warnings", "gap"]
    assert list(c["criteria"]) == list(scheme.criteria)
    assert c["criteria"]["D1.4"] == {"claimed": 4, "effective": 3, "score": 60, "capped": True}
    assert c["gap"]["target"] == "优秀" and set(c["gap"]) == {"target", "changes", "close_findings", "clear"}
    assert set(c["gap"]["changes"][0]) == {"criterion", "from", "to", "kpi", "evidence_needed"}
    json.dumps(c, ensure_ascii=False)


def test_gap_defaults_to_the_next_grade_and_target_overrides(scheme: Scheme) -> None:
    top = _top(scheme)
    assert grade(top).to_contract()["gap"] is None
    gap = grade(top, target="合格").to_contract()["gap"]
    assert gap == {"target": "合格", "changes": [], "close_findings": [], "clear": []}
    fail = levels_assessment(scheme, uniform(scheme, 2))
    assert grade(fail).gap.target == "pass"  # type: ignore[union-attr]
    assert grade(fail, target="优秀").gap.target_name == "优秀"  # type: ignore[union-attr]
    assert grade(fail, target="excellent").gap.target == "excellent"  # type: ignore[union-attr]
    with pytest.raises(BadInput, match="unknown grade '良好'"):
        grade(fail, target="良好")


def test_fast_result_construction_matches_model_construct(scheme: Scheme) -> None:
    r = grade(load_assessment(FIXTURES / "worked_pass.yaml"))
    values = {k: getattr(r, k) for k in GradeResult.model_fields}
    slow = GradeResult.model_construct(**values)
    fast = _new_result(dict(values), {"_scheme": None, "_scaled": None, "_gap_inputs": None})
    assert fast.model_dump() == slow.model_dump()
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.__pydantic_extra__ == slow.__pydantic_extra__


def test_trace_rebuilds_from_a_copied_result(scheme: Scheme) -> None:
    r = grade(load_assessment(FIXTURES / "worked_pass.yaml"))
    copy = GradeResult.model_construct(**{k: getattr(r, k) for k in GradeResult.model_fields})
    assert [(t.id, t.holds) for t in copy.trace] == [(t.id, t.holds) for t in r.trace]
    assert [(t.id, t.holds) for t in r.trace] == [("R1", False), ("R2", False), ("R3", False), ("R4", True)]


# --- properties over random assessments -------------------------------------------------------


@st.composite
def assessments(draw: st.DrawFn, scheme: Scheme) -> Assessment:
    criteria = {}
    for cid, c in scheme.criteria.items():
        if draw(st.integers(0, 9)) == 0:
            continue  # not assessed
        evidence = [f"e{i}" for i in range(draw(st.integers(0, 3)))]
        if c.is_kpi and draw(st.booleans()):
            points = [float(t) for t in c.thresholds.values()] + [0.0]
            kpi = draw(st.one_of(st.sampled_from(points), st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 1))))
            level = draw(st.one_of(st.none(), st.integers(0, scheme.max_level)))
            criteria[cid] = CriterionEntry(kpi=kpi, level=level, evidence=evidence)
        else:
            criteria[cid] = CriterionEntry(level=draw(st.integers(0, scheme.max_level)), evidence=evidence)
    n = draw(st.integers(0, 3))
    findings = [
        Finding(id=f"F{i}", criterion=draw(st.sampled_from(list(scheme.criteria))),
                severity=draw(st.sampled_from(list(scheme.severities))), status=draw(st.sampled_from(["open", "closed"])),
                raised_on=date(2026, 9, 1))
        for i in range(n)
    ]
    declarations = {"materials_truthful": draw(st.booleans()) or draw(st.booleans()),
                    "major_incident_unresolved": draw(st.booleans()) and draw(st.booleans())}
    return Assessment(scheme=scheme.version, criteria=criteria, findings=findings, declarations=declarations,
                      assessed_on=date(2026, 11, 1))


def _raise_one(scheme: Scheme, a: Assessment, cid: str, how: str) -> Assessment:
    c = scheme.criteria[cid]
    e = a.criteria.get(cid)
    if how == "evidence":
        new = CriterionEntry(level=e.level if e else 0, kpi=e.kpi if e else None,
                             evidence=[*(e.evidence if e else []), f"新证据{len(e.evidence) if e else 0}"])
    elif c.is_kpi and e is not None and e.kpi is not None:
        better = [float(t) for t in c.thresholds.values() if c.level_for(float(t)) > c.level_for(e.kpi)]
        if not better:
            return a
        new = e.model_copy(update={"kpi": better[-1]})
    else:
        level = (e.level or 0) if e else 0
        if level >= scheme.max_level:
            return a
        new = CriterionEntry(level=level + 1, kpi=e.kpi if e else None, evidence=e.evidence if e else [])
    return a.model_copy(update={"criteria": {**a.criteria, cid: new}})


PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(data=st.data())
def test_raising_evidence_or_a_level_never_lowers_the_grade(scheme: Scheme, data: st.DataObject) -> None:
    a = data.draw(assessments(scheme))
    cid = data.draw(st.sampled_from(list(scheme.criteria)))
    how = data.draw(st.sampled_from(["evidence", "level"]))
    before, after = grade(a, scheme), grade(_raise_one(scheme, a, cid, how), scheme)
    assert RANK[after.grade_id] >= RANK[before.grade_id]
    assert after.overall_exact >= before.overall_exact


@PROPERTY_SETTINGS
@given(data=st.data())
def test_closing_a_finding_never_lowers_the_grade(scheme: Scheme, data: st.DataObject) -> None:
    a = data.draw(assessments(scheme))
    if not a.findings:
        return
    i = data.draw(st.integers(0, len(a.findings) - 1))
    findings = list(a.findings)
    findings[i] = findings[i].model_copy(update={"status": "closed"})
    after = grade(a.model_copy(update={"findings": findings}), scheme)
    assert RANK[after.grade_id] >= RANK[grade(a, scheme).grade_id]


@PROPERTY_SETTINGS
@given(data=st.data())
def test_scores_stay_within_0_and_100_and_every_grade_is_explained(scheme: Scheme, data: st.DataObject) -> None:
    r = grade(data.draw(assessments(scheme)), scheme)
    assert 0 <= r.overall_exact <= 100 and 0 <= r.overall <= 100
    assert all(0 <= d.exact <= 100 for d in r.dimensions.values())
    assert all(0 <= c.score <= 100 for c in r.criteria.values())
    assert r.explanation[0].startswith(f"评级结果：{r.grade}") and r.decided_by in r.explanation[0]
