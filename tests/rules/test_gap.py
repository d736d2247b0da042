"""Tests of assistant/rules/gap.py: the gap is SCHEME §5 exactly, minimal, and applying it reaches the target."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.rules import Assessment, Scheme, apply_gap, grade, load_assessment
from assistant.rules.assessment import CriterionEntry, Finding
from assistant.rules.engine import Gap

from .conftest import FIXTURES, levels_assessment, uniform
from .test_engine import RANK, assessments


def _changes(gap: Gap | None) -> list[tuple[str, int, int, float | None, int]]:
    assert gap is not None
    return [(c.criterion, c.from_level, c.to_level, c.kpi, c.evidence_needed) for c in gap.changes]


def test_worked_example_gap_to_excellent() -> None:
    r = grade(load_assessment(FIXTURES / "worked_pass.yaml"))
    # Levels now: D1 3,4,3,3 | D2 3,4,3,5 | D3 3,4,4,3 | D4 3,3,4 | D5 4,3,3,2 | D6 3,3,2
    # Floors first (every dimension ≥ 70, D6 ≥ 80), in level-sum units (70·n/20, D6: 80·3/20):
    #   D1 needs 14, has 13: +1 → lowest level 3, lowest ID → D1.1 3→4
    #   D4 needs 10.5 → 11, has 10: +1 → D4.1 3→4
    #   D5 needs 14, has 12: +2 → D5.4 2→3, then D5.2 3→4
    #   D6 needs 12, has 8: +4 → D6.3 2→3, then D6.1, D6.2, D6.3 3→4
    # overall then = (20·70 + 20·75 + 20·70 + 15·220/3 + 15·70 + 10·80)/100 = 72.5; 85 needs 12.5 more:
    #   largest gain first: D1–D4 (1.0 a step) → 13 steps, lowest level first, then ID:
    #   the 7 at L3 (D1.3 D1.4 D2.1 D2.3 D3.1 D3.4 D4.2) → L4, then 6 of the 14 at L4 by ID
    #   (D1.1 D1.2 D1.3 D1.4 D2.1 D2.2) → L5. Overall 72.5 + 13 = 85.5; 8 + 13 = 21 steps.
    assert _changes(r.gap) == [
        ("D1.1", 3, 5, None, 2), ("D1.2", 4, 5, 95.0, 2), ("D1.3", 3, 5, 1.0, 2), ("D1.4", 3, 5, None, 2),
        ("D2.1", 3, 5, 1.0, 2), ("D2.2", 4, 5, 98.0, 2), ("D2.3", 3, 4, 3.0, 2), ("D3.1", 3, 4, 90.0, 2),
        ("D3.4", 3, 4, None, 2), ("D4.1", 3, 4, None, 2), ("D4.2", 3, 4, 32.0, 2), ("D5.2", 3, 4, None, 2),
        ("D5.4", 2, 3, None, 1), ("D6.1", 3, 4, None, 2), ("D6.2", 3, 4, 90.0, 2), ("D6.3", 2, 4, None, 2),
    ]
    assert r.gap is not None
    assert (r.gap.steps, r.gap.overall_after, r.gap.close_findings, r.gap.clear) == (21, 85.5, ("F1",), ())
    after = grade(apply_gap(load_assessment(FIXTURES / "worked_pass.yaml"), r.gap))
    assert (after.grade, after.overall) == ("优秀", 85.5)


def test_second_scheme_gap_uses_its_own_gains(other: Scheme) -> None:
    a = Assessment(
        scheme="2099.1",
        criteria={
            "D1.1": CriterionEntry(level=3, evidence=["a", "b", "c"]),
            "D1.2": CriterionEntry(kpi=97, evidence=["a"]),
            "D1.3": CriterionEntry(level=4, evidence=["a", "b", "c"]),
            "D2.1": CriterionEntry(kpi=2, evidence=["a", "b", "c"]),
            "D2.2": CriterionEntry(level=2, evidence=["a"]),
            "D2.3": CriterionEntry(level=1),
            "D3.1": CriterionEntry(level=4, evidence=["a", "b", "c"]),
        },
    )
    r = grade(a, other)
    # Floors (every dimension ≥ 75 → level sum ≥ 75·3/25 = 9; D3 = 100 → 4): D2 has 6 → +3:
    #   D2.3 1→2, then D2.2 and D2.3 2→3. Overall then (45·75 + 35·75 + 20·100)/100 = 80; 90 needs 10:
    #   gains D3 5 (already L4), D1 3.75, D2 35/12 → 3 steps in D1: D1.2 2→3, then D1.1, D1.2 3→4 → 91.25
    # Evidence: caps 0→1, 1→2, 3→4, so L3 and L4 need 3 items.
    assert _changes(r.gap) == [
        ("D1.1", 3, 4, None, 3), ("D1.2", 2, 4, 99.0, 3), ("D2.2", 2, 3, None, 3), ("D2.3", 1, 3, None, 3),
    ]
    assert r.gap is not None and (r.gap.steps, r.gap.overall_after) == (6, 91.3)
    assert grade(apply_gap(a, r.gap, other), other).grade == "优秀"


def test_largest_gain_first_then_lowest_level_then_id(scheme: Scheme) -> None:
    # All L4 (overall 80, every floor met) but D3.4 at L3 (D3 75, overall 79): 85 needs 6 steps of gain 1
    # (D5, D6 gain less): D3.4 first (lowest level), then the 5 lowest IDs at L4.
    r = grade(levels_assessment(scheme, uniform(scheme, 4, D3_4=3)), target="优秀")
    assert [(c[0], c[1], c[2]) for c in _changes(r.gap)] == [
        ("D1.1", 4, 5), ("D1.2", 4, 5), ("D1.3", 4, 5), ("D1.4", 4, 5), ("D2.1", 4, 5), ("D3.4", 3, 4),
    ]
    assert r.gap is not None and r.gap.overall_after == 85.0


def test_gap_to_pass_clears_vetoes_raises_d5_1_and_closes_only_majors(scheme: Scheme) -> None:
    a = levels_assessment(
        scheme,
        uniform(scheme, 4, D5_1=0),
        declarations={"materials_truthful": False, "major_incident_unresolved": True},
        findings=[
            {"id": "F1", "criterion": "D1.1", "severity": "major", "status": "open"},
            {"id": "F2", "criterion": "D1.1", "severity": "minor", "status": "open"},
            {"id": "F3", "criterion": "D1.1", "severity": "major", "status": "closed"},
        ],
    )
    r = grade(a)
    assert [v.id for v in r.vetoes] == ["V1", "V2", "V3", "V4"]
    gap = r.gap
    assert gap is not None and gap.target_name == "合格"
    assert gap.clear == ("materials_truthful", "major_incident_unresolved")
    assert gap.close_findings == ("F1",)
    assert _changes(gap) == [("D5.1", 0, 1, None, 0)]
    after = grade(apply_gap(a, gap))
    assert (after.grade, after.vetoes) == ("合格", [])
    # to 优秀 the open minor must close as well
    assert grade(a, target="优秀").gap.close_findings == ("F1", "F2")  # type: ignore[union-attr]


def test_no_gap_when_the_target_is_already_reached(scheme: Scheme) -> None:
    r = grade(levels_assessment(scheme, uniform(scheme, 3)), target="合格")
    assert r.gap is not None and r.gap.empty and r.gap.steps == 0
    assert any(s == "已达到合格，无需变更。" for s in r.explanation)


def test_apply_gap_sets_values_evidence_findings_and_declarations(scheme: Scheme) -> None:
    a = load_assessment(FIXTURES / "worked_pass.yaml")
    r = grade(a)
    b = apply_gap(a, r.gap)  # type: ignore[arg-type]
    assert b.criteria["D1.2"].kpi == 95.0 and b.criteria["D1.2"].evidence_count == 2
    assert b.criteria["D1.1"].level == 5
    assert b.criteria["D1.1"].evidence[0] == "售后服务手册 V2.1"
    assert b.criteria["D1.1"].evidence[1].startswith("待补充证据2")
    assert [f.status for f in b.findings] == ["closed", "open", "closed"]
    assert a.criteria["D1.2"].kpi == 91.5  # the original is untouched


def test_apply_gap_keeps_a_kpi_that_already_reaches_the_level(scheme: Scheme) -> None:
    # KPI measured at L5 but no evidence (capped at L1): only evidence is missing
    a = levels_assessment(scheme, uniform(scheme, 3))
    a = a.model_copy(update={"criteria": {**a.criteria, "D2.2": CriterionEntry(kpi=99.5)}})
    r = grade(a, target="优秀")
    change = next(c for c in r.gap.changes if c.criterion == "D2.2")  # type: ignore[union-attr]
    b = apply_gap(a, r.gap)  # type: ignore[arg-type]
    assert b.criteria["D2.2"].kpi == 99.5
    assert b.criteria["D2.2"].evidence_count == change.evidence_needed


# --- properties ---------------------------------------------------------------------------------

GAP_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@GAP_SETTINGS
@given(data=st.data())
def test_applying_the_gap_reaches_the_target(scheme: Scheme, data: st.DataObject) -> None:
    a = data.draw(assessments(scheme))
    target = data.draw(st.sampled_from(["合格", "优秀"]))
    r = grade(a, scheme, target=target)
    assert r.gap is not None and r.gap.reachable
    after = grade(apply_gap(a, r.gap, scheme), scheme)
    assert RANK[after.grade_id] >= RANK[scheme.grade_id(target)]
    assert r.gap.overall_after is None or after.overall >= r.gap.overall_after


@GAP_SETTINGS
@given(data=st.data())
def test_applying_the_gap_reaches_the_target_in_the_other_scheme(other: Scheme, data: st.DataObject) -> None:
    a = data.draw(assessments(other))
    target = data.draw(st.sampled_from(["pass", "excellent"]))
    r = grade(a, other, target=target)
    assert r.gap is not None
    after = grade(apply_gap(a, r.gap, other), other)
    assert RANK[after.grade_id] >= RANK[target]


def _from_levels(scheme: Scheme, levels: dict[str, int], findings: list[Finding] | None = None) -> Assessment:
    """An assessment with these effective levels, built without validation (fast, for enumeration)."""
    criteria = {}
    for cid, lv in levels.items():
        c = scheme.criteria[cid]
        evidence = [f"e{i}" for i in range(scheme.evidence_needed(lv))]
        value = c.kpi_for_level(lv) if c.is_kpi else None
        criteria[cid] = CriterionEntry(kpi=float(value), evidence=evidence) if value is not None else CriterionEntry(level=lv, evidence=evidence)
    return Assessment(scheme=scheme.version, criteria=criteria, findings=findings or [])


def _brute_force_steps(scheme: Scheme, levels: dict[str, int], target: str) -> int | None:
    """Fewest level steps that reach `target`, trying every raise of every criterion below the top."""
    low = [cid for cid, lv in levels.items() if lv < scheme.max_level]
    best = None
    for raised in itertools.product(*[range(levels[c], scheme.max_level + 1) for c in low]):
        steps = sum(r - levels[c] for r, c in zip(raised, low))
        if best is not None and steps >= best:
            continue
        trial = {**levels, **dict(zip(low, raised))}
        if RANK[grade(_from_levels(scheme, trial), scheme).grade_id] >= RANK[target]:
            best = steps
    return best


@pytest.mark.parametrize("seed", range(12))
def test_gap_steps_are_minimal_against_brute_force(scheme: Scheme, other: Scheme, seed: int) -> None:
    rng = random.Random(seed)
    for s in (scheme, other):
        low = rng.sample(list(s.criteria), rng.choice([2, 3]))
        levels = {cid: s.max_level for cid in s.criteria}
        levels.update({cid: rng.randint(0, s.max_level - 1) for cid in low})
        for target in ("pass", "excellent"):
            r = grade(_from_levels(s, levels), s, target=target)
            assert r.gap is not None
            expected = _brute_force_steps(s, levels, target) if RANK[r.grade_id] < RANK[target] else 0
            assert r.gap.steps == expected, (s.version, levels, target)


def test_gap_steps_are_minimal_when_floors_and_overall_interact(scheme: Scheme) -> None:
    # D6 dragged far below its 80 floor, D5.1 at L0 (V2) and a low D1.1: floors, the veto and the overall at once
    levels = {**{cid: 5 for cid in scheme.criteria}, "D6.1": 0, "D6.3": 1, "D5.1": 0, "D1.1": 1}
    for target in ("pass", "excellent"):
        r = grade(_from_levels(scheme, levels), scheme, target=target)
        assert r.gap is not None and r.gap.steps == _brute_force_steps(scheme, levels, target)



def _greedy(levels: list[int], members: list[int], k: int, top: int) -> int:
    """SCHEME §5 read literally: one step at a time, lowest level first, then lowest ID."""
    done = 0
    for _ in range(k):
        below = [i for i in members if levels[i] < top]
        if not below:
            break
        levels[min(below, key=lambda i: (levels[i], members.index(i)))] += 1
        done += 1
    return done


@settings(max_examples=300, deadline=None)
@given(
    top=st.sampled_from([4, 5]),
    data=st.data(),
    k=st.integers(0, 30),
)
def test_closed_form_water_fill_equals_the_step_by_step_rule(top: int, data: st.DataObject, k: int) -> None:
    from assistant.rules.gap import _water_fill

    levels = data.draw(st.lists(st.integers(0, top), min_size=10, max_size=10))
    members = data.draw(st.lists(st.integers(0, 9), min_size=1, max_size=8, unique=True))
    a, b = list(levels), list(levels)
    assert _water_fill(a, members, k, top) == _greedy(b, members, k, top)
    assert a == b
