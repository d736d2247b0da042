"""End-to-end: workspaces that come back after a reload, and the 版本与记录 page (versions opened, compared and
restored; earlier conversations reopened; findings imported), in a real browser on the real app and index.

Expected values come from the same code the app runs (the rule engine, workspace/versions.py, the findings
reader and its anonymiser), never from guesses.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from tests.web.test_browser import WORKED_PASS, grade_of, norm

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - test_browser skips the module first
    pytest.skip("playwright is not installed", allow_module_level=True)

from tests.web.browser import (
    badge, fill_number, grid_rows, kpi_input, open_tab, say, settle, type_into_cell, upload_assessment,
    user_messages,
)

pytestmark = pytest.mark.slow

PASS_DATA = yaml.safe_load(WORKED_PASS.read_text(encoding="utf-8"))
GOOD_FINDINGS = ("编号,条款,严重程度,行业,年份,审核发现,根本原因,审核员\n"
                 "A-01,D2.1,一般不符合,家电,2025,客服主管王建国未能提供投诉台账，联系电话13812345678。,人员培训不足,赵审核\n"
                 "A-02,D3.2,观察项,家电,2025,深圳市华强电器有限公司的满意度调查问卷由王建国一人设计。,流程缺失,赵审核\n")
BAD_FINDINGS = ("条款,严重程度,行业,审核发现\n"
                "D2.1,一般不符合,家电,回访记录缺少客户签字确认。\n"
                "D2.2,很严重,家电,上门服务超时未向客户说明原因。\n")


def new_workspace(page, name: str) -> None:
    page.locator("#workspace-new-name textarea, #workspace-new-name input").first.fill(name)
    page.locator("#workspace-new").click()
    expect(page.locator("#workspace-message")).to_contain_text(f"已新建工作区“{name}”")
    expect(page.locator("#workspace-picker input")).to_have_value(name)
    settle(page)


def pick_workspace(page, name: str) -> None:
    page.locator("#workspace-picker input").click()
    page.get_by_role("option", name=name, exact=True).click()
    expect(page.locator("#workspace-picker input")).to_have_value(name)
    settle(page)


def choose(page, elem_id: str, label: str | re.Pattern) -> None:
    """Pick an option of one of the page's dropdowns by (the start of) its label."""
    page.locator(f"#{elem_id} input").click()
    name = re.compile("^" + re.escape(label)) if isinstance(label, str) else label
    page.get_by_role("option", name=name).first.click()


def reload(page) -> None:
    with page.expect_response(lambda r: "/gradio_api/queue/join" in r.url):
        page.reload()
    page.locator("#chat-input textarea").wait_for()
    settle(page)


def kpi_value(x: float) -> str:
    return f"{x:g}"


# --- (a) the done-when scenario ------------------------------------------------------------------------------


