"""Drafting: every gap criterion and open finding has one item, every field filled, deadlines by SCHEME §4/§6."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from assistant.plans.calendar import add_months
from assistant.plans.draft import Guidance, draft_plan
from assistant.plans.models import CONTRACT_ITEM_FIELDS, Plan
from assistant.rules import apply_gap, grade, load_assessment
from tests.plans.conftest import CASES, draft

# SCHEME.md §4 and §6, written out here so the test does not read the numbers the code reads.
DUE_DAYS = {"major": 30, "minor": 60}
GAP_DAYS = 90
SURVEILLANCE_MONTHS = 6
OWNERS = {"D1": "售后服务质量主管", "D2": "客服中心经理", "D3": "客户体验经理", "D4": "培训主管",
          "D5": "售后服务总监", "D6": "质量管理部经理"}
VERIFY = {"major": "现场复审", "minor": "文件审查", "observation": "下次监督审核"}
TARGETS = {"passing": "优秀", "failing": "合格", "vetoed": "合格", "partial": "合格", "excellent": "优秀"}


def expected_finding_deadline(f, assessment, plan_date: date) -> date:
    if f.severity in DUE_DAYS:
        return (f.raised_on or assessment.assessed_on or plan_date) + timedelta(days=DUE_DAYS[f.severity])
    return assessment.next_audit or add_months(plan_date, SURVEILLANCE_MONTHS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_plan_covers_every_gap_criterion_and_open_finding(name, scheme, guidance):
    assessment, plan = draft(name, guidance)
    result = grade(assessment, scheme, target=plan.target)
    assert plan.target == TARGETS[name]
    gap_items = [i for i in plan.items if i.kind == "gap"]
    finding_items = [i for i in plan.items if i.kind == "finding"]
    assert [i.criterion for i in gap_items] == [c.criterion for c in result.gap.changes]
    assert sorted(i.finding for i in finding_items) == sorted(f.id for f in assessment.open_findings())
    assert sorted(i.declaration for i in plan.items if i.kind == "declaration") == sorted(result.gap.clear)
    assert [i.no for i in plan.items] == list(range(1, len(plan.items) + 1))


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_item_has_every_field_filled(name, guidance):
    _, plan = draft(name, guidance)
    contract = plan.to_contract()
    assert list(contract)[:3] == ["target", "plan_date", "items"]
    for item in contract["items"]:
        assert list(item)[: len(CONTRACT_ITEM_FIELDS)] == list(CONTRACT_ITEM_FIELDS)
        for field in ("problem", "root_cause", "category", "action", "owner", "deadline", "target", "verification", "status"):
            assert isinstance(item[field], str) and item[field].strip(), (item["no"], field)
        assert item["category"] in "人机料法环测"
        assert item["status"] == "open"
        assert item["criterion"] or item["veto"]
        assert "加强管理" != item["action"] and len(item["action"]) >= 20
        date.fromisoformat(item["deadline"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_deadlines_follow_the_scheme(name, guidance):
    assessment, plan = draft(name, guidance)
    findings = {f.id: f for f in assessment.findings}
    for item in plan.items:
        if item.kind == "finding":
            assert item.deadline == expected_finding_deadline(findings[item.finding], assessment, plan.plan_date)
        else:
            default = plan.plan_date + timedelta(days=GAP_DAYS)
            assert item.deadline == (min(default, assessment.next_audit) if assessment.next_audit else default)
            if assessment.next_audit:
                assert item.deadline <= assessment.next_audit
        assert item.deadline <= item.latest_deadline
        assert item.overdue == (item.deadline < plan.plan_date)


def test_a_deadline_already_past_stays_and_is_flagged_overdue(guidance):
    _, plan = draft("vetoed", guidance)
    minor = next(i for i in plan.items if i.finding == "F-m1")
    assert minor.deadline == date(2026, 9, 30)  # raised 2026-08-01 + 60 days, before the plan date 2026-11-01
    assert minor.overdue
    assert any("F-m1" in w and "逾期" in w for w in plan.warnings)
    assert not any(i.overdue for i in plan.items if i.finding != "F-m1")


def test_gap_deadline_is_capped_at_the_next_audit(guidance):
    _, plan = draft("failing", guidance)  # assessed 2026-09-15, next audit 2026-12-01 (< +90 days)
    assert {i.deadline for i in plan.items if i.kind == "gap"} == {date(2026, 12, 1)}


def test_plan_date_is_the_date_given_else_assessed_on(guidance):
    _, plan = draft("passing", guidance)
    assert plan.plan_date == date(2026, 11, 1)
    _, plan = draft("passing", guidance, plan_date=date(2026, 11, 20))
    assert plan.plan_date == date(2026, 11, 20)
    assert next(i for i in plan.items if i.kind == "gap").deadline == date(2027, 2, 18)


def test_observation_without_next_audit_falls_due_one_surveillance_interval_after_the_plan(guidance):
    _, plan = draft("vetoed", guidance)
    obs = next(i for i in plan.items if i.severity == "observation")
    assert obs.deadline == date(2027, 5, 1)
    assert "6个月" in obs.deadline_rule


def test_observation_with_a_certification_date_falls_due_at_the_next_surveillance_audit(guidance):
    _, plan = draft("vetoed", guidance, certified_on=date(2026, 5, 20))
    obs = next(i for i in plan.items if i.severity == "observation")
    assert obs.deadline == date(2026, 11, 20)  # raised 2026-10-25; audits fall on the 20th of May and November


def test_same_input_gives_the_same_plan(guidance):
    _, first = draft("vetoed", guidance)
    _, again = draft("vetoed", Guidance.load())
    assert first.model_dump_json() == again.model_dump_json()
    assert json.dumps(first.to_contract(), ensure_ascii=False) == json.dumps(again.to_contract(), ensure_ascii=False)


def test_owner_and_verification_come_from_the_scheme(scheme, guidance):
    for name in CASES:
        _, plan = draft(name, guidance)
        for item in plan.items:
            if item.criterion:
                assert item.owner == OWNERS[item.criterion.split(".")[0]]
            if item.kind == "finding":
                assert item.verification.startswith(VERIFY[item.severity])
            if item.kind == "gap":
                assert "重新评级" in item.verification


def test_targets_state_the_kpi_threshold_or_the_level_and_evidence(guidance):
    _, plan = draft("passing", guidance)
    by = {(i.kind, i.criterion): i for i in plan.items}
    assert by[("gap", "D2.1")].target == "客户诉求首次响应时间 ≤ 1 小时（L5 持续优化级），并提供至少2项证据"
    assert by[("gap", "D1.2")].target.startswith("一次修复率 ≥ 95%")
    assert by[("gap", "D1.1")].target == "达到L5 持续优化级，并提供至少2项证据"
    assert "≤ 1 小时" in by[("gap", "D2.1")].action
    f1 = next(i for i in plan.items if i.finding == "F1")
    assert f1.problem.endswith("投诉首次响应平均36小时")  # the finding as written
    assert f1.target.startswith("F1按期关闭")


def test_problem_says_what_the_assessment_says(guidance):
    _, plan = draft("partial", guidance)
    by = {i.criterion: i for i in plan.items if i.kind == "gap"}
    assert "评估未覆盖该条款" in by["D1.2"].problem
    assert "当前测得6 小时" in by["D2.1"].problem and "≤ 4 小时" in by["D2.1"].problem
    assert "相关审核发现P1" in by["D2.2"].problem
    _, plan = draft("vetoed", guidance)
    d51 = next(i for i in plan.items if i.criterion == "D5.1" and i.kind == "gap")
    assert "触发否决项V2" in d51.problem and d51.target == "达到L1 初始级"


def test_evidence_only_gap_asks_for_evidence(scheme, guidance):
    from assistant.rules import validate_assessment

    a = validate_assessment({"assessed_on": "2026-11-01", "criteria": {
        **{c: {"level": 3, "evidence": ["x", "y"]} for c in scheme.criteria if scheme.criteria[c].kind == "declared"},
        **{c: {"level": 3, "evidence": ["x", "y"]} for c in scheme.criteria if scheme.criteria[c].kind == "kpi"},
    } | {"D5.1": {"level": 4, "evidence": ["组织架构图"]}}})
    plan = draft_plan(a, target="优秀", guidance=guidance)
    d51 = next(i for i in plan.items if i.criterion == "D5.1")
    assert d51.category == "测" and "证据" in d51.root_cause and d51.action.startswith("补充提交")


def test_closing_every_item_reaches_the_target(scheme, guidance):
    """SCHEME §5: applying the plan's changes and grading again gives the target grade."""
    for name in CASES:
        assessment, plan = draft(name, guidance)
        result = grade(assessment, scheme, target=plan.target)
        after = grade(apply_gap(assessment, result.gap, scheme), scheme)
        assert scheme.grade_rank(after.grade_id) >= scheme.grade_rank(plan.target_en), name


