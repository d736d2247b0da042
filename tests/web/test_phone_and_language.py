"""End-to-end on a phone, in Chinese: every page fits 390 px, and no page shows English or a command line.

Runs the real app (fixture `web_url`, real index) in Debian's Chromium at a 390×844 touch viewport with a zh-CN
browser. Expected messages come from the same code the pages call (the session's checks, then
`assistant.web.messages.zh`), never from hand-written guesses.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import yaml

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the test extra installs it
    pytest.skip("playwright is not installed (.venv/bin/pip install -e '.[test]')", allow_module_level=True)

from assistant.errors import BadInput
from tests.web.browser import (
    PHONE, fill_number, grid_rows, kpi_input, last_answer, open_app, open_tab, say, settle, type_into_cell,
    upload, upload_assessment,
)
from tests.web.test_browser import FIXTURES, WORKED_PASS, grade_of, score_text

pytestmark = pytest.mark.slow

TABS = ["对话", "自评", "评级报告", "整改计划", "版本与记录"]

# Words a Chinese page may show in Latin letters: formats and units, and product names of export formats.
ALLOWED_WORDS = {"KPI", "YAML", "JSON", "Excel", "Word", "Markdown", "KiB", "KB", "MB"}
ACRONYM = re.compile(r"[A-Z]{2,5}")  # CTI, PDCA, CSV: written so in Chinese text too
FILE_NAME = re.compile(r"[\w\-\u4e00-\u9fff]+\.(?:ya?ml|json|txt|xlsx|docx|md)\b", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z]{2,}")
COMMAND = re.compile(r"(?:^|\s)--[a-z]|\bplans? (?:update|show|list|restore)\b|\berror\b", re.IGNORECASE)

LAYOUT = """() => {
  const font = el => parseFloat(getComputedStyle(el).fontSize);
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && el.offsetParent !== null; };
  const lines = cell => {  // how many lines the cell's text takes (in a gradio table: its text, not its icons)
    const el = cell.querySelector('.header, .text') || cell;
    const range = document.createRange(); range.selectNodeContents(el);
    return new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top))).size;
  };
  const cells = Array.from(document.querySelectorAll('td, th, [role=gridcell], [role=columnheader]')).filter(shown);
  return {
    width: window.innerWidth,
    scrollWidth: document.scrollingElement.scrollWidth,
    cells: cells.length,
    narrow: cells.filter(c => c.innerText.trim() && c.getBoundingClientRect().width < 1.8 * font(c))
                 .map(c => [c.innerText.trim().slice(0, 20), Math.round(c.getBoundingClientRect().width)]),
    wrappedDates: cells.filter(c => /^\\d{4}-\\d{2}-\\d{2}/.test(c.innerText.trim()) && lines(c) > 1)
                       .map(c => c.innerText.trim()),
    tallHeaders: cells.filter(c => (c.tagName === 'TH' || c.getAttribute('role') === 'columnheader')
                                   && c.innerText.trim() && lines(c) > 1).map(c => c.innerText.trim()),
  };
}"""


def english(text: str) -> list[str]:
    """Latin-letter words a Chinese user would read on the page (file names and allowed words left out)."""
    return [w for w in WORD.findall(FILE_NAME.sub("", text)) if w not in ALLOWED_WORDS and not ACRONYM.fullmatch(w)]


def check_language(page, where: str) -> None:
    text = page.locator("body").inner_text()
    assert not english(text), f"{where}: English on the page: {english(text)}"
    assert not COMMAND.search(text), f"{where}: a command line on the page: {COMMAND.search(text).group(0)!r}"


def check_layout(page, where: str) -> dict:
    found = page.evaluate(LAYOUT)
    assert found["scrollWidth"] <= found["width"] + 1, f"{where}: the page scrolls sideways ({found})"
    assert not found["narrow"], f"{where}: table cells narrower than two characters: {found['narrow']}"
    assert not found["wrappedDates"], f"{where}: dates broken over lines: {found['wrappedDates']}"
    assert not found["tallHeaders"], f"{where}: table headers over more than one line: {found['tallHeaders']}"
    return found


def box(page, selector: str) -> dict:
    b = page.locator(selector).first.bounding_box()
    assert b is not None, selector
    return b


@pytest.fixture
def phone(browser, web_url):
    page = open_app(browser, web_url, PHONE)
    yield page
    page.context.close()


@pytest.fixture
def messages_of(tmp_path):
    """What the page should say for a change the session refuses: the session's own check, worded by zh()."""
    from assistant.settings import Settings
    from assistant.web.messages import zh
    from assistant.web.session import WebSession

    def message(change) -> str:
        sess = WebSession(Settings(data_dir=tmp_path / "data", database_url="sqlite://"))
        sess.load_file(WORKED_PASS)
        with pytest.raises(BadInput) as exc:
            change(sess)
        return f"错误：{zh(exc.value)}"

    return message


