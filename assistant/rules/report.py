"""Words for a grade: Chinese explanation sentences, and the readable terminal report (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from assistant.rules.describe import condition_text, evidence_caps_text
from assistant.rules.engine import ConditionCheck, Gap, GradeResult, RuleCheck
from assistant.rules.scheme import Scheme, format_number


def _num(x: float | None) -> str:
    return format_number(x) if x is not None else "—"


def _score(x: float, scheme: Scheme) -> str:
    """A reported score with the scheme's decimals, trailing zero kept (66.0, not 66)."""
    return f"{x:.{scheme.scoring.score_decimals}f}"


def _dims_text(result: GradeResult, scheme: Scheme, dims: tuple[str, ...]) -> str:
    return "、".join(f"{d} {scheme.dimensions[d].name}（{_score(result.dimensions[d].score, scheme)}）" for d in dims)


def _sev_names(scheme: Scheme, sevs: tuple[str, ...]) -> str:
    return "或".join(scheme.severities[s].name for s in sevs)


def condition_phrase(ch: ConditionCheck, result: GradeResult, scheme: Scheme) -> str:
    """A condition of a grade rule, stated as the facts of this result (true or not)."""
    v = _num(ch.value)
    o = _score(result.overall, scheme)
    k = ch.kind
    if k == "veto":
        if ch.holds:
            return "触发一票否决项" + "、".join(f"{h.id}（{h.name}）" for h in result.vetoes)
        return "未触发一票否决项"
    if k == "overall_below":
        return f"总分{o}低于{v}" if ch.holds else f"总分{o}不低于{v}"
    if k == "overall_at_least":
        return f"总分{o}达到{v}" if ch.holds else f"总分{o}低于{v}"
    if k in ("any_dimension_below", "every_dimension_at_least"):
        if ch.dimensions:
            return f"{_dims_text(result, scheme, ch.dimensions)}低于{v}"
        return f"各维度得分均不低于{v}"
    if k in ("dimension_below", "dimension_at_least"):
        d = ch.dimension or ""
        score = _score(result.dimensions[d].score, scheme)
        below = ch.holds if k == "dimension_below" else not ch.holds
        return f"{d} {scheme.dimensions[d].name}得分{score}{'低于' if below else '不低于'}{v}"
    if k == "no_open_findings":
        names = _sev_names(scheme, ch.severities)
        if ch.findings:
            return f"存在未关闭的{names}（{'、'.join(ch.findings)}）"
        return f"没有未关闭的{names}"
    return k


def rule_requirement(rule: RuleCheck, scheme: Scheme) -> str:
    """What a rule asks, in words independent of any result."""
    conds = [c for r in scheme.grade_rules if r.id == rule.id for c in r.conditions]
    if not conds:
        return "其他情况"
    joiner = "，或" if rule.match == "any" else "，且"
    return joiner.join(condition_text(c, scheme) for c in conds)


def _why_held(rule: RuleCheck, result: GradeResult, scheme: Scheme) -> str:
    if rule.match == "any":
        return "；".join(condition_phrase(c, result, scheme) for c in rule.conditions if c.holds)
    if rule.conditions:
        return "，".join(condition_phrase(c, result, scheme) for c in rule.conditions)
    # 'Otherwise': it holds because every earlier rule of a lower grade failed.
    rank = scheme.grade_rank(result.grade_id)
    reasons = [
        condition_phrase(c, result, scheme)
        for r in result.trace
        if r.id != rule.id and scheme.grade_rank(r.grade) < rank
        for c in r.conditions
    ]
    return "，".join(reasons) if reasons else "其他情况"


