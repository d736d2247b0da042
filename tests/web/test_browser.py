"""End-to-end: the web app in a real browser (Debian's Chromium driven through Playwright).

The app runs in-process on the test session's real index (fixture `web_url`); every test opens its own browser
context, so its own app session. Expected values come from the same code the CLI runs (`ask`, `grade`), never
from guesses: the tests check that what the user sees in the browser is what the engine and the index say.
"""

from __future__ import annotations

import copy
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the test extra installs it
    if os.environ.get("CI"):
        raise
    pytest.skip("playwright is not installed (.venv/bin/pip install -e '.[test]')", allow_module_level=True)

from tests.conftest import REPO, run_cli
from tests.web.browser import (
    badge, citation_titles, fill_number, grid_rows, kpi_input, last_answer, open_tab, say, send, settle,
    type_into_cell, upload, upload_assessment, user_messages, wait_turn,
)

pytestmark = pytest.mark.slow

FIXTURES = REPO / "tests" / "rules" / "fixtures"
WORKED_PASS = FIXTURES / "worked_pass.yaml"  # grade 合格 (R4), all 22 criteria, findings F1 (minor, open) and F2
CJK = re.compile(r"[\u4e00-\u9fff]")


def grade_of(data: dict, scheme):
    from assistant.rules import grade, validate_assessment

    return grade(validate_assessment(copy.deepcopy(data), scheme=scheme), scheme)


def score_text(x: float) -> str:
    """A score as the badge shows it (one decimal, no trailing zero)."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def badge_score(page):
    """The line under the form's grade badge: `总分 64.1`, then 暂定 or vetoes when there are any."""
    return page.locator("#grade-badge-form .grade-sub")


def norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def rendered(markdown: str) -> str:
    """The text a Markdown answer shows in the chat: list markers ("- ") are drawn as bullets, not characters."""
    return re.sub(r"(?m)^\s*[-*]\s+", "", markdown)


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- 1. chat: a rules question, streamed, with verbatim citations -----------------------------------------

STREAM_RECORDER = """() => {
  window.__shown = [];  // what the chat showed at every change: [user messages, text of the first reply]
  const chat = document.querySelector('#chatbot');
  new MutationObserver(() => {
    const reply = chat.querySelector('[data-testid=bot] .message-content');
    window.__shown.push([chat.querySelectorAll('[data-testid=user]').length, reply ? reply.innerText : '']);
  }).observe(chat, {subtree: true, childList: true, characterData: true});
}"""


def test_rules_question_is_answered_streamed_with_verbatim_citations(page, index_settings):
    from assistant.answer import answer_question
    from assistant.retrieval.store import Index
    from assistant.web.views import SOURCE_ZH

    question = "监督审核多久一次？"
    expected = answer_question(question, settings=index_settings)  # what `ask --json` prints on this index
    assert expected.covered and expected.citations

    page.evaluate(STREAM_RECORDER)
    reply = say(page, question)

    # the answer as `ask` gives it, with its [n] markers
    assert user_messages(page).all_inner_texts() == [question]
    assert norm(reply) == norm(rendered(expected.answer))
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", reply)]
    assert markers and markers[0] == 1

    # streamed: the user's message at once, then the reply growing piece by piece
    shown = [(users, norm(text)) for users, text in page.evaluate("window.__shown")]
    assert (1, "") in shown, "the question was not shown before its answer"
    partial = [text for _, text in shown if text and text != norm(reply)]
    assert partial, "the reply appeared at once, not streamed"
    assert all(norm(reply).startswith(text) for text in partial)

    # one collapsed accordion per citation, titled by source and locator
    titles = citation_titles(page)
    assert titles.all_inner_texts() == [f"[{n}] {SOURCE_ZH[c['source']]} · {c['locator']}"
                                        for n, c in enumerate(expected.citations, 1)]
    assert max(markers) <= titles.count()
    first = titles.first.locator("xpath=..")
    assert first.locator(".content").count() == 0  # collapsed: the passage is not shown yet
    titles.first.click()
    passage = first.locator(".content")
    expect(passage).to_be_visible()
    shown_passage = passage.inner_text()

    # the expanded passage is, verbatim, the first cited passage of the index
    cited = expected.citations[0]
    assert norm(shown_passage) == norm(cited["text"])
    docs = Index.open(index_settings).collection.get(where={"locator": cited["locator"]}, include=["documents"])
    assert cited["text"] in docs["documents"]


