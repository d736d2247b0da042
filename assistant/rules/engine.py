"""The grade: claimed level → evidence cap → scores → vetoes → grade rule, exactly as the scheme data says.

Scores and thresholds are compared as exact integers on a common denominator computed
from the scheme (so 85 is 85, never 84.99999); reported values are rounded half up.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import timedelta
from fractions import Fraction
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr

from assistant.rules.assessment import Assessment, CriterionEntry
from assistant.rules.scheme import (
    Criterion,
    Scheme,
    Veto,
    format_number,
    kpi_level_of,
    load_scheme,
)

# --- results ---------------------------------------------------------------------------
# Plain slotted dataclasses inside one pydantic model: thousands of grades a second must not
# pay for validating results the engine itself built. Not frozen because frozen dataclasses
# construct ~9x slower; treat them as read-only.


@dataclass(slots=True)
class CriterionResult:
    id: str
    dimension: str
    name: str
    kind: str
    claimed: int
    effective: int
    score: int | float
    cap: int
    capped: bool
    kpi: float | None
    kpi_level: int | None
    declared: int | None
    evidence: int
    missing: bool


@dataclass(slots=True)
class Shortfall:
    """A threshold a score missed: the rule, its grade, the threshold, and the kind of condition."""

    rule: str
    grade: str
    kind: str
    threshold: float


@dataclass(slots=True)
class DimensionResult:
    id: str
    name: str
    weight: float
    score: float
    criteria: int
    scaled: int  # exact score = scaled / scale; kept as integers so grading never builds Fractions
    scale: int

    @property
    def exact(self) -> Fraction:
        return Fraction(self.scaled, self.scale)


@dataclass(slots=True)
class VetoHit:
    id: str
    name: str
    description: str
    findings: tuple[str, ...] = ()


@dataclass(slots=True)
class ConditionCheck:
    """One condition of a grade rule and whether it held; `dimensions`/`findings` say which, when it is about many."""

    kind: str
    holds: bool
    value: float | None = None
    dimension: str | None = None
    severities: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()


@dataclass(slots=True)
class RuleCheck:
    id: str
    grade: str
    match: str
    holds: bool
    conditions: tuple[ConditionCheck, ...]


@dataclass(slots=True)
class GapChange:
    criterion: str
    dimension: str
    name: str
    kind: str
    from_level: int
    to_level: int
    kpi: float | None
    evidence_needed: int

    def to_contract(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "from": self.from_level,
            "to": self.to_level,
            "kpi": self.kpi,
            "evidence_needed": self.evidence_needed,
        }


@dataclass(slots=True)
class Gap:
    """The smallest set of changes that reaches `target` (SCHEME §5); `steps` counts level steps."""

    target: str
    target_name: str
    changes: tuple[GapChange, ...]
    close_findings: tuple[str, ...]
    clear: tuple[str, ...]
    steps: int
    reachable: bool = True
    overall_after: float | None = None

    @property
    def empty(self) -> bool:
        return not (self.changes or self.close_findings or self.clear)

    def to_contract(self) -> dict[str, Any]:
        return {
            "target": self.target_name,
            "changes": [c.to_contract() for c in self.changes],
            "close_findings": list(self.close_findings),
            "clear": list(self.clear),
        }


class GradeResult(BaseModel):
    """The grade of one assessment, with everything that explains it.

    `gap`, `trace`, `shortfalls` and `explanation` are worked out on first use, from the exact
    levels and scores kept with the result: a batch of grades that only needs the grade should
    not pay for analysis and prose nobody reads.

    >>> from assistant.rules import grade, validate_assessment
    >>> r = grade(validate_assessment({"criteria": {"D1.1": {"level": 3, "evidence": ["手册"]}}}))
    >>> r.grade, r.decided_by, r.provisional
    ('不合格', 'R1', True)
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    scheme: str
    grade: str
    grade_id: str
    provisional: bool
    decided_by: str
    overall: float
    overall_exact: Fraction
    dimensions: dict[str, DimensionResult]
    criteria: dict[str, CriterionResult]
    vetoes: list[VetoHit]
    missing: list[str]
    warnings: list[str]
    capped: list[str]
    open_findings: dict[str, list[str]]
    conditional: bool
    _scheme: Scheme | None = PrivateAttr(None)
    _scaled: tuple[list[int], int] | None = PrivateAttr(None)
    _gap_inputs: tuple[Assessment, list[int], list[int], str | None] | None = PrivateAttr(None)

    @property
    def grade_en(self) -> str:
        return self.grade_id

    @property
    def gap_target(self) -> str | None:
        """The grade ID the gap is worked out to (the target given, else the next grade up; None at the top)."""
        return self._gap_inputs[3] if self._gap_inputs is not None else None

    @property
    def scheme_model(self) -> Scheme:
        """The scheme this result was graded against (which may not live in knowledge/)."""
        return self._scheme if self._scheme is not None else load_scheme(self.scheme)

    @cached_property
    def gap(self) -> Gap | None:
        """The gap to the target grade given to grade(), else to the next grade up (None at the top grade)."""
        from assistant.rules.gap import (
            compute_gap,  # gap.py builds on this module's types
        )

        if self._gap_inputs is None:
            return None
        assessment, levels, sums, target = self._gap_inputs
        comp = compiled(self.scheme_model)
        reached = comp.grade_rank[self.grade_id] >= comp.grade_rank[target]  # type: ignore[index]
        return compute_gap(comp, assessment, levels, sums, target, reached=reached)  # type: ignore[arg-type]

    @cached_property
    def trace(self) -> list[RuleCheck]:
        """Every grade rule in order, each condition with whether it held and the facts behind it."""
        comp = compiled(self.scheme_model)
        dims, overall = self._scaled if self._scaled is not None else _rescale(comp, self)
        return _trace(comp, dims, overall, bool(self.vetoes), self.open_findings)

    @cached_property
    def shortfalls(self) -> dict[str, list[Shortfall]]:
        """Per dimension, every rule threshold its score missed (dimensions that missed none are absent)."""
        out: dict[str, list[Shortfall]] = {}
        for rc in self.trace:
            for ch in rc.conditions:
                if ch.kind in ("any_dimension_below", "every_dimension_at_least"):
                    dims: tuple[str, ...] = ch.dimensions
                elif (ch.kind == "dimension_below" and ch.holds) or (ch.kind == "dimension_at_least" and not ch.holds):
                    dims = (ch.dimension,)  # type: ignore[assignment]
                else:
                    continue
                for d in dims:
                    out.setdefault(d, []).append(Shortfall(rc.id, rc.grade, ch.kind, ch.value))  # type: ignore[arg-type]
        return out

    @cached_property
    def explanation(self) -> list[str]:
        """Chinese sentences a quality manager reads: the deciding rule, vetoes, thresholds missed, caps,
        declaration-vs-KPI conflicts, missing criteria, the gap."""
        from assistant.rules.report import explain

        return explain(self, self.scheme_model)

    def to_contract(self) -> dict[str, Any]:
        """Exactly the `grade --json` object of CONTRACTS.md."""
        return {
            "scheme": self.scheme,
            "grade": self.grade,
            "grade_en": self.grade_id,
            "provisional": self.provisional,
            "decided_by": self.decided_by,
            "overall": self.overall,
            "dimensions": {d: r.score for d, r in self.dimensions.items()},
            "criteria": {
                c: {"claimed": r.claimed, "effective": r.effective, "score": r.score, "capped": r.capped}
                for c, r in self.criteria.items()
            },
            "vetoes": [v.id for v in self.vetoes],
            "missing": list(self.missing),
            "warnings": list(self.warnings),
            "gap": self.gap.to_contract() if self.gap is not None else None,
        }