def test_two_workspaces_come_back_as_they_were_and_a_second_browser_sees_neither(open_page, scheme):
    a = open_page()
    new_workspace(a, "回来甲")
    said = "我们客户满意度88%，首次响应4小时"
    say(a, said)
    settle(a)
    chat_badge = badge(a, "chat").inner_text()
    assert badge(a, "chat").get_attribute("data-grade")  # the fact was recorded: graded (provisionally)

    new_workspace(a, "回来乙")
    expect(user_messages(a)).to_have_count(0)  # 乙 has its own (empty) chat
    open_tab(a, "自评")
    upload_assessment(a, WORKED_PASS)
    expected = grade_of(PASS_DATA, scheme)
    expect(badge(a)).to_have_attribute("data-grade", expected.grade)
    form_badge = badge(a).inner_text()

    reload(a)
    expect(a.locator("#workspace-picker input")).to_have_value("回来乙")
    expect(user_messages(a)).to_have_count(0)
    open_tab(a, "自评")
    for cid, entry in PASS_DATA["criteria"].items():
        if "kpi" in entry:
            expect(kpi_input(a, cid)).to_have_value(kpi_value(entry["kpi"]))
    expect(a.locator("#ent-name input, #ent-name textarea").first).to_have_value(PASS_DATA["enterprise"]["name"])
    assert badge(a).inner_text() == form_badge

    pick_workspace(a, "回来甲")
    open_tab(a, "对话")
    expect(user_messages(a)).to_have_text([said])
    assert badge(a, "chat").inner_text() == chat_badge
    open_tab(a, "自评")
    expect(kpi_input(a, "D3.1")).to_have_value("88")
    expect(kpi_input(a, "D1.2")).to_have_value("")  # 乙's upload is not 甲's
    expect(a.locator("#ent-name input, #ent-name textarea").first).to_have_value("")

    b = open_page()  # another browser: lands in 默认 with nothing of a's
    expect(b.locator("#workspace-picker input")).to_have_value("默认")
    expect(user_messages(b)).to_have_count(0)
    expect(badge(b, "chat")).to_have_attribute("data-grade", "")
    for name in ("回来甲", "回来乙"):
        pick_workspace(b, name)
        expect(user_messages(b)).to_have_count(0)  # a's conversations stay a's
        open_tab(b, "版本与记录")
        b.locator("#conversation-pick input").click()
        expect(b.get_by_role("option")).to_have_count(0)
        b.keyboard.press("Escape")
        open_tab(b, "对话")


# --- (b) assessment versions: open, compare, restore -----------------------------------------------------------


def test_assessment_versions_are_compared_and_an_earlier_one_restored(open_page, scheme):
    from assistant.rules import validate_assessment
    from assistant.workspace.versions import differences

    page = open_page()
    new_workspace(page, "版本丙")
    open_tab(page, "自评")
    upload_assessment(page, WORKED_PASS)                        # version 1
    v2 = copy.deepcopy(PASS_DATA)
    v2["criteria"]["D3.1"]["kpi"] = 70
    fill_number(page, "D3.1", 70)                               # version 2
    expect(badge(page)).to_have_attribute("data-grade", grade_of(v2, scheme).grade)
    settle(page)
    v3 = copy.deepcopy(v2)
    v3["criteria"]["D1.2"]["kpi"] = 60
    fill_number(page, "D1.2", 60)                               # version 3
    expect(badge(page)).to_have_attribute("data-grade", grade_of(v3, scheme).grade)
    settle(page)

    open_tab(page, "版本与记录")
    rows = grid_rows(page, "#assessment-versions")
    assert [r[0] for r in rows] == ["第3版", "第2版", "第1版"]
    assert {r[1] for r in rows} == {"网页"} and all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r[2]) for r in rows)

    choose(page, "assessment-version", "第1版")
    page.locator("#assessment-version-open").click()
    view = page.locator("#assessment-version-view")
    expect(view).to_contain_text("第1版")
    expect(view).to_contain_text(f"评级：{grade_of(PASS_DATA, scheme).grade}")
    expect(view).to_contain_text(PASS_DATA["enterprise"]["name"])

    choose(page, "assessment-version-other", "第3版")
    page.locator("#assessment-version-compare").click()
    expect(view).to_contain_text("第1版 → 第3版")
    expect(page.locator("#assessment-changes")).to_be_visible()
    want = differences(validate_assessment(copy.deepcopy(PASS_DATA)), validate_assessment(copy.deepcopy(v3)),
                       None)
    assert grid_rows(page, "#assessment-changes") == [[c.area, c.subject, c.before, c.after] for c in want]
    assert len(want) == 3  # D1.2, D3.1 and the grade line: what the user changed, and what it did

    choose(page, "assessment-version", "第1版")
    page.locator("#assessment-version-restore").click()
    expect(page.locator("#case-message")).to_contain_text("已把第1版恢复为最新版本（第4版）")
    rows = grid_rows(page, "#assessment-versions")
    assert [r[0] for r in rows] == ["第4版", "第3版", "第2版", "第1版"]
    assert rows[0][1] == "网页" and rows[0][3] == "恢复为第1版"
    expect(badge(page, "chat")).to_have_attribute("data-grade", grade_of(PASS_DATA, scheme).grade)

    open_tab(page, "自评")
    expect(kpi_input(page, "D3.1")).to_have_value(kpi_value(PASS_DATA["criteria"]["D3.1"]["kpi"]))
    expect(kpi_input(page, "D1.2")).to_have_value(kpi_value(PASS_DATA["criteria"]["D1.2"]["kpi"]))
    expect(badge(page)).to_have_attribute("data-grade", grade_of(PASS_DATA, scheme).grade)
    assert norm(badge(page).inner_text()) == norm(badge(page, "chat").inner_text())  # one is on a hidden tab

    # Restoring what the latest version holds already changes nothing and says so.
    open_tab(page, "版本与记录")
    choose(page, "assessment-version", "第4版")
    page.locator("#assessment-version-restore").click()
    expect(page.locator("#case-message")).to_contain_text("第4版就是最新版，无需恢复")
    assert len(grid_rows(page, "#assessment-versions")) == 4


