"""A client's case and the workspace it lives in (issue 16).

A workspace is one client engagement (company, industry, target grade, certification date, next audit); its
assessment versions, conversations and plans belong to it and are never shown in another. The default workspace,
默认, holds everything made without naming one (and everything made before workspaces existed), so commands
without `--workspace` keep working.

- `case`: the workspace's assessment as a draft (the shape the chat and the web form edit) and its versions.
- `cli`: `workspace create|list|show|archive` (CONTRACTS.md, Workspaces).
"""

from assistant.plans.store import DEFAULT_WORKSPACE

__all__ = ["DEFAULT_WORKSPACE"]