def explain(result: GradeResult, scheme: Scheme) -> list[str]:
    """Chinese sentences: the deciding rule, vetoes, thresholds missed, open findings, caps, conflicts, missing, gap."""
    out: list[str] = []
    decided = next(r for r in result.trace if r.id == result.decided_by)
    grade_text = result.grade + ("（暂定）" if result.provisional else "")
    out.append(
        f"评级结果：{grade_text}，总分{_score(result.overall, scheme)}，由规则{decided.id}决定：{_why_held(decided, result, scheme)}。"
    )
    rank = scheme.grade_rank(result.grade_id)
    for r in result.trace:
        if r.id == decided.id:
            continue
        r_rank = scheme.grade_rank(r.grade)
        name = scheme.grade(r.grade).name
        if r_rank < rank or (r_rank == rank and not r.holds):
            continue
        if r_rank > rank and not r.holds:
            missed = [condition_phrase(c, result, scheme) for c in r.conditions if not c.holds]
            out.append(f"未达{name}（规则{r.id}）：{'；'.join(missed)}。")
        elif r_rank <= rank and r.holds and r.conditions:
            out.append(f"规则{r.id}（{name}）同样成立：{_why_held(r, result, scheme)}。")
    for v in result.vetoes:
        extra = f"（{'、'.join(v.findings)}）" if v.findings else ""
        out.append(f"一票否决{v.id}（{v.name}）：{v.description}{extra}，无论得分如何均为{scheme.grades[0].name}。")
    for sev_id, ids in result.open_findings.items():
        sev = scheme.severities[sev_id]
        if not sev.nonconformity:
            due = "下次监督审核前" if sev.due_next_surveillance else f"提出后{sev.due_days}天内"
            out.append(f"未关闭的{sev.name}{'、'.join(ids)}不影响评级，应在{due}处理，由{sev.verification}验证。")
    if result.conditional:
        sevs = scheme.certification.conditional_pass.open_severities
        ids = [i for s in sevs for i in result.open_findings.get(s, [])]
        out.append(
            f"存在未关闭的{_sev_names(scheme, tuple(sevs))}（{'、'.join(ids)}），属有条件{result.grade}："
            "其纠正措施计划被接受后方可发证。"
        )
    if result.capped:
        caps = evidence_caps_text(scheme)
        for cid in result.capped:
            c = result.criteria[cid]
            source = "KPI测得" if c.kpi_level is not None else "申报"
            out.append(
                f"证据上限：{cid} {c.name}{source}L{c.claimed}，只有{c.evidence}项证据，按L{c.effective}计（{caps}）。"
            )
    out.extend(result.warnings)
    if result.missing:
        listed = "、".join(f"{cid} {scheme.criteria[cid].name}" for cid in result.missing)
        out.append(f"以下{len(result.missing)}项准则未评估，按L0计，结果为暂定：{listed}。")
    if result.gap is not None:
        out.append(gap_sentence(result.gap, scheme))
    return out


def gap_sentence(gap: Gap, scheme: Scheme) -> str:
    if gap.empty:
        return f"已达到{gap.target_name}，无需变更。"
    parts = []
    if gap.close_findings:
        parts.append(f"关闭{'、'.join(gap.close_findings)}")
    for key in gap.clear:
        d = scheme.declarations[key]
        parts.append(f"消除声明项“{d.name}”（{key}应为{str(d.default).lower()}）")
    for ch in gap.changes:
        kpi = ""
        if ch.kpi is not None:
            c = scheme.criteria[ch.criterion]
            op = "≥" if c.direction == "higher" else "≤"
            kpi = f"，KPI {op}{format_number(ch.kpi)}{c.unit_symbol}"
        parts.append(f"{ch.criterion} {ch.name}由L{ch.from_level}提升至L{ch.to_level}（需{ch.evidence_needed}项证据{kpi}）")
    tail = f"共{gap.steps}个等级步" if gap.steps else ""
    if gap.overall_after is not None and gap.steps:
        tail += f"，完成后总分{_score(gap.overall_after, scheme)}"
    if not gap.reachable:
        tail += "；即使全部提升至最高等级也无法达到"
    return f"要达到{gap.target_name}，需要：{'；'.join(parts)}" + (f"；{tail}" if tail else "") + "。"


