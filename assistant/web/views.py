"""What the web pages show, built from the engine's results and the plan: HTML badges, Markdown, tables, charts.

Pure functions of their inputs (no gradio), so they are tested without a browser. Charts are plotly figures:
the browser draws their Chinese labels with its own fonts.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from assistant.plans.export import kind_text, severity_names, subject_text
from assistant.plans.models import STATUS_ZH, Plan
from assistant.rules import GradeResult, Scheme
from assistant.rules.report import condition_phrase, rule_requirement
from assistant.web.session import cell_text

GRADE_COLOURS = {"fail": "#c0392b", "pass": "#2471a3", "excellent": "#1e8449"}
STATUS_FROM_ZH = {v: k for k, v in STATUS_ZH.items()}
PLAN_COLUMNS = ["序号", "类型", "条款/发现", "问题描述", "整改措施", "责任人", "完成期限", "最迟期限", "状态"]
EDITABLE_PLAN_COLUMNS = ("责任人", "完成期限", "状态")
FINDING_COLUMNS = ["id", "criterion", "severity", "status", "raised_on", "text"]  # the assessment file's keys
FINDING_HEADERS = ["编号", "准则", "严重程度", "状态", "提出日期", "描述"]
FINDING_STATUS_ZH = {"open": "未关闭", "closed": "已关闭"}


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


# --- grade badge ---------------------------------------------------------------------------------


def badge_html(result: GradeResult | None) -> str:
    """The grade beside the chat and the form: grade, 暂定 while criteria are missing, overall score, vetoes."""
    if result is None:
        return ('<div class="grade-badge grade-none" data-grade="">'
                '<div class="grade-label">当前评级</div><div class="grade-value">—</div>'
                '<div class="grade-sub">告诉我贵公司的情况，或在“自评”页填写</div></div>')
    colour = GRADE_COLOURS.get(result.grade_id, "#555")
    sub = f"总分 {_num(result.overall)}"
    if result.provisional:
        sub += f" · 暂定（{len(result.missing)} 项准则未评估）"
    if result.vetoes:
        sub += " · 否决项 " + "、".join(v.id for v in result.vetoes)
    return (f'<div class="grade-badge" data-grade="{html.escape(result.grade)}" style="border-color:{colour}">'
            f'<div class="grade-label">当前评级</div>'
            f'<div class="grade-value" style="color:{colour}">{html.escape(result.grade)}'
            f'{"<span class=grade-provisional>（暂定）</span>" if result.provisional else ""}</div>'
            f'<div class="grade-sub">{html.escape(sub)}</div></div>')


# --- grade report --------------------------------------------------------------------------------


def report_markdown(result: GradeResult, scheme: Scheme) -> str:
    """The report's text: explanation in plain Chinese, vetoes, warnings, the rule trace, the dimension scores."""
    return report_summary(result, scheme) + "\n\n" + report_details(result, scheme)


def report_summary(result: GradeResult, scheme: Scheme) -> str:
    """Grade, the explanation in plain Chinese, vetoes and warnings."""
    lines = [f"### 评级：{result.grade}{'（暂定）' if result.provisional else ''} · 总分 {_num(result.overall)} · 决定规则 {result.decided_by}", ""]
    lines += [f"- {s}" for s in result.explanation]
    lines += ["", "#### 一票否决", ""]
    if result.vetoes:
        lines += [f"- **{v.id} {v.name}**：{v.description}" + (f"（{'、'.join(v.findings)}）" if v.findings else "")
                  for v in result.vetoes]
    else:
        lines.append("- 无否决项。")
    lines += ["", "#### 提示", ""]
    lines += [f"- {w}" for w in result.warnings] or ["- 无。"]
    return "\n".join(lines)


def report_details(result: GradeResult, scheme: Scheme) -> str:
    """The rule trace (every grade rule, whether it held and why) and the dimension scores."""
    lines = ["#### 规则判定过程", "", "| 规则 | 等级 | 要求 | 结果 | 依据 |", "|---|---|---|---|---|"]
    for rc in result.trace:
        facts = "；".join(condition_phrase(c, result, scheme) for c in rc.conditions) or "其余情形"
        held = "✔ 成立" if rc.holds else "✘ 不成立"
        if rc.id == result.decided_by:
            held += "（决定）"
        lines.append(f"| {rc.id} | {scheme.grade(rc.grade).name} | {rule_requirement(rc, scheme)} | {held} | {facts} |")
    lines += ["", "#### 维度得分", "", "| 维度 | 名称 | 权重 | 得分 |", "|---|---|---|---|"]
    for d in result.dimensions.values():
        lines.append(f"| {d.id} | {d.name} | {_num(d.weight)} | {_num(d.score)} |")
    return "\n".join(lines)