# --- 2. self-assessment: form, badge, chat and form share one assessment ---------------------------------


def weak_quality_assessment(scheme) -> dict:
    """The worked example with D1 (服务质量) weakened: declared levels L2, both KPIs below every threshold."""
    data = yaml.safe_load(WORKED_PASS.read_text(encoding="utf-8"))
    crit = data["criteria"]
    for cid in ("D1.1", "D1.4"):
        crit[cid]["level"] = 2
    for cid in ("D1.2", "D1.3"):
        c = scheme.criteria[cid]
        worst = float(c.thresholds[min(c.thresholds)])
        crit[cid]["kpi"] = worst - 10 if c.direction == "higher" else worst + 10
    return data


def with_kpis(data: dict, values: dict[str, float]) -> dict:
    out = copy.deepcopy(data)
    for cid, v in values.items():
        out["criteria"][cid]["kpi"] = v
    return out


def test_filling_two_kpis_moves_the_grade_from_fail_to_pass(page, scheme, tmp_path):
    base = weak_quality_assessment(scheme)
    assert grade_of(base, scheme).grade == "不合格"
    # The smallest equal step on both KPIs (each to a level's threshold) that passes while either alone does not.
    a, b = "D1.2", "D1.3"
    for level in sorted(set(scheme.criteria[a].thresholds) & set(scheme.criteria[b].thresholds)):
        va, vb = float(scheme.criteria[a].thresholds[level]), float(scheme.criteria[b].thresholds[level])
        one, both = grade_of(with_kpis(base, {a: va}), scheme), grade_of(with_kpis(base, {a: va, b: vb}), scheme)
        if (both.grade == "合格" and one.grade == "不合格"
                and grade_of(with_kpis(base, {b: vb}), scheme).grade == "不合格"):
            break
    else:
        pytest.fail("no pair of KPI values moves the weakened example from 不合格 to 合格")
    before = grade_of(base, scheme)

    open_tab(page, "自评")
    upload_assessment(page, write_yaml(tmp_path / "自评-服务质量偏弱.yaml", base))
    sub = badge_score(page)
    expect(badge(page)).to_have_attribute("data-grade", "不合格")
    expect(sub).to_have_text(f"总分 {score_text(before.overall)}")
    expect(kpi_input(page, a)).to_have_value(f"{base['criteria'][a]['kpi']:g}")

    fill_number(page, a, va)
    expect(sub).to_have_text(f"总分 {score_text(one.overall)}")
    expect(badge(page)).to_have_attribute("data-grade", "不合格")
    fill_number(page, b, vb)
    expect(sub).to_have_text(f"总分 {score_text(both.overall)}")
    expect(badge(page)).to_have_attribute("data-grade", "合格")

    # the chat grades what the form holds
    open_tab(page, "对话")
    expect(badge(page, "chat")).to_have_attribute("data-grade", "合格")
    reply = say(page, "能过吗")
    m = re.search(r"当前评级[：:]\s*(不合格|合格|优秀)[^，,\n]*[，,]\s*总分\s*([\d.]+)", reply)
    assert m, reply
    assert (m.group(1), float(m.group(2))) == (both.grade, round(both.overall, 1))


def test_what_the_chat_records_shows_in_the_form(page):
    reply = say(page, "我们一次修复率92%")
    assert "D1.2" in reply and "92" in reply
    chat_grade = badge(page, "chat").get_attribute("data-grade")
    assert chat_grade  # the chat graded what it recorded
    open_tab(page, "自评")
    expect(kpi_input(page, "D1.2")).to_have_value("92")
    expect(kpi_input(page, "D1.3")).to_have_value("")
    expect(badge(page)).to_have_attribute("data-grade", chat_grade)
    expect(page.locator("#status-form")).to_contain_text("已填写 1/")


# --- 3. bad uploads ----------------------------------------------------------------------------------------


def form_snapshot(page) -> dict[str, str]:
    settle(page)
    return {
        "D1.2": kpi_input(page, "D1.2").input_value(),
        "D3.1": kpi_input(page, "D3.1").input_value(),
        "D5.1": page.locator('[id="level-D5.1"] input').input_value(),
        "evidence D1.1": page.locator('[id="evidence-D1.1"] textarea').input_value(),
        "badge": badge(page).inner_text(),
        "status": page.locator("#status-form [data-testid=markdown]").inner_text(),
    }


