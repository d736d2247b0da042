"""The state a conversation keeps: the assessment built so far, the latest grade, the draft plan, the language.

The assessment is kept in the contract's shape (CONTRACTS.md). A criterion the user gave evidence for but no
level or KPI value yet is kept too, and left out of what is graded until it has one (`gradeable`).

>>> s = ConversationState()
>>> s.assessment["criteria"]["D1.1"] = {"evidence": ["售后服务手册"]}
>>> gradeable(s.assessment)["criteria"]
{}
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from assistant.chat.extract import Extraction
from assistant.errors import BadInput
from assistant.workspace.case import Case, gradeable, keep_if_valid, next_finding_id  # noqa: F401 (gradeable: doctest)


UNDO_DEPTH = 20


class Turn(BaseModel):
    """One exchange, as kept in the history."""

    turn: int
    user: str
    intent: str
    answer: str
    writer: str = "offline"
    note: str | None = None


class ConversationState(Case):
    """Everything a conversation remembers: its client's case (`Case`: assessment, grade, plan) and what is the
    chat's (turns, language, the criteria talked about, the question asked, undo); saved as JSON after every turn."""

    id: int | None = None
    language: Literal["zh", "en"] = "zh"
    turns: int = 0
    history: list[Turn] = Field(default_factory=list)
    focus: list[str] = Field(default_factory=list)  # criteria talked about, most recent last
    asked: str | None = None  # the criterion the assistant last asked about
    # The assessment before each turn that changed it, most recent last: "撤销" restores the last one.
    undo: list[dict[str, Any]] = Field(default_factory=list)

    def remember(self, criteria: list[str]) -> None:
        for cid in criteria:
            if cid in self.focus:
                self.focus.remove(cid)
            self.focus.append(cid)
        del self.focus[:-8]

    def apply(self, ex: Extraction) -> tuple[list[dict[str, Any]], list[str]]:
        """Apply what a message stated. Returns (changes made, problems); a change the scheme rejects is not kept.
        A turn that changed anything can be undone (`undo_last`)."""
        snapshot = copy.deepcopy(self.assessment)
        changes, problems = self._apply(ex)
        if changes:
            self.undo.append(snapshot)
            del self.undo[:-UNDO_DEPTH]
        return changes, problems

    def undo_last(self) -> bool:
        """Restore the assessment as it was before the last turn that changed it; False when there is none."""
        if not self.undo:
            return False
        self.assessment = self.undo.pop()
        self.grade = None
        if self.plan is not None:
            self.plan_stale = True
        return True

    def _apply(self, ex: Extraction) -> tuple[list[dict[str, Any]], list[str]]:
        changes: list[dict[str, Any]] = []
        problems: list[str] = list(ex.problems)
        # Looked up afresh at every use: a rejected change restores the assessment from a copy, so a reference
        # taken earlier would point at the discarded version and later changes of the message would be lost.
        def crit() -> dict[str, Any]:
            return self.assessment.setdefault("criteria", {})

        def findings() -> list[dict[str, Any]]:
            return self.assessment.setdefault("findings", [])


        def attempt(change: dict[str, Any], mutate) -> None:
            try:
                keep_if_valid(self, mutate, "conversation")  # kept only when the scheme accepts the result
            except BadInput as exc:
                problems.append(str(exc).removeprefix("conversation: "))
                return
            changes.append(change)

        for k in ex.kpis:
            def set_kpi(k=k):
                crit().setdefault(k.criterion, {})["kpi"] = k.value
            attempt({"kind": "kpi", "criterion": k.criterion, "value": k.value, "said": k.said}, set_kpi)
        for lv in ex.levels:
            def set_level(lv=lv):
                crit().setdefault(lv.criterion, {})["level"] = lv.level
            attempt({"kind": "level", "criterion": lv.criterion, "value": lv.level, "said": lv.said}, set_level)
        for ev in ex.evidence:
            entry = crit().setdefault(ev.criterion, {})
            items = entry.setdefault("evidence", [])
            if ev.item in items:
                continue
            items.append(ev.item)
            changes.append({"kind": "evidence", "criterion": ev.criterion, "value": ev.item, "count": len(items)})
        for f in ex.findings:
            same = next((x for x in findings() if f.id and x["id"] == f.id), None)
            if same is not None:
                # The same finding told again: what the message adds or changes (status, date, severity, criterion).
                update = {k: v for k, v in (("criterion", f.criterion), ("severity", f.severity), ("status", f.status),
                                            ("raised_on", f.raised_on.isoformat() if f.raised_on else None))
                          if v is not None and same.get(k) != v}
                if f.text and not same.get("text"):
                    update["text"] = f.text
                if update:
                    attempt({"kind": "finding", "criterion": update.get("criterion", same["criterion"]), "value": same["id"],
                             "severity": update.get("severity", same["severity"]), "status": update.get("status", same["status"]),
                             "raised_on": update.get("raised_on", same.get("raised_on"))},
                            lambda same=same, update=update: same.update(update))
                continue
            if f.severity is None:  # an update of a finding that is not known here: nothing to record it as
                problems.append(f"没有编号为{f.id}的审核发现" if f.id else f"审核发现“{f.text}”没有说明严重程度")
                continue
            fid = f.id or next_finding_id(findings())
            # A finding without its clause is kept (it counts for V4 and R3 all the same); the read-back asks for it.
            new = {"id": fid, "criterion": f.criterion, "severity": f.severity, "status": f.status or "open",
                   "text": f.text}
            if f.raised_on is not None:
                new["raised_on"] = f.raised_on.isoformat()
            attempt({"kind": "finding", "criterion": f.criterion, "value": fid, "severity": f.severity,
                     "status": f.status, "raised_on": new.get("raised_on")},
                    lambda new=new: findings().append(new))
        for fid in ex.closed_findings:
            match = next((x for x in findings() if x["id"] == fid), None)
            if match is None:
                problems.append(f"没有编号为{fid}的审核发现")
            elif match["status"] != "closed":
                match["status"] = "closed"
                changes.append({"kind": "finding_closed", "criterion": match["criterion"], "value": fid})
        if not findings():
            self.assessment.pop("findings", None)
        for key, value in ex.declarations.items():
            decl = self.assessment.setdefault("declarations", {})
            if decl.get(key) != value:
                decl[key] = value
                changes.append({"kind": "declaration", "criterion": None, "key": key, "value": value})
        for key, value in ex.dates.items():
            self.assessment[key] = value.isoformat()
            changes.append({"kind": "date", "criterion": None, "key": key, "value": value.isoformat()})
        for key, value in ex.enterprise.items():
            if self.assessment.get("enterprise", {}).get(key) != value:
                attempt({"kind": "enterprise", "criterion": None, "key": key, "value": value},
                        lambda key=key, value=value: self.assessment.setdefault("enterprise", {}).__setitem__(key, value))
        if changes and self.plan is not None:
            self.plan_stale = True
        self.remember([c["criterion"] for c in changes if c.get("criterion")])
        return changes, problems