def criteria_table(result: GradeResult, scheme: Scheme) -> str:
    """Per criterion: the level claimed (declared, or measured by its KPI), the level that counts after the
    evidence cap, and what the gap target asks of it — all read off the engine's result, nothing recomputed."""
    gap = result.gap
    needed = {ch.criterion: ch.to_level for ch in gap.changes} if gap is not None else {}
    target = gap.target_name if gap is not None else "最高等级"
    lines = [f"#### 各准则等级（差距目标：{target}）", "",
             "| 准则 | 名称 | 申报等级 | 有效等级 | 目标所需 | 差距 | 说明 |", "|---|---|---|---|---|---|---|"]
    for c in result.criteria.values():
        unit = scheme.criteria[c.id].unit_symbol
        notes = []
        if c.kpi is not None:
            notes.append(f"KPI {_num(c.kpi)}{unit}")
        if c.missing:
            notes.append("未评估，按L0计")
        if c.capped:
            notes.append(f"证据{c.evidence}项，封顶L{c.cap}")
        if c.kpi_level is not None and c.declared is not None and c.declared > c.kpi_level:
            notes.append(f"申报L{c.declared}高于KPI")
        claimed = "—" if c.missing else f"L{c.claimed}"
        to = needed.get(c.id)
        need = f"L{to}" if to is not None else "—"
        step = f"+{to - c.effective}" if to is not None and to > c.effective else "—"
        lines.append(f"| {c.id} | {c.name} | {claimed} | L{c.effective} | {need} | {step} | {'；'.join(notes) or '—'} |")
    return "\n".join(lines)


def report_document(result: GradeResult, scheme: Scheme, enterprise: dict[str, Any] | None = None,
                    assessed_on: str | None = None) -> str:
    """The whole report as one Markdown file to download: what the report page shows, in its order."""
    ent = enterprise or {}
    head = ["# 售后服务成熟度评级报告", ""]
    facts = [f"企业：{ent['name']}" if ent.get("name") else "", f"行业：{ent['industry']}" if ent.get("industry") else "",
             f"自评日期：{assessed_on}" if assessed_on else "", f"认证方案：{result.scheme}"]
    head += [" · ".join(f for f in facts if f), ""]
    return "\n".join(head) + report_summary(result, scheme) + "\n\n" + criteria_table(result, scheme) + "\n\n" + \
        report_details(result, scheme) + "\n"


def dimension_thresholds(scheme: Scheme, target: str) -> dict[str, float]:
    """Per dimension, the lowest score the grade rules allow for `target` (read off the scheme's rules)."""
    lower, rule = scheme.rules_to_reach(scheme.grade_id(target))
    need = {d: 0.0 for d in scheme.dimensions}
    for r in lower:  # every condition of a lower grade's rule must fail
        for c in r.conditions:
            if c.kind == "any_dimension_below":
                need = {d: max(v, float(c.value)) for d, v in need.items()}
            elif c.kind == "dimension_below":
                need[c.dimension] = max(need[c.dimension], float(c.value))
    for c in rule.conditions:  # every condition of the target's rule must hold
        if c.kind == "every_dimension_at_least":
            need = {d: max(v, float(c.value)) for d, v in need.items()}
        elif c.kind == "dimension_at_least":
            need[c.dimension] = max(need[c.dimension], float(c.value))
    return need


def _layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0.02}, height=height, margin={"l": 40, "r": 30, "t": 60, "b": 40},
                      font={"family": "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif", "size": 13},
                      legend={"orientation": "h", "y": -0.12}, paper_bgcolor="white")
    return fig


def radar_figure(result: GradeResult, scheme: Scheme) -> go.Figure:
    """The six dimension scores against the 合格 and 优秀 thresholds (from the grade rules)."""
    dims = list(result.dimensions.values())
    labels = [f"{d.id} {d.name}" for d in dims]
    closed = labels + labels[:1]

    def trace(values: list[float], name: str, colour: str, fill: bool, dash: str | None = None) -> go.Scatterpolar:
        return go.Scatterpolar(r=values + values[:1], theta=closed, name=name, mode="lines+markers" if fill else "lines",
                               line={"color": colour, "dash": dash, "width": 2.5 if fill else 1.8},
                               fill="toself" if fill else None, opacity=0.9)

    fig = go.Figure()
    for grade in scheme.grades[1:]:
        th = dimension_thresholds(scheme, grade.id)
        colour = GRADE_COLOURS.get(grade.id, "#888")
        fig.add_trace(trace([th[d.id] for d in dims], f"{grade.name}门槛", colour, False, "dash"))
    fig.add_trace(trace([d.score for d in dims], "当前得分", "#e67e22", True))
    # D1 sits at 0°; the score ticks go between D1 and D2 so no label covers an axis name
    fig.update_polars(radialaxis={"range": [0, 100], "tickvals": [20, 40, 60, 80, 100], "angle": 30,
                                  "tickfont": {"size": 10, "color": "#777"}})
    return _layout(fig, "六个维度得分与评级门槛")


