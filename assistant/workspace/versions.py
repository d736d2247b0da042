"""A workspace's assessment versions: who saved which when and why, what changed between two, and a restore.

Below the web app and the chat (it imports neither): plain data out, in Chinese, for a page or a command to show.
Every saved change of a case is a version (workspace/case.py); a restore saves an earlier version's content as
the next version (nothing is overwritten), its source saying which version it restores ("restore:N").

Who may see what: in a client's workspace every version is the case's. In the default workspace (默认), where
every visitor lands, `sources` narrows the versions to those saved by the given conversations (one browser's),
so that one browser never sees what another entered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from assistant.errors import BadInput
from assistant.plans.store import Store, StoredAssessment, Workspace
from assistant.rules import Assessment, Scheme, grade, load_scheme

AUTHOR_ZH = {"web": "网页", "chat": "对话", "cli": "命令行"}


def author_zh(author: str | None) -> str:
    """An author as a page shows it: 网页, 对话, 命令行, or 网页（王顾问） for a change by an account."""
    kind, _, name = (author or "").partition(":")
    if not kind:
        return "—"
    shown = AUTHOR_ZH.get(kind, kind)
    return f"{shown}（{name}）" if name else shown
WHERE = "评估版本"


@dataclass(frozen=True)
class Version:
    """One saved version of a workspace's assessment, as a list shows it."""

    number: int
    id: int
    author: str | None
    source: str | None
    saved_at: datetime

    @property
    def conversation(self) -> int | None:
        """The conversation that saved it (web or chat), if any."""
        m = re.search(r"\b(?:web|chat):(\d+)\b", self.source or "")
        return int(m.group(1)) if m else None

    @property
    def restored(self) -> int | None:
        m = re.search(r"\brestore:(\d+)\b", self.source or "")
        return int(m.group(1)) if m else None

    @property
    def author_zh(self) -> str:
        return author_zh(self.author)

    @property
    def note(self) -> str:
        """Why this version was saved, in Chinese: a restore, an import, an edit in the web or the chat, a file."""
        src = self.source or ""
        if self.restored is not None:
            return f"恢复为第{self.restored}版"
        m = re.search(r"\bimport:(.+)$", src)
        if m:
            return f"导入审核发现（{m.group(1)}）"
        m = re.search(r"\bupload:(.+)$", src)
        if m:
            return f"上传自评文件（{m.group(1)}）"
        if src.startswith("web:"):
            return f"网页修改（对话 #{self.conversation}）"
        if src.startswith("chat:"):
            return f"对话记录（对话 #{self.conversation}）"
        m = re.match(r"plan:(\d+)", src)
        if m:
            return f"整改计划 #{m.group(1)} 关闭审核发现"
        if src:
            return f"读入文件 {Path(src).name}"
        return "—"

    @property
    def when(self) -> str:
        return local_time(self.saved_at)

    def label(self) -> str:
        """`第3版（网页，2026-12-07 10:01:02）`."""
        return f"第{self.number}版（{self.author_zh}，{self.when}）"


@dataclass(frozen=True)
class Change:
    """One difference between two versions: where (类别, 项目) and the value before and after ("—": none)."""

    area: str  # 企业 / 日期 / 方案 / 否决项声明 / 准则 / 审核发现 / 评级
    subject: str
    before: str
    after: str


@dataclass(frozen=True)
class Comparison:
    """What changed from version `old` to version `new` (in that order, whichever was saved first)."""

    old: Version
    new: Version
    changes: list[Change] = field(default_factory=list)

    def lines(self) -> list[str]:
        head = f"第{self.old.number}版 → 第{self.new.number}版"
        out = [f"{head}：第{self.old.number}版由{self.old.author_zh}于 {self.old.when} 保存（{self.old.note}），"
               f"第{self.new.number}版由{self.new.author_zh}于 {self.new.when} 保存（{self.new.note}）"]
        if not self.changes:
            out.append("两个版本内容相同，没有变化。")
        out += [f"{c.area} · {c.subject}：{c.before} → {c.after}" for c in self.changes]
        return out


def listing(store: Store, workspace: Workspace, sources: set[int] | None = None) -> list[Version]:
    """The workspace's assessment versions, oldest first; with `sources`, only those saved by these conversations
    (and the restores of those)."""
    out = [Version(n, rid, author, source, at) for n, rid, author, source, at in store.assessment_listing(workspace.id)]
    if sources is None:
        return out
    return [v for v in out if v.conversation in sources]


