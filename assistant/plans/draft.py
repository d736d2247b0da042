"""Drafting a rectification plan: one item per gap criterion, open finding and veto declaration, deterministically.

Root causes and actions come from the criteria catalogue (knowledge/criteria/) and from the most similar past
findings the index retrieves (their IDs are cited in the item's `references`). Retrieval is an enrichment: with
no index the plan is drafted from the catalogue alone. The same assessment, target, plan date, knowledge files
and index give the same plan, byte for byte.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import yaml

from assistant.knowledge import CatalogueEntry, PastFinding, load_catalogue, load_findings
from assistant.plans.calendar import add_months, next_surveillance
from assistant.plans.models import GradeSummary, Plan, PlanItem, revalidate
from assistant.rules import Assessment, Scheme, grade, load_scheme
from assistant.rules.assessment import Finding
from assistant.rules.engine import GapChange, GradeResult, claimed_level
from assistant.rules.scheme import Criterion, format_number
from assistant.settings import Settings, get_settings

# A past finding's root cause is preferred over the catalogue's when at least this share of the words of the
# assessment's finding text (at least MIN_SHARED of them) also occur in the past finding's text.
SIMILAR_SHARE = 0.5
MIN_SHARED = 2
RETRIEVE_K = 3
# Past findings imported without a cause or action carry these placeholders (assistant/findings.py).
_NOT_RECORDED = ("未记录",)
# An imported finding is untrusted text: one whose wording carries shell, code or template syntax, a spreadsheet
# formula or an instruction to the assistant is still cited in `references`, but its cause is never copied into
# a plan (evals/safety_cases.jsonl s12: "$(touch …)" in the cause of the most similar finding).
_UNTRUSTED = re.compile(
    r"\$\(|\$\{|`|__import__|\bos\.system|\bsubprocess\b|\beval\(|\bexec\(|\{\{|\{%|<\s*script|^\s*[=@+]"
    r"|ignore (?:all|any|previous|the above)|忽略(?:所有|以上|之前|上述)",
    re.IGNORECASE | re.MULTILINE,
)

DECLARATIONS_FILE = Path("plans") / "declarations.yaml"  # under knowledge_dir


def _untrusted(pf: PastFinding) -> bool:
    return any(_UNTRUSTED.search(text or "") for text in (pf.finding, pf.root_cause, pf.action, pf.outcome))


class SimilarFindings(Protocol):
    """IDs of the past findings most similar to `query` about `criterion`, best first."""

    def __call__(self, query: str, criterion: str, k: int) -> list[str]: ...


@dataclass(frozen=True)
class Guidance:
    """What drafting reads besides the assessment: the catalogue, the past findings, the declaration items."""

    catalogue: dict[str, CatalogueEntry]
    past: dict[str, PastFinding]
    declarations: dict[str, dict[str, str]]

    @classmethod
    def load(cls, settings: Settings | None = None) -> Guidance:
        settings = settings or get_settings()
        kd = settings.knowledge_dir
        past = load_findings(kd / "findings" / "findings.jsonl") + load_findings(settings.imported_findings)
        return cls(load_catalogue(kd / "criteria"), {f.id: f for f in past}, _declarations(kd / DECLARATIONS_FILE))


@lru_cache(maxsize=4)
def _declarations(path: Path) -> dict[str, dict[str, str]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def index_similar(settings: Settings | None = None) -> SimilarFindings:
    """Similar past findings from the hybrid index (built on first use)."""
    from assistant.retrieval.hybrid import search
    from assistant.retrieval.ingest import ensure_index
    from assistant.retrieval.store import Index

    settings = settings or get_settings()
    ensure_index(settings)
    index = Index.open(settings)

    def similar(query: str, criterion: str, k: int) -> list[str]:
        hits = search(query, k=k, filters={"source": "findings", "criterion": criterion}, settings=settings, index=index)
        return [h.locator for h in hits]

    return similar


def try_index_similar(settings: Settings | None = None, warn: Callable[[str], None] | None = None) -> SimilarFindings | None:
    """`index_similar`, or None with a warning when the index cannot be built or opened (drafting goes on)."""
    try:
        return index_similar(settings)
    except Exception as exc:  # any failure of the enrichment must not stop a plan
        (warn or (lambda m: print(m, file=sys.stderr)))(
            f"提示 note: 检索索引不可用，整改计划仅依据条款指导目录起草（{type(exc).__name__}: {exc}）"
        )
        return None


# --- words ---------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    """Content words for overlap: jieba search tokens of two or more characters, and numbers."""
    from assistant.text import tokens

    return frozenset(t for t in tokens(text) if len(t) >= 2 or t.isdigit())


def _shared(a: str, b: str) -> int:
    return len(_words(a) & _words(b))


def _best(options: list[str], against: str) -> int:
    """Index of the option sharing most words with `against`; the earliest on a tie (catalogue order)."""
    scores = [_shared(o, against) for o in options]
    return max(range(len(options)), key=lambda i: (scores[i], -i))


def default_target(result: GradeResult, scheme: Scheme) -> str:
    """The next grade up; at the top grade, the top grade itself (the plan then keeps it)."""
    rank = scheme.grade_rank(result.grade_id)
    return scheme.grades[min(rank + 1, len(scheme.grades) - 1)].id


def plan_date_for(assessment: Assessment, given: date | None = None) -> date:
    """--date, else the assessment's `assessed_on`, else today."""
    return given or assessment.assessed_on or date.today()