def test_every_page_fits_a_phone(phone, scheme):
    from assistant.prompts import load_prompt

    page = phone
    open_tab(page, "自评")
    upload_assessment(page, WORKED_PASS)
    open_tab(page, "对话")
    say(page, "离优秀还差什么？")
    say(page, "帮我起草整改计划")
    # the note after the plan's table is a paragraph of its own, not a last row of the table
    tail = load_prompt("chat", "zh")["plan_tail"]
    answer = last_answer(page)
    expect(answer.locator("table")).to_have_count(1)
    expect(answer.locator("td", has_text=tail)).to_have_count(0)
    expect(answer.locator("p", has_text=tail)).to_have_count(1)
    open_tab(page, "整改计划")
    expect(page.locator("#timeline svg.main-svg").first).to_be_visible()

    for tab in TABS:
        open_tab(page, tab)
        if tab == "评级报告":
            expect(page.locator("#report-criteria table")).to_be_visible()
            expect(page.locator("#radar svg.main-svg").first).to_be_visible()
        settle(page)
        found = check_layout(page, tab)
        assert found["cells"] > 0, f"{tab}: no table measured"

    # one column on a phone: the grade above the chat and the form, the report's text above its radar, the
    # radar as wide as the page (not clipped beside a column of text)
    open_tab(page, "对话")
    assert box(page, "#grade-badge-chat")["y"] + box(page, "#grade-badge-chat")["height"] <= box(page, "#chatbot")["y"]
    open_tab(page, "自评")
    assert box(page, "#grade-badge-form")["y"] < box(page, "#upload")["y"]
    open_tab(page, "评级报告")
    text, radar = box(page, "#report-text"), box(page, "#radar")
    assert text["y"] + text["height"] <= radar["y"]
    assert text["width"] >= 0.8 * PHONE["width"] and radar["width"] >= 0.8 * PHONE["width"]
    assert radar["x"] >= 0 and radar["x"] + radar["width"] <= PHONE["width"] + 1


def test_report_has_the_criteria_table_and_exports(phone, scheme, tmp_path):
    from assistant.web import views

    data = yaml.safe_load(WORKED_PASS.read_text(encoding="utf-8"))
    result = grade_of(data, scheme)
    open_tab(phone, "自评")
    upload_assessment(phone, WORKED_PASS)
    open_tab(phone, "评级报告")
    rows = phone.locator("#report-criteria tbody tr")
    expect(rows).to_have_count(len(result.criteria))
    needed = {ch.criterion: ch.to_level for ch in result.gap.changes}
    for n, c in enumerate(result.criteria.values()):
        cells = [t.strip() for t in rows.nth(n).locator("td").all_inner_texts()]
        assert cells[:4] == [c.id, c.name, f"L{c.claimed}", f"L{c.effective}"]
        assert cells[4] == (f"L{needed[c.id]}" if c.id in needed else "—")
    capped = [c for c in result.criteria.values() if c.capped]
    for c in capped:  # the evidence cap is said where it lowers a level
        assert f"封顶L{c.cap}" in rows.nth(list(result.criteria).index(c.id)).inner_text()
    with phone.expect_download() as dl:
        phone.locator("#report-export").click()
    saved = tmp_path / dl.value.suggested_filename
    dl.value.save_as(saved)
    assert saved.suffix == ".md"
    assert saved.read_text(encoding="utf-8") == views.report_document(result, scheme, data.get("enterprise"),
                                                                       str(data["assessed_on"]))


