"""One browser session of the web app: the conversation's state, changed from the chat and from the forms alike.

Everything a page shows is read from one `ConversationState` (the assessment, the engine's grade, the draft
plan), so what the user says in the chat shows in the self-assessment form and the reverse. Every change is
validated against the scheme before it is kept (a rejected change leaves the state as it was) and saved with the
conversation in the assistant's database.

>>> from assistant.settings import Settings
>>> s = WebSession(Settings(database_url="sqlite://"))
>>> s.set_criterion("D2.1", kpi=36.0)
>>> s.grade().missing[:2]
['D1.1', 'D1.2']
"""

from __future__ import annotations

import contextlib
import copy
import functools
import inspect
import json
import math
import threading
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from assistant.chat.conversation import Conversation
from assistant.chat.state import ConversationState
from assistant.workspace.case import draft_of, next_finding_id
from assistant.dates import parse_day
from assistant.errors import BadInput
from assistant.plans.models import Plan
from assistant.rules import GradeResult, Scheme, load_scheme
from assistant.settings import Settings

UPLOAD_SUFFIXES = (".yaml", ".yml", ".json")


class WebSession:
    """The state of one browser session and the operations its pages call.

    `store` is the app's shared conversation store (one database engine for all sessions); without one the
    session is kept in memory only. The conversation row is created on the first change, so a visitor who only
    looks around leaves nothing behind.
    """

    def __init__(self, settings: Settings, store: Any | None = None, owner_token: str | None = None,
                 user: str | None = None, read_only: bool = False) -> None:
        self.settings = settings
        self.user = user  # the logged-in account: every change it saves is recorded as its (web:NAME, chat:NAME)
        self.read_only = read_only  # a client account: reads and chats; the case is never changed through it
        self.conv = Conversation(settings, save=False)
        self._store = store
        self.owner_token = owner_token  # the browser holding this session (web app: its local storage)
        if store is not None:
            self.state.workspace = store.workspace.name
            from assistant.plans.store import DEFAULT_WORKSPACE
            from assistant.workspace.case import latest_draft

            # A new session in a client's workspace opens its case's assessment. 默认 is where every visitor lands:
            # there a new browser starts empty and never sees what another browser entered.
            draft = latest_draft(store.store, store.workspace) if store.workspace.name != DEFAULT_WORKSPACE else None
            if draft is not None:
                self.state.assessment = draft
        self.lock = threading.Lock()  # a browser may fire two events at once (typing in the form while a reply streams)
        self.revision = 0  # counts changes of the state, from any page
        self.form_revision = -1  # the revision the self-assessment form last showed

    # --- state ---------------------------------------------------------------------------------

    @property
    def state(self) -> ConversationState:
        state = self.conv.state
        if state._actor != self.user:  # a conversation loaded from the store: saved as this account's from now on
            state._actor = self.user
        state._read_only = self.read_only
        return state

    @property
    def author(self) -> str:
        """The author of this session's changes: web, or web:NAME for a logged-in account."""
        return self.state.author("web")

    @property
    def assessment(self) -> dict[str, Any]:
        return self.state.assessment

    @property
    def scheme(self) -> Scheme:
        return load_scheme(self.assessment.get("scheme"), self.settings.knowledge_dir)

    def save(self) -> None:
        self.revision += 1
        if self._store is None:
            return
        if self.state.id is None:
            self._store.create(self.state, self.owner_token)
            self.conv.store = self._store
        self._store.save(self.state)

    def reopen(self) -> bool:
        """This browser's latest conversation of the workspace, as it was saved (after a reload); False if none."""
        if self._store is None or self.owner_token is None:
            return False
        cid = self._store.latest(self.owner_token)
        if cid is None:
            return False
        self.conv.state = self._store.load(cid)
        self.conv.store = self._store
        self.revision += 1
        return True

    def history_messages(self) -> list[dict[str, Any]]:
        """The conversation's turns as chat messages (what the chat page shows after a reload)."""
        out: list[dict[str, Any]] = []
        for t in self.state.history:
            out += [{"role": "user", "content": t.user}, {"role": "assistant", "content": t.answer}]
        return out

    def _change(self, mutate, where: str, source: str | None = None) -> None:
        """Apply `mutate` to the assessment (the case's one validate-or-rollback), save the conversation and the
        workspace's next assessment version (author web). A client's session changes nothing (BadInput)."""
        self.state.writable(where)
        self.state.change(mutate, where, self.settings.knowledge_dir)
        self._saved(source)

    def _saved(self, source: str | None = None) -> None:
        """The conversation saved, and the case's assessment as its workspace's next version (every stored change
        is a version, by its author)."""
        self.save()
        if self._store is None or self.read_only:
            return
        from assistant.workspace.case import save_draft

        save_draft(self._store.store, self._store.workspace, self.state.assessment, author=self.author,
                   source=source or f"web:{self.state.id}")

    # --- chat ----------------------------------------------------------------------------------

    def chat(self, message: str) -> dict[str, Any]:
        """One chat turn: the `chat --json` object (BadInput for an empty or over-long message)."""
        if self.state.id is None:
            self.save()
        out = self.conv.handle(message)  # saves the state itself
        self.revision += 1
        return out

    # --- self-assessment form -------------------------------------------------------------------

    def set_criterion(self, cid: str, *, level: int | None = None, kpi: float | None = None,
                      evidence: list[str] | None = None) -> None:
        """Set what the form holds for one criterion (None clears a field; evidence None leaves it)."""
        if cid not in self.scheme.criteria:
            raise BadInput(f"unknown criterion {cid!r}", where="自评表")

        def mutate(a: dict[str, Any]) -> None:
            entry = dict(a.setdefault("criteria", {}).get(cid) or {})
            for key, value in (("level", level), ("kpi", kpi)):
                if value is None:
                    entry.pop(key, None)
                else:
                    entry[key] = value
            if evidence is not None:
                items = list(dict.fromkeys(e.strip() for e in evidence if e.strip()))
                if items:
                    entry["evidence"] = items
                else:
                    entry.pop("evidence", None)
            if entry:
                a["criteria"][cid] = entry
            else:
                a["criteria"].pop(cid, None)

        self._change(mutate, f"自评表 {cid}")
        self.state.remember([cid])

    def set_declaration(self, key: str, value: bool) -> None:
        if key not in self.scheme.declarations:
            raise BadInput(f"unknown declaration {key!r}", where="自评表")
        self._change(lambda a: a.setdefault("declarations", {}).__setitem__(key, bool(value)), f"自评表 {key}")

    def set_dates(self, assessed_on: str | None, next_audit: str | None) -> None:
        parsed = {k: _date(v, k) for k, v in (("assessed_on", assessed_on), ("next_audit", next_audit))}

        def mutate(a: dict[str, Any]) -> None:
            for key, value in parsed.items():
                _put(a, key, value and value.isoformat())

        self._change(mutate, "自评表")

    def set_enterprise(self, name: str | None, industry: str | None) -> None:
        ent = {k: v.strip() for k, v in (("name", name), ("industry", industry)) if v and v.strip()}

        self._change(lambda a: _put(a, "enterprise", ent), "自评表 enterprise")

    # --- findings --------------------------------------------------------------------------------

    def findings(self) -> list[dict[str, Any]]:
        return list(self.assessment.get("findings") or [])

    def add_finding(self, criterion: str, severity: str, text: str, raised_on: str | None = None) -> str:
        if not criterion:
            raise BadInput("choose the criterion the finding is about", where="审核发现")
        if not severity:
            raise BadInput("choose the severity (严重不符合 / 一般不符合 / 观察项)", where="审核发现")
        fid = next_finding_id(self.findings())
        new = {"id": fid, "criterion": criterion, "severity": severity, "status": "open", "text": (text or "").strip()}
        day = _date(raised_on, "raised_on")
        if day is not None:
            new["raised_on"] = day.isoformat()
        self._change(lambda a: a.setdefault("findings", []).append(new), f"审核发现 {fid}")
        self.state.remember([criterion])
        return fid

    def replace_findings(self, rows: list[dict[str, Any]]) -> None:
        """The findings table after the user edited it: every row validated, IDs unique."""
        clean: list[dict[str, Any]] = []
        for n, row in enumerate(rows, 1):
            f = {k: cell_text(v) for k, v in row.items()}
            if not any(f.values()):
                continue
            out = {"id": f.get("id") or f"F{n}", "criterion": f.get("criterion", ""), "severity": f.get("severity", ""),
                   "status": f.get("status") or "open", "text": f.get("text", "")}
            day = _date(f.get("raised_on"), f"第{n}行 raised_on")
            if day is not None:
                out["raised_on"] = day.isoformat()
            clean.append(out)

        self._change(lambda a: _put(a, "findings", clean), "审核发现表")

    def close_finding(self, fid: str) -> None:
        if not any(f["id"] == fid for f in self.findings()):
            raise BadInput(f"there is no finding {fid!r}", where="审核发现")

        def mutate(a: dict[str, Any]) -> None:
            for f in a["findings"]:
                if f["id"] == fid:
                    f["status"] = "closed"

        self._change(mutate, f"审核发现 {fid}")

    # --- files -----------------------------------------------------------------------------------

    def load_file(self, path: str | Path, *, shown_name: str | None = None, max_bytes: int | None = None) -> None:
        """Replace the assessment with an uploaded YAML/JSON file (the same checks and messages as `grade FILE`)."""
        from assistant.rules import load_assessment

        p = Path(path)
        name = shown_name or p.name
        self.state.writable(name)
        if p.suffix.lower() not in UPLOAD_SUFFIXES:
            raise BadInput(f"an assessment file must be YAML or JSON ({', '.join(UPLOAD_SUFFIXES)}), not {p.suffix or 'a file without suffix'}",
                           where=name)
        limit = max_bytes if max_bytes is not None else self.settings.assessment_max_kb * 1024
        try:
            a = load_assessment(p, knowledge_dir=self.settings.knowledge_dir, max_bytes=limit)
        except BadInput as exc:
            raise BadInput(str(exc).removeprefix(f"{p}: "), where=name) from None
        self.state.assessment = draft_of(a)
        self.state.assessment_replaced()
        self._saved(f"web:{self.state.id} upload:{name}")

    def dump(self, fmt: str = "yaml") -> str:
        """The assessment as a file `grade FILE` reads."""
        data = copy.deepcopy(self.assessment)
        data.setdefault("scheme", self.scheme.version)
        if fmt == "json":
            return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)

    # --- grade, gap, plan -------------------------------------------------------------------------

    def grade(self, target: str | None = None) -> GradeResult:
        result = self.state.grade_result(target)
        self.state.grade = result.to_contract()
        return result

    def plan(self) -> Plan | None:
        return self.state.current_plan()

    @contextlib.contextmanager
    def _plans(self):
        """The plans store: the app's (one engine for every session), or one of its own for a session without it."""
        if self._store is not None:
            yield self._store.store
            return
        from assistant.plans.store import Store

        store = Store.open(self.settings, create=True)
        try:
            yield store
        finally:
            store.close()

    def draft_plan(self, target: str | None = None) -> Plan:
        """The case's plan drafted (or re-drafted, keeping the edits of items still in it) and saved (author web)."""
        self.state.writable("整改计划")
        self.grade(target)
        plan = self.state.draft_plan(self.settings, target)
        with self._plans() as store:
            self.state.save_plan(store, author=self.author, source=f"web:{self.state.id}", note=f"网页起草（对话 #{self.state.id}）")
        self.save()
        return plan

    def update_plan_item(self, no: int, *, owner: str | None = None, deadline: date | None = None,
                         status: str | None = None) -> None:
        """Change one item as a new saved version by the plan's one rule (a deadline later than the scheme allows is
        refused); closing a finding's item closes the finding."""
        if self.state.plan_id is None:
            raise BadInput("draft a plan first", where="整改计划")
        self.state.writable("整改计划")
        with self._plans() as store:
            _, closed = self.state.update_plan_item(store, no, author=self.author, owner=owner, deadline=deadline,
                                                    status=status)
        if closed is not None:  # the finding closed with its item: the assessment's next version
            self._saved(f"plan:{self.state.plan_id} web:{self.state.id}")
        else:
            self.save()

    def plan_versions(self) -> list[tuple[int, str, str]]:
        if self.state.plan_id is None:
            return []
        with self._plans() as store:
            return [(v, note, at.strftime("%Y-%m-%d %H:%M")) for v, note, at, _author in store.versions(self.state.plan_id)]

    # --- versions and records (版本与记录) ---------------------------------------------------------------

    def _case(self):
        """(plans store, workspace) of this session; BadInput when the session keeps nothing (no database)."""
        if self._store is None:
            raise BadInput("这个会话没有保存到数据库，没有版本记录", where="版本与记录")
        return self._store.store, self._store.workspace

    def _sources(self) -> set[int] | None:
        """What this browser may see of its workspace: in a client's workspace everything (None); in 默认, where
        every visitor lands, only what its own conversations saved."""
        from assistant.plans.store import DEFAULT_WORKSPACE

        _, ws = self._case()
        if ws.name != DEFAULT_WORKSPACE:
            return None
        mine = {cid for cid, *_ in self.conversations()}
        return mine | ({self.state.id} if self.state.id is not None else set())

    def assessment_versions(self) -> list[Any]:
        """The workspace's assessment versions this browser may see, oldest first (workspace/versions.py)."""
        from assistant.workspace import versions

        store, ws = self._case()
        return versions.listing(store, ws, self._sources())

    def assessment_version(self, number: int) -> tuple[Any, dict[str, Any]]:
        """Version `number` and its content as a draft (the assessment file's shape)."""
        from assistant.workspace import versions

        store, ws = self._case()
        found, content = versions.version(store, ws, number, self._sources())
        return found, draft_of(content)

    def compare_assessments(self, a: int, b: int) -> Any:
        from assistant.workspace import versions

        store, ws = self._case()
        return versions.compare(store, ws, a, b, self._sources(), self.settings.knowledge_dir)

    def restore_assessment(self, number: int) -> Any:
        """Version `number` saved again as the next version (author web): the form, grade and plan show it."""
        from assistant.workspace import versions

        self.state.writable("自评版本")
        store, ws = self._case()
        if self.state.id is None:
            self.save()  # the restore is recorded as this browser's (its conversation)
        restored = versions.restore(store, ws, number, author=self.author,
                                    conversation=self.state.id, sources=self._sources())
        self.state.assessment = draft_of(store.assessment_version(ws.id, restored.number).assessment)
        self.state.assessment_replaced()
        self.save()
        return restored

    def conversations(self) -> list[tuple[int, str, int, Any]]:
        """This browser's conversations in the workspace, newest first: (ID, title, turns, last changed)."""
        if self._store is None or self.owner_token is None:
            return []
        return self._store.listing(limit=50, owner_token=self.owner_token)

    def open_conversation(self, cid: int) -> None:
        """Reopen one of this browser's earlier conversations of the workspace (its chat, its plan). In a client's
        workspace the assessment stays the case's latest version; in 默认 it is the conversation's own."""
        from assistant.plans.store import DEFAULT_WORKSPACE
        from assistant.workspace.case import latest_draft

        if cid not in {c for c, *_ in self.conversations()}:
            raise BadInput(f"这个浏览器在本工作区没有对话 #{cid}", where="对话记录")
        store, ws = self._case()
        state = self._store.load(cid)
        if ws.name != DEFAULT_WORKSPACE:
            draft = latest_draft(store, ws)
            if draft is not None and draft != state.assessment:
                state.assessment = draft
                state.assessment_replaced()
        self.conv.state = state
        self.conv.store = self._store
        self._store.save(state)  # the most recent of this browser now: a reload comes back to it
        self.revision += 1

    def workspace_plans(self) -> list[Any]:
        """The workspace's plans this browser may see (in 默认 only those its conversations drafted)."""
        store, ws = self._case()
        plans = store.list_plans(workspace_id=ws.id)
        if self._sources() is None:
            return plans
        mine = self._store.plan_ids(self.owner_token) if self.owner_token else set()
        mine |= {self.state.plan_id} if self.state.plan_id is not None else set()
        return [p for p in plans if p.id in mine]

    def open_plan(self, plan_id: int) -> None:
        """Make one of the workspace's plans this session's plan (its latest version): the plan page shows it."""
        store, ws = self._case()
        if plan_id not in {p.id for p in self.workspace_plans()}:
            raise BadInput(f"本工作区没有整改计划 #{plan_id}", where="整改计划")
        stored = store.get_plan(plan_id, workspace_id=ws.id)
        latest = store.latest_assessment(ws.id)
        self.state.plan = json.loads(stored.plan.model_dump_json())
        self.state.plan_id = plan_id
        self.state.redraft = None
        self.state.plan_stale = latest is None or latest.id != stored.assessment_id
        self.save()

    def plan_history(self) -> list[tuple[int, str, Any, str | None]]:
        """(version, note, saved at, author) of every version of this session's plan."""
        if self.state.plan_id is None:
            return []
        store, ws = self._case()
        return store.versions(self.state.plan_id, workspace_id=ws.id)

    def plan_version(self, version: int) -> Plan:
        if self.state.plan_id is None:
            raise BadInput("还没有整改计划：请先起草或打开一个计划", where="整改计划版本")
        store, ws = self._case()
        return store.get_plan(self.state.plan_id, version, workspace_id=ws.id).plan

    def compare_plan_versions(self, a: int, b: int) -> list[Any]:
        from assistant.workspace.versions import plan_changes

        if self.state.plan_id is None:
            raise BadInput("还没有整改计划：请先起草或打开一个计划", where="整改计划版本")
        store, ws = self._case()
        return plan_changes(store, self.state.plan_id, a, b, workspace_id=ws.id)

    def restore_plan_version(self, version: int) -> int:
        """The plan's version `version` saved as its next version (note 恢复为第N版, author web); its number."""
        if self.state.plan_id is None:
            raise BadInput("还没有整改计划：请先起草或打开一个计划", where="整改计划版本")
        self.state.writable("整改计划版本")
        store, ws = self._case()
        if ws.archived:
            raise BadInput(f"工作区“{ws.name}”已归档，不能再保存新版本", where="整改计划版本")
        old = store.get_plan(self.state.plan_id, version, workspace_id=ws.id)
        if version == old.latest:
            raise BadInput(f"第{version}版就是最新版，无需恢复", where="整改计划版本")
        stored = store.save_version(self.state.plan_id, old.plan, f"恢复为第{version}版", author=self.author, workspace_id=ws.id)
        self.state.plan = json.loads(stored.plan.model_dump_json())
        self.state.redraft = None
        self.save()
        return stored.version

    def import_findings(self, path: str | Path, *, shown_name: str | None = None) -> tuple[list[str], int]:
        """Audit findings from a consultant's file (CSV, JSON lines, XLSX: what `findings import` reads, with its
        checks and anonymisation) added to the assessment as open findings, saved as its next version (author web).
        All or nothing: a bad row changes nothing and BadInput names the file, row and column. Returns the new
        findings' IDs and how many rows were already there (same criterion, severity and text: not added again)."""
        from assistant.anonymize import Anonymizer
        from assistant.findings import read_findings

        p = Path(path)
        name = shown_name or p.name
        self.state.writable(f"导入审核发现 {name}")
        try:
            rows = read_findings(p, Anonymizer(self.settings))
        except BadInput as exc:
            where = _import_where(exc.where or "", str(p), name)
            raise BadInput(str(exc).removeprefix(f"{exc.where}: "), where=where) from None
        current = self.findings()
        seen = {(f.get("criterion"), f.get("severity"), f.get("text")) for f in current}
        added: list[dict[str, Any]] = []
        for where, f in rows:
            if f.criterion not in self.scheme.criteria:
                raise BadInput(f"准则编号 {f.criterion} 不在认证方案 {self.scheme.version} 中",
                               where=_import_where(where, str(p), name))
            key = (f.criterion, f.severity, f.finding)
            if key in seen:
                continue
            seen.add(key)
            added.append({"id": next_finding_id(current + added), "criterion": f.criterion, "severity": f.severity,
                          "status": "open", "text": f.finding})
        if added:
            self._change(lambda a: a.setdefault("findings", []).extend(added), f"导入审核发现 {name}",
                         source=f"web:{self.state.id} import:{name}")
        return [f["id"] for f in added], len(rows) - len(added)

    def new_conversation(self) -> WebSession:
        """A new session of this browser in the same workspace (on the case's assessment; in 默认 empty): its
        conversation is saved on its first change, this one stays listed."""
        return WebSession(self.settings, self._store, owner_token=self.owner_token, user=self.user,
                          read_only=self.read_only)


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    """Set `key`, or leave it out when the value is empty (None, '', {} or []): the file then says nothing."""
    if value:
        data[key] = value
    else:
        data.pop(key, None)