def refusal_shown(path: Path, max_bytes: int) -> str:
    """What the page says of an upload the app refuses: the session's own refusal of the file (the checks of
    `grade FILE`), in the page's Chinese (assistant/web/messages.zh)."""
    from assistant.errors import BadInput
    from assistant.settings import Settings
    from assistant.web.messages import zh
    from assistant.web.session import WebSession

    with pytest.raises(BadInput) as refused:
        WebSession(Settings(database_url="sqlite://")).load_file(path, shown_name=path.name, max_bytes=max_bytes)
    return "错误：" + zh(refused.value)


def test_bad_upload_is_refused_as_grade_file_refuses_it_in_chinese_and_keeps_the_assessment(page, scheme, tmp_path,
                                                                                          index_settings):
    limit = index_settings.web_max_upload_kb * 1024
    edited = with_kpis(yaml.safe_load(WORKED_PASS.read_text(encoding="utf-8")), {"D3.1": 91})
    open_tab(page, "自评")
    upload_assessment(page, WORKED_PASS)
    fill_number(page, "D3.1", 91)  # an edit made after the upload must survive the bad uploads too
    expect(badge_score(page)).to_have_text(f"总分 {score_text(grade_of(edited, scheme).overall)}")
    kept = form_snapshot(page)
    assert kept["D3.1"] == "91" and kept["D1.2"] == "91.5" and kept["D5.1"].startswith("L4")

    # a YAML with an out-of-range KPI: refused as `grade FILE` refuses it, said in Chinese with the file's name
    bad = tmp_path / "kpi超范围.yaml"
    bad.write_text((FIXTURES / "bad" / "kpi120.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    cli = run_cli("grade", str(bad))
    assert cli.returncode == 2 and "criteria.D1.2.kpi" in cli.stderr
    upload(page, bad)
    expect(page.locator("#form-message")).to_have_text(refusal_shown(bad, limit))
    expect(page.locator("#form-message")).to_contain_text("kpi超范围.yaml")
    expect(page.locator("#form-message")).to_contain_text("D1.2")
    expect(page.locator("#form-message")).to_contain_text("120")
    assert form_snapshot(page) == kept

    # a .txt file: refused by the server (type checked there, not only by the browser's file picker), the message
    # naming the file and the accepted types
    txt = tmp_path / "自评说明.txt"
    txt.write_text("我们一次修复率92%\n", encoding="utf-8")
    upload(page, txt)
    expect(page.locator("#form-message")).to_have_text(refusal_shown(txt, limit))
    expect(page.locator("#form-message")).to_contain_text(".yaml")
    assert form_snapshot(page) == kept

    # hostile files: an alias bomb, a criterion key carrying script, a file over the upload limit. Each is refused
    # with its message shown as text (never as markup), and the upload box takes the next file.
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
                    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\ncriteria: {D1.1: {level: *c}}\n', encoding="utf-8")
    upload(page, bomb)
    expect(page.locator("#form-message")).to_have_text(refusal_shown(bomb, limit))
    expect(page.locator("#form-message")).to_contain_text("第2行")
    script = tmp_path / "script.yaml"
    script.write_text('criteria:\n  "<img src=x onerror=document.title=\'pwned\'>": {level: 3}\n', encoding="utf-8")
    upload(page, script)
    expect(page.locator("#form-message")).to_contain_text("<img src=x onerror=")  # shown as the text it is
    assert page.locator("#form-message img").count() == 0 and page.title() != "pwned"
    big = tmp_path / "big.yaml"
    big.write_text("criteria: {}\n" + ("# " + "x" * 1000 + "\n") * 1100, encoding="utf-8")
    upload(page, big)
    expect(page.locator("#form-message")).to_have_text(refusal_shown(big, limit))
    expect(page.locator("#form-message")).to_contain_text("1,024 KiB")
    assert form_snapshot(page) == kept

    # what the server holds is unchanged too: the form re-read from the session after switching pages
    open_tab(page, "对话")
    open_tab(page, "自评")
    expect(kpi_input(page, "D3.1")).to_have_value("91")
    assert form_snapshot(page) == kept


def test_downloaded_assessment_has_the_form_edits(page, scheme):
    edited = with_kpis(yaml.safe_load(WORKED_PASS.read_text(encoding="utf-8")), {"D1.2": 50})
    open_tab(page, "自评")
    upload_assessment(page, WORKED_PASS)
    fill_number(page, "D1.2", 50)
    expect(badge_score(page)).to_have_text(f"总分 {score_text(grade_of(edited, scheme).overall)}")
    with page.expect_download() as dl:
        page.locator("#download-assessment").click()
    data = yaml.safe_load(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert data["criteria"]["D1.2"]["kpi"] == 50


# --- 4. plan: draft, export to Excel, edit and save a new version -----------------------------------------


def test_plan_is_drafted_exported_to_excel_and_edited_as_a_new_version(page, tmp_path):
    import openpyxl

    from assistant.web.views import PLAN_COLUMNS

    open_tab(page, "自评")
    upload_assessment(page, WORKED_PASS)
    open_tab(page, "整改计划")
    expect(page.locator("#export-xlsx")).to_be_disabled()
    page.locator("#plan-draft").click()
    expect(page.locator("#plan-message")).to_contain_text("已起草并保存整改计划")
    expect(page.locator("#export-xlsx")).to_be_enabled()
    headers = page.locator("#plan-table [role=columnheader]").all_inner_texts()
    assert [h.strip() for h in headers] == PLAN_COLUMNS
    rows = grid_rows(page, "#plan-table")
    assert rows and [r[0] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]

    with page.expect_download() as dl:
        page.locator("#export-xlsx").click()
    assert dl.value.suggested_filename.endswith(".xlsx")
    saved = tmp_path / dl.value.suggested_filename
    dl.value.save_as(saved)
    ws = openpyxl.load_workbook(saved).worksheets[0]
    cells = [list(r) for r in ws.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(cells) if r[0] == "序号")
    xlsx_headers = [h for h in cells[head] if h]
    assert all(CJK.search(h) for h in xlsx_headers), xlsx_headers
    items = []
    for r in cells[head + 1:]:
        if r[0] in (None, ""):
            break
        items.append(dict(zip(cells[head], r)))
    assert len(items) == len(rows)  # one row per plan item, as in the page's table
    for item, row in zip(items, rows):
        shown = dict(zip(PLAN_COLUMNS, row))
        assert str(item["序号"]) == shown["序号"]
        for col in ("责任人", "完成期限", "状态"):
            assert str(item[col]) == shown[col], (col, item[col], shown)

    # edit one owner in the table and save: a second version is listed
    owner_col = PLAN_COLUMNS.index("责任人")
    assert rows[0][owner_col] != "王经理"
    type_into_cell(page, "#plan-table", 0, owner_col, "王经理")
    page.locator("#plan-save").click()
    expect(page.locator("#plan-message")).to_contain_text("已保存第1项的修改（新版本）")
    versions = grid_rows(page, "#plan-versions")
    assert [v[0] for v in versions] == ["1", "2"]
    assert "王经理" in versions[1][2] and rows[0][owner_col] in versions[1][2]
    assert grid_rows(page, "#plan-table")[0][owner_col] == "王经理"


# --- 5. report: charts ---------------------------------------------------------------------------------------


def test_report_draws_radar_and_gap_charts_with_chinese_names(page, scheme):
    result = grade_of(yaml.safe_load(WORKED_PASS.read_text(encoding="utf-8")), scheme)
    assert result.gap is not None and result.gap.changes
    open_tab(page, "自评")
    upload_assessment(page, WORKED_PASS)
    open_tab(page, "评级报告")
    expect(page.locator("#report-text")).to_contain_text(f"评级：{result.grade}")
    for chart in ("#radar", "#gap-chart"):
        expect(page.locator(f"{chart} svg.main-svg").first).to_be_visible()
    radar = page.locator("#radar svg text").all_text_contents()
    for d in scheme.dimensions.values():
        assert f"{d.id} {d.name}" in radar
    assert "当前得分" in radar and "合格门槛" in radar and "优秀门槛" in radar
    gap = page.locator("#gap-chart svg text").all_text_contents()
    for ch in result.gap.changes:
        assert f"{ch.criterion} {ch.name}" in gap
    assert any(t.startswith("差距") for t in gap)
    # drawn, not just present: the polar plot has a visible size
    box = page.locator("#radar .polarlayer").first.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 200


# --- 6. sessions are isolated ---------------------------------------------------------------------------------


def test_two_browser_sessions_do_not_see_each_other(open_page, scheme):
    a, b = open_page(), open_page()
    said_a, said_b = "我们客户满意度88%，投诉首次响应平均36小时", "我们一次修复率92%"
    # both turns run at the same time
    turn_a, turn_b = send(a, said_a), send(b, said_b)
    wait_turn(a, turn_a, said_a)
    wait_turn(b, turn_b, said_b)
    assert user_messages(a).all_inner_texts() == [said_a]
    assert user_messages(b).all_inner_texts() == [said_b]

    n = len(scheme.criteria)
    open_tab(a, "自评")
    fill_number(a, "D4.2", 30)
    expect(a.locator("#status-form")).to_contain_text(f"已填写 3/{n}")
    open_tab(b, "自评")
    expect(b.locator("#status-form")).to_contain_text(f"已填写 1/{n}")
    for field, value in (("D3.1", "88"), ("D2.1", "36"), ("D4.2", "30"), ("D1.2", "")):
        expect(kpi_input(a, field)).to_have_value(value)
    for field, value in (("D3.1", ""), ("D2.1", ""), ("D4.2", ""), ("D1.2", "92")):
        expect(kpi_input(b, field)).to_have_value(value)
    settle(a)
    settle(b)
    assert badge(a).inner_text() != badge(b).inner_text()

    # a change in one session leaves the other's badge and chat as they were
    b_badge = badge(b).inner_text()
    fill_number(a, "D1.2", 60)
    expect(a.locator("#status-form")).to_contain_text(f"已填写 4/{n}")
    open_tab(b, "对话")
    open_tab(b, "自评")
    expect(kpi_input(b, "D1.2")).to_have_value("92")
    settle(b)
    assert badge(b).inner_text() == b_badge
    assert "88" not in last_answer(b).inner_text()


# --- 7. the screenshot script ---------------------------------------------------------------------------------


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_screenshot_script_shoots_the_five_pages(browser, web_url, tmp_path):
    out = tmp_path / "shots"
    run = subprocess.run([sys.executable, str(REPO / "tests" / "web" / "screenshots.py"), str(out), web_url],
                         check=False, capture_output=True, text=True, timeout=600, cwd=REPO)
    assert run.returncode == 0, run.stderr[-3000:]
    shots = sorted(out.glob("*.png"))
    assert [p.name for p in shots] == ["1-chat.png", "2-form.png", "3-report.png", "4-plan.png", "5-versions.png"]
    for p in shots:
        width, height = png_size(p)
        assert width >= 1200 and height >= 900, (p.name, width, height)
        assert p.stat().st_size > 50_000, p.name  # a page with content, not a blank one


# --- 8. workspaces: a browser's case comes back after a reload, and never shows in another browser ---------------


def test_a_workspace_and_its_conversation_come_back_after_a_reload(open_page):
    a = open_page()
    expect(a.locator("#workspace-picker input")).to_have_value("默认")
    a.locator("#workspace-new-name textarea, #workspace-new-name input").first.fill("浏览器测试甲")
    a.locator("#workspace-new").click()
    expect(a.locator("#workspace-message")).to_contain_text("已新建工作区")
    expect(a.locator("#workspace-picker input")).to_have_value("浏览器测试甲")
    said = "我们客户满意度88%，首次响应4小时"
    say(a, said)
    settle(a)
    before = badge(a, "chat").inner_text()

    with a.expect_response(lambda r: "/gradio_api/queue/join" in r.url):
        a.reload()
    a.locator("#chat-input textarea").wait_for()
    expect(a.locator("#workspace-picker input")).to_have_value("浏览器测试甲")
    expect(user_messages(a)).to_have_text([said])
    settle(a)
    assert badge(a, "chat").inner_text() == before
    open_tab(a, "自评")
    expect(kpi_input(a, "D3.1")).to_have_value("88")

    b = open_page()  # another browser: its own case, nothing of a's
    settle(b)
    expect(user_messages(b)).to_have_count(0)
    expect(b.locator("#workspace-picker input")).to_have_value("默认")
