"""Gap analysis (SCHEME §5): the fewest changes that reach a target grade, and applying them to an assessment."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from assistant.rules.assessment import Assessment, CriterionEntry
from assistant.rules.engine import (
    Compiled,
    Gap,
    GapChange,
    claimed_level,
    round_half_up,
)
from assistant.rules.scheme import Scheme, load_scheme


@dataclass(frozen=True, slots=True)
class _Requirements:
    """What reaching one grade takes, read off the grade rules and vetoes once per scheme."""

    close_severities: tuple[str, ...]
    clear: tuple[tuple[str, bool], ...]  # (declaration, the value that fires its veto)
    min_levels: tuple[tuple[int, int], ...]  # (criterion index, lowest level that clears its veto)
    floor_sums: tuple[int, ...]  # per dimension, the lowest sum of effective levels that meets every floor
    overall_need: int  # on the overall axis scaled by K·M
    gain_groups: tuple[tuple[int, tuple[int, ...]], ...]  # (gain per step, criterion indices), largest gain first


def _requirements(comp: Compiled, target: str) -> _Requirements:
    cached = comp.targets.get(target)
    if cached is not None:
        return cached
    scheme = comp.scheme
    lower, rule = scheme.rules_to_reach(target)
    clear: list[tuple[str, bool]] = []
    min_levels: dict[int, int] = {}
    dim_need = [0] * len(comp.dims)  # scaled dimension-score thresholds
    overall_need = 0
    index = {cr.id: cr.index for cr in comp.crits}
    dim_of = {d: i for i, d in enumerate(comp.dims)}

    def need_dim(d: int, scaled: int) -> None:
        dim_need[d] = max(dim_need[d], scaled)

    # Rules of a lower grade must all fail (they are 'any' rules: every condition false);
    # the target's rule must hold (an 'all' rule: every condition true). The scheme model checks this shape.
    for r in lower:
        for c in r.conditions:
            scaled = _scaled(comp, c.kind, c.value)
            if c.kind == "veto":
                for v in scheme.vetoes.values():
                    t = v.trigger
                    if t.kind == "declaration":
                        clear.append((t.declaration, t.value))  # type: ignore[arg-type]
                    elif t.kind == "criterion_level_at_most":
                        i = index[t.criterion]  # type: ignore[index]
                        min_levels[i] = max(min_levels.get(i, 0), t.level + 1)  # type: ignore[operator]
            elif c.kind == "overall_below":
                overall_need = max(overall_need, scaled)
            elif c.kind == "any_dimension_below":
                for d in range(len(comp.dims)):
                    need_dim(d, scaled)
            elif c.kind == "dimension_below":
                need_dim(dim_of[c.dimension], scaled)  # type: ignore[index]
    for c in rule.conditions:
        scaled = _scaled(comp, c.kind, c.value)
        if c.kind == "overall_at_least":
            overall_need = max(overall_need, scaled)
        elif c.kind == "every_dimension_at_least":
            for d in range(len(comp.dims)):
                need_dim(d, scaled)
        elif c.kind == "dimension_at_least":
            need_dim(dim_of[c.dimension], scaled)  # type: ignore[index]

    # Σlevels_d · dim_coef[d] ≥ scaled threshold  ⇔  Σlevels_d ≥ ceil(threshold / dim_coef[d])
    floor_sums = tuple(-(-dim_need[d] // comp.dim_coef[d]) for d in range(len(comp.dims)))
    gains: dict[int, list[int]] = {}
    for d in range(len(comp.dims)):
        gains.setdefault(comp.overall_coef[d] * comp.dim_coef[d], []).extend(comp.dim_members[d])
    groups = tuple(
        (g, tuple(sorted(gains[g], key=lambda i: comp.crits[i].sort_key))) for g in sorted(gains, reverse=True)
    )
    close = scheme.gap.close_findings.get(target) or scheme.findings_to_close(target)
    req = _Requirements(tuple(close), tuple(clear), tuple(min_levels.items()), floor_sums, overall_need, groups)
    comp.targets[target] = req
    return req


def _scaled(comp: Compiled, kind: str, value: object) -> int:
    if value is None:
        return 0
    scale = comp.K * comp.M if kind.startswith("overall") else comp.K
    return int(Fraction(value) * scale)  # type: ignore[arg-type]


def _water_fill(levels: list[int], members: tuple[int, ...] | list[int], k: int, top: int) -> int:
    """Take up to k steps among `members` (given in criterion-ID order), each one raising the lowest
    level first, then the lowest criterion ID (SCHEME §5's tie rule). Returns the steps taken.

    Done in closed form rather than step by step: lifting everything at or below level w by one
    costs the number of such items; the first level the remaining steps cannot lift completely is
    the final water level T, and the steps left over go to the lowest IDs at T.
    """
    if k <= 0:
        return 0
    counts = [0] * (top + 1)
    for i in members:
        counts[levels[i]] += 1
    done = 0
    at_or_below = 0
    water, extra = top, 0
    for w in range(top):
        at_or_below += counts[w]
        if not at_or_below:
            continue
        if k >= at_or_below:
            k -= at_or_below
            done += at_or_below
        else:
            water, extra = w, k
            done += k
            break
    for i in members:
        if levels[i] <= water:
            if extra:
                levels[i] = water + 1
                extra -= 1
            else:
                levels[i] = water
    return done


def compute_gap(
    comp: Compiled,
    assessment: Assessment,
    levels: list[int],
    sums: list[int],
    target: str,
    *,
    reached: bool,
) -> Gap:
    """The gap from the current effective `levels` (and their per-dimension `sums`) to `target`;
    empty when the grade already reaches it."""
    name = comp.grade_names[target]
    if reached:
        return Gap(target, name, (), (), (), 0, True, None)
    req = _requirements(comp, target)
    top = comp.top
    new = list(levels)
    s = list(sums)
    reachable = True
    for i, lowest in req.min_levels:
        if new[i] < lowest:
            raised = min(lowest, top)
            s[comp.crits[i].dim] += raised - new[i]
            new[i] = raised
            reachable &= raised == lowest
    members = comp.dim_members
    for d, floor in enumerate(req.floor_sums):
        short = floor - s[d]
        if short > 0:
            took = _water_fill(new, members[d], short, top)
            s[d] += took
            reachable &= took == short
    gains = comp.dim_gains
    total = 0
    for d, v in enumerate(s):
        total += gains[d] * v
    deficit = req.overall_need - total
    for gain, group in req.gain_groups:
        if deficit <= 0:
            break
        took = _water_fill(new, group, -(-deficit // gain), top)
        deficit -= took * gain
        total += took * gain
    reachable &= deficit <= 0

    changes = []
    steps = 0
    for i, after in enumerate(new):
        before = levels[i]
        if after > before:
            steps += after - before
            cr = comp.crits[i]
            c = cr.criterion
            kpi, evidence = cr.kpi_for[after], comp.evidence_needed[after]
            changes.append(GapChange(cr.id, c.dimension, c.name, c.kind, before, after, kpi, evidence))
    sevs = req.close_severities
    close = tuple(f.id for f in assessment.findings if f.status == "open" and f.severity in sevs)
    clear: tuple[str, ...] = ()
    if req.clear:
        decl, defaults = assessment.declarations, comp.decl_defaults
        clear = tuple(dict.fromkeys(k for k, fires in req.clear if decl.get(k, defaults[k]) == fires))
    after_score = round_half_up(total, comp.K * comp.M, comp.decimals)
    return Gap(target, name, tuple(changes), close, clear, steps, reachable, after_score)


def apply_gap(assessment: Assessment, gap: Gap, scheme: Scheme | None = None) -> Assessment:
    """The assessment as it would be once the gap is closed: each changed criterion at its new level or
    KPI value with enough evidence (placeholders name what is still to be collected), the findings
    closed, the declarations cleared."""
    if scheme is None:
        scheme = load_scheme(assessment.scheme)
    criteria = dict(assessment.criteria)
    for ch in gap.changes:
        c = scheme.criteria[ch.criterion]
        entry = criteria.get(ch.criterion)
        level = entry.level if entry else None
        kpi = entry.kpi if entry else None
        evidence = list(entry.evidence) if entry else []
        claimed, _ = claimed_level(c, entry)
        if claimed < ch.to_level:
            value = c.kpi_for_level(ch.to_level)
            if c.is_kpi and value is not None:
                kpi = float(value)
            else:
                level = max(level or 0, ch.to_level)
        have = len({e.strip() for e in evidence if e.strip()})
        for n in range(have, ch.evidence_needed):
            evidence.append(f"待补充证据{n + 1}：{c.name}达到L{ch.to_level}的记录")
        criteria[ch.criterion] = CriterionEntry(level=level, kpi=kpi, evidence=evidence)
    close = set(gap.close_findings)
    findings = [f.model_copy(update={"status": "closed"}) if f.id in close else f for f in assessment.findings]
    declarations = dict(assessment.declarations)
    for key in gap.clear:
        declarations[key] = scheme.declarations[key].default
    return assessment.model_copy(update={"criteria": criteria, "findings": findings, "declarations": declarations})