def gap_figure(result: GradeResult, scheme: Scheme) -> go.Figure:
    """Criterion levels now (effective) against the levels the gap needs, for the criteria the gap changes."""
    gap = result.gap
    fig = go.Figure()
    if gap is None or not gap.changes:
        text = "已达到最高等级" if gap is None else f"已满足{gap.target_name}的等级要求" if gap.reachable else "无法达到"
        fig.add_annotation(text=text, showarrow=False, font={"size": 16}, x=0.5, y=0.5, xref="paper", yref="paper")
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return _layout(fig, f"差距：{gap.target_name if gap else ''}", 260)
    names = [f"{ch.criterion} {ch.name}" for ch in gap.changes]
    fig.add_trace(go.Bar(y=names, x=[ch.from_level for ch in gap.changes], name="当前等级", orientation="h",
                         marker_color="#e67e22", text=[f"L{ch.from_level}" for ch in gap.changes], textposition="outside", textangle=0))
    fig.add_trace(go.Bar(y=names, x=[ch.to_level for ch in gap.changes], name=f"达到{gap.target_name}所需等级",
                         orientation="h", marker_color=GRADE_COLOURS.get(gap.target, "#2471a3"),
                         text=[f"L{ch.to_level}" for ch in gap.changes], textposition="outside", textangle=0))
    fig.update_layout(barmode="group")
    fig.update_xaxes(range=[0, scheme.max_level + 0.5], dtick=1, title="成熟度等级")
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, f"差距：达到{gap.target_name}需提升的准则", max(300, 90 + 56 * len(gap.changes)))


# --- plan ----------------------------------------------------------------------------------------


def plan_frame(plan: Plan | None) -> pd.DataFrame:
    if plan is None:
        return pd.DataFrame(columns=PLAN_COLUMNS)
    sev = severity_names(plan)
    rows = [[str(i.no), kind_text(i, sev), subject_text(i).replace("\n", " "), i.problem, i.action, i.owner,
             i.deadline.isoformat(), i.latest_deadline.isoformat(), STATUS_ZH[i.status]] for i in plan.items]
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def plan_changes(plan: Plan, edited: pd.DataFrame) -> list[dict[str, Any]]:
    """The owner/deadline/status edits in the table, per item: [{'no', 'owner'?, 'deadline'?, 'status'?}]."""
    out: list[dict[str, Any]] = []
    by_no = {i.no: i for i in plan.items}
    for n, row in enumerate(edited.to_dict("records"), 1):
        try:
            no = int(cell_text(row.get("序号", n)))
        except ValueError:
            continue
        item = by_no.get(no)
        if item is None:
            continue
        change: dict[str, Any] = {"no": no}
        owner = cell_text(row.get("责任人"))
        if owner and owner != item.owner:
            change["owner"] = owner
        deadline = cell_text(row.get("完成期限"))
        if deadline and deadline != item.deadline.isoformat():
            change["deadline"] = deadline
        status = cell_text(row.get("状态"))
        status = STATUS_FROM_ZH.get(status, status)
        if status and status != item.status:
            change["status"] = status
        if len(change) > 1:
            out.append(change)
    return out


def plan_summary_markdown(plan: Plan | None, stale: bool) -> str:
    if plan is None:
        return "还没有整改计划。选择目标评级后点“起草整改计划”，或在对话中说“帮我起草整改计划”。"
    s = plan.summary
    closed = sum(i.status == "closed" for i in plan.items)
    text = (f"**目标 {plan.target}** · 起草时评级 {s.grade}（总分 {_num(s.overall)}） · 计划日期 {plan.plan_date.isoformat()} · "
            f"共 {len(plan.items)} 项，已关闭 {closed} 项，逾期 {sum(i.overdue for i in plan.items)} 项")
    if stale:
        text += "\n\n⚠️ 自评已在起草后变更：重新起草可使计划与当前自评一致。"
    return text