_RESULT_FIELDS = frozenset(GradeResult.model_fields)


def _new_result(values: dict[str, Any], private: dict[str, Any]) -> GradeResult:
    """GradeResult.model_construct(**values) without its per-field alias and default handling.

    Every field is given and none has an alias, so this sets exactly what model_construct sets,
    in a tenth of the time; test_engine.py checks the two agree, so a pydantic change shows up there.
    """
    result = GradeResult.__new__(GradeResult)
    object.__setattr__(result, "__dict__", values)
    object.__setattr__(result, "__pydantic_fields_set__", set(_RESULT_FIELDS))
    object.__setattr__(result, "__pydantic_extra__", None)
    object.__setattr__(result, "__pydantic_private__", private)
    return result


def _rescale(comp: Compiled, result: GradeResult) -> tuple[list[int], int]:
    """The scaled integer scores of a result that lost them (e.g. rebuilt by model_validate)."""
    dims = [int(result.dimensions[d].exact * comp.K) for d in comp.dims]
    return dims, int(result.overall_exact * comp.K * comp.M)


# --- the scheme compiled for speed ------------------------------------------------------


@dataclass(slots=True)
class _Crit:
    index: int
    id: str
    dim: int
    criterion: Criterion
    is_kpi: bool
    sort_key: tuple[int, ...]
    kpi_for: tuple[float | None, ...]  # per level: the KPI value that reaches it
    ladder: tuple[tuple[int, float], ...]
    higher: bool
    fallback: int
    name: str
    dimension: str
    kind: str
    unit: str
    missing_result: CriterionResult  # shared by every result that lacks this criterion