class Reply(BaseModel):
    """What one turn produced: the `chat --json` fields, and how it was written."""

    intent: str
    answer: str
    citations: list[dict[str, Any]] = Field(default_factory=list)
    grade: dict[str, Any] | None = None
    plan: dict[str, Any] | None = None
    writer: str = "offline"
    note: str | None = None
    covered: bool | None = None
    changes: list[dict[str, Any]] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)  # files the turn wrote (an export), for the UI to offer

    @field_validator("answer")
    @classmethod
    def _tables_end(cls, answer: str) -> str:
        return end_tables(answer)

    def contract(self, turn: int) -> dict[str, Any]:
        out: dict[str, Any] = {"turn": turn, "intent": self.intent, "answer": self.answer, "citations": self.citations}
        if self.grade is not None:
            out["grade"] = self.grade
        if self.plan is not None:
            out["plan"] = self.plan
        return out


def end_tables(markdown: str) -> str:
    r"""Markdown with a blank line after every table: a line right after a table's last row would otherwise be
    read as one more row of it (a note after the table shown inside its last row).

    >>> end_tables("| a |\n|---|\n| 1 |\n说明")
    '| a |\n|---|\n| 1 |\n\n说明'
    """
    lines = markdown.split("\n")
    out: list[str] = []
    for n, line in enumerate(lines):
        out.append(line)
        if line.lstrip().startswith("|") and n + 1 < len(lines):
            following = lines[n + 1].strip()
            if following and not following.startswith("|"):
                out.append("")
    return "\n".join(out)
