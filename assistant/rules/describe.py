"""The scheme in Chinese prose for retrieval: passages generated from the data, so text never drifts from the numbers."""

from __future__ import annotations

from fractions import Fraction

from assistant.rules.scheme import Condition, Criterion, Scheme, format_number


def _gain(x: Fraction) -> str:
    text = f"{float(x):.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def kpi_ladder(c: Criterion, scheme: Scheme) -> str:
    """`≥95% 为L5，≥90% 为L4，≥85% 为L3，≥75% 为L2，其余为L1`."""
    op = "≥" if c.direction == "higher" else "≤"
    steps = [f"{op}{format_number(c.thresholds[lv])}{c.unit_symbol} 为L{lv}" for lv in sorted(c.thresholds, reverse=True)]
    return "，".join(steps) + f"，其余为L{c.fallback_level}"


def condition_text(c: Condition, scheme: Scheme) -> str:
    """A grade-rule condition in words."""
    v = format_number(c.value) if c.value is not None else ""
    dim = f"{c.dimension} {scheme.dimensions[c.dimension].name}" if c.dimension else ""
    if c.kind == "veto":
        return "触发任一一票否决项"
    if c.kind == "overall_below":
        return f"总分低于{v}"
    if c.kind == "overall_at_least":
        return f"总分不低于{v}"
    if c.kind == "any_dimension_below":
        return f"任一维度得分低于{v}"
    if c.kind == "every_dimension_at_least":
        return f"各维度得分均不低于{v}"
    if c.kind == "dimension_below":
        return f"{dim}得分低于{v}"
    if c.kind == "dimension_at_least":
        return f"{dim}得分不低于{v}"
    if c.kind == "no_open_findings":
        sevs = c.severities or []
        names = "或".join(scheme.severities[s].name for s in sevs)
        others = [s.name for k, s in scheme.severities.items() if k not in sevs]
        return f"没有未关闭的{names}" + (f"（{'、'.join(others)}不计）" if others else "")
    return c.kind


def _range_text(lo: object, hi: object, symbol: str) -> str:
    if lo is not None and hi is not None:
        return f"{format_number(lo)}–{format_number(hi)}{symbol}"  # type: ignore[arg-type]
    if lo is not None:
        return f"不小于{format_number(lo)}{symbol}"  # type: ignore[arg-type]
    return f"不大于{format_number(hi)}{symbol}" if hi is not None else "不限"  # type: ignore[arg-type]


def evidence_caps_text(scheme: Scheme) -> str:
    """`0项证据最高L1，1项证据最高L3，2项及以上证据最高L5`."""
    caps = scheme.scoring.evidence_caps
    return "，".join(
        f"{s.min_items}项{'及以上' if s is caps[-1] else ''}证据最高L{s.cap}" for s in caps
    )


def _veto_trigger_text(scheme: Scheme, veto_id: str) -> str:
    t = scheme.vetoes[veto_id].trigger
    if t.kind == "declaration":
        return f"评估文件声明 {t.declaration}: {str(t.value).lower()}"
    if t.kind == "criterion_level_at_most":
        return f"{t.criterion} {scheme.criteria[t.criterion].name}的有效等级不高于L{t.level}"  # type: ignore[index]
    return f"存在状态为未关闭（open）的{scheme.severities[t.severity].name}"  # type: ignore[index]


def _due_text(scheme: Scheme, sev_id: str) -> str:
    s = scheme.severities[sev_id]
    if s.due_next_surveillance:
        return "纠正措施须在下次监督审核前完成"
    return f"纠正措施须在审核后{s.due_days}天内完成"