@dataclass(slots=True)
class _Cond:
    kind: str
    value: float | None
    scaled: int = 0  # threshold on the scaled axis of its kind (dimension or overall)
    dim: int = -1
    severities: tuple[str, ...] = ()


@dataclass(slots=True)
class _Veto:
    veto: Veto
    kind: str
    declaration: str | None
    fires_on: bool | None
    criterion: int
    level: int
    severity: str | None


@dataclass(slots=True)
class Compiled:
    """Integer view of a scheme, built once: with S_d the sum of effective levels in dimension d,
    dimension score = dim_coef[d]·S_d / K and overall = Σ overall_coef[d]·dim_coef[d]·S_d / (K·M)."""

    scheme: Scheme
    crits: list[_Crit]
    dims: list[str]
    dim_members: list[list[int]]  # criterion indices, in criterion-ID order
    dim_coef: list[int]
    overall_coef: list[int]
    K: int
    M: int
    caps: list[int]  # cap by evidence count, the last entry for that count and more
    level_scores: list[int | float]
    evidence_needed: list[int]
    rules: list[tuple[str, str, str, list[_Cond]]]
    vetoes: list[_Veto]
    decl_defaults: dict[str, bool]
    grade_rank: dict[str, int]
    grade_names: dict[str, str]
    dim_info: list[tuple[str, float, int]]  # name, weight, number of criteria
    dim_gains: list[int]  # overall (scaled by K·M) gained per level step in each dimension
    top: int
    decimals: int
    targets: dict[str, Any] = field(default_factory=dict)


def _lcm_den(values: list[Fraction]) -> int:
    out = 1
    for v in values:
        out = math.lcm(out, v.denominator)
    return out


# Keyed by id() but holding the scheme itself, so an id is never reused while cached.
_COMPILED: dict[int, tuple[Scheme, Compiled]] = {}


def compiled(scheme: Scheme) -> Compiled:
    """The integer view of `scheme`, built once per scheme object."""
    hit = _COMPILED.get(id(scheme))
    if hit is not None and hit[0] is scheme:
        return hit[1]
    comp = _build(scheme)
    _COMPILED[id(scheme)] = (scheme, comp)
    return comp


def natural_key(cid: str) -> tuple[int, ...]:
    """D1.10 after D1.9: criterion IDs compare by their numbers."""
    return tuple(int(p) for p in re.findall(r"\d+", cid))