def cell_text(value: Any) -> str:
    """A table cell as text; an empty cell (None, or NaN/NA as pandas gives a cleared cell) is ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip()
    return "" if text == "<NA>" else text


def _date(value: Any, field: str) -> date | None:
    return parse_day(value, f"自评表: {field}")


def _import_where(where: str, path: str, name: str) -> str:
    """Where a findings file is wrong, for the page: the file's own name (not the upload's temporary path), rows,
    lines and columns in Chinese (`a.csv, row 3, column 'criterion'` → `a.csv 第3行 列“criterion”`)."""
    import re

    out = where.replace(path, name)
    out = re.sub(r", (?:row|line) (\d+)", r" 第\1行", out)
    out = re.sub(r", item (\d+)", r" 第\1项", out)
    return re.sub(r", column '([^']*)'", r" 列“\1”", out)


def permitted(method):
    """A page event's handler method (of WebApp, or of a page holding it as `app`): a session whose account may no
    longer open its workspace (membership revoked, account disabled or deleted, workspace archived) reaches the
    handler as no session at all, so the event shows and changes nothing of that workspace."""
    def checked(owner: Any, args: tuple[Any, ...]) -> list[Any]:
        app = getattr(owner, "app", owner)
        return [app.live(a) if isinstance(a, WebSession) else a for a in args]

    if inspect.isgeneratorfunction(method):
        @functools.wraps(method)
        def stream(self, *args, **kwargs):
            yield from method(self, *checked(self, args), **kwargs)
        return stream

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        return method(self, *checked(self, args), **kwargs)
    return call