def render(result: GradeResult, scheme: Scheme, console: Console | None = None) -> None:
    """Print the readable report: headline, dimensions, criteria, rule trace, explanation, gap."""
    console = console or Console()
    colour = {0: "red", len(scheme.grades) - 1: "green"}.get(scheme.grade_rank(result.grade_id), "yellow")
    head = Text()
    head.append(f"{result.grade} ({result.grade_id})", style=f"bold {colour}")
    head.append(f"   总分 {_score(result.overall, scheme)}   规则 {result.decided_by}   评价方案 {result.scheme}")
    if result.provisional:
        head.append("   暂定 provisional", style="bold yellow")
    console.print(Panel(head, title="评级 grade", expand=False))

    dims = Table(title="维度得分 dimensions", show_lines=False)
    for col in ("维度", "名称", "权重", "准则数", "得分", "未达门槛"):
        dims.add_column(col, justify="right" if col in ("权重", "准则数", "得分") else "left")
    for d in result.dimensions.values():
        below = "、".join(f"{s.rule} <{_num(s.threshold)}" for s in result.shortfalls.get(d.id, ()))
        dims.add_row(d.id, d.name, _num(d.weight), str(d.criteria), _score(d.score, scheme), Text(below, style="red"))
    console.print(dims)

    crits = Table(title="准则 criteria")
    for col in ("准则", "名称", "KPI", "申报", "证据", "认定", "有效", "得分", "说明"):
        crits.add_column(col, justify="right" if col in ("KPI", "申报", "证据", "认定", "有效", "得分") else "left")
    for c in result.criteria.values():
        unit = scheme.criteria[c.id].unit_symbol
        notes = []
        if c.missing:
            notes.append("未评估")
        if c.capped:
            notes.append(f"证据封顶L{c.cap}")
        if c.kpi_level is not None and c.declared is not None and c.declared > c.kpi_level:
            notes.append("申报高于KPI")
        crits.add_row(
            c.id,
            c.name,
            f"{_num(c.kpi)}{unit}" if c.kpi is not None else "",
            "" if c.declared is None else f"L{c.declared}",
            str(c.evidence),
            "" if c.missing else f"L{c.claimed}",
            f"L{c.effective}",
            str(c.score),
            Text("，".join(notes), style="yellow" if notes else ""),
        )
    console.print(crits)

    trace = Table(title="规则判定 rule trace")
    for col in ("规则", "等级", "条件", "本次情况", "结果"):
        trace.add_column(col)
    for r in result.trace:
        facts = "；".join(("✓ " if c.holds else "✗ ") + condition_phrase(c, result, scheme) for c in r.conditions)
        verdict = ("成立" if r.holds else "不成立") + (" ← 决定" if r.id == result.decided_by else "")
        trace.add_row(
            r.id,
            scheme.grade(r.grade).name,
            rule_requirement(r, scheme),
            facts or "—",
            Text(verdict, style="bold" if r.id == result.decided_by else ""),
        )
    console.print(trace)

    console.print("[bold]说明 explanation[/bold]")
    for line in result.explanation:
        console.print(f"• {line}")

    gap = result.gap
    if gap is not None and not gap.empty:
        table = Table(title=f"差距 gap → {gap.target_name}（{gap.steps} 个等级步）")
        for col in ("准则", "名称", "现有", "目标", "KPI 目标", "所需证据"):
            table.add_column(col)
        for ch in gap.changes:
            c = scheme.criteria[ch.criterion]
            op = "≥" if c.direction == "higher" else "≤"
            kpi = f"{op}{format_number(ch.kpi)}{c.unit_symbol}" if ch.kpi is not None else ""
            table.add_row(ch.criterion, ch.name, f"L{ch.from_level}", f"L{ch.to_level}", kpi, str(ch.evidence_needed))
        console.print(table)
        if gap.close_findings:
            console.print(f"须关闭的审核发现：{'、'.join(gap.close_findings)}")
        if gap.clear:
            console.print(f"须消除的声明：{'、'.join(gap.clear)}")