# --- (c) plan versions ------------------------------------------------------------------------------------------


def test_a_plan_restored_to_an_earlier_version_shows_that_version(open_page):
    from assistant.web.views import PLAN_COLUMNS

    page = open_page()
    new_workspace(page, "版本丁")
    open_tab(page, "自评")
    upload_assessment(page, WORKED_PASS)
    open_tab(page, "整改计划")
    page.locator("#plan-draft").click()
    expect(page.locator("#plan-message")).to_contain_text("已起草并保存整改计划")
    drafted = grid_rows(page, "#plan-table")
    owner_col = PLAN_COLUMNS.index("责任人")
    assert drafted[0][owner_col] != "王经理"
    type_into_cell(page, "#plan-table", 0, owner_col, "王经理")
    page.locator("#plan-save").click()
    expect(page.locator("#plan-message")).to_contain_text("已保存第1项的修改（新版本）")

    open_tab(page, "版本与记录")
    history = grid_rows(page, "#plan-history")
    assert [r[0] for r in history] == ["第2版", "第1版"] and history[0][1] == "网页"
    choose(page, "plan-version", "第1版")
    choose(page, "plan-version-other", "第2版")
    page.locator("#plan-version-compare").click()
    expect(page.locator("#plan-version-view")).to_contain_text("第1版 → 第2版")
    changes = grid_rows(page, "#plan-version-table")
    assert [(c[1].endswith("责任人"), c[2], c[3]) for c in changes] == [(True, drafted[0][owner_col], "王经理")]

    choose(page, "plan-version", "第1版")
    page.locator("#plan-version-restore").click()
    expect(page.locator("#case-message")).to_contain_text("已把整改计划第1版恢复为最新版本（第3版）")
    history = grid_rows(page, "#plan-history")
    assert [r[0] for r in history] == ["第3版", "第2版", "第1版"] and history[0][3] == "恢复为第1版"

    open_tab(page, "整改计划")
    expect(page.locator(f'#plan-table [data-testid="cell-0-{owner_col}"]')).to_have_text(drafted[0][owner_col])
    assert grid_rows(page, "#plan-table") == drafted
    assert [v[0] for v in grid_rows(page, "#plan-versions")] == ["1", "2", "3"]

    # The workspace's plan is listed and reopens after a new conversation (which starts without one).
    open_tab(page, "版本与记录")
    page.locator("#conversation-new").click()
    expect(page.locator("#case-message")).to_contain_text("已开始新对话")
    choose(page, "plan-pick", "计划 #")
    page.locator("#plan-open").click()
    expect(page.locator("#case-message")).to_contain_text("已打开整改计划")
    open_tab(page, "整改计划")
    assert grid_rows(page, "#plan-table") == drafted


# --- (d) findings import ---------------------------------------------------------------------------------------


