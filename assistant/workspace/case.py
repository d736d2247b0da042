"""A workspace's assessment: the draft the chat and the web form edit, saved as versions with their author."""

from __future__ import annotations

import json
from typing import Any

from assistant.errors import BadInput
from assistant.plans.store import Store, StoredAssessment, Workspace
from assistant.rules import Assessment


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
    from assistant.chat.state import gradeable
    from assistant.rules import validate_assessment

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
