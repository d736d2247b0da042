"""A client's case: the draft assessment the chat and the web form edit, its grade and plan, and its versions.

One home for what both of them do to a case (issue 16): `Case` (the draft assessment with one validate-or-rollback
for every change, the grade computed once per change, the draft plan with one rule for an item change, drafting
and saving), what the rule layer is given (`gradeable`), the next free finding ID, and saving and loading the
workspace's assessment versions. Below the chat and the web app: it imports neither.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, PrivateAttr

from assistant.errors import BadInput
from assistant.plans.models import ItemChange, Plan
from assistant.plans.store import DEFAULT_WORKSPACE, Store, StoredAssessment, Workspace
from assistant.rules import Assessment, GradeResult, grade, load_scheme, validate_assessment


def gradeable(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft assessment without criteria that have no level and no KPI value yet: what `grade` is given."""
    out = copy.deepcopy(draft)
    out["criteria"] = {cid: e for cid, e in (draft.get("criteria") or {}).items()
                       if e.get("level") is not None or e.get("kpi") is not None}
    for key, value in list(out.items()):
        if isinstance(value, date):
            out[key] = value.isoformat()
    return out


def keep_if_valid(holder: Any, mutate: Callable[[], None], where: str, knowledge_dir: Path | None = None) -> None:
    """Apply `mutate()` to `holder.assessment` (the draft of a conversation or a web session) and keep the result
    only when it is a valid assessment of its scheme; otherwise the draft is restored exactly as it was and
    BadInput names `where`. (`mutate` changes the draft in place: references into it taken before stay valid.)"""
    snapshot = copy.deepcopy(holder.assessment)
    try:
        mutate()
        validate_assessment(gradeable(holder.assessment), source=where, knowledge_dir=knowledge_dir)
    except BadInput:
        holder.assessment = snapshot
        raise


def next_finding_id(findings: list[dict[str, Any]]) -> str:
    """F1, F2, …: the first not taken."""
    ids = {f.get("id") for f in findings}
    n = 1
    while f"F{n}" in ids:
        n += 1
    return f"F{n}"


def draft_of(assessment: Assessment) -> dict[str, Any]:
    """The assessment as the draft the chat and the form edit (the assessment file's shape, empty fields left out)."""
    data = json.loads(assessment.model_dump_json(exclude_none=True))
    data["criteria"] = {cid: {k: v for k, v in e.items() if v not in (None, [])} for cid, e in data["criteria"].items()}
    if not data.get("findings"):
        data.pop("findings", None)
    return data


def latest_draft(store: Store, workspace: Workspace) -> dict[str, Any] | None:
    """The workspace's latest saved assessment as a draft, or None before the first one."""
    stored = store.latest_assessment(workspace.id)
    return draft_of(stored.assessment) if stored is not None else None


def save_draft(store: Store, workspace: Workspace, draft: dict[str, Any], *, author: str, source: str | None = None) -> int | None:
    """Save the draft as the workspace's next assessment version (unchanged content: the latest version's ID).
    A draft that does not grade yet (nothing assessed) is not saved: None."""
    data = gradeable(draft)
    if not data.get("criteria") and not data.get("findings") and not data.get("enterprise"):
        return None
    try:
        assessment = validate_assessment(data, source="workspace")
    except BadInput:
        return None  # the chat and the form refuse invalid changes before this; nothing half-valid is stored
    return store.save_assessment(assessment, source, workspace_id=workspace.id, author=author)


def versions(store: Store, workspace: Workspace) -> list[StoredAssessment]:
    return store.assessment_versions(workspace.id)


# --- the case ------------------------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _guidance(knowledge_dir: str, data_dir: str):
    from assistant.plans.draft import Guidance
    from assistant.settings import Settings

    return Guidance.load(Settings(knowledge_dir=knowledge_dir, data_dir=data_dir))


def guidance(settings: Any):
    """The criteria catalogue and past findings the drafter uses (loaded once per knowledge and data folder)."""
    return _guidance(str(settings.knowledge_dir), str(settings.data_dir))


