"""Tests of assistant/rules/describe.py: passages for retrieval, generated from the scheme data."""

from __future__ import annotations

from assistant.rules import Scheme
from assistant.rules.describe import kpi_ladder, scheme_passages


def _by_locator(scheme: Scheme) -> dict[str, str]:
    passages = scheme_passages(scheme)
    locators = [loc for loc, _ in passages]
    assert len(locators) == len(set(locators)), "locators must be unique"
    return dict(passages)


def test_kpi_ladders_are_written_out(scheme: Scheme) -> None:
    assert kpi_ladder(scheme.criteria["D1.2"], scheme) == "≥95% 为L5，≥90% 为L4，≥85% 为L3，≥75% 为L2，其余为L1"
    assert kpi_ladder(scheme.criteria["D2.1"], scheme) == "≤1小时 为L5，≤2小时 为L4，≤4小时 为L3，≤24小时 为L2，其余为L1"
    assert kpi_ladder(scheme.criteria["D3.3"], scheme).startswith("≤0.1% 为L5，≤0.5% 为L4")


def test_one_passage_per_dimension_veto_rule_and_severity(scheme: Scheme) -> None:
    p = _by_locator(scheme)
    d1 = p["评价方案2026.1 §1 维度与准则 D1 服务质量"]
    assert "权重20" in d1 and "售后服务质量主管" in d1
    assert "D1.2 一次修复率（KPI，单位%，越高越好）：≥95% 为L5，≥90% 为L4，≥85% 为L3，≥75% 为L2，其余为L1" in d1
    assert "总分增加1.0分" in d1 and "总分增加0.667分" in p["评价方案2026.1 §1 维度与准则 D6 持续改进与创新"]
    for v in ("V1", "V2", "V3", "V4"):
        assert f"评价方案2026.1 §3 评级规则 一票否决 {v}" in p
    assert "materials_truthful: false" in p["评价方案2026.1 §3 评级规则 一票否决 V1"]
    grading = p["评价方案2026.1 §3 评级规则"]
    assert "R2 不合格（fail）：总分低于60，或任一维度得分低于40" in grading
    assert "R3 优秀（excellent）：总分不低于85，且各维度得分均不低于70，且D6 持续改进与创新得分不低于80" in grading
    assert "观察项不计" in grading
    assert "审核后30天内" in p["评价方案2026.1 §4 审核发现与期限 严重不符合"]
    assert "现场复审" in p["评价方案2026.1 §4 审核发现与期限 严重不符合"]
    assert "审核后60天内" in p["评价方案2026.1 §4 审核发现与期限 一般不符合"]
    assert "下次监督审核前" in p["评价方案2026.1 §4 审核发现与期限 观察项"]
    assert "每6个月" in p["评价方案2026.1 §4 审核发现与期限 监督审核与证书有效期"]
    assert "有效期3年" in p["评价方案2026.1 §4 审核发现与期限 监督审核与证书有效期"]
    assert "暂停（最长6个月）" in p["评价方案2026.1 §4 审核发现与期限 暂停与撤销"]
    assert "0项证据最高L1，1项证据最高L3，2项及以上证据最高L5" in p["评价方案2026.1 §2 评分 证据上限"]
    assert "有效等级 × 20" in p["评价方案2026.1 §2 评分"]
    assert "计划日期后90天" in p["评价方案2026.1 §6 整改计划"]


def test_passages_follow_the_data_of_another_scheme(other: Scheme) -> None:
    p = _by_locator(other)
    assert "≥99% 为L4，≥97% 为L3，≥90% 为L2，其余为L1" in p["测试方案2099.1 §A 维度 D1 质量"]
    assert "总分低于50，或任一维度得分低于30" in p["测试方案2099.1 §C 评级"]
    assert "审核后14天内" in p["测试方案2099.1 §D 发现 严重不符合"]
    assert "每12个月" in p["测试方案2099.1 §D 发现 监督审核与证书有效期"]
    assert "有效期4年" in p["测试方案2099.1 §D 发现 监督审核与证书有效期"]
    assert "1项证据最高L2，3项及以上证据最高L4" in p["测试方案2099.1 §B 评分 证据上限"]
    joined = "".join(p.values())
    for number in ("95%", "≥85", "30天", "每6个月", "90天"):
        assert number not in joined, number