def _build(scheme: Scheme) -> Compiled:
    dims = list(scheme.dimensions)
    dim_index = {d: i for i, d in enumerate(dims)}
    levels = range(scheme.max_level + 1)
    crits = []
    factor = Fraction(scheme.level_score_factor)
    scores = [lv * factor for lv in levels]
    level_scores = [int(x) if x.denominator == 1 else float(x) for x in scores]
    cap0 = scheme.evidence_cap(0)
    for i, c in enumerate(scheme.criteria.values()):
        kpi_for = tuple(float(v) if (v := c.kpi_for_level(lv)) is not None else None for lv in levels)
        missing = CriterionResult(
            c.id, c.dimension, c.name, c.kind, 0, 0, level_scores[0], cap0, False, None, None, None, 0, True
        )
        crits.append(
            _Crit(
                i, c.id, dim_index[c.dimension], c, c.is_kpi, natural_key(c.id), kpi_for,
                c.ladder, c.direction == "higher", c.fallback_level or 0,
                c.name, c.dimension, c.kind, c.unit_symbol, missing,
            )
        )
    members = [
        sorted((c.index for c in crits if c.dim == d), key=lambda i: crits[i].sort_key) for d in range(len(dims))
    ]
    per_level = [factor / len(m) for m in members]
    conds = [c for r in scheme.grade_rules for c in r.conditions]
    dim_thresholds = [Fraction(c.value) for c in conds if c.value is not None and "dimension" in c.kind]
    overall_thresholds = [Fraction(c.value) for c in conds if c.value is not None and c.kind.startswith("overall")]
    K = _lcm_den(per_level + dim_thresholds)
    total = Fraction(scheme.total_weight)
    shares = [Fraction(scheme.dimensions[d].weight) / total for d in dims]
    M = _lcm_den(shares + [t * K for t in overall_thresholds])

    rules = []
    for r in scheme.grade_rules:
        compiled_conds = []
        for c in r.conditions:
            cc = _Cond(c.kind, float(c.value) if c.value is not None else None)
            if c.value is not None:
                scale = K * M if c.kind.startswith("overall") else K
                cc.scaled = int(Fraction(c.value) * scale)
            if c.dimension is not None:
                cc.dim = dim_index[c.dimension]
            cc.severities = tuple(s for s in scheme.severities if s in (c.severities or ()))
            compiled_conds.append(cc)
        rules.append((r.id, r.grade, r.match, compiled_conds))

    index = {c.id: c.index for c in crits}
    vetoes = [
        _Veto(
            v,
            v.trigger.kind,
            v.trigger.declaration,
            v.trigger.value,
            index.get(v.trigger.criterion or "", -1),
            v.trigger.level if v.trigger.level is not None else -1,
            v.trigger.severity,
        )
        for v in scheme.vetoes.values()
    ]
    dim_coef = [int(p * K) for p in per_level]
    overall_coef = [int(s * M) for s in shares]
    return Compiled(
        scheme=scheme,
        crits=crits,
        dims=dims,
        dim_members=members,
        dim_coef=dim_coef,
        overall_coef=overall_coef,
        K=K,
        M=M,
        caps=[scheme.evidence_cap(n) for n in range(scheme.scoring.evidence_caps[-1].min_items + 1)],
        level_scores=level_scores,
        evidence_needed=[scheme.evidence_needed(lv) for lv in levels],
        rules=rules,
        vetoes=vetoes,
        decl_defaults={k: d.default for k, d in scheme.declarations.items()},
        grade_rank={g.id: i for i, g in enumerate(scheme.grades)},
        grade_names={g.id: g.name for g in scheme.grades},
        dim_info=[
            (scheme.dimensions[d].name, float(scheme.dimensions[d].weight), len(m))
            for d, m in zip(dims, members, strict=True)
        ],
        dim_gains=[o * d for o, d in zip(overall_coef, dim_coef, strict=True)],
        top=scheme.max_level,
        decimals=scheme.scoring.score_decimals,
    )


def round_half_up(num: int, den: int, decimals: int) -> float:
    """num/den (≥ 0) rounded half up: 72.25 → 72.3, as people round, unlike round()."""
    q = 10**decimals
    r = (2 * num * q + den) // (2 * den)
    return r / q if decimals else float(r)


def claimed_level(criterion: Criterion, entry: CriterionEntry | None) -> tuple[int, int | None]:
    """(claimed level, KPI level or None): a measured KPI decides; else the declared level; absent → 0."""
    if entry is None:
        return 0, None
    if criterion.is_kpi and entry.kpi is not None:
        lv = criterion.level_for(entry.kpi)
        return lv, lv
    return (entry.level if entry.level is not None else 0), None


# --- grading -------------------------------------------------------------------------------


