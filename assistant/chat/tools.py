"""The operations a conversation uses, shared by the offline writer and the LLM agent's tools.

Each works on a ConversationState and returns plain results: knowledge-base search, the engine's grade and
gap, plan drafting and editing, similar past findings, and the next question worth asking.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from assistant.chat.extract import PlanEdit, shifted
from assistant.chat.state import ConversationState
from assistant.plans.models import ItemChange, Plan
from assistant.retrieval.hybrid import Hit, search
from assistant.rules import GradeResult, Scheme, load_scheme
from assistant.rules.engine import compiled
from assistant.settings import Settings

CASES_K = 3


# --- knowledge base ------------------------------------------------------------------------


def kb_search(query: str, settings: Settings, *, source: str | None = None, criterion: str | None = None,
              k: int | None = None) -> list[Hit]:
    filters = {"source": source, "criterion": criterion}
    return search(query, k=k, filters={f: v for f, v in filters.items() if v}, settings=settings)


def similar_cases(query: str, settings: Settings, criterion: str | None = None, k: int = CASES_K) -> list[Hit]:
    """Anonymised past findings like `query` (about `criterion` when given), best first."""
    return kb_search(query, settings, source="findings", criterion=criterion, k=k)


# --- grade and gap -----------------------------------------------------------------------------


def grade_now(state: ConversationState, target: str | None = None) -> GradeResult:
    """The engine's grade of the conversation's assessment; the only source of any grade shown."""
    result = state.grade_result(target)
    state.grade = result.to_contract()
    return result


@dataclass
class NextQuestion:
    criterion: str
    name: str
    kpi: bool
    unit: str
    example: str | None
    reason: str


def next_question(result: GradeResult, state: ConversationState, catalogue: dict | None = None) -> NextQuestion | None:
    """The missing criterion whose answer would tell most about the grade.

    A missing D5.1 fires a veto on its own, so it comes first; then criteria of the dimensions below a grade
    floor; then the largest gain per level step (SCHEME §5); KPI criteria (one number to give) before declared
    ones; criterion ID last. Criteria the user already gave evidence for come before the rest of their rank.
    """
    if not result.missing:
        return None
    scheme = result.scheme_model
    comp = compiled(scheme)
    gains = {d: g for d, g in zip(comp.dims, comp.dim_gains)}
    veto_criteria = {v.trigger.criterion for v in scheme.vetoes.values() if v.trigger.criterion}
    low_dims = set(result.shortfalls)
    pending = set(state.pending())

    def key(cid: str) -> tuple:
        c = scheme.criteria[cid]
        return (cid not in veto_criteria, c.dimension not in low_dims, -gains[c.dimension], cid not in pending,
                not c.is_kpi, cid)

    cid = min(result.missing, key=key)
    c = scheme.criteria[cid]
    if cid in veto_criteria:
        vid = next(v.id for v in scheme.vetoes.values() if v.trigger.criterion == cid)
        reason = f"veto:{vid}"
    elif c.dimension in low_dims:
        reason = f"floor:{c.dimension}"
    else:
        reason = f"gain:{c.dimension}"
    entry = (catalogue or {}).get(cid)
    example = entry.evidence_examples[0] if entry else None
    return NextQuestion(cid, c.name, c.is_kpi, c.unit_symbol, example, reason)


# --- plans ------------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _guidance(knowledge_dir: str, data_dir: str):
    from assistant.plans.draft import Guidance

    return Guidance.load(Settings(knowledge_dir=knowledge_dir, data_dir=data_dir))


def guidance(settings: Settings):
    return _guidance(str(settings.knowledge_dir), str(settings.data_dir))


def draft(state: ConversationState, settings: Settings, target: str | None = None) -> Plan:
    """The plan `plan FILE --json [--target]` drafts for the same assessment (same drafter, same retrieval)."""
    from assistant.plans.draft import draft_plan, index_similar

    from assistant.plans.revise import keep_edits

    a = state.graded_assessment()
    plan = draft_plan(a, scheme=load_scheme(a.scheme), target=target, guidance=guidance(settings),
                      similar=index_similar(settings), warn=lambda _m: None, graded=state.grade_result)
    # Drafted again over a plan already edited: the edits of items still in it stay (plans/revise.py).
    redraft = keep_edits(current_plan(state), plan)
    plan = redraft.plan
    state.redraft = ({"kept": redraft.kept, "added": redraft.added, "dropped": redraft.dropped,
                      "deadlines_reset": redraft.deadlines_reset, "note": [redraft.note()]}
                     if state.plan is not None else None)
    state.plan = json.loads(plan.model_dump_json())
    state.plan_stale = False
    return plan


def current_plan(state: ConversationState) -> Plan | None:
    return Plan.model_validate_json(json.dumps(state.plan)) if state.plan is not None else None


def edit_plan(state: ConversationState, edit: PlanEdit, today: date | None = None) -> ItemChange | None:
    """Apply an owner, deadline or status change to one item by the plan's one rule (`Plan.with_item_changed`):
    the allowed parts are made, the others come back in `refused` (a deadline past the scheme's latest, an owner
    that names no role). None when the plan has no such item."""
    plan = current_plan(state)
    assert plan is not None
    item = plan.item(edit.item)
    if item is None:
        return None
    wanted = edit.deadline or (shifted(item.deadline, edit.shift_days) if edit.shift_days else None)
    change = plan.with_item_changed(edit.item, status=edit.status, owner=edit.owner, deadline=wanted, today=today)
    if change.plan is not None:
        state.plan = json.loads(change.plan.model_dump_json())
    return change


def close_finding_of(state: ConversationState, item) -> str | None:
    """A finding's plan item closed: its finding closed in the assessment too (the grade is then stale). The
    finding's ID, or None when the item is no finding's or the finding is closed already."""
    if item is None or item.kind != "finding" or item.status != "closed" or not item.finding:
        return None
    for f in state.assessment.get("findings") or []:
        if f.get("id") == item.finding and f.get("status") != "closed":
            f["status"] = "closed"
            state.grade = None
            return item.finding
    return None


def persist_plan(state: ConversationState, settings: Settings, edit: ItemChange | None = None) -> None:
    """Save the drafted plan (with its assessment) in the plans store, or record an edit as a new version."""
    from assistant.plans.store import Store

    store = Store.open(settings, create=True)
    try:
        if edit is None or state.plan_id is None:
            plan = current_plan(state)
            if plan is None:
                return
            wid = store.workspace(state.workspace).id
            aid = store.save_assessment(state.graded_assessment(), f"chat:{state.id}", workspace_id=wid, author="chat")
            if state.plan_id is not None and state.redraft is not None:
                # A re-draft is the plan's next version, not another plan.
                store.save_version(state.plan_id, plan, state.redraft["note"][0], author="chat", workspace_id=wid,
                                   assessment_id=aid)
                return
            state.plan_id = store.save_plan(plan, aid, note=f"对话 #{state.id} 起草", author="chat").id
            return
        if edit.plan is None:
            return
        # The store makes the same change (the same rule) on its current version, which is then the chat's too.
        item = edit.plan.item(edit.no)
        assert item is not None
        fields = {f for f, _, _ in edit.done}
        stored = store.update_item(state.plan_id, edit.no, owner=item.owner if "owner" in fields else None,
                                   deadline=item.deadline if "deadline" in fields else None,
                                   status=item.status if "status" in fields else None,
                                   workspace_id=store.workspace(state.workspace).id, author="chat")
        state.plan = json.loads(stored.plan.model_dump_json())
    finally:
        store.close()


def scheme_of(state: ConversationState) -> Scheme:
    return load_scheme(state.assessment.get("scheme"))


def grade_brief(contract: dict[str, Any]) -> str:
    return f"{contract['grade']}{'（暂定）' if contract['provisional'] else ''}"