class Case(BaseModel):
    """A client's case as one conversation or browser session works on it: the draft assessment (in the
    assessment file's shape), the engine's grade of it, the draft plan and its number in the store. The chat's
    conversation state and the web session are this, plus what is theirs (turns, language; the browser).

    Every change of the assessment goes through `change` (kept only when the scheme accepts the result); the grade
    is computed once per change (`grade_result`); a plan item changes by the plan's one rule
    (`Plan.with_item_changed`, through `change_item` in memory or `update_plan_item` in the store).
    """

    workspace: str = DEFAULT_WORKSPACE  # the client case (workspace) this belongs to
    assessment: dict[str, Any] = Field(default_factory=lambda: {"criteria": {}})
    grade: dict[str, Any] | None = None  # the grade last shown (the engine's `grade --json` object)
    plan: dict[str, Any] | None = None  # Plan.model_dump(mode="json")
    plan_id: int | None = None
    plan_stale: bool = False  # the assessment changed after the plan was drafted
    # The last re-draft over an edited plan: what it kept, added, dropped (said back; the plan's version note).
    redraft: dict[str, list[str]] | None = None

    # The engine's results for the assessment as it stands, by target: a change of the assessment (from any page)
    # makes the next request grade again, and every view of the same assessment reuses the one result.
    _graded: tuple[str, dict[str | None, GradeResult]] | None = PrivateAttr(None)
    # The account working on the case (web app with logins), not saved with it: its changes are stored as
    # "<kind>:<account>" (web:王顾问, chat:王顾问), without one as the kind alone (web, chat, cli).
    _actor: str | None = PrivateAttr(None)
    # A client account's case (web app): it reads and chats, and nothing it says or does is stored as the case's
    # (no assessment version, no plan, no plan version); its own conversation is still kept.
    _read_only: bool = PrivateAttr(False)

    @property
    def read_only(self) -> bool:
        return self._read_only

    def writable(self, where: str) -> None:
        """BadInput naming `where` when this case may not be changed in the store (a client's)."""
        if self._read_only:
            raise BadInput("a client account reads and chats; it cannot change the case", where=where)

    def author(self, kind: str) -> str:
        """The author recorded for a change made through `kind` (web, chat) by this case's account, if any."""
        return f"{kind}:{self._actor}" if self._actor else kind

    # --- the assessment

    def graded_assessment(self) -> Assessment:
        """The assessment as the rule layer sees it (entries without a level or KPI left out)."""
        return validate_assessment(gradeable(self.assessment), source="conversation")

    def grade_result(self, target: str | None = None) -> GradeResult:
        """The engine's grade of the assessment (its gap to `target`), computed once per change of the assessment."""
        data = gradeable(self.assessment)
        key = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        if self._graded is None or self._graded[0] != key:
            self._graded = (key, {})
        results = self._graded[1]
        scheme = load_scheme(data.get("scheme"))
        tid = scheme.grade_id(target) if target else None
        if tid not in results:
            results[tid] = grade(validate_assessment(data, source="conversation"), scheme, target=tid)
            if tid is None and results[tid].gap_target is not None:
                results.setdefault(results[tid].gap_target, results[tid])  # the same gap: the next grade up
        return results[tid]

    def pending(self) -> list[str]:
        """Criteria with evidence but no level or KPI value yet."""
        return [cid for cid, e in self.assessment.get("criteria", {}).items() if e.get("level") is None and e.get("kpi") is None]

    def change(self, mutate: Callable[[dict[str, Any]], None], where: str, knowledge_dir: Path | None = None) -> None:
        """Apply `mutate(assessment)`; keep the result only when it is a valid assessment of its scheme (else the
        assessment stays exactly as it was and BadInput names `where`). A kept change makes the plan stale."""
        keep_if_valid(self, lambda: mutate(self.assessment), where, knowledge_dir)
        self.assessment_replaced()

    def assessment_replaced(self) -> None:
        """The assessment changed (or was replaced): the grade shown is gone, a drafted plan is stale."""
        self.grade = None
        if self.plan is not None:
            self.plan_stale = True

    # --- the plan

    def current_plan(self) -> Plan | None:
        return Plan.model_validate_json(json.dumps(self.plan)) if self.plan is not None else None

    def draft_plan(self, settings: Any, target: str | None = None) -> Plan:
        """The plan `plan FILE --json [--target]` drafts for the same assessment (same drafter, same retrieval); drafted
        again over a plan already edited, the edits of items still in it stay (plans/revise.py)."""
        from assistant.plans.draft import draft_plan, index_similar
        from assistant.plans.revise import keep_edits

        a = self.graded_assessment()
        plan = draft_plan(a, scheme=load_scheme(a.scheme), target=target, guidance=guidance(settings),
                          similar=index_similar(settings), warn=lambda _m: None, graded=self.grade_result)
        redraft = keep_edits(self.current_plan(), plan)
        self.redraft = ({"kept": redraft.kept, "added": redraft.added, "dropped": redraft.dropped,
                         "deadlines_reset": redraft.deadlines_reset, "note": [redraft.note()]}
                        if self.plan is not None else None)
        self.plan = json.loads(redraft.plan.model_dump_json())
        self.plan_stale = False
        return redraft.plan

    def save_plan(self, store: Store, *, author: str, source: str, note: str) -> None:
        """The drafted plan saved with its assessment: a new plan, or (a re-draft) the plan's next version."""
        plan = self.current_plan()
        if plan is None or self._read_only:  # a client's draft is shown in its chat, never stored as the case's
            return
        wid = store.workspace(self.workspace).id
        aid = store.save_assessment(self.graded_assessment(), source, workspace_id=wid, author=author)
        if self.plan_id is not None and self.redraft is not None:
            store.save_version(self.plan_id, plan, self.redraft["note"][0], author=author, workspace_id=wid,
                               assessment_id=aid)
            return
        self.plan_id = store.save_plan(plan, aid, note=note, author=author).id

    def change_item(self, no: int, *, status: str | None = None, owner: str | None = None,
                    deadline: date | None = None, today: date | None = None) -> ItemChange | None:
        """Item `no` changed in memory by the plan's one rule: the allowed parts made, the others in `refused`.
        None when the plan has no such item."""
        plan = self.current_plan()
        assert plan is not None
        if plan.item(no) is None:
            return None
        change = plan.with_item_changed(no, status=status, owner=owner, deadline=deadline, today=today)  # type: ignore[arg-type]
        if change.plan is not None:
            self.plan = json.loads(change.plan.model_dump_json())
        return change

    def update_plan_item(self, store: Store, no: int, *, author: str, owner: str | None = None,
                         deadline: date | None = None, status: str | None = None) -> tuple[Plan, str | None]:
        """Item `no` changed in the store by the same rule, as the plan's next version (all or nothing: a refused
        part is BadInput), and the case's plan is that version. Closing a finding's item closes the finding
        (the grade is then gone). Returns the plan and the finding closed, if any."""
        if self.plan_id is None:
            raise BadInput("draft a plan first", where="整改计划")
        self.writable("整改计划")
        stored = store.update_item(self.plan_id, no, owner=owner, deadline=deadline, status=status,  # type: ignore[arg-type]
                                   workspace_id=store.workspace(self.workspace).id, author=author)
        self.plan = json.loads(stored.plan.model_dump_json())
        return stored.plan, self.close_finding_of(stored.plan.item(no))

    def close_finding_of(self, item: Any) -> str | None:
        """A finding's plan item closed: its finding closed in the assessment too (the grade is then gone). The
        finding's ID, or None when the item is no finding's or the finding is closed already."""
        if item is None or item.kind != "finding" or item.status != "closed" or not item.finding:
            return None
        for f in self.assessment.get("findings") or []:
            if f.get("id") == item.finding and f.get("status") != "closed":
                f["status"] = "closed"
                self.grade = None
                return item.finding
        return None