def test_no_page_shows_english_or_command_lines(phone, scheme, tmp_path, messages_of):
    page = phone
    data = yaml.safe_load(WORKED_PASS.read_text(encoding="utf-8"))
    score = f"总分 {score_text(grade_of(data, scheme).overall)}"
    msg = page.locator("#form-message")
    open_tab(page, "自评")
    check_language(page, "自评 before anything")
    upload_assessment(page, WORKED_PASS)

    # a file that is not YAML, and one with level 7: Chinese, with the line and the value
    for name, text in [("坏格式.yaml", (FIXTURES / "bad" / "malformed.yaml").read_text(encoding="utf-8")),
                       ("等级7.yaml", "criteria:\n  D1.1: {level: 7, evidence: [手册]}\n")]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        expected = messages_of(lambda s, p=path: s.load_file(p))
        upload(page, path)
        expect(msg).to_have_text(expected)
        check_language(page, f"upload {name}")
    assert "第3行第7列" in messages_of(lambda s: s.load_file(FIXTURES / "bad" / "malformed.yaml"))

    # a date not written as a date
    field = page.locator("#assessed-on input, #assessed-on textarea").first
    field.fill("2026/11/10")
    field.blur()
    expect(msg).to_have_text(messages_of(lambda s: s.set_dates("2026/11/10", None)))
    check_language(page, "bad date")
    field.fill(str(data["assessed_on"]))
    field.blur()
    expect(msg).to_have_text("")

    # a KPI out of its range: a Chinese message, the field back to the value kept, the grade unchanged, no toast
    kept = data["criteria"]["D1.2"]["kpi"]
    fill_number(page, "D1.2", 150)
    expect(msg).to_have_text(messages_of(lambda s: s.set_criterion("D1.2", kpi=150.0)))
    expect(kpi_input(page, "D1.2")).to_have_value(f"{kept:g}")
    expect(page.locator("#grade-badge-form .grade-sub")).to_have_text(score)
    expect(page.locator(".toast-body")).to_have_count(0)
    check_language(page, "KPI 150")

    # a new finding has no criterion or severity chosen; an empty one is refused and changes nothing
    for dropdown in ("#finding-criterion", "#finding-severity"):
        expect(page.locator(f"{dropdown} input")).to_have_value("")
    findings_before = grid_rows(page, "#findings-table")
    page.locator("#finding-add").click()
    expect(msg).to_have_text(messages_of(lambda s: s.add_finding("", "", "")))
    assert grid_rows(page, "#findings-table") == findings_before
    expect(page.locator("#grade-badge-form .grade-sub")).to_have_text(score)
    check_language(page, "empty finding")
    # a finding with a date that is no date
    page.locator("#finding-criterion input").click()
    page.get_by_role("option", name="D2.2", exact=True).click()
    page.locator("#finding-severity input").click()
    page.get_by_role("option", name=scheme.severities["minor"].name, exact=True).click()
    page.locator("#finding-text input, #finding-text textarea").first.fill("上门超时")
    page.locator("#finding-date input, #finding-date textarea").first.fill("2026/11/10")
    page.locator("#finding-add").click()
    expect(msg).to_have_text(messages_of(lambda s: s.add_finding("D2.2", "minor", "上门超时", "2026/11/10")))
    assert grid_rows(page, "#findings-table") == findings_before
    check_language(page, "finding date")

    # a plan deadline later than the scheme allows: Chinese, no `plans update … --deadline`, the plan unchanged
    from assistant.web.views import PLAN_COLUMNS

    open_tab(page, "整改计划")
    page.locator("#plan-draft").click()
    expect(page.locator("#plan-message")).to_contain_text("已起草并保存整改计划")
    rows = grid_rows(page, "#plan-table")
    col, latest_col = PLAN_COLUMNS.index("完成期限"), PLAN_COLUMNS.index("最迟期限")
    latest = date.fromisoformat(rows[0][latest_col])
    too_late = (latest + timedelta(days=30)).isoformat()
    type_into_cell(page, "#plan-table", 0, col, too_late)
    page.locator("#plan-save").click()
    plan_msg = page.locator("#plan-message")
    expect(plan_msg).to_contain_text(f"整改计划第1项的完成期限：完成期限 {too_late} 晚于认证方案允许的最迟期限 {latest}")
    assert grid_rows(page, "#plan-table")[0][col] == rows[0][col]
    check_language(page, "plan deadline")

    # and every page as it stands
    for tab in TABS:
        open_tab(page, tab)
        settle(page)
        check_language(page, tab)


def test_a_chat_error_is_chinese(phone):
    """The chat's own refusal (a message over the limit) reads in Chinese, without `chat` or English."""
    from assistant.chat.conversation import MAX_MESSAGE

    page = phone
    page.locator("#chat-input textarea").fill("很" * (MAX_MESSAGE + 1))
    page.locator("#chat-send").click()
    reply = page.locator("#chatbot [data-testid=bot]").last
    expect(reply).to_contain_text(f"消息有 {MAX_MESSAGE + 1} 个字，最多 {MAX_MESSAGE} 个字")
    check_language(page, "chat error")