def scheme_passages(scheme: Scheme) -> list[tuple[str, str]]:
    """(locator, Chinese passage) pairs describing every part of the scheme, e.g.
    (`评价方案2026.1 §3 评级规则`, `评级按规则顺序判定……`)."""
    src = scheme.source
    sec = scheme.sections
    out: list[tuple[str, str]] = []

    def add(section: str, suffix: str, text: str) -> None:
        out.append((f"{src} {sec.get(section, section)}" + (f" {suffix}" if suffix else ""), text))

    dims = "；".join(f"{d.id} {d.name}（{d.name_en}）权重{format_number(d.weight)}" for d in scheme.dimensions.values())
    add(
        "dimensions",
        "",
        f"{scheme.title}（版本{scheme.version}）共{len(scheme.dimensions)}个评价维度、{len(scheme.criteria)}项准则，"
        f"维度权重合计{format_number(scheme.total_weight)}：{dims}。",
    )
    for d in scheme.dimensions.values():
        parts = []
        for c in scheme.criteria_of(d.id):
            if c.is_kpi:
                better = "越高越好" if c.direction == "higher" else "越低越好"
                parts.append(f"{c.id} {c.name}（KPI，单位{c.unit_symbol}，{better}）：{kpi_ladder(c, scheme)}")
            else:
                parts.append(f"{c.id} {c.name}（申报类，按证据认定成熟度等级L0–L{scheme.max_level}）")
        add(
            "dimensions",
            f"{d.id} {d.name}",
            f"维度{d.id} {d.name}（{d.name_en}），权重{format_number(d.weight)}，默认责任人{d.owner}。"
            f"包含{len(parts)}项准则：{'；'.join(parts)}。"
            f"该维度任一准则每提升一个等级，总分增加{_gain(scheme.step_gain(d.id))}分。",
        )
    levels = "；".join(f"{lv.code} {lv.name}：{lv.meaning}" for lv in scheme.levels)
    add("levels", "", f"成熟度等级共{len(scheme.levels)}级（申报类准则及准则目录的等级描述均用此措辞）：{levels}。")

    factor = format_number(scheme.level_score_factor)
    top = format_number(scheme.level_score_factor * scheme.max_level)
    add(
        "scoring",
        "",
        f"评分：准则得分 = 有效等级 × {factor}（0–{top}）；维度得分 = 该维度各准则得分的平均值；"
        f"总分 = Σ(维度权重 × 维度得分) / {format_number(scheme.total_weight)}。"
        f"比较门槛时使用未取整的精确值，报告时保留{scheme.scoring.score_decimals}位小数。",
    )
    caps = evidence_caps_text(scheme)
    add(
        "scoring",
        "证据上限",
        f"审核员依据证据评级：有效等级 = min(认定等级, 证据上限)，{caps}。每一处因证据不足而封顶的准则都会在结果中说明。",
    )
    ranges = "；".join(f"{u.name}{_range_text(u.min, u.max, u.symbol)}" for u in scheme.units.values())
    example = ""
    kpis = [c for c in scheme.criteria.values() if c.is_kpi]
    if kpis:
        c = kpis[0]
        top = max(c.thresholds)
        t = format_number(c.thresholds[top])
        op = "≥" if c.direction == "higher" else "≤"
        example = f"（如{c.name}{op}{t}{c.unit_symbol}为L{top}，测得恰为{t}{c.unit_symbol}即为L{top}）"
    add(
        "scoring",
        "KPI认定",
        f"KPI类准则按测量值认定等级，自最高等级起第一个达到的门槛生效，恰好等于门槛值即视为达到{example}。"
        "若同时申报了等级且高于KPI对应等级，以KPI等级为准并给出警告；只申报等级而未提供测量值的，按申报等级计并给出警告。"
        f"KPI值须在物理范围内（{ranges}），超出范围视为无效输入并报错，指出对应准则。",
    )
    add(
        "scoring",
        "未评估准则",
        "评估文件中缺少的准则按L0计，并列为缺失；此时评级结果为暂定，不是最终结果。",
    )

    for v in scheme.vetoes.values():
        add(
            "grading",
            f"一票否决 {v.id}",
            f"一票否决项{v.id}（{v.name}）：{v.description}（判定：{_veto_trigger_text(scheme, v.id)}）。"
            f"任一否决项成立，评级即为{scheme.grades[0].name}，无论得分高低。",
        )
    rule_texts = []
    for r in scheme.grade_rules:
        grade = scheme.grade(r.grade)
        if r.conditions:
            joiner = "，或" if r.match == "any" else "，且"
            cond = joiner.join(condition_text(c, scheme) for c in r.conditions)
        else:
            cond = "以上规则均不成立（其他情况）"
        rule_texts.append(f"{r.id} {grade.name}（{grade.id}）：{cond}")
        add("grading", r.id, f"评级规则{r.id}：{cond}时，评级为{grade.name}。规则按顺序判定，第一条成立的规则决定等级。")
    add(
        "grading",
        "",
        f"评级分为{'、'.join(g.name for g in scheme.grades)}。按规则顺序判定，第一条成立的规则决定等级："
        + "；".join(rule_texts)
        + "。结果须说明决定的规则、触发的否决项、低于门槛的维度以及每一处证据封顶和警告。",
    )

    veto_of = {v.trigger.severity: v.id for v in scheme.vetoes.values() if v.trigger.kind == "open_finding"}
    for key, s in scheme.severities.items():
        effect = []
        if key in veto_of:
            effect.append(f"未关闭即触发一票否决{veto_of[key]}")
        blocks = [
            scheme.grade(r.grade).name
            for r in scheme.grade_rules
            for c in r.conditions
            if c.kind == "no_open_findings" and key in (c.severities or [])
        ]
        if blocks and key not in veto_of:
            effect.append(f"未关闭时不能评为{'、'.join(blocks)}")
        if not blocks and key not in veto_of:
            effect.append("不影响评级")
        add(
            "findings",
            s.name,
            f"{s.name}（{key}）：{_due_text(scheme, key)}，关闭由{s.verification}验证；{'，'.join(effect)}。"
            "期限自审核发现的提出日期（审核日）起算；计划日期时已过期的期限保持不变并标记为逾期。",
        )
    cert = scheme.certification
    add(
        "findings",
        "监督审核与证书有效期",
        f"获证后自认证日期起每{cert.surveillance_months}个月进行一次监督审核；证书有效期{cert.validity_years}年。",
    )
    triggers = []
    for t in cert.suspension.triggers:
        if t.kind == "grade":
            triggers.append(f"评级为{scheme.grade(t.grade).name}")  # type: ignore[arg-type]
        else:
            triggers.append(f"{scheme.severities[t.severity].name}未在{t.days}天内关闭")  # type: ignore[index]
    add(
        "findings",
        "暂停与撤销",
        f"监督审核时，{'或'.join(triggers)}，证书暂停（最长{cert.suspension.max_months}个月）；期满未恢复的，证书撤销。",
    )
    cp = cert.conditional_pass
    add(
        "findings",
        "有条件通过",
        f"评级为{scheme.grade(cp.grade).name}但存在未关闭的{'或'.join(scheme.severities[s].name for s in cp.open_severities)}，"
        "为有条件通过：其纠正措施计划被接受后方可发证。",
    )

    close = "；".join(
        f"要达到{scheme.grade(g).name}，须关闭全部未关闭的{'和'.join(scheme.severities[s].name for s in sevs)}"
        for g, sevs in scheme.gap.close_findings.items()
    )
    clears = "、".join(v.id for v in scheme.vetoes.values() if v.trigger.kind == "declaration")
    raises = "、".join(
        f"将{v.trigger.criterion}提升至L{(v.trigger.level or 0) + 1}及以上（{v.id}）"
        for v in scheme.vetoes.values()
        if v.trigger.kind == "criterion_level_at_most"
    )
    gains = "，".join(f"{d} {_gain(scheme.step_gain(d))}分" for d in scheme.dimensions)
    add(
        "gap",
        "",
        f"差距分析给出达到目标等级的最少变更：{close}；消除{clears}对应的声明，{raises}；"
        f"并以最少的等级步提升准则有效等级（一步即一项准则提升一个有效等级，最高L{scheme.max_level}）。"
        f"每一步使总分增加：{gains}。先满足维度底线，再满足总分门槛，优先采用收益最大的步骤；"
        "收益相同时先提升当前等级最低的准则，再按准则编号。每项变更注明准则、现有与目标等级、KPI准则须达到的KPI值以及该等级所需的证据数量。",
    )

    owners = "，".join(f"{d.id} {d.owner}" for d in scheme.dimensions.values())
    dues = "，".join(f"{s.name}{_due_text(scheme, k).removeprefix('纠正措施须')}" for k, s in scheme.severities.items())
    cats = "、".join(f"{k}（{v}）" for k, v in scheme.plan.categories.items())
    after = "，且不晚于下次审核" if scheme.plan.not_after_next_audit else ""
    add(
        "plan",
        "",
        "整改计划的每一项包括：所针对的准则或审核发现、观察到的问题、根本原因及其5M1E类别"
        f"（{cats}）、具体措施、责任人、完成期限、可度量的目标、验证方法和状态。"
        f"默认责任人：{owners}。期限：审核发现按严重程度（{dues}）；"
        f"差距准则默认为计划日期后{scheme.gap_item_days}天{after}。"
        "计划须覆盖达到目标等级的全部差距准则和全部未关闭的审核发现。",
    )
    return out