def version(store: Store, workspace: Workspace, number: int, sources: set[int] | None = None) -> tuple[Version, Assessment]:
    """Version `number` of the workspace's assessment and its content; BadInput (in Chinese) when there is none."""
    known = listing(store, workspace, sources)
    found = next((v for v in known if v.number == number), None)
    if found is None:
        numbers = "、".join(str(v.number) for v in known[-20:])
        hint = f"可选的版本：{numbers}" if known else "这个工作区还没有保存过评估"
        raise BadInput(f"没有第{number}版评估（{hint}）", where=WHERE)
    stored: StoredAssessment = store.assessment_version(workspace.id, number)
    return found, stored.assessment


def compare(store: Store, workspace: Workspace, a: int, b: int, sources: set[int] | None = None,
            knowledge_dir: Path | None = None) -> Comparison:
    """What changed between versions `a` and `b` (the older one first), with each one's author and time."""
    if a == b:
        raise BadInput(f"请选择两个不同的版本（两次都选了第{a}版）", where=WHERE)
    (va, xa), (vb, xb) = sorted([version(store, workspace, a, sources), version(store, workspace, b, sources)],
                                key=lambda p: p[0].number)
    return Comparison(va, vb, differences(xa, xb, knowledge_dir))


def restore(store: Store, workspace: Workspace, number: int, *, author: str, conversation: int | None = None,
            sources: set[int] | None = None) -> Version:
    """Save version `number`'s content as the workspace's next version (source `restore:N`, plus the restoring
    conversation as `web:ID`): the new version. Restoring what the latest version holds already is refused."""
    if workspace.archived:
        raise BadInput(f"工作区“{workspace.name}”已归档，不能再保存新版本", where=WHERE)
    old, content = version(store, workspace, number, sources)
    latest = store.latest_assessment(workspace.id)
    if latest is not None and latest.assessment == content:
        what = "就是最新版" if latest.version == number else f"与最新的第{latest.version}版内容相同"
        raise BadInput(f"第{number}版{what}，无需恢复", where=WHERE)
    source = f"restore:{number}" + (f" web:{conversation}" if conversation is not None else "")
    store.save_assessment(content, source, workspace_id=workspace.id, author=author)
    return listing(store, workspace)[-1]