def grade(assessment: Assessment, scheme: Scheme | None = None, target: str | None = None) -> GradeResult:
    """Grade `assessment` by its scheme; `target` (合格/优秀 or pass/excellent) picks the gap's goal,
    by default the next grade up (no gap at the top grade)."""
    if scheme is None:
        scheme = load_scheme(assessment.scheme)
    comp = compiled(scheme)
    target_id = scheme.grade_id(target) if target is not None else None

    entries = assessment.criteria
    sums = [0] * len(comp.dims)
    levels: list[int] = []
    results: dict[str, CriterionResult] = {}
    missing: list[str] = []
    warnings: list[str] = []
    capped: list[str] = []
    caps = comp.caps
    last = len(caps) - 1
    scores = comp.level_scores
    # claimed_level() and the evidence cap, inlined: this loop is the engine's hot path.
    for cr in comp.crits:
        entry = entries.get(cr.id)
        if entry is None:
            missing.append(cr.id)
            levels.append(0)
            results[cr.id] = cr.missing_result
            continue
        declared = entry.level
        kpi = entry.kpi
        kpi_level = None
        if cr.is_kpi and kpi is not None:
            kpi_level = claimed = kpi_level_of(cr.ladder, cr.higher, cr.fallback, kpi)
            if declared is not None and declared > kpi_level:
                warnings.append(
                    f"{cr.id} {cr.name}：申报等级L{declared}高于KPI测得值"
                    f"{format_number(kpi)}{cr.unit}对应的L{kpi_level}，按KPI计为L{kpi_level}。"
                )
        else:
            claimed = declared if declared is not None else 0
            if cr.is_kpi:
                warnings.append(f"{cr.id} {cr.name}：未提供KPI测量值，按申报等级L{claimed}计。")
        n = len(entry.evidence)
        cap = caps[min(last, n)]
        effective = min(cap, claimed)
        if effective < claimed:
            capped.append(cr.id)
        levels.append(effective)
        sums[cr.dim] += effective
        results[cr.id] = CriterionResult(
            cr.id, cr.dimension, cr.name, cr.kind, claimed, effective, scores[effective], cap,
            effective < claimed, kpi, kpi_level, declared, n, False,
        )

    dim_coef, overall_coef = comp.dim_coef, comp.overall_coef
    scaled_dims = [dim_coef[d] * sums[d] for d in range(len(sums))]
    scaled_overall = sum(overall_coef[d] * scaled_dims[d] for d in range(len(sums)))

    open_by_sev: dict[str, list[str]] = {}
    for f in assessment.findings:
        if f.status == "open":
            open_by_sev.setdefault(f.severity, []).append(f.id)

    declarations = assessment.declarations
    vetoes: list[VetoHit] = []
    for cv in comp.vetoes:
        v = cv.veto
        if cv.kind == "declaration":
            if declarations.get(cv.declaration, comp.decl_defaults[cv.declaration]) == cv.fires_on:  # type: ignore[index]
                vetoes.append(VetoHit(v.id, v.name, v.description))
        elif cv.kind == "criterion_level_at_most":
            if levels[cv.criterion] <= cv.level:
                vetoes.append(VetoHit(v.id, v.name, v.description))
        elif open_by_sev.get(cv.severity):  # type: ignore[arg-type]
            vetoes.append(VetoHit(v.id, v.name, v.description, tuple(open_by_sev[cv.severity])))  # type: ignore[index]

    rule_id, grade_id = _decide(comp, scaled_dims, scaled_overall, bool(vetoes), open_by_sev)
    K, M = comp.K, comp.M
    decimals = comp.decimals
    dimensions = {}
    for i, d in enumerate(comp.dims):
        name, weight, count = comp.dim_info[i]
        score = round_half_up(scaled_dims[i], K, decimals)
        dimensions[d] = DimensionResult(d, name, weight, score, count, scaled_dims[i], K)
    cond = scheme.certification.conditional_pass
    conditional = grade_id == cond.grade and any(open_by_sev.get(s) for s in cond.open_severities)
    if assessment.assessed_on is not None and assessment.findings:
        warnings += _overdue(assessment, scheme)

    rank = comp.grade_rank[grade_id]
    if target_id is None and rank < len(comp.grade_names) - 1:
        target_id = scheme.grades[rank + 1].id
    gap_inputs = (assessment, levels, sums, target_id) if target_id is not None else None

    return _new_result(
        {
            "scheme": scheme.version,
            "grade": comp.grade_names[grade_id],
            "grade_id": grade_id,
            "provisional": bool(missing),
            "decided_by": rule_id,
            "overall": round_half_up(scaled_overall, K * M, decimals),
            "overall_exact": Fraction(scaled_overall, K * M),
            "dimensions": dimensions,
            "criteria": results,
            "vetoes": vetoes,
            "missing": missing,
            "warnings": warnings,
            "capped": capped,
            "open_findings": open_by_sev,
            "conditional": conditional,
        },
        {"_scheme": scheme, "_scaled": (scaled_dims, scaled_overall), "_gap_inputs": gap_inputs},
    )