# --- the drafter -------------------------------------------------------------------------


class _RetrievalFailed(Exception):
    """Looking up similar past findings failed part-way through a plan."""


@dataclass
class _Cause:
    text: str
    category: str
    reference: str | None  # the past finding it came from


class Drafter:
    """Builds the items of one plan; `draft_plan` is the entry point."""

    def __init__(self, assessment: Assessment, scheme: Scheme, result: GradeResult, target: str, plan_date: date,
                 guidance: Guidance, similar: SimilarFindings | None, certified_on: date | None) -> None:
        self.a = assessment
        self.scheme = scheme
        self.result = result
        self.target = target
        self.target_name = scheme.grade(target).name
        self.plan_date = plan_date
        self.g = guidance
        self.similar = similar
        self.certified_on = certified_on
        self.gap = result.gap
        self.gap_levels = {c.criterion: c.to_level for c in (self.gap.changes if self.gap else ())}

    # --- shared pieces

    def owner(self, cid: str) -> str:
        entry = self.g.catalogue.get(cid)
        return (entry.owner if entry and entry.owner else None) or self.scheme.dimensions[self.scheme.criteria[cid].dimension].owner

    def level_text(self, level: int) -> str:
        return f"L{level} {self.scheme.level_name(level)}"

    def kpi_text(self, c: Criterion, value: float | None) -> str:
        unit = c.unit_symbol
        return f"{format_number(value)}{unit if unit == '%' else ' ' + unit}" if value is not None else "—"

    def kpi_goal(self, c: Criterion, level: int) -> str | None:
        """`客户诉求首次响应时间 ≤ 4 小时` for the KPI value that reaches `level`; None without one."""
        value = c.kpi_for_level(level)
        if value is None:
            return None
        op = "≥" if c.direction == "higher" else "≤"
        return f"{c.name} {op} {self.kpi_text(c, float(value))}"

    def evidence_examples(self, cid: str, count: int) -> list[str]:
        entry = self.g.catalogue.get(cid)
        have = set(self.a.criteria[cid].evidence) if cid in self.a.criteria else set()
        return [e for e in (entry.evidence_examples if entry else []) if e not in have][:max(count, 0)]

    def references(self, query: str, cid: str) -> list[str]:
        if self.similar is None or not query.strip():
            return []
        try:
            return list(dict.fromkeys(self.similar(query, cid, RETRIEVE_K)))
        except Exception as exc:  # the enrichment failed: draft_plan starts again from the catalogue alone
            raise _RetrievalFailed(exc) from exc

    def cause(self, cid: str, text: str, refs: list[str], similar_to: str | None) -> _Cause:
        """A past finding's cause when `similar_to` (a finding's text) is like that finding's; otherwise the
        catalogue cause sharing most words with `text` (catalogue order breaks ties)."""
        if similar_to:
            mine = _words(similar_to)
            best: tuple[float, int, PastFinding] | None = None
            for rank, fid in enumerate(refs):
                pf = self.g.past.get(fid)
                if pf is None or any(m in pf.root_cause for m in _NOT_RECORDED) or _untrusted(pf):
                    continue
                shared = len(mine & _words(pf.finding))
                share = shared / len(mine) if mine else 0.0
                if shared >= MIN_SHARED and share >= SIMILAR_SHARE and (best is None or share > best[0]):
                    best = (share, rank, pf)
            if best is not None:
                pf = best[2]
                return _Cause(f"{pf.root_cause.rstrip('。')}（参考同类审核发现{pf.id}）", pf.category, pf.id)
        entry = self.g.catalogue.get(cid)
        if entry is None:
            return _Cause(f"{self.scheme.criteria[cid].name}缺少成文的要求和执行记录", "法", None)
        causes = [r.cause for r in entry.root_causes]
        i = _best(causes, text)
        return _Cause(entry.root_causes[i].cause, entry.root_causes[i].category, None)

    def catalogue_action(self, cid: str, against: str) -> str:
        entry = self.g.catalogue.get(cid)
        if entry is None:
            return f"制定{self.scheme.criteria[cid].name}的书面要求，明确责任人和记录格式，每月检查执行记录"
        return entry.actions[_best(entry.actions, against)].rstrip("。")

    def gap_deadline(self) -> tuple[date, date, str]:
        """(deadline, latest allowed, rule) of a gap or declaration item."""
        days = self.scheme.plan.gap_item_days
        default = self.plan_date + timedelta(days=days)
        rule = f"差距条款：计划日期起{days}天"
        latest = default
        if self.a.next_audit is not None and self.scheme.plan.not_after_next_audit:
            latest = self.a.next_audit
            rule += f"，且不晚于下次审核（{self.a.next_audit.isoformat()}）"
            if default > latest:
                default = latest
        return default, latest, rule

    def finding_deadline(self, f: Finding) -> tuple[date, str]:
        sev = self.scheme.severities[f.severity]
        start = f.raised_on or self.a.assessed_on or self.plan_date
        start_name = "提出" if f.raised_on else ("评估日" if self.a.assessed_on else "计划日期")
        if sev.due_days is not None:
            return start + timedelta(days=sev.due_days), f"{sev.name}：自{start.isoformat()}（{start_name}）起{sev.due_days}天"
        # Next surveillance audit: the assessment's next_audit when given; else, from a known certification
        # date, the first surveillance audit after the finding; else one surveillance interval after the plan date.
        if self.a.next_audit is not None:
            return self.a.next_audit, f"{sev.name}：下次监督审核（{self.a.next_audit.isoformat()}）前"
        months = self.scheme.certification.surveillance_months
        if self.certified_on is not None:
            due = next_surveillance(self.certified_on, f.raised_on or self.plan_date, self.scheme)
            return due, f"{sev.name}：下次监督审核（{due.isoformat()}，按认证日期{self.certified_on.isoformat()}推算）前"
        due = add_months(self.plan_date, months)
        return due, f"{sev.name}：下次监督审核前（未给出下次审核日期，按计划日期起{months}个月估算）"

    # --- items

    def finding_item(self, f: Finding) -> dict:
        scheme, c = self.scheme, self.scheme.criteria[f.criterion]
        sev = scheme.severities[f.severity]
        entry = self.g.catalogue.get(f.criterion)
        raised = f"，{f.raised_on.isoformat()}提出" if f.raised_on else ""
        text = f.text.strip()
        problem = f"{f.id}（{sev.name}{raised}，{f.criterion} {c.name}）：" + (text or "审核发现未记录具体描述")
        query = text or (entry.levels[f"L{self.result.criteria[f.criterion].effective}"] if entry else c.name)
        refs = self.references(f"{c.name}：{query}", f.criterion)
        cause = self.cause(f.criterion, query, refs, text or None)
        action = self.catalogue_action(f.criterion, f"{query} {cause.text}")
        examples = self.evidence_examples(f.criterion, 1)
        proof = f"（如{examples[0]}）" if examples else ""
        action += f"；在整改期限内向认证机构提交{f.id}的原因分析、纠正措施实施记录和效果证据{proof}"
        deadline, rule = self.finding_deadline(f)
        level = max(self.result.criteria[f.criterion].effective, self.gap_levels.get(f.criterion, 0),
                    min(c.thresholds) if c.is_kpi else 1)
        goal = self.kpi_goal(c, level) if c.is_kpi else None
        target = f"{f.id}按期关闭；" + (goal or f"{f.criterion} {c.name}不低于{self.level_text(level)}")
        verification = f"{sev.verification}：整改完成后提交{f.id}的原因分析、纠正措施实施记录和效果证据，由认证机构通过{sev.verification}确认关闭"
        return dict(kind="finding", criterion=f.criterion, criterion_name=c.name, finding=f.id, severity=f.severity,
                    problem=problem, root_cause=cause.text, category=cause.category, action=action,
                    owner=self.owner(f.criterion), deadline=deadline, latest_deadline=deadline, deadline_rule=rule,
                    target=target, verification=verification, references=refs, raised_on=f.raised_on)

    def declaration_item(self, key: str) -> dict:
        veto = next(v for v in self.scheme.vetoes.values() if v.trigger.declaration == key)
        guide = self.g.declarations.get(key)
        name = self.scheme.declarations[key].name
        fill = {"veto": veto.id, "veto_name": veto.name, "declaration": key, "name": name}
        if guide is None:  # a declaration a newer scheme added without guidance: say what is known
            guide = {"dimension": "D5", "problem": "{veto} {veto_name}：{name}（一票否决）",
                     "root_cause": "相关管理要求和责任分工不明确，问题未按程序处置和关闭", "category": "法",
                     "action": "查明{name}的事实和原因，形成书面报告并完成纠正，经管理评审确认后向认证机构提交证据",
                     "target": "{veto}否决解除", "verification": "文件审查：认证机构核查纠正证据后解除{veto}"}
        deadline, latest, rule = self.gap_deadline()
        return dict(kind="declaration", veto=veto.id, declaration=key,
                    problem=guide["problem"].format(**fill), root_cause=guide["root_cause"].format(**fill),
                    category=guide["category"], action=guide["action"].format(**fill),
                    owner=self.scheme.dimensions[guide.get("dimension", "D5")].owner,
                    deadline=deadline, latest_deadline=latest, deadline_rule=rule.replace("差距条款", "否决项声明"),
                    target=guide["target"].format(**fill), verification=guide["verification"].format(**fill))

    def gap_item(self, ch: GapChange) -> dict:
        cid = ch.criterion
        c = self.scheme.criteria[cid]
        entry = self.g.catalogue.get(cid)
        r = self.result.criteria[cid]
        given = self.a.criteria.get(cid)
        claimed, _ = claimed_level(c, given)
        evidence = list(given.evidence) if given else []
        to = ch.to_level
        goal = self.kpi_goal(c, to) if c.is_kpi else None
        need_ev = ch.evidence_needed

        # The problem as the assessment states it.
        if r.missing:
            now = "评估未覆盖该条款（按L0计，评级为暂定）"
        elif c.is_kpi and r.kpi is not None:
            now = f"当前测得{self.kpi_text(c, r.kpi)}，对应{self.level_text(r.kpi_level or 0)}"
        elif c.is_kpi:
            now = f"未提供KPI测量值，按申报{self.level_text(claimed)}计"
        else:
            now = f"申报{self.level_text(claimed)}"
        if not r.missing:
            listed = "、".join(evidence)
            now += f"，证据{len(evidence)}项" + (f"（{listed}）" if listed else "")
            if r.capped:
                now += f"，按证据上限计为{self.level_text(r.effective)}"
            elif claimed != r.effective:
                now += f"，有效等级{self.level_text(r.effective)}"
        need = f"达到{self.target_name}需提升至{self.level_text(to)}" + (f"（{goal.split(' ', 1)[1]}）" if goal else "")
        vetoes = [v.id for v in self.result.vetoes if self.scheme.vetoes[v.id].trigger.criterion == cid]
        related = [f.id for f in self.a.open_findings() if f.criterion == cid]
        problem = f"{cid} {c.name}：{now}；{need}"
        if vetoes:
            problem += f"；触发否决项{'、'.join(vetoes)}"
        if related:
            problem += f"；相关审核发现{'、'.join(related)}"

        target_desc = entry.levels[f"L{to}"] if entry else ""
        current_desc = entry.levels[f"L{r.effective}"] if entry else ""
        refs = self.references(f"{c.name}：{current_desc or now}", cid)
        examples = self.evidence_examples(cid, max(need_ev - len(evidence), 2))
        shown = "；".join(examples[:2])
        proof = f"至少{need_ev}项证据" if need_ev else "证据"
        only_evidence = not r.missing and claimed >= to  # the level is there; the evidence is not
        if only_evidence:
            cause = _Cause(
                f"现有证据仅{len(evidence)}项，评分规则要求至少{need_ev}项证据才能认定{self.level_text(to)}；"
                "证据未按条款要求收集归档", "测", None)
            action = (f"补充提交{c.name}的证据至少{need_ev - len(evidence)}项" + (f"，如{shown}" if shown else "")
                      + "；每项证据注明来源和统计期，由责任人签字确认后归档")
        else:
            cause = self.cause(cid, f"{now} {target_desc}", refs, None)
            if r.missing:
                cause = _Cause(f"未对该条款开展自评并保存证据，现状无法证实；若自评低于{self.level_text(to)}，"
                               f"常见原因是：{cause.text}", "测" if c.is_kpi else cause.category, cause.reference)
            action = self.catalogue_action(cid, f"{cause.text} {target_desc}")
            if r.missing:
                measure = f"按指标口径统计{c.name}并" if c.is_kpi else ""
                action = (f"{measure}开展自评，提交{proof}" + (f"（如{shown}）" if shown else "")
                          + f"；自评低于{self.level_text(to)}时：{action}")
            elif goal:
                action += f"；整改后按指标口径重新统计，{goal}"
            elif need_ev:
                action += f"；按{self.level_text(to)}的要求形成并保存至少{need_ev}项证据" + (f"（如{shown}）" if shown else "")
            elif examples:
                action += f"；保留{examples[0]}作为证据"
        evidence_clause = f"，并提供至少{need_ev}项证据" if need_ev else ""
        if goal:
            target = f"{goal}（{self.level_text(to)}）{evidence_clause}"
            verification = f"按指标口径重新统计{c.name}，复核数据来源和{proof}，并按评分规则重新评级（目标{self.level_text(to)}）"
        else:
            target = f"达到{self.level_text(to)}{evidence_clause}"
            verification = f"复核{cid} {c.name}的{proof}，对照{self.level_text(to)}的等级描述，并按评分规则重新评级"
        deadline, latest, rule = self.gap_deadline()
        return dict(kind="gap", criterion=cid, criterion_name=c.name, problem=problem, root_cause=cause.text,
                    category=cause.category, action=action, owner=self.owner(cid), deadline=deadline,
                    latest_deadline=latest, deadline_rule=rule, target=target, verification=verification,
                    references=refs, from_level=ch.from_level, to_level=to, kpi=ch.kpi, evidence_needed=need_ev)

    def items(self) -> list[PlanItem]:
        sev_rank = {s: i for i, s in enumerate(self.scheme.severities)}
        findings = sorted(enumerate(f for f in self.a.open_findings() if f.criterion is not None),
                          key=lambda p: (sev_rank[p[1].severity], p[0]))
        raw = [self.finding_item(f) for _, f in findings]
        if self.gap is not None:
            raw += [self.declaration_item(k) for k in self.gap.clear]
            raw += [self.gap_item(ch) for ch in self.gap.changes]
        out = []
        for no, data in enumerate(raw, 1):
            out.append(PlanItem(no=no, status="open", overdue=data["deadline"] < self.plan_date, **data))
        return out