def local_time(at: datetime) -> str:
    """A stored time (UTC; SQLite gives it back without a zone) in the server's local time."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


# --- what changed ---------------------------------------------------------------------------------------------


def _none(value: Any) -> str:
    return "—" if value is None or value == "" or value == [] else str(value)


def _num(x: float | None) -> str | None:
    return None if x is None else f"{x:g}"


def differences(old: Assessment, new: Assessment, knowledge_dir: Path | None = None) -> list[Change]:
    """Every difference from `old` to `new`, in the order of the form: enterprise, dates, declarations, criteria
    (by the scheme's order), findings (by ID), and last the grade the engine gives each."""
    scheme = load_scheme(new.scheme, knowledge_dir)
    out: list[Change] = []

    def put(area: str, subject: str, before: Any, after: Any) -> None:
        if before != after:
            out.append(Change(area, subject, _none(before), _none(after)))

    if old.scheme != new.scheme:
        put("方案", "认证方案版本", old.scheme, new.scheme)
    ea, eb = old.enterprise, new.enterprise
    for key, zh in (("name", "企业名称"), ("industry", "行业"), ("employees", "员工人数")):
        put("企业", zh, getattr(ea, key, None) if ea else None, getattr(eb, key, None) if eb else None)
    for key, zh in (("assessed_on", "自评日期"), ("next_audit", "下次审核日期")):
        a, b = getattr(old, key), getattr(new, key)
        put("日期", zh, a.isoformat() if a else None, b.isoformat() if b else None)
    yes_no = {True: "是", False: "否", None: "未填"}
    for key in list(scheme.declarations) + sorted((set(old.declarations) | set(new.declarations)) - set(scheme.declarations)):
        d = scheme.declarations.get(key)
        a, b = old.declarations.get(key), new.declarations.get(key)
        if a != b:
            out.append(Change("否决项声明", d.name if d else key, yes_no[a], yes_no[b]))
    order = list(scheme.criteria) + sorted((set(old.criteria) | set(new.criteria)) - set(scheme.criteria))
    for cid in order:
        a, b = old.criteria.get(cid), new.criteria.get(cid)
        if a == b:
            continue
        c = scheme.criteria.get(cid)
        name = f"{cid} {c.name}" if c else cid
        put("准则", f"{name} 等级", _level(scheme, a.level if a else None), _level(scheme, b.level if b else None))
        unit = c.unit_symbol if c else ""
        ka, kb = _num(a.kpi if a else None), _num(b.kpi if b else None)
        put("准则", f"{name} KPI", ka and f"{ka}{unit}", kb and f"{kb}{unit}")
        ev_a, ev_b = list(a.evidence) if a else [], list(b.evidence) if b else []
        if ev_a != ev_b:
            put("准则", f"{name} 证据", "；".join(ev_a), "；".join(ev_b))
    fa, fb = {f.id: f for f in old.findings}, {f.id: f for f in new.findings}
    for fid in list(fa) + [i for i in fb if i not in fa]:
        a, b = fa.get(fid), fb.get(fid)
        if a == b:
            continue
        if a is None or b is None:
            put("审核发现", fid, _finding(scheme, a) if a else None, _finding(scheme, b) if b else None)
            continue
        sev = {k: s.name for k, s in scheme.severities.items()}
        status = {"open": "未关闭", "closed": "已关闭"}
        put("审核发现", f"{fid} 准则", a.criterion, b.criterion)
        put("审核发现", f"{fid} 严重程度", sev.get(a.severity, a.severity), sev.get(b.severity, b.severity))
        put("审核发现", f"{fid} 状态", status[a.status], status[b.status])
        put("审核发现", f"{fid} 提出日期", a.raised_on and a.raised_on.isoformat(), b.raised_on and b.raised_on.isoformat())
        put("审核发现", f"{fid} 描述", a.text, b.text)
    ga, gb = _grade(old, knowledge_dir), _grade(new, knowledge_dir)
    put("评级", "评级（总分）", ga, gb)
    return out


def _level(scheme: Scheme, level: int | None) -> str | None:
    if level is None:
        return None
    name = next((lv.name for lv in scheme.levels if lv.level == level), "")
    return f"L{level} {name}".strip()


def _finding(scheme: Scheme, f) -> str:
    sev = scheme.severities.get(f.severity)
    status = "未关闭" if f.status == "open" else "已关闭"
    return f"{f.criterion or '未指明准则'} {sev.name if sev else f.severity}（{status}）{f.text}".strip()


def _grade(a: Assessment, knowledge_dir: Path | None) -> str | None:
    if not a.criteria and not a.findings:
        return None
    result = grade(a, load_scheme(a.scheme, knowledge_dir))
    return f"{result.grade}（{result.overall:.1f}）" + ("，暂定" if result.provisional else "")


# --- plans ---------------------------------------------------------------------------------------------------------


def plan_changes(store: Store, plan_id: int, a: int, b: int, workspace_id: int | None = None) -> list[Change]:
    """What changed between versions `a` and `b` of a plan, item by item (plans/revise.py `compare`), in Chinese."""
    from assistant.plans.models import STATUS_ZH
    from assistant.plans.revise import FIELD_ZH, compare as compare_plans

    if a == b:
        raise BadInput(f"请选择两个不同的版本（两次都选了第{a}版）", where="整改计划版本")
    old, new = sorted((a, b))
    pa = store.get_plan(plan_id, old, workspace_id=workspace_id).plan
    pb = store.get_plan(plan_id, new, workspace_id=workspace_id).plan
    out = []
    for r in compare_plans(pa, pb):
        if r["change"] == "changed":
            before, after = r["before"], r["after"]
            if r["field"] == "status":
                before, after = STATUS_ZH.get(before, before), STATUS_ZH.get(after, after)
            out.append(Change("整改项", f"{r['subject']} {FIELD_ZH.get(r['field'], r['field'])}", before, after))
        elif r["change"] == "added":
            out.append(Change("整改项", r["subject"], "—", "新增"))
        else:
            out.append(Change("整改项", r["subject"], "已有", "删除"))
    return out
