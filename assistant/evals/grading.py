"""The grading suite: assessments with hand-worked expected grades (evals/grading_cases.jsonl), and gap correctness.

A gap is correct when applying it, as `grade --json` reports it, to the assessment (each change at its new
level or KPI value with the evidence it needs, the findings closed, the declarations cleared) and grading
again reaches the target, and when it matches the hand-worked changes and step count where the case gives them.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from assistant.evals.data import load_jsonl
from assistant.evals.metrics import share
from assistant.rules import grade, load_scheme, validate_assessment
from assistant.rules.scheme import Scheme
from assistant.settings import Settings

CHECKED_FIELDS = ("grade", "decided_by", "provisional", "vetoes", "overall", "dimensions", "criteria", "capped",
                  "missing", "warnings_for")


def load_cases(path: Path) -> list[dict]:
    """JSON lines with `id`, `assessment`, `expected` (and optional `target`)."""
    return load_jsonl(path, required=("id", "assessment", "expected"))


def apply_reported_gap(data: dict, gap: dict, scheme: Scheme) -> dict:
    """The assessment (as a dict) with the gap of `grade --json` applied, independently of the engine's own apply_gap."""
    out = copy.deepcopy(data)
    criteria = out.setdefault("criteria", {})
    for ch in gap["changes"]:
        cid = ch["criterion"]
        old = criteria.get(cid, {})
        evidence = list(dict.fromkeys(e.strip() for e in old.get("evidence", []) if e.strip()))
        while len(evidence) < ch["evidence_needed"]:
            evidence.append(f"评测补充证据{len(evidence) + 1}：{cid}")
        if ch.get("kpi") is not None:
            criteria[cid] = {"kpi": ch["kpi"], "evidence": evidence}
        else:
            criteria[cid] = {"level": ch["to"], "evidence": evidence}
    closed = set(gap["close_findings"])
    for f in out.get("findings", []):
        if f["id"] in closed:
            f["status"] = "closed"
    declarations = out.setdefault("declarations", {})
    for key in gap["clear"]:
        declarations[key] = scheme.declarations[key].default
    return out


def _compare(expected: dict, got: dict) -> list[str]:
    """Differences between the expected fields and the contract JSON, as readable strings."""
    diffs = []
    for key in ("grade", "decided_by", "provisional", "vetoes", "overall", "missing"):
        if key in expected and expected[key] != got[key]:
            diffs.append(f"{key}: expected {expected[key]!r}, got {got[key]!r}")
    for dim, value in (expected.get("dimensions") or {}).items():
        if got["dimensions"].get(dim) != value:
            diffs.append(f"dimensions.{dim}: expected {value}, got {got['dimensions'].get(dim)}")
    for cid, want in (expected.get("criteria") or {}).items():
        have = got["criteria"].get(cid, {})
        for k, v in want.items():
            if have.get(k) != v:
                diffs.append(f"criteria.{cid}.{k}: expected {v!r}, got {have.get(k)!r}")
    if "capped" in expected:
        capped = sorted(c for c, r in got["criteria"].items() if r["capped"])
        if capped != sorted(expected["capped"]):
            diffs.append(f"capped: expected {sorted(expected['capped'])}, got {capped}")
    for cid in expected.get("warnings_for", []):
        if not any(cid in w for w in got["warnings"]):
            diffs.append(f"warnings: none names {cid}")
    return diffs


def _gap_diffs(expected: dict | None, got: dict | None) -> list[str]:
    if expected is None or got is None:
        return [] if expected == got else [f"gap: expected {expected!r}, got {got!r}"]
    diffs = []
    if expected["target"] != got["target"]:
        diffs.append(f"gap.target: expected {expected['target']}, got {got['target']}")
    for key in ("close_findings", "clear"):
        if key in expected and expected[key] != got[key]:
            diffs.append(f"gap.{key}: expected {expected[key]}, got {got[key]}")
    if "changes" in expected:
        want = sorted(expected["changes"], key=lambda c: c["criterion"])
        have = sorted(got["changes"], key=lambda c: c["criterion"])
        if want != have:
            diffs.append(f"gap.changes: expected {want}, got {have}")
    if "steps" in expected:
        steps = sum(c["to"] - c["from"] for c in got["changes"])
        if steps != expected["steps"]:
            diffs.append(f"gap.steps: expected {expected['steps']}, got {steps}")
    return diffs


def run_case(case: dict, settings: Settings) -> dict:
    where = case["_where"]
    assessment = validate_assessment(case["assessment"], source=where, knowledge_dir=settings.knowledge_dir)
    scheme = load_scheme(assessment.scheme, settings.knowledge_dir)
    got = grade(assessment, scheme, target=case.get("target")).to_contract()
    expected = case["expected"]
    diffs = _compare(expected, got)
    gap_diffs = _gap_diffs(expected.get("gap"), got["gap"]) if "gap" in expected else []
    reaches = None
    if got["gap"] is not None:
        after = validate_assessment(apply_reported_gap(case["assessment"], got["gap"], scheme), source=f"{where} (gap applied)",
                                    knowledge_dir=settings.knowledge_dir)
        regraded = grade(after, scheme)
        target_id = scheme.grade_id(got["gap"]["target"])
        reaches = scheme.grade_rank(regraded.grade_id) >= scheme.grade_rank(target_id)
        if not reaches:
            gap_diffs.append(f"gap applied gives {regraded.grade} ({regraded.decided_by}), not {got['gap']['target']}")
    return {
        "id": case["id"],
        "title": case.get("title", ""),
        "grade_ok": got["grade"] == expected.get("grade"),
        "decided_by_ok": got["decided_by"] == expected.get("decided_by", got["decided_by"]),
        "fields_ok": not diffs,
        "gap_reaches_target": reaches,
        "gap_ok": not gap_diffs if "gap" in expected else None,
        "expected": {"grade": expected.get("grade"), "decided_by": expected.get("decided_by")},
        "got": {"grade": got["grade"], "decided_by": got["decided_by"], "overall": got["overall"]},
        "problems": diffs + gap_diffs,
    }


def run(path: Path, settings: Settings) -> dict:
    rows = [run_case(c, settings) for c in load_cases(path)]
    metrics: dict[str, Any] = {
        "grade_accuracy": share(r["grade_ok"] for r in rows),
        "decided_by_accuracy": share(r["decided_by_ok"] for r in rows),
        "fields_accuracy": share(r["fields_ok"] for r in rows),
        "gap_reaches_target": share(r["gap_reaches_target"] for r in rows),
        "gap_correctness": share(r["gap_ok"] for r in rows),
        "cases": len(rows),
    }
    return {"metrics": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in metrics.items()}, "items": rows}