def import_file(page, path: Path) -> None:
    page.locator("#findings-import input[type=file]").set_input_files(str(path))


def test_findings_import_adds_anonymised_findings_and_a_bad_file_keeps_the_assessment(open_page, index_settings,
                                                                                     tmp_path, scheme):
    from assistant.anonymize import Anonymizer
    from assistant.findings import read_findings
    from assistant.web.views import findings_frame

    page = open_page()
    new_workspace(page, "版本戊")
    open_tab(page, "自评")
    upload_assessment(page, WORKED_PASS)
    open_tab(page, "版本与记录")
    good = tmp_path / "顾问发现.csv"
    good.write_text(GOOD_FINDINGS, encoding="utf-8")
    import_file(page, good)
    expect(page.locator("#case-message")).to_contain_text(f"已从 {good.name} 导入 2 条审核发现（F4、F5，已匿名化）")
    rows = grid_rows(page, "#assessment-versions")
    assert rows[0][0] == "第2版" and rows[0][3] == f"导入审核发现（{good.name}）"

    read = [f for _, f in read_findings(good, Anonymizer(index_settings))]  # what `findings import` stores
    imported = [{"id": f"F{n}", "criterion": f.criterion, "severity": f.severity, "status": "open", "text": f.finding}
                for n, f in enumerate(read, 4)]
    findings = PASS_DATA["findings"] + imported
    for secret in ("王建国", "13812345678", "华强", "赵审核", "A-01"):
        assert all(secret not in f["text"] for f in imported)
    open_tab(page, "自评")
    shown = grid_rows(page, "#findings-table")
    assert shown == [[str(x) for x in r] for r in findings_frame(findings, scheme).values.tolist()]
    with_imported = {**copy.deepcopy(PASS_DATA), "findings": findings}
    expect(badge(page)).to_have_attribute("data-grade", grade_of(with_imported, scheme).grade)
    before = badge(page).inner_text()

    bad = tmp_path / "坏文件.csv"
    bad.write_text(BAD_FINDINGS, encoding="utf-8")
    open_tab(page, "版本与记录")
    import_file(page, bad)
    message = page.locator("#case-message")
    expect(message).to_contain_text("错误")
    expect(message).to_contain_text(f"{bad.name} 第3行 列“严重程度”")
    expect(message).to_contain_text("无效的严重程度 '很严重'")
    assert len(grid_rows(page, "#assessment-versions")) == 2  # nothing saved: not even the good first row
    open_tab(page, "自评")
    assert grid_rows(page, "#findings-table") == shown
    assert badge(page).inner_text() == before


# --- (e) earlier conversations ------------------------------------------------------------------------------------


def test_an_earlier_conversation_is_reopened_and_comes_back_after_a_reload(open_page):
    page = open_page()
    new_workspace(page, "版本己")
    first, second = "监督审核多久一次？", "离优秀还差什么？"
    say(page, first)
    open_tab(page, "版本与记录")
    page.locator("#conversation-new").click()
    expect(page.locator("#case-message")).to_contain_text("已开始新对话")
    open_tab(page, "对话")
    expect(user_messages(page)).to_have_count(0)
    say(page, second)

    open_tab(page, "版本与记录")
    page.locator("#conversation-pick input").click()
    options = page.get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text(second)  # newest first, the open one marked
    expect(options.nth(0)).to_contain_text("（当前）")
    expect(options.nth(1)).to_contain_text(first)
    options.nth(1).click()
    expect(page.locator("#conversation-pick input")).to_have_value(re.compile(re.escape(first)))  # chosen, then opened
    settle(page)
    page.locator("#conversation-open").click()
    expect(page.locator("#case-message")).to_contain_text("已打开对话")
    open_tab(page, "对话")
    expect(user_messages(page)).to_have_text([first])

    reload(page)  # the reopened conversation is this browser's latest now
    expect(page.locator("#workspace-picker input")).to_have_value("版本己")
    expect(user_messages(page)).to_have_text([first])
