"""`plan FILE …` and `plans list|show|update|regrade|calendar`: drafting, saving, tracking and exporting plans."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from assistant.dates import parse_day
from assistant.errors import BadInput
from assistant.plans.models import KIND_ZH, STATUS_ZH, Plan, PlanItem
from assistant.settings import get_settings


def _date(value: str | None, flag: str) -> date | None:
    return parse_day(value, flag)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _note(message: str) -> None:
    print(message, file=sys.stderr)


def _outputs(args: argparse.Namespace, plan: Plan) -> None:
    """--xlsx / --docx files (reported on stderr), then --json or --md or the readable view on stdout."""
    from assistant.plans import export

    if getattr(args, "json", False) and getattr(args, "md", False):
        raise BadInput("give --json or --md, not both: each prints the plan on standard output", where="plan")
    for fmt in export.FORMATS.values():
        if fmt.flag and getattr(args, fmt.name, None):
            _note(f"已写出 {fmt.label}：{export.export(plan, fmt.name, getattr(args, fmt.name))}")


def _print_plan(args: argparse.Namespace, plan: Plan, extra: dict[str, Any] | None = None) -> None:
    from assistant.plans import export

    if getattr(args, "json", False):
        _print_json({**plan.to_contract(), **(extra or {})})
    elif getattr(args, "md", False):
        sys.stdout.write(export.to_markdown(plan))
    else:
        _render(plan, extra)


def _render(plan: Plan, extra: dict[str, Any] | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    from assistant.plans import export

    console = Console()
    title = export.TITLE + (f" #{extra['id']}（版本 {extra['version']}）" if extra and "id" in extra else "")
    console.print(f"[bold]{title}[/bold]")
    for label, value in export.header_rows(plan):
        console.print(f"  [bold]{label}[/bold]：{value}", highlight=False)
    table = Table(show_lines=True, expand=True)
    for head in ("序号", "条款/发现", "问题", "根本原因", "整改措施", "责任人", "期限", "目标", "状态"):
        table.add_column(head, overflow="fold")
    for i in plan.items:
        deadline = export.deadline_text(i)
        table.add_row(str(i.no), export.subject_text(i), i.problem, f"【{i.category}】{i.root_cause}", i.action, i.owner,
                      f"[red]{deadline}[/red]" if i.overdue else deadline, i.target, export.status_text(i))
    console.print(table)
    for w in plan.warnings:
        console.print(f"[yellow]提示：{w}[/yellow]", highlight=False)


# --- plan FILE --------------------------------------------------------------------------


def run_plan(args: argparse.Namespace) -> int:
    from assistant.plans.draft import Guidance, draft_plan, try_index_similar
    from assistant.rules import load_assessment, load_scheme

    settings = get_settings()
    assessment = load_assessment(args.file, knowledge_dir=settings.knowledge_dir,
                                 max_bytes=settings.assessment_max_kb * 1024)
    scheme = load_scheme(assessment.scheme, settings.knowledge_dir)
    plan_date = _date(args.date, "--date")
    certified_on = _date(getattr(args, "certified_on", None), "--certified-on")
    similar = None if args.no_retrieval else try_index_similar(settings, _note)
    plan = draft_plan(assessment, scheme=scheme, target=args.target, plan_date=plan_date,
                      guidance=Guidance.load(settings), similar=similar, certified_on=certified_on, warn=_note)
    extra: dict[str, Any] = {}
    if args.save:
        from assistant.plans.store import DEFAULT_WORKSPACE, Store

        store = Store.open(settings, create=True)
        try:
            ws = store.writable_workspace(getattr(args, "workspace", None))
            aid = store.save_assessment(assessment, str(Path(args.file).resolve()), workspace_id=ws.id, author="cli")
            saved = store.save_plan(plan, aid, author="cli")
        finally:
            store.close()
        extra = {"id": saved.id, "version": saved.version}
        where = "" if ws.name == DEFAULT_WORKSPACE else f" --workspace {ws.name}"
        _note(f"已保存为计划 #{saved.id}（版本 {saved.version}，工作区“{ws.name}”），评估记录 #{aid}；"
              f"查看：python -m assistant plans show {saved.id}{where}")
    _outputs(args, plan)
    _print_plan(args, plan, extra)
    return 0


# --- plans … ----------------------------------------------------------------------------


def run_plans(args: argparse.Namespace) -> int:
    from assistant.plans.store import Store

    command = args.plans_command
    store = Store.open(get_settings())
    try:
        args.workspace_id = store.workspace(getattr(args, "workspace", None)).id
        return {"list": _list, "show": _show, "update": _update, "regrade": _regrade, "calendar": _calendar,
                "versions": _versions, "diff": _diff, "restore": _restore}[command](args, store)
    finally:
        store.close()


def _list(args: argparse.Namespace, store) -> int:
    plans = store.list_plans(workspace_id=args.workspace_id)
    if getattr(args, "json", False):
        _print_json([
            {"id": p.id, "enterprise": p.enterprise, "target": p.target, "grade": p.grade,
             "plan_date": p.plan_date.isoformat(), "version": p.version, "items": p.items, "closed": p.closed,
             "overdue": p.overdue, "updated_at": p.updated_at.isoformat()}
            for p in plans
        ])
        return 0
    if not plans:
        print("这个工作区还没有保存的整改计划：用 python -m assistant plan FILE --save 起草并保存。")
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="整改计划")
    for head in ("编号", "企业", "当前评级", "目标", "计划日期", "版本", "整改项", "已关闭", "逾期", "最近更新"):
        table.add_column(head, overflow="fold")
    for p in plans:
        table.add_row(str(p.id), p.enterprise or "—", p.grade, p.target, p.plan_date.isoformat(), str(p.version),
                      str(p.items), str(p.closed), str(p.overdue), p.updated_at.strftime("%Y-%m-%d %H:%M"))
    Console().print(table)
    return 0


def _show(args: argparse.Namespace, store) -> int:
    stored = store.get_plan(args.id, args.version, workspace_id=args.workspace_id)
    extra = {"id": stored.id, "version": stored.version, "latest_version": stored.latest,
             "assessment_id": stored.assessment_id, "note": stored.note}
    _outputs(args, stored.plan)
    _print_plan(args, stored.plan, extra)
    return 0


def _update(args: argparse.Namespace, store) -> int:
    deadline = _date(args.deadline, "--deadline")
    ws = store.writable_workspace(getattr(args, "workspace", None))
    stored = store.update_item(args.id, args.item_no, status=args.status, owner=args.owner, deadline=deadline,
                               workspace_id=ws.id, author="cli")
    item = stored.plan.item(args.item_no)
    assert item is not None
    regraded = _close_finding(store, ws, stored, item) if stored.changed and args.status == "closed" else None
    if getattr(args, "json", False):
        _print_json({"id": stored.id, "version": stored.version, "changed": stored.changed, "note": stored.note,
                     "item": item.to_contract()})
    elif not stored.changed:
        print(f"计划 #{stored.id} 第{args.item_no}项没有变化（仍为版本 {stored.version}）。")
    else:
        print(f"计划 #{stored.id} 已更新为版本 {stored.version}：{stored.note}")
        print(f"  第{item.no}项 {_label(item)}：状态 {STATUS_ZH[item.status]}，责任人 {item.owner}，期限 {item.deadline.isoformat()}"
              + ("（已逾期）" if item.overdue else ""))
    if regraded is not None:
        print(f"  审核发现{item.finding}已随之关闭（工作区“{ws.name}”评估第{regraded['version']}版）；重新评级：{regraded['grade']}"
              f"（总分 {regraded['overall']:.1f}）", file=sys.stderr if getattr(args, "json", False) else sys.stdout)
    return 0


def _close_finding(store, ws, stored, item: PlanItem) -> dict[str, Any] | None:
    """A finding's item closed: the finding is closed in the workspace's assessment too, as its next version."""
    from assistant.rules import grade, load_scheme, validate_assessment
    from assistant.workspace.case import draft_of

    if item.kind != "finding" or not item.finding:
        return None
    latest = store.latest_assessment(ws.id)
    base = latest.assessment if latest is not None else store.get_assessment(stored.assessment_id)
    draft = draft_of(base)
    found = [f for f in draft.get("findings") or [] if f.get("id") == item.finding]
    if not found or found[0].get("status") == "closed":
        return None
    found[0]["status"] = "closed"
    assessment = validate_assessment(draft, source="plans update")
    store.save_assessment(assessment, f"plan:{stored.id}", workspace_id=ws.id, author="cli")
    result = grade(assessment, load_scheme(assessment.scheme))
    version = store.latest_assessment(ws.id).version
    return {"grade": result.grade, "overall": result.overall, "version": version}


def _label(item: PlanItem) -> str:
    return f"{item.subject}（{KIND_ZH[item.kind]}）"


def regrade(stored, assessment) -> dict[str, Any]:
    """Grade before and after: the saved assessment, then with every closed item applied (findings closed,
    gap criteria at their target level or KPI value with the evidence they need, declarations cleared)."""
    from assistant.rules import apply_gap, grade, load_scheme
    from assistant.rules.engine import Gap, GapChange

    scheme = load_scheme(assessment.scheme)
    plan: Plan = stored.plan
    closed = [i for i in plan.items if i.status == "closed"]
    changes = tuple(
        GapChange(i.criterion, scheme.criteria[i.criterion].dimension, scheme.criteria[i.criterion].name,
                  scheme.criteria[i.criterion].kind, i.from_level, i.to_level, i.kpi, i.evidence_needed or 0)
        for i in closed if i.kind == "gap"
    )
    findings = tuple(i.finding for i in closed if i.kind == "finding")
    clear = tuple(i.declaration for i in closed if i.kind == "declaration")
    partial = Gap(plan.target_en, plan.target, changes, findings, clear, 0)  # type: ignore[arg-type]
    after_assessment = apply_gap(assessment, partial, scheme)
    before = grade(assessment, scheme, target=plan.target_en)
    after = grade(after_assessment, scheme, target=plan.target_en)

    def brief(r) -> dict[str, Any]:
        c = r.to_contract()
        return {k: c[k] for k in ("grade", "grade_en", "provisional", "decided_by", "overall", "dimensions", "vetoes")} | {
            "gap": c["gap"]}

    return {
        "id": stored.id, "version": stored.version, "target": plan.target,
        "closed_items": [i.no for i in closed], "open_items": [i.no for i in plan.items if i.status != "closed"],
        "applied": {"findings_closed": list(findings), "criteria_raised": [c.criterion for c in changes],
                    "declarations_cleared": list(clear)},
        "before": brief(before), "after": brief(after),
        "reached": scheme.grade_rank(after.grade_id) >= scheme.grade_rank(plan.target_en),
        "explanation": list(after.explanation),
    }


def _regrade(args: argparse.Namespace, store) -> int:
    stored = store.get_plan(args.id, workspace_id=args.workspace_id)
    report = regrade(stored, store.get_assessment(stored.assessment_id))
    if getattr(args, "json", False):
        _print_json(report)
        return 0
    b, a = report["before"], report["after"]
    print(f"计划 #{report['id']}（版本 {report['version']}）整改进展：已关闭 {len(report['closed_items'])} 项，"
          f"未关闭 {len(report['open_items'])} 项。")
    print(f"  整改前：{b['grade']}（总分 {b['overall']:.1f}，{b['decided_by']}）")
    print(f"  按已关闭项重新评级：{a['grade']}（总分 {a['overall']:.1f}，{a['decided_by']}）"
          + ("" if not a["vetoes"] else f"，否决项 {'、'.join(a['vetoes'])}"))
    print(f"  目标{report['target']}：{'已达到' if report['reached'] else '尚未达到'}")
    for sentence in report["explanation"]:
        print(f"  · {sentence}")
    return 0


def _calendar(args: argparse.Namespace, store) -> int:
    from assistant.plans.calendar import plan_calendar
    from assistant.rules import load_scheme

    stored = store.get_plan(args.id, workspace_id=args.workspace_id)
    certified_on = _date(args.certified_on, "--certified-on") or stored.plan.certified_on
    if certified_on is None:
        raise BadInput("give the certification date with --certified-on YYYY-MM-DD", where="plans calendar")
    cal = plan_calendar(stored.plan, certified_on, load_scheme(stored.plan.scheme), plan_id=stored.id)
    if getattr(args, "json", False):
        _print_json({"id": stored.id, "version": stored.version, **cal})
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"计划 #{stored.id} 监督审核日程（认证日期 {cal['certified_on']}，证书有效期至 {cal['expires_on']}）")
    for head in ("日期", "事项", "状态", "须在此审核前完成"):
        table.add_column(head)
    for e in cal["events"]:
        if e["kind"] == "deadline":
            status = STATUS_ZH[e["status"]] + ("（已逾期）" if e["overdue"] else "")
            table.add_row(e["date"], e["title"], status, e["before"] or "—")
        else:
            table.add_row(f"[bold]{e['date']}[/bold]", f"[bold]{e['title']}[/bold]", "", "")
    console = Console()
    console.print(table)
    for w in cal["warnings"]:
        console.print(f"[yellow]提示：{w}[/yellow]", highlight=False)
    return 0


# --- versions: list, compare, restore ------------------------------------------------------------------------------


def _versions(args: argparse.Namespace, store) -> int:
    rows = store.versions(args.id, workspace_id=args.workspace_id)
    if getattr(args, "json", False):
        _print_json([{"version": v, "note": note, "saved_at": at.isoformat(), "author": author} for v, note, at, author in rows])
        return 0
    for v, note, at, author in rows:
        print(f"版本 {v}\t{at:%Y-%m-%d %H:%M}\t{author or '—'}\t{note}")
    return 0


def _diff(args: argparse.Namespace, store) -> int:
    from assistant.plans.revise import FIELD_ZH, compare

    a = store.get_plan(args.id, args.a, workspace_id=args.workspace_id)
    b = store.get_plan(args.id, args.b, workspace_id=args.workspace_id)
    rows = compare(a.plan, b.plan)
    if getattr(args, "json", False):
        _print_json({"id": args.id, "from": args.a, "to": args.b, "changes": rows})
        return 0
    print(f"计划 #{args.id}：版本 {args.a} → 版本 {args.b}（{b.note}）")
    if not rows:
        print("  没有变化。")
    for r in rows:
        if r["change"] == "changed":
            before, after = (STATUS_ZH.get(r["before"], r["before"]), STATUS_ZH.get(r["after"], r["after"])) \
                if r["field"] == "status" else (r["before"], r["after"])
            print(f"  {r['subject']}：{FIELD_ZH[r['field']]} {before} → {after}")
        else:
            print(f"  {r['subject']}：{'新增' if r['change'] == 'added' else '删除'}")
    return 0


def _restore(args: argparse.Namespace, store) -> int:
    """An earlier version as the plan's next one (a restore is a new version; nothing is overwritten)."""
    ws = store.writable_workspace(getattr(args, "workspace", None))
    old = store.get_plan(args.id, args.version, workspace_id=ws.id)
    if args.version == old.latest:
        raise BadInput(f"version {args.version} is the latest already", where="plans restore")
    stored = store.save_version(args.id, old.plan, f"恢复到版本 {args.version}", author="cli", workspace_id=ws.id)
    if getattr(args, "json", False):
        _print_json({"id": stored.id, "version": stored.version, "restored": args.version, "note": stored.note})
    else:
        print(f"计划 #{stored.id} 已恢复到版本 {args.version} 的内容，保存为版本 {stored.version}。")
    return 0