def _holds(c: _Cond, dims: list[int], overall: int, vetoed: bool, open_by_sev: dict[str, list[str]]) -> bool:
    """Whether one grade-rule condition holds; the one place that defines what each kind means."""
    kind = c.kind
    if kind == "veto":
        return vetoed
    if kind == "overall_below":
        return overall < c.scaled
    if kind == "overall_at_least":
        return overall >= c.scaled
    if kind == "any_dimension_below":
        return any(s < c.scaled for s in dims)
    if kind == "every_dimension_at_least":
        return all(s >= c.scaled for s in dims)
    if kind == "dimension_below":
        return dims[c.dim] < c.scaled
    if kind == "dimension_at_least":
        return dims[c.dim] >= c.scaled
    if kind == "no_open_findings":
        return not any(open_by_sev.get(s) for s in c.severities)
    raise ValueError(kind)  # pragma: no cover - the scheme model admits no other kind


def _decide(
    comp: Compiled, dims: list[int], overall: int, vetoed: bool, open_by_sev: dict[str, list[str]]
) -> tuple[str, str]:
    """(rule, grade) of the first grade rule that holds."""
    for rule_id, grade_id, match, conds in comp.rules:
        if match == "any":
            if any(_holds(c, dims, overall, vetoed, open_by_sev) for c in conds):
                return rule_id, grade_id
        elif all(_holds(c, dims, overall, vetoed, open_by_sev) for c in conds):
            return rule_id, grade_id
    raise AssertionError("the scheme model guarantees a last rule that always holds")


def _trace(
    comp: Compiled, dims: list[int], overall: int, vetoed: bool, open_by_sev: dict[str, list[str]]
) -> list[RuleCheck]:
    """Every rule evaluated, with the dimensions or findings each condition is about."""
    trace = []
    names = comp.dims
    for rule_id, grade_id, match, conds in comp.rules:
        checks = []
        for c in conds:
            holds = _holds(c, dims, overall, vetoed, open_by_sev)
            dim = names[c.dim] if c.dim >= 0 else None
            low: tuple[str, ...] = ()
            if c.kind in ("any_dimension_below", "every_dimension_at_least"):
                low = tuple(names[d] for d, s in enumerate(dims) if s < c.scaled)
            ids = tuple(i for s in c.severities for i in open_by_sev.get(s, ()))
            checks.append(ConditionCheck(c.kind, holds, c.value, dim, c.severities, low, ids))
        holds = any(ch.holds for ch in checks) if match == "any" else all(ch.holds for ch in checks)
        trace.append(RuleCheck(rule_id, grade_id, match, holds, tuple(checks)))
    return trace


def _overdue(assessment: Assessment, scheme: Scheme) -> list[str]:
    """Open findings whose corrective-action deadline passed by the assessment date (SCHEME §4)."""
    out = []
    on = assessment.assessed_on
    suspension = scheme.certification.suspension
    suspend = [(t.severity, t.days) for t in suspension.triggers if t.kind == "finding_not_closed"]
    for f in assessment.findings:
        sev = scheme.severities[f.severity]
        if f.status != "open" or f.raised_on is None or sev.due_days is None or on is None:
            continue
        due = f.raised_on + timedelta(days=sev.due_days)
        if on > due:
            text = f"{f.id}（{sev.name}）整改期限{due.isoformat()}已过（{f.raised_on.isoformat()}提出），仍未关闭"
            if any(s == f.severity and days is not None and (on - f.raised_on).days > days for s, days in suspend):
                text += f"；监督审核时将导致证书暂停（最长{suspension.max_months}个月，期满未恢复则撤销）"
            out.append(text + "。")
    return out