def summarize(result: GradeResult, scheme: Scheme) -> GradeSummary:
    return GradeSummary(
        grade=result.grade, grade_en=result.grade_id, decided_by=result.decided_by, overall=result.overall,
        provisional=result.provisional, dimensions={d: r.score for d, r in result.dimensions.items()},
        dimension_names={d: scheme.dimensions[d].name for d in result.dimensions},
        vetoes=[v.id for v in result.vetoes], missing=list(result.missing), explanation=list(result.explanation),
    )


def draft_plan(
    assessment: Assessment,
    *,
    scheme: Scheme | None = None,
    target: str | None = None,
    plan_date: date | None = None,
    guidance: Guidance | None = None,
    similar: SimilarFindings | None = None,
    certified_on: date | None = None,
    warn: Callable[[str], None] | None = None,
    graded: Callable[[str | None], GradeResult] | None = None,
) -> Plan:
    """The rectification plan of `assessment` for `target` (合格/优秀 or pass/excellent; default the next grade up).

    `similar` finds past findings like an item's problem; when it fails, the plan is drafted from the catalogue
    alone and `warn` (default: standard error) says so. `graded(target)` is the assessment's grade for a target
    when the caller keeps it already (a conversation's case grades once per change); default: the engine.

    >>> from assistant.rules import validate_assessment
    >>> a = validate_assessment({"assessed_on": "2026-11-01", "criteria": {"D5.1": {"level": 2, "evidence": ["组织架构图"]}}})
    >>> plan = draft_plan(a)
    >>> plan.target, plan.items[0].deadline.isoformat()
    ('合格', '2027-01-30')
    """
    scheme = scheme or load_scheme(assessment.scheme)
    graded = graded or (lambda t: grade(assessment, scheme, target=t))
    first = graded(None) if not target else None
    target_id = scheme.grade_id(target) if target else default_target(first, scheme)  # type: ignore[arg-type]
    # The grade without a target works its gap out to the next grade up: the plan's default target but at the top.
    result = first if first is not None and first.gap_target == target_id else graded(target_id)
    day = plan_date_for(assessment, plan_date)
    guidance = guidance or Guidance.load()
    drafter = Drafter(assessment, scheme, result, target_id, day, guidance, similar, certified_on)
    try:
        items = drafter.items()
    except _RetrievalFailed as failed:
        exc = failed.__cause__
        (warn or (lambda m: print(m, file=sys.stderr)))(
            f"提示 note: 检索相似审核发现失败，整改计划仅依据条款指导目录起草（{type(exc).__name__}: {exc}）"
        )
        drafter = Drafter(assessment, scheme, result, target_id, day, guidance, None, certified_on)
        items = drafter.items()
    warnings = []
    if result.gap is not None and not result.gap.reachable:
        warnings.append(f"按当前方案，即使所有条款达到最高等级也无法达到{drafter.target_name}；计划列出可做的全部提升。")
    for f in assessment.open_findings():
        if f.criterion is None:  # no clause, no owner, root cause or action to draft: say so rather than guess
            warnings.append(f"审核发现{f.id}未指明准则条款，补充条款后才能纳入整改计划。")
    for item in items:
        if item.overdue:
            warnings.append(f"第{item.no}项（{item.subject}）的期限{item.deadline.isoformat()}在计划日期前已过，按规则保留原期限并标记为逾期。")
    enterprise = assessment.enterprise
    plan = Plan(
        target=drafter.target_name, target_en=target_id, plan_date=day, scheme=scheme.version,
        enterprise=enterprise.name if enterprise else None, industry=enterprise.industry if enterprise else None,
        next_audit=assessment.next_audit, certified_on=certified_on, summary=summarize(result, scheme),
        items=items, warnings=warnings,
    )
    return revalidate(plan)
