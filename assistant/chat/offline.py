"""The offline answer writer: deterministic, no model. Routes by intent and fills the templates of prompts/chat_*.

Every fact it states comes from the rule engine, the plan drafter, retrieved passages or the user's own words.
"""

from __future__ import annotations

import copy
from typing import Any

from assistant.answer import compose, is_covered
from assistant.chat import tools
from assistant.chat.intents import REGISTRY as INTENTS, Route
from assistant.chat.state import ConversationState, Reply
from assistant.plans.models import Plan
from assistant.prompts import load_prompt
from assistant.retrieval.hybrid import search
from assistant.rules import GradeResult, Scheme
from assistant.rules.assessment import CriterionEntry
from assistant.rules.engine import claimed_level
from assistant.rules.scheme import format_number
from assistant.settings import Settings

CELL = 48  # characters of a problem or action shown in the chat's plan table (the full text is in the plan)


def _cut(text: str, n: int = CELL) -> str:
    text = " ".join(text.split()).replace("|", "/")
    return text if len(text) <= n else text[: n - 1] + "…"


def _score(x: float) -> str:
    return f"{x:.1f}"


# The offline answer of each intent (assistant/chat/intents.py REGISTRY), registered under the intent's name.
ANSWERS: dict[str, Any] = {}


def answers(name: str):
    """Registers the decorated method as the offline answer of the intent `name` (which must be registered)."""
    if name not in INTENTS:
        raise ValueError(f"unknown intent {name!r}: register it in assistant/chat/intents.py first")

    def register(method):
        ANSWERS[name] = method
        return method

    return register


