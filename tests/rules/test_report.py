"""Tests of assistant/rules/report.py: the Chinese explanation and the terminal report."""

from __future__ import annotations

from rich.console import Console

from assistant.rules import Scheme, grade, load_assessment, validate_assessment
from assistant.rules.assessment import Assessment, CriterionEntry
from assistant.rules.report import explain, render

from .conftest import FIXTURES, levels_assessment, uniform


def test_explanation_names_rule_shortfalls_caps_findings_and_gap(scheme: Scheme) -> None:
    r = grade(load_assessment(FIXTURES / "worked_pass.yaml"))
    text = r.explanation
    assert text[0] == "评级结果：合格，总分66.3，由规则R4决定：未触发一票否决项，总分66.3不低于60，各维度得分均不低于40。"
    assert text[1] == (
        "未达优秀（规则R3）：总分66.3低于85；D1 服务质量（65.0）、D4 员工技能和培训（66.7）、D5 管理体系有效性（60.0）、"
        "D6 持续改进与创新（53.3）低于70；D6 持续改进与创新得分53.3低于80；存在未关闭的严重不符合或一般不符合（F1）。"
    )
    assert "未关闭的观察项F2不影响评级，应在下次监督审核前处理，由下次监督审核验证。" in text
    assert "存在未关闭的一般不符合（F1），属有条件合格：其纠正措施计划被接受后方可发证。" in text
    assert (
        "证据上限：D1.4 服务质量检查申报L4，只有1项证据，按L3计（0项证据最高L1，1项证据最高L3，2项及以上证据最高L5）。"
        in text
    )
    assert text[-1].startswith("要达到优秀，需要：关闭F1；D1.1 服务规范与标准由L3提升至L5（需2项证据）；")
    assert "D1.2 一次修复率由L4提升至L5（需2项证据，KPI ≥95%）" in text[-1]
    assert text[-1].endswith("共21个等级步，完成后总分85.5。")


def test_explanation_of_a_veto_also_reports_other_failing_rules(scheme: Scheme) -> None:
    a = levels_assessment(scheme, uniform(scheme, 2, D5_1=0), declarations={"materials_truthful": False})
    text = grade(a).explanation
    assert text[0].startswith("评级结果：不合格，总分") and "由规则R1决定：触发一票否决项V1（材料不真实）、V2（无售后服务组织）" in text[0]
    assert any(s.startswith("规则R2（不合格）同样成立：总分") for s in text)
    assert "一票否决V1（材料不真实）：提交的材料被认定不真实，无论得分如何均为不合格。" in text
    assert any("消除声明项“提交材料真实”（materials_truthful应为true）" in s for s in text)


def test_explanation_reports_kpi_conflicts_and_missing(scheme: Scheme) -> None:
    a = validate_assessment({"criteria": {"D1.2": {"kpi": 80, "level": 4, "evidence": ["a"]}}})
    text = grade(a).explanation
    assert "D1.2 一次修复率：申报等级L4高于KPI测得值80%对应的L2，按KPI计为L2。" in text
    assert any(s.startswith("以下21项准则未评估，按L0计，结果为暂定：D1.1 服务规范与标准、") for s in text)
    assert text[0].startswith("评级结果：不合格（暂定）")


def test_explain_works_for_the_other_scheme(other: Scheme) -> None:
    a = Assessment(scheme="2099.1", criteria={c: CriterionEntry(level=4, evidence=["a", "b", "c"]) for c in other.criteria})
    r = grade(a, other)
    assert explain(r, other)[0] == "评级结果：优秀，总分100.0，由规则R3决定：总分100.0达到90，各维度得分均不低于75，D3 组织得分100.0不低于100，没有未关闭的严重不符合或一般不符合。"


def test_terminal_report_shows_tables_trace_and_gap(scheme: Scheme) -> None:
    r = grade(load_assessment(FIXTURES / "worked_pass.yaml"))
    console = Console(record=True, width=200, color_system=None)
    render(r, scheme, console)
    out = console.export_text()
    for needle in ("合格 (pass)", "总分 66.3", "维度得分 dimensions", "D4", "66.7", "R3 <70", "准则 criteria",
                   "证据封顶L3", "规则判定 rule trace", "成立 ← 决定", "说明 explanation", "差距 gap → 优秀（21 个等级步）",
                   "≥95%", "须关闭的审核发现：F1"):
        assert needle in out, needle
