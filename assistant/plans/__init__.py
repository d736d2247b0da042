"""Rectification plans: drafting from a grade's gap and the open findings, storage and tracking, calendar, exports."""

from assistant.plans.draft import Guidance, draft_plan
from assistant.plans.models import Plan, PlanItem

__all__ = ["Guidance", "Plan", "PlanItem", "draft_plan"]
