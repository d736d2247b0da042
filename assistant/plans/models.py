"""The rectification plan and its items as strict pydantic models, validated on every write (SCHEME §6)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Category = Literal["人", "机", "料", "法", "环", "测"]
Status = Literal["open", "in_progress", "closed"]
Kind = Literal["finding", "gap", "declaration"]

STATUS_ZH: dict[str, str] = {"open": "待整改", "in_progress": "整改中", "closed": "已关闭"}
KIND_ZH: dict[str, str] = {"finding": "审核发现", "gap": "差距条款", "declaration": "否决项声明"}

# The fields CONTRACTS.md names for a plan item, in its order; every other item field is an extra.
CONTRACT_ITEM_FIELDS = (
    "criterion", "finding", "problem", "root_cause", "category", "action",
    "owner", "deadline", "target", "verification", "status",
)

# An action made only of these words says nothing a certification body can verify.
_VAGUE = re.compile(r"加强|强化|提高|提升|重视|完善|落实|管理|意识|培训|工作|力度|进一步|认真|切实|相关|有关|[，。；、,.;\s]")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, validate_assignment=True, str_strip_whitespace=True)


class PlanItem(_Strict):
    """One numbered item of a plan: what is wrong, why, what is done about it, by whom, by when.

    >>> item = PlanItem(no=1, kind="finding", criterion="D2.1", finding="F1", severity="minor",
    ...     problem="投诉首次响应平均36小时", root_cause="夜间和节假日无人值守，诉求积压到次日", category="环",
    ...     action="夜间和节假日安排值班坐席，写入排班表并每周抽查在岗情况", owner="客服中心经理",
    ...     deadline=date(2026, 12, 19), latest_deadline=date(2026, 12, 19), deadline_rule="一般不符合：提出后60天",
    ...     target="客户诉求首次响应时间 ≤ 4 小时", verification="文件审查", status="open")
    >>> item.to_contract()["deadline"]
    '2026-12-19'
    """

    no: int = Field(ge=1)
    kind: Kind
    criterion: str | None = None
    criterion_name: str | None = None
    finding: str | None = None
    severity: str | None = None
    veto: str | None = None
    declaration: str | None = None
    problem: str = Field(min_length=4)
    root_cause: str = Field(min_length=4)
    category: Category
    action: str = Field(min_length=8)
    owner: str = Field(min_length=2)
    deadline: date
    latest_deadline: date
    deadline_rule: str = Field(min_length=2)
    target: str = Field(min_length=2)
    verification: str = Field(min_length=2)
    status: Status = "open"
    closed_on: date | None = None
    overdue: bool = False
    # A finding item's audit date: no deadline can fall before it.
    raised_on: date | None = None
    references: list[str] = Field(default_factory=list)
    # What closing a gap item means for a re-grade: the level (and KPI value) reached with enough evidence.
    from_level: int | None = Field(None, ge=0)
    to_level: int | None = Field(None, ge=0)
    kpi: float | None = None
    evidence_needed: int | None = Field(None, ge=0)

    @field_validator("action")
    @classmethod
    def _concrete(cls, action: str) -> str:
        if len(_VAGUE.sub("", action)) < 6:
            raise ValueError(f"the action must say concretely what is done and how it is measured, not {action!r}")
        return action

    @model_validator(mode="after")
    def _consistent(self) -> PlanItem:
        if self.kind == "finding" and not (self.finding and self.criterion and self.severity):
            raise ValueError(f"item {self.no}: a finding item needs finding, criterion and severity")
        if self.kind == "gap" and not (self.criterion and self.to_level is not None and self.from_level is not None):
            raise ValueError(f"item {self.no}: a gap item needs criterion, from_level and to_level")
        if self.kind == "declaration" and not (self.veto and self.declaration):
            raise ValueError(f"item {self.no}: a declaration item needs veto and declaration")
        if (self.closed_on is not None) != (self.status == "closed"):
            raise ValueError(f"item {self.no}: closed_on is set exactly when the status is closed")
        if self.deadline > self.latest_deadline:
            raise ValueError(
                f"item {self.no}: deadline {self.deadline} is after {self.latest_deadline}, the latest the scheme allows"
            )
        return self

    def earliest_deadline(self, plan_date: date) -> tuple[date, str]:
        """The earliest deadline this item can have, and why: the plan date, or the finding's audit if later."""
        if self.raised_on is not None and self.raised_on > plan_date:
            return self.raised_on, f"{self.finding}的审核日期"
        return plan_date, "计划日期"

    def deadline_refusal(self, wanted: date, plan_date: date) -> tuple[date, str, str] | None:
        """Why `wanted` cannot be this item's deadline, as (the bound it crosses, the rule, "late"|"early"); None
        when it can. Later than the scheme allows, or before the plan date or the finding's audit."""
        if wanted > self.latest_deadline:
            return self.latest_deadline, self.deadline_rule, "late"
        earliest, why = self.earliest_deadline(plan_date)
        if wanted < earliest:
            return earliest, why, "early"
        return None

    @property
    def subject(self) -> str:
        """What the item addresses, as a reader names it: F1（D2.1）, D6.3, V1."""
        if self.kind == "finding":
            return f"{self.finding}（{self.criterion}）"
        if self.kind == "declaration":
            return f"{self.veto}"
        return self.criterion or ""

    def to_contract(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        head = {k: data.pop(k) for k in CONTRACT_ITEM_FIELDS}
        return {**head, **data}


class GradeSummary(_Strict):
    """The grade the plan starts from, as a client reads it in the plan's header."""

    grade: str
    grade_en: str
    decided_by: str
    overall: float
    provisional: bool
    dimensions: dict[str, float]
    dimension_names: dict[str, str]
    vetoes: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    explanation: list[str] = Field(default_factory=list)


class Plan(_Strict):
    """A rectification plan: every criterion in the gap to `target` and every open finding, one item each.

    `Plan.model_validate_json(plan.model_dump_json())` round-trips; `to_contract()` is the `plan --json` object.
    """

    target: str
    target_en: str
    plan_date: date
    scheme: str
    enterprise: str | None = None
    industry: str | None = None
    next_audit: date | None = None
    certified_on: date | None = None
    summary: GradeSummary
    items: list[PlanItem]
    warnings: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _numbered(self) -> Plan:
        numbers = [i.no for i in self.items]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"items must be numbered 1…{len(numbers)} in order, got {numbers}")
        for item in self.items:
            overdue = item.status != "closed" and item.deadline < self.plan_date
            if item.overdue != overdue:
                raise ValueError(f"item {item.no}: overdue must be {overdue} (deadline {item.deadline}, plan date {self.plan_date})")
        return self

    @property
    def grade(self) -> str:
        return self.summary.grade

    def item(self, no: int) -> PlanItem | None:
        return self.items[no - 1] if 1 <= no <= len(self.items) else None

    def with_item_changed(self, no: int, *, status: Status | None = None, owner: str | None = None,
                          deadline: date | None = None, today: date | None = None) -> ItemChange:
        """Item `no` with a new status, owner or deadline: the one rule of a plan-item change, used by the store
        (`plans update`, the web's plan table) and the chat alike. The parts that are allowed are made; the others
        are listed in `refused`, each with why (an owner that names no role, a deadline later than the scheme
        allows or before the work can start). A caller that must refuse the whole change (the store) checks
        `refused` first. A closed item gets `closed_on` (today); `overdue` follows the new deadline and status.
        """
        item = self.item(no)
        if item is None:
            raise ValueError(f"the plan has items 1–{len(self.items)}; there is no item {no}")
        changes: dict[str, Any] = {}
        done: list[tuple[str, str, str]] = []
        refused: list[Refusal] = []
        if status is not None and status != item.status:
            changes["status"] = status
            changes["closed_on"] = (today or date.today()).isoformat() if status == "closed" else None
            done.append(("status", STATUS_ZH[item.status], STATUS_ZH[status]))
        if owner is not None:
            owner = owner.strip()
            if len(owner) < 2:
                refused.append(Refusal("owner", owner, None, None, "role",
                                       f"the owner must name a role (e.g. 客服中心经理), got {owner!r}"))
            elif owner != item.owner:
                changes["owner"] = owner
                done.append(("owner", item.owner, owner))
        if deadline is not None and deadline != item.deadline:
            refusal = item.deadline_refusal(deadline, self.plan_date)
            if refusal is None:
                changes["deadline"] = deadline.isoformat()
                done.append(("deadline", item.deadline.isoformat(), deadline.isoformat()))
            else:
                bound, rule, kind = refusal
                message = (f"deadline {deadline.isoformat()} is later than the scheme allows for item {no} ({item.subject}): "
                           f"at the latest {bound.isoformat()} ({rule})" if kind == "late" else
                           f"deadline {deadline.isoformat()} is before {bound.isoformat()} ({rule}) for item {no} "
                           f"({item.subject}): a deadline cannot lie before the work can start")
                refused.append(Refusal("deadline", deadline.isoformat(), bound.isoformat(), rule, kind, message))
        if not changes:
            return ItemChange(no, item.subject, None, done, refused)
        data = self.model_dump(mode="json")
        entry = data["items"][no - 1]
        entry.update(changes)
        entry["overdue"] = entry["status"] != "closed" and entry["deadline"] < data["plan_date"]
        return ItemChange(no, item.subject, Plan.model_validate_json(json.dumps(data, ensure_ascii=False)), done, refused)

    def to_contract(self) -> dict[str, Any]:
        """The `plan --json` object of CONTRACTS.md (its fields first, then extras)."""
        return {
            "target": self.target,
            "plan_date": self.plan_date.isoformat(),
            "items": [i.to_contract() for i in self.items],
            "target_en": self.target_en,
            "scheme": self.scheme,
            "enterprise": self.enterprise,
            "industry": self.industry,
            "grade": self.summary.grade,
            "grade_en": self.summary.grade_en,
            "overall": self.summary.overall,
            "provisional": self.summary.provisional,
            "next_audit": self.next_audit.isoformat() if self.next_audit else None,
            "certified_on": self.certified_on.isoformat() if self.certified_on else None,
            "warnings": list(self.warnings),
        }


class Refusal(NamedTuple):
    """A part of an item change that is not made: the field, the value wanted, the bound it crosses and the rule
    (deadlines), the kind ("late", "early", "role") and the message."""

    field: str
    wanted: str
    bound: str | None
    rule: str | None
    kind: str
    message: str


@dataclass(frozen=True)
class ItemChange:
    """What `Plan.with_item_changed` did: the plan after (None when nothing changes), the changes made as
    (field, before, after) (a status in Chinese, dates as ISO), and the parts refused."""

    no: int
    subject: str
    plan: Plan | None
    done: list[tuple[str, str, str]]
    refused: list[Refusal]

    @property
    def note(self) -> str:
        """The version note: 第2项：责任人 A→B；期限 …"""
        if not self.done:
            return f"第{self.no}项：无变化"
        return f"第{self.no}项：" + "；".join(f"{FIELD_ZH[f]} {before}→{after}" for f, before, after in self.done)


FIELD_ZH = {"status": "状态", "owner": "责任人", "deadline": "期限"}


def revalidate(plan: Plan) -> Plan:
    """The plan validated again from its JSON: every write goes through this."""
    return Plan.model_validate_json(plan.model_dump_json())