def fake_similar(ids_by_criterion):
    calls = []

    def similar(query, criterion, k):
        calls.append((query, criterion, k))
        return ids_by_criterion.get(criterion, [])[:k]

    similar.calls = calls
    return similar


def test_retrieved_findings_are_cited_and_a_similar_ones_cause_preferred(guidance):
    similar = fake_similar({"D2.1": ["PF-022", "PF-021"], "D6.3": ["PF-108"]})
    _, plan = draft("passing", guidance, similar=similar)
    f1 = next(i for i in plan.items if i.finding == "F1")
    assert f1.references == ["PF-022", "PF-021"]
    pf = guidance.past["PF-022"]
    assert f1.root_cause.startswith(pf.root_cause.rstrip("。")) and "PF-022" in f1.root_cause
    assert f1.category == pf.category
    assert {c for _, c, _ in similar.calls} >= {"D2.1", "D6.3"} and all(k == 3 for _, _, k in similar.calls)
    gap = next(i for i in plan.items if i.kind == "gap" and i.criterion == "D6.3")
    assert gap.references == ["PF-108"]
    # A gap item has no finding text to match: its cause stays the catalogue's.
    assert gap.root_cause in {r.cause for r in guidance.catalogue["D6.3"].root_causes}


def test_a_dissimilar_past_finding_is_cited_but_its_cause_not_used(guidance):
    _, plan = draft("passing", guidance, similar=fake_similar({"D2.1": ["PF-001"]}))  # PF-001: charger installation
    f1 = next(i for i in plan.items if i.finding == "F1")
    assert f1.references == ["PF-001"]
    assert f1.root_cause in {r.cause for r in guidance.catalogue["D2.1"].root_causes}