def timeline_figure(plan: Plan | None, calendar: dict[str, Any] | None) -> go.Figure:
    """Item deadlines (coloured by status) against the surveillance audits and the certificate's expiry."""
    fig = go.Figure()
    if plan is None or calendar is None:
        fig.add_annotation(text="起草整改计划后显示期限时间线", showarrow=False, font={"size": 15}, x=0.5, y=0.5,
                           xref="paper", yref="paper")
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return _layout(fig, "整改期限与监督审核", 240)
    colours = {"open": "#e67e22", "in_progress": "#2471a3", "closed": "#1e8449"}
    labels = [f"第{i.no}项 {i.criterion or i.declaration or ''}" for i in plan.items]
    for status, name in STATUS_ZH.items():
        items = [(i, lab) for i, lab in zip(plan.items, labels) if i.status == status]
        if not items:
            continue
        fig.add_trace(go.Scatter(
            x=[i.deadline.isoformat() for i, _ in items], y=[lab for _, lab in items], mode="markers", name=name,
            marker={"size": 12, "color": colours[status], "symbol": ["x" if i.overdue else "circle" for i, _ in items]},
            customdata=[[i.subject, i.deadline_rule] for i, _ in items],
            hovertemplate="%{y}<br>期限 %{x}<br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>"))
    last = max([i.deadline for i in plan.items] + [plan.plan_date])
    marks = [(d, f"第{n}次监督审核") for n, d in enumerate(calendar["surveillance"], 1)]
    shown = [(d, t) for d, t in marks if date.fromisoformat(d) <= last] or marks[:1]
    for d, title in shown:
        fig.add_vline(x=d, line={"color": "#7f8c8d", "dash": "dash"})
        fig.add_annotation(x=d, y=1.0, yref="paper", yanchor="bottom", xanchor="right", text=title, showarrow=False,
                           font={"size": 11, "color": "#555"})
    fig.add_vline(x=plan.plan_date.isoformat(), line={"color": "#c0392b", "dash": "dot"})
    fig.add_annotation(x=plan.plan_date.isoformat(), y=1.0, yref="paper", yanchor="bottom", xanchor="left",
                       text="计划日期", showarrow=False, font={"size": 11, "color": "#c0392b"})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickformat="%Y-%m", type="date")
    return _layout(fig, "整改期限与监督审核", max(300, 110 + 34 * len(plan.items)))


def versions_frame(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame([[str(v), at, note] for v, note, at in rows], columns=["版本", "保存时间", "说明"])


def findings_frame(findings: list[dict[str, Any]], scheme: Scheme) -> pd.DataFrame:
    """The findings as the table shows them: Chinese headers, severity and status in words."""
    def shown(f: dict[str, Any]) -> list[str]:
        sev = scheme.severities.get(f.get("severity", ""))
        return [f.get("id", ""), f.get("criterion", ""), sev.name if sev else f.get("severity", ""),
                FINDING_STATUS_ZH.get(f.get("status", ""), f.get("status", "")), f.get("raised_on") or "",
                f.get("text", "")]
    return pd.DataFrame([shown(f) for f in findings], columns=FINDING_HEADERS)


def findings_rows(table: Any, scheme: Scheme) -> list[dict[str, Any]]:
    """The edited table back in the assessment file's terms (severity and status IDs; words or IDs accepted)."""
    if not hasattr(table, "to_dict"):
        return []
    sev_ids = {s.name: sid for sid, s in scheme.severities.items()}
    status_ids = {v: k for k, v in FINDING_STATUS_ZH.items()}
    rows = []
    for row in table.to_dict("records"):
        r = {key: cell_text(row.get(header)) for key, header in zip(FINDING_COLUMNS, FINDING_HEADERS, strict=True)}
        r["severity"] = sev_ids.get(r["severity"], r["severity"])
        r["status"] = status_ids.get(r["status"], r["status"])
        rows.append(r)
    return rows


# --- chat ----------------------------------------------------------------------------------------

SOURCE_ZH = {"rules": "认证规则", "criteria": "准则目录", "findings": "以往审核发现"}


def citation_messages(citations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One collapsed message per citation: the title names source and locator; expanding shows the passage."""
    out = []
    for n, c in enumerate(citations, 1):
        title = f"[{n}] {SOURCE_ZH.get(c.get('source', ''), c.get('source', ''))} · {c.get('locator', '')}"
        out.append({"role": "assistant", "content": c.get("text", ""),
                    "metadata": {"title": title, "status": "done", "id": f"cite-{n}"}})
    return out
