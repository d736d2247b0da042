"""A client's case: the draft assessment the chat and the web form edit, and its versions in the workspace.

One home for what both of them do to the draft (issue 16): what the rule layer is given (`gradeable`), a change
kept only when the scheme accepts the result (`changed`), the next free finding ID, and saving and loading the
workspace's versions. Below the chat and the web app: it imports neither.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from assistant.errors import BadInput
from assistant.plans.store import Store, StoredAssessment, Workspace
from assistant.rules import Assessment, validate_assessment


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
