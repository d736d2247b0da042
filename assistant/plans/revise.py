"""A plan drafted again over one already edited: the consultant's edits stay where their item still is.

An item is the same when it addresses the same thing (kind, criterion, finding, declaration). Its owner, status and
closing date carry over, and its deadline too while the scheme still allows it (otherwise the new draft's deadline
stands and the reason is said). Items of the old plan that are no longer needed are dropped, new ones added; both
are named so the re-draft can say what changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from assistant.plans.models import Plan, PlanItem


@dataclass
class Redraft:
    plan: Plan
    kept: list[str] = field(default_factory=list)  # subjects whose edits carried over
    added: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    deadlines_reset: list[str] = field(default_factory=list)  # edited deadlines the scheme no longer allows

    def note(self) -> str:
        """The version note of the re-drafted plan ("重新起草：保留…；新增…；删除…")."""
        parts = ["重新起草"]
        if self.kept:
            parts.append(f"保留{len(self.kept)}项的修改")
        if self.added:
            parts.append("新增 " + "、".join(self.added))
        if self.dropped:
            parts.append("删除 " + "、".join(self.dropped))
        if self.deadlines_reset:
            parts.append("期限按方案重排 " + "、".join(self.deadlines_reset))
        return "；".join(parts)


def _key(item: PlanItem) -> tuple:
    return (item.kind, item.criterion, item.finding, item.declaration)


def _edited(old: PlanItem, fresh: PlanItem) -> bool:
    return (old.owner, old.deadline, old.status) != (fresh.owner, fresh.deadline, fresh.status)


def keep_edits(old: Plan | None, new: Plan) -> Redraft:
    """`new` with the owner, deadline and status of each item `old` had for the same thing."""
    if old is None:
        return Redraft(new)
    before = {_key(i): i for i in old.items}
    data = json.loads(new.model_dump_json())
    out = Redraft(new)
    for entry, item in zip(data["items"], new.items):
        was = before.pop(_key(item), None)
        if was is None:
            out.added.append(item.subject)
            continue
        if not _edited(was, item):
            continue
        entry["owner"], entry["status"] = was.owner, was.status
        entry["closed_on"] = was.closed_on.isoformat() if was.closed_on else None
        if was.deadline != item.deadline:
            if item.deadline_refusal(was.deadline, new.plan_date) is None:
                entry["deadline"] = was.deadline.isoformat()
            else:
                out.deadlines_reset.append(item.subject)
        entry["overdue"] = entry["status"] != "closed" and entry["deadline"] < data["plan_date"]
        out.kept.append(item.subject)
    out.dropped = [i.subject for i in before.values()]
    out.plan = Plan.model_validate_json(json.dumps(data, ensure_ascii=False))
    return out


# --- comparing two versions ----------------------------------------------------------------------------------------

COMPARED = ("owner", "deadline", "status", "problem", "root_cause", "action", "target", "verification")
FIELD_ZH = {"owner": "责任人", "deadline": "期限", "status": "状态", "problem": "问题", "root_cause": "根本原因",
            "action": "整改措施", "target": "目标", "verification": "验证方式"}


def compare(a: Plan, b: Plan) -> list[dict[str, str]]:
    """What changed from plan `a` to plan `b`, item by item (matched by what they address): one row per change,
    {"subject", "change": added|dropped|changed, "field", "before", "after"}."""
    rows: list[dict[str, str]] = []
    before = {_key(i): i for i in a.items}
    for item in b.items:
        old = before.pop(_key(item), None)
        if old is None:
            rows.append({"subject": item.subject, "change": "added", "field": "", "before": "", "after": ""})
            continue
        for f in COMPARED:
            x, y = getattr(old, f), getattr(item, f)
            if x != y:
                rows.append({"subject": item.subject, "change": "changed", "field": f,
                             "before": x.isoformat() if hasattr(x, "isoformat") else str(x),
                             "after": y.isoformat() if hasattr(y, "isoformat") else str(y)})
    rows += [{"subject": i.subject, "change": "dropped", "field": "", "before": "", "after": ""} for i in before.values()]
    return rows
