"""The operations a conversation uses, shared by the offline writer and the LLM agent's tools.

Each works on a ConversationState and returns plain results: knowledge-base search, the engine's grade and
gap, plan drafting and editing, similar past findings, and the next question worth asking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.chat.extract import PlanEdit, shifted
from assistant.chat.state import ConversationState
from assistant.plans.models import ItemChange
from assistant.retrieval.hybrid import Hit, search
from assistant.rules import GradeResult, Scheme, load_scheme
from assistant.rules.engine import compiled
from assistant.settings import Settings
from assistant.workspace.case import guidance as case_guidance

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
# Drafting, item changes and saving are the case's (assistant/workspace/case.py `Case`); what is the chat's here is
# how a conversation's plan is saved: with the conversation's number.


def guidance(settings: Settings):
    return case_guidance(settings)


def edit_plan(state: ConversationState, edit: PlanEdit, today: date | None = None) -> ItemChange | None:
    """An owner, deadline or status change asked for in the chat, made in memory by the plan's one rule: the allowed
    parts are made, the others come back in `refused`. None when the plan has no such item."""
    plan = state.current_plan()
    assert plan is not None
    item = plan.item(edit.item)
    if item is None:
        return None
    wanted = edit.deadline or (shifted(item.deadline, edit.shift_days) if edit.shift_days else None)
    return state.change_item(edit.item, status=edit.status, owner=edit.owner, deadline=wanted, today=today)


def persist_plan(state: ConversationState, settings: Settings, edit: ItemChange | None = None) -> str | None:
    """Save the conversation's drafted plan (with its assessment) in the plans store, or store an item change made
    in the chat as the plan's next version (the same rule, on the store's current version). Returns the finding
    closed with its item, if any."""
    from assistant.plans.store import Store

    store = Store.open(settings, create=True)
    try:
        if edit is None or state.plan_id is None:
            state.save_plan(store, author=state.author("chat"), source=f"chat:{state.id}", note=f"对话 #{state.id} 起草")
            return None
        if edit.plan is None:
            return None
        item = edit.plan.item(edit.no)
        assert item is not None
        fields = {f for f, _, _ in edit.done}
        _, closed = state.update_plan_item(store, edit.no, author=state.author("chat"), owner=item.owner if "owner" in fields else None,
                               deadline=item.deadline if "deadline" in fields else None,
                               status=item.status if "status" in fields else None)
        return closed
    finally:
        store.close()


def scheme_of(state: ConversationState) -> Scheme:
    return load_scheme(state.assessment.get("scheme"))


def grade_brief(contract: dict[str, Any]) -> str:
    return f"{contract['grade']}{'（暂定）' if contract['provisional'] else ''}"