def test_without_an_index_the_plan_is_drafted_from_the_catalogue(guidance):
    _, plan = draft("failing", guidance, similar=None)
    for item in plan.items:
        assert item.references == []
        if item.kind == "gap" and "证据" not in item.root_cause and "自评" not in item.root_cause:
            assert item.root_cause in {r.cause for r in guidance.catalogue[item.criterion].root_causes}
        if item.kind == "gap":
            assert any(item.action.startswith(a.rstrip("。")) or a.rstrip("。") in item.action
                       for a in guidance.catalogue[item.criterion].actions)


@pytest.mark.slow
def test_with_the_index_similar_past_findings_are_cited(index_settings):
    from assistant.plans.draft import index_similar

    g = Guidance.load(index_settings)
    similar = index_similar(index_settings)
    assessment = load_assessment(CASES["passing"][0])
    plan = draft_plan(assessment, guidance=g, similar=similar)
    again = draft_plan(assessment, guidance=g, similar=similar)
    assert plan.model_dump_json() == again.model_dump_json()
    for item in plan.items:
        assert item.references, item.no
        for fid in item.references:
            assert g.past[fid].criterion == item.criterion  # retrieval is filtered by the item's criterion
    f1 = next(i for i in plan.items if i.finding == "F1")
    assert any(ref in f1.root_cause for ref in f1.references)  # the similar finding's cause, cited


def test_plan_round_trips_through_json(guidance):
    _, plan = draft("vetoed", guidance)
    assert Plan.model_validate_json(plan.model_dump_json()) == plan


def test_a_retrieval_failure_part_way_drafts_from_the_catalogue_alone(guidance):
    calls = []

    def flaky(query, criterion, k):
        calls.append(criterion)
        if len(calls) > 2:
            raise RuntimeError("index went away")
        return ["PF-022"]

    notes = []
    assessment, catalogue_only = draft("passing", guidance)
    plan = draft_plan(assessment, guidance=guidance, similar=flaky, warn=notes.append)
    assert plan == catalogue_only
    assert len(notes) == 1 and "index went away" in notes[0]


def test_an_imported_finding_with_injected_commands_is_cited_but_its_cause_not_copied(guidance):
    # evals/safety_cases.jsonl s12: the most similar past finding is an imported row carrying shell syntax.
    from dataclasses import replace

    pf = guidance.past["PF-022"]
    bad = pf.model_copy(update={"id": "IF-001", "root_cause": "$(touch /tmp/canary) " + pf.root_cause})
    poisoned = replace(guidance, past={**guidance.past, "IF-001": bad})
    _, plan = draft("passing", poisoned, similar=fake_similar({"D2.1": ["IF-001"]}))
    f1 = next(i for i in plan.items if i.finding == "F1")
    assert f1.references == ["IF-001"]
    assert "touch" not in f1.root_cause and f1.root_cause in {r.cause for r in guidance.catalogue["D2.1"].root_causes}