class OfflineWriter:
    """Writes a turn's reply from templates.

    >>> from assistant.settings import get_settings
    >>> from assistant.chat.intents import route
    >>> state = ConversationState()
    >>> reply = OfflineWriter(get_settings()).write(route("我们客户满意度88%", state), state, "我们客户满意度88%")
    >>> reply.intent, state.assessment["criteria"]["D3.1"]["kpi"]
    ('update_assessment', 88.0)
    """

    name = "offline"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    # --- entry point

    def write(self, route: Route, state: ConversationState, message: str) -> Reply:
        t = load_prompt("chat", route.language)
        lines: list[str] = []
        changes: list[dict[str, Any]] = []
        if INTENTS[route.intent].records_facts and not route.extraction.hypothetical:
            changes, problems = state.apply(route.extraction)
            lines += self.said_back(changes, problems, route, state, t)
        reply: Reply = ANSWERS[route.intent](self, route, state, message, t, lines, changes)
        reply.changes = changes + [c for c in reply.changes if c not in changes]  # a handler's own (a finding closed)
        return reply

    # --- saying back what was understood

    def said_back(self, changes: list[dict], problems: list[str], route: Route, state: ConversationState,
                  t: dict) -> list[str]:
        """What this turn recorded, read back: a table of the criteria it touched (the value as recorded, the level
        it gives, the evidence cap when one applies and what would lift it, how the words were read), the other
        facts in a line, then everything it could not record, each named."""
        scheme = tools.scheme_of(state)
        en = route.language == "en"
        sep = "; " if en else "；"
        ex = route.extraction
        notes: dict[str, list[str]] = {}
        for u in [*ex.kpis, *ex.levels]:
            if u.note:
                notes.setdefault(u.criterion, []).append(u.note)
        touched = list(dict.fromkeys(ch["criterion"] for ch in changes if ch["kind"] in ("kpi", "level", "evidence")))
        rows = [self.readback_row(cid, changes, notes.get(cid, []), state, scheme, t, en) for cid in touched]
        items = []
        for ch in changes:
            cid = ch.get("criterion")
            c = scheme.criteria[cid] if cid else None
            name = (c.name_en if en else c.name) if c else ""
            if ch["kind"] == "finding":
                status = t["finding_open"] if ch.get("status", "open") == "open" else t["finding_closed"]
                raised = t["finding_raised"].format(date=ch["raised_on"]) if ch.get("raised_on") else ""
                items.append(t["finding_item"].format(id=ch["value"], severity=t["severity_names"][ch["severity"]],
                                                      cid=cid or t["criterion_unknown"], name=name, status=status,
                                                      raised=raised))
            elif ch["kind"] == "finding_closed":
                items.append(t["finding_closed_item"].format(id=ch["value"]))
            elif ch["kind"] == "declaration":
                dname = scheme.declarations[ch["key"]].name if not en else ch["key"]
                items.append(t["declaration_item"].format(name=dname, value=t["word_true"] if ch["value"] else t["word_false"]))
            elif ch["kind"] == "date":
                items.append(t["date_item"].format(name=t["date_names"][ch["key"]], value=ch["value"]))
            elif ch["kind"] == "enterprise":
                items.append(t["enterprise_item"].format(name=t["enterprise_names"][ch["key"]], value=ch["value"]))
        out = []
        if rows:
            out += [t["understood_table"], t["readback_head"], *rows]
            if items:
                out.append(t["understood_more"].format(items=sep.join(items)))
        elif items:
            out.append(t["understood"].format(items=sep.join(items)))
        unrecorded = [*problems, *(t["unplaced_item"].format(text=u) for u in ex.unplaced), *ex.set_aside]
        if unrecorded:
            out.append(t["problems"].format(items=sep.join(unrecorded)))
        if ex.only_mentioned:
            om = ex.only_mentioned
            out.append(t["only_mentioned"].format(items="、".join(om) if not en else ", ".join(om), first=om[0]))
        if ex.unplaced_evidence:
            un = ex.unplaced_evidence
            out.append(t["unplaced"].format(items="、".join(un) if not en else ", ".join(un), first=un[0]))
        pending = [p for p in state.pending() if any(ch.get("criterion") == p for ch in changes)]
        if pending:
            names = [f"{p} {scheme.criteria[p].name_en if en else scheme.criteria[p].name}" for p in pending]
            out.append(t["pending"].format(items=(", " if en else "、").join(names)))
        if changes and state.plan is not None and state.plan_stale:
            out.append(t["stale_plan"])
        return out

    def readback_row(self, cid: str, changes: list[dict], notes: list[str], state: ConversationState, scheme: Scheme,
                     t: dict, en: bool) -> str:
        """One row of the read-back table: the criterion as it stands after this turn."""
        c = scheme.criteria[cid]
        entry = state.assessment.get("criteria", {}).get(cid, {})
        evidence = entry.get("evidence") or []
        claimed: int | None = None
        if entry.get("kpi") is not None or entry.get("level") is not None:
            # The level the engine will claim (a measured KPI decides over a declared level), not a re-derivation.
            claimed, _ = claimed_level(c, CriterionEntry(level=entry.get("level"), kpi=entry.get("kpi")))
        if entry.get("kpi") is not None:
            unit = c.unit_symbol
            value = f"{format_number(entry['kpi'])}{unit if unit == '%' else ' ' + unit}"
        elif claimed is not None:
            value = t["level_value"].format(level=claimed, name=scheme.level_name(claimed))
        else:
            value = t["no_level_yet"]
        added = [ch["value"] for ch in changes if ch["kind"] == "evidence" and ch["criterion"] == cid]
        cap_text = t["evidence_count"].format(n=len(evidence))
        if claimed is not None:
            cap = scheme.evidence_cap(len(evidence))
            if cap < claimed:
                need = scheme.evidence_needed(claimed) - len(evidence)
                cap_text = t["evidence_capped"].format(n=len(evidence), cap=cap, need=need, level=claimed)
        note = list(notes)
        if added:
            note.append(t["evidence_added"].format(items=("、" if not en else ", ").join(added)))
        level = f"L{claimed}" if claimed is not None else "—"
        name = c.name_en if en else c.name
        return t["readback_row"].format(cid=cid, name=name, value=value, level=level, cap=cap_text,
                                        note=("；" if not en else "; ").join(note) or "—")

    # --- grade words

    def grade_lines(self, result: GradeResult, state: ConversationState, t: dict, lang: str, *, full: bool) -> list[str]:
        scheme = result.scheme_model
        prov = t["provisional"] if result.provisional else ""
        fields = {"scheme": result.scheme, "grade": result.grade, "grade_en": result.grade_id, "provisional": prov,
                  "overall": _score(result.overall), "rule": result.decided_by}
        if not full:
            return [t["grade_short"].format(**fields)]
        if lang == "zh":
            explanation = list(result.explanation)
            if result.gap is not None:
                explanation = explanation[:-1]  # the gap sentence: the gap intent shows it in full
            out = [t["grade_line"].format(**fields)] + [f"- {s}" for s in explanation]
        else:
            out = [t["grade_line"].format(**fields) + " " + self.english_reason(result, scheme, t)]
            if result.vetoes:
                out.append("Vetoes: " + ", ".join(v.id for v in result.vetoes) + ".")
            if result.provisional:
                out.append(t["provisional_why"].format(n=len(result.missing)))
        return out

    def english_reason(self, result: GradeResult, scheme: Scheme, t: dict) -> str:
        rc = next(r for r in result.trace if r.id == result.decided_by)
        reasons = t["rule_reasons"]
        if not rc.conditions:
            return f"Why: {reasons['otherwise']}."
        parts = []
        for ch in rc.conditions:
            if rc.match == "any" and not ch.holds:
                continue
            dims = ", ".join(f"{d} {scheme.dimensions[d].name_en}" for d in ch.dimensions)
            dim = f"{ch.dimension} {scheme.dimensions[ch.dimension].name_en}" if ch.dimension else ""
            parts.append(reasons[ch.kind].format(
                vetoes=", ".join(v.id for v in result.vetoes), overall=_score(result.overall),
                value=format_number(ch.value) if ch.value is not None else "", dimensions=dims, dimension=dim))
        return "Why: " + "; ".join(parts) + "."

    def next_question_line(self, result: GradeResult, state: ConversationState, t: dict, lang: str) -> str | None:
        nq = tools.next_question(result, state, tools.guidance(self.settings).catalogue)
        state.asked = nq.criterion if nq else None
        if nq is None:
            return None
        scheme = result.scheme_model
        c = scheme.criteria[nq.criterion]
        kind, _, arg = nq.reason.partition(":")
        if kind == "veto":
            why = t["why_veto"].format(veto=arg)
        else:
            dname = scheme.dimensions[arg].name_en if lang == "en" else scheme.dimensions[arg].name
            why = t[f"why_{kind}"].format(dimension=f"{arg} {dname}")
        example = t["next_question_example"].format(example=nq.example) if nq.example else ""
        key = "next_question_kpi" if nq.kpi else "next_question_declared"
        line = t[key].format(cid=nq.criterion, name=c.name, name_en=c.name_en, unit=nq.unit, example=example, why=why)
        if nq.kpi:
            return line
        # Nobody can answer "L0–L5" without the descriptors: offer the criterion's own, to choose by number.
        entry = tools.guidance(self.settings).catalogue.get(nq.criterion)
        if entry is None:
            return line
        choices = [t["level_choice"].format(n=n, name=scheme.level_name(n), text=entry.levels[f"L{n}"])
                   for n in range(scheme.max_level + 1)]
        return "\n".join([line, t["level_choices_head"], *choices])

    # --- intents

    @answers("update_assessment")
    def _update_assessment(self, route, state, message, t, lines, changes) -> Reply:
        if not changes:
            if not lines:
                lines.append(t["nothing_understood"])
            return Reply(intent="update_assessment", answer="\n".join(lines))
        return self._graded("update_assessment", route, state, t, lines, None, full=False)

    @answers("grade")
    def _grade(self, route, state, message, t, lines, changes) -> Reply:
        return self._graded("grade", route, state, t, lines, route.target, full=True)

    def _graded(self, intent: str, route, state, t, lines, target: str | None, *, full: bool) -> Reply:
        """The grade (in full or in a line), then while it is provisional the next question worth asking."""
        result = tools.grade_now(state, target)
        lines += self.grade_lines(result, state, t, route.language, full=full)
        if result.provisional:
            nq = self.next_question_line(result, state, t, route.language)
            if nq:
                lines.append(nq)
        return Reply(intent=intent, answer="\n".join(lines), grade=state.grade)

    @answers("gap")
    def _gap(self, route, state, message, t, lines, changes) -> Reply:
        result = tools.grade_now(state, route.target)
        scheme = result.scheme_model
        gap = result.gap
        en = route.language == "en"
        lines += self.grade_lines(result, state, t, route.language, full=False)
        target_name = route.target or (gap.target_name if gap else result.grade)
        target_en = scheme.grade(scheme.grade_id(target_name)).id
        if gap is None or gap.empty:
            lines.append(t["gap_none"].format(target=target_en if en else target_name))
            return Reply(intent="gap", answer="\n".join(lines), grade=state.grade)
        lines.append(t["gap_intro"].format(grade=result.grade, grade_en=result.grade_id, target=gap.target_name,
                                           target_en=gap.target))
        if gap.steps:
            after = f"{gap.overall_after:.1f}" if gap.overall_after is not None else "—"
            lines.append(t["gap_summary"].format(steps=gap.steps, overall=after))
        if gap.changes:
            lines.append(t["gap_table_head"])
            for ch in gap.changes:
                c = scheme.criteria[ch.criterion]
                kpi = "—"
                if ch.kpi is not None:
                    kpi = f"{'≥' if c.direction == 'higher' else '≤'}{format_number(ch.kpi)}{c.unit_symbol}"
                lines.append(t["gap_row"].format(cid=ch.criterion, name=c.name, name_en=c.name_en, kpi=kpi,
                                                 evidence=ch.evidence_needed, **{"from": ch.from_level, "to": ch.to_level}))
        if gap.close_findings:
            lines.append(t["gap_findings"].format(items="、".join(gap.close_findings)))
        if gap.clear:
            lines.append(t["gap_clear"].format(items="、".join(gap.clear)))
        if result.provisional:
            lines.append(t["gap_provisional"].format(n=len(result.missing)))
        return Reply(intent="gap", answer="\n".join(lines), grade=state.grade)

    @answers("plan")
    def _plan(self, route, state, message, t, lines, changes) -> Reply:
        plan = state.draft_plan(self.settings, route.target)
        tools.persist_plan(state, self.settings)
        lines += self.plan_lines(plan, state, t, route.language)
        if state.redraft and (state.redraft["kept"] or state.redraft["added"] or state.redraft["dropped"]):
            sep = ", " if route.language == "en" else "、"
            lines.append(t["redraft"].format(kept=len(state.redraft["kept"]), added=sep.join(state.redraft["added"]) or "—",
                                             dropped=sep.join(state.redraft["dropped"]) or "—"))
        return Reply(intent="plan", answer="\n".join(lines), plan=plan.to_contract())

    def plan_lines(self, plan: Plan, state: ConversationState, t: dict, lang: str) -> list[str]:
        target_en = plan.target_en
        if not plan.items:
            return [t["plan_empty"].format(target=plan.target, target_en=target_en)]
        saved = t["plan_saved"].format(id=state.plan_id) if state.plan_id else ""
        out = [t["plan_intro"].format(target=plan.target, target_en=target_en, date=plan.plan_date.isoformat(),
                                      n=len(plan.items), saved=saved), t["plan_table_head"]]
        for i in plan.items:
            deadline = i.deadline.isoformat() + ("（已逾期）" if i.overdue and lang == "zh" else " (overdue)" if i.overdue else "")
            out.append(t["plan_row"].format(no=i.no, subject=i.subject, problem=_cut(i.problem), action=_cut(i.action),
                                            owner=i.owner, deadline=deadline, target=_cut(i.target, 32)))
        out.append(t["plan_tail"])
        return out

    @answers("plan_edit")
    def _plan_edit(self, route, state, message, t, lines, changes) -> Reply:
        if state.plan is None:
            return Reply(intent="plan_edit", answer=t["no_plan"])
        plan = state.current_plan()
        assert plan is not None and route.edit is not None
        if route.edit.item == 0:  # no item named
            if len(plan.items) != 1:
                items = "；".join(f"第{i.no}项 {i.subject}" for i in plan.items[:8])
                return Reply(intent="plan_edit", answer=t["which_item"].format(n=len(plan.items), items=items))
            route.edit.item = 1
        result = tools.edit_plan(state, route.edit)
        if result is None:
            return Reply(intent="plan_edit", answer=t["no_item"].format(n=len(plan.items), no=route.edit.item))
        sep = "; " if route.language == "en" else "；"
        closed = None
        if result.done:
            said = sep.join(t[f"edit_{f}"].format(before=b, after=a) for f, b, a in result.done)
            closed = tools.persist_plan(state, self.settings, result)
            version = t["plan_version"].format(id=state.plan_id) if state.plan_id else ""
            lines.append(t["edit_done"].format(no=result.no, subject=result.subject, changes=said) + version)
        for r in result.refused:
            key = {"late": "edit_refused", "early": "edit_too_early", "role": "edit_owner_refused"}[r.kind]
            lines.append(t[key].format(no=result.no, wanted=r.wanted, latest=r.bound, rule=r.rule))
        plan = state.current_plan()
        assert plan is not None
        if not result.done and not result.refused:
            lines.append(t["edit_nothing"].format(no=result.no))
        if closed is None and any(f == "status" for f, _, _ in result.done):
            closed = state.close_finding_of(plan.item(result.no))  # a plan not in the store: closed here
        grade = None
        if closed is not None:
            # Closing a finding's item closes the finding in the assessment and grades again.
            now = tools.grade_now(state)
            grade = now.to_contract()
            lines.append(t["finding_closed_regraded"].format(id=closed, grade=now.grade, grade_en=now.grade_id,
                                                             overall=_score(now.overall)))
            changes = [{"kind": "finding_closed", "criterion": plan.item(result.no).criterion, "value": closed}]
        return Reply(intent="plan_edit", answer="\n".join(lines), plan=plan.to_contract() if result.done else None,
                     grade=grade, changes=changes if closed is not None else [])

    @answers("cases")
    def _cases(self, route, state, message, t, lines, changes) -> Reply:
        scheme = tools.scheme_of(state)
        en = route.language == "en"
        cid = self.case_topic(route, state)
        query = message
        if cid:
            c = scheme.criteria[cid]
            entry = state.assessment.get("criteria", {}).get(cid, {})
            said = f"{format_number(entry['kpi'])}{c.unit_symbol}" if entry.get("kpi") is not None else ""
            texts = [f["text"] for f in state.assessment.get("findings", []) if f["criterion"] == cid and f.get("text")]
            query = " ".join([c.name + said, *texts, message])
        hits = tools.similar_cases(query, self.settings, criterion=cid)
        if not hits and cid:
            hits = tools.similar_cases(query, self.settings)
        if not hits:
            lines.append(t["cases_none"])
            return Reply(intent="cases", answer="\n".join(lines))
        topic = f"{cid} {scheme.criteria[cid].name_en if en else scheme.criteria[cid].name}" if cid else t["cases_topic_default"]
        lines.append(t["cases_intro"].format(topic=topic))
        past = tools.guidance(self.settings).past
        for n, h in enumerate(hits, 1):
            pf = past.get(h.locator)
            if pf is None:
                lines.append(f"[{n}] {h.locator}：{_cut(h.text, 160)}")
                continue
            c = scheme.criteria[pf.criterion]
            lines.append(t["case_item"].format(n=n, id=pf.id, industry=pf.industry, severity=t["severity_names"][pf.severity],
                                               cid=pf.criterion, name=c.name, name_en=c.name_en, finding=_cut(pf.finding, 140),
                                               action=_cut(pf.action, 120), outcome=_cut(pf.outcome, 100)))
        return Reply(intent="cases", answer="\n".join(lines), citations=[h.citation() for h in hits], covered=True)

    def case_topic(self, route: Route, state: ConversationState) -> str | None:
        """The criterion to find cases about: named in the message, else the last talked about, else the first gap."""
        if route.extraction.mentioned:
            return route.extraction.mentioned[0]
        if state.focus:
            return state.focus[-1]
        gap = (state.grade or {}).get("gap") or {}
        changes = gap.get("changes") or []
        return changes[0]["criterion"] if changes else None

    @answers("refuse_override")
    def _refuse_override(self, route, state, message, t, lines, changes) -> Reply:
        result = tools.grade_now(state)
        prov = t["provisional"] if result.provisional else ""
        lines.append(t["override"].format(scheme=result.scheme, grade=result.grade, grade_en=result.grade_id,
                                          provisional=prov, overall=_score(result.overall), rule=result.decided_by))
        return Reply(intent="refuse_override", answer="\n".join(lines), grade=state.grade)

    @answers("undo")
    def _undo(self, route, state, message, t, lines, changes) -> Reply:
        if not state.undo_last():
            return Reply(intent="undo", answer=t["undo_nothing"])
        lines.append(t["undo_done"])
        result = tools.grade_now(state)
        lines += self.grade_lines(result, state, t, route.language, full=False)
        return Reply(intent="undo", answer="\n".join(lines), grade=state.grade)

    @answers("whatif")
    def _whatif(self, route, state, message, t, lines, changes) -> Reply:
        """The grade of a copy of the assessment with the supposed facts; the real one is left as it is, except for
        what the message states as true beside the supposition ("现在是8小时，如果降到2小时…"), recorded as usual."""
        stated = route.extraction.stated
        if stated is not None and stated.anything:
            done, problems = state.apply(stated)
            lines += self.said_back(done, problems, Route(route.intent, route.language, stated), state, t)
        trial = ConversationState(assessment=copy.deepcopy(state.assessment), language=state.language)
        trial_changes, problems = trial.apply(route.extraction)
        now = tools.grade_now(state, route.target)
        if not trial_changes:
            lines += self.said_back([], problems, route, trial, t)
            lines.append(t["whatif_nothing"])
            return Reply(intent="whatif", answer="\n".join(lines), grade=state.grade)
        result = trial.grade_result(route.target)
        rows = self.said_back(trial_changes, problems, route, trial, t)
        prov = t["provisional"] if result.provisional else ""
        lines.append(t["whatif_intro"])
        lines += rows[1:] if rows and rows[0] == t["understood_table"] else rows
        lines.append(t["whatif_grade"].format(grade=result.grade, grade_en=result.grade_id, provisional=prov,
                                              overall=_score(result.overall), rule=result.decided_by,
                                              now=now.grade, now_en=now.grade_id, now_overall=_score(now.overall)))
        return Reply(intent="whatif", answer="\n".join(lines), grade=state.grade)

    @answers("export")
    def _export(self, route, state, message, t, lines, changes) -> Reply:
        """The plan as files (drafted first when there is none yet): their paths, which the UI offers to download."""
        from assistant.plans import export

        plan = state.current_plan()
        if plan is None or state.plan_stale:
            plan = state.draft_plan(self.settings, route.target)
            tools.persist_plan(state, self.settings)
            lines.append(t["export_drafted"].format(n=len(plan.items), target=plan.target, target_en=plan.target_en))
        folder = self.settings.data_dir / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"整改计划-{state.plan_id or 'chat'}-{plan.plan_date.isoformat()}"
        written = []
        for fmt in route.formats or ("xlsx",):
            written.append(str(export.export(plan, fmt, folder / f"{stem}.{fmt}")))
        lines.append(t["export_done"].format(files="\n".join(f"- {p}" for p in written)))
        return Reply(intent="export", answer="\n".join(lines), plan=plan.to_contract(), files=written)

    @answers("help")
    def _help(self, route, state, message, t, lines, changes) -> Reply:
        return Reply(intent="help", answer="\n".join([*lines, t["help"]]))

    @answers("question")
    def _question(self, route, state, message, t, lines, changes) -> Reply:
        hits = search(message, settings=self.settings)
        if not is_covered(hits, self.settings, message):
            return self._out_of_scope(route, state, message, t, lines, changes)
        ans = compose(message, hits, self.settings)
        lines.append(ans.answer)
        return Reply(intent="question", answer="\n".join(lines), citations=ans.citations, covered=True)

    @answers("out_of_scope")
    def _out_of_scope(self, route, state, message, t, lines, changes) -> Reply:
        return Reply(intent="out_of_scope", answer="\n".join([*lines, t["out_of_scope"]]), covered=False)


_unanswered = set(INTENTS) - set(ANSWERS)
if _unanswered:  # an intent registered without its offline answer would fail on its first turn: fail at import
    raise RuntimeError(f"intents without an offline answer: {', '.join(sorted(_unanswered))}")
