"""Driving the web app in Debian's Chromium through Playwright: shared by tests/web/test_browser.py and
tests/web/screenshots.py.

No browser is ever downloaded (never `playwright install`): the tests use the distribution's Chromium
(apt: chromium, fonts-noto-cjk for the Chinese labels). The launch flags keep it from calling home, which on a
closed network would only flood it with refused connections.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, Playwright, expect

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
TIMEOUT_MS = 30_000  # one chat answer on a busy 2-core machine stays well below this

def chromium_path() -> str | None:
    """The system Chromium (`CHROMIUM` overrides), or None when it is not installed."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def launch(pw: Playwright) -> Browser:
    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    return pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


PHONE = {"width": 390, "height": 844}  # a phone held upright (iPhone 12–14)


def open_app(browser: Browser, url: str, viewport: dict[str, int] | None = None, locale: str = "zh-CN",
             cookies: dict[str, str] | None = None) -> Page:
    """A fresh browser context (its own cookies, so its own app session) showing the app, ready for input;
    `viewport` PHONE for a phone (touch, a mobile browser's layout); `cookies` set for `url` before it opens."""
    expect.set_options(timeout=TIMEOUT_MS)
    phone = viewport is not None and viewport["width"] < 600
    extra = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if phone else {}
    context = browser.new_context(viewport=viewport or VIEWPORT, accept_downloads=True, locale=locale, **extra)
    context.set_default_timeout(TIMEOUT_MS)
    if cookies:
        context.add_cookies([{"name": k, "value": v, "url": url} for k, v in cookies.items()])
    page = context.new_page()
    # The page's load event creates the session's state on the server; anything the user does is queued after it.
    with page.expect_response(lambda r: "/gradio_api/queue/join" in r.url):
        page.goto(url)
    page.locator("#chat-input textarea").wait_for()
    loaded(page)
    return page


def loaded(page: Page) -> None:
    """Wait until the page's load event has answered (the workspace picker shows the case opened): an event sent
    before that could be answered first and then overwritten by the load's outputs."""
    expect(page.locator("#workspace-picker input")).to_have_value(re.compile(r"\S"))


def open_tab(page: Page, name: str) -> None:
    """Switch to a page and wait until it has loaded what it shows (the 自评 page re-reads the form from the
    session: a field typed into before that finishes would be overwritten)."""
    tab = page.get_by_role("tab", name=name, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    settle(page)


def settle(page: Page) -> None:
    """Wait until no event is running (every progress indicator hidden), e.g. before a screenshot."""
    expect(page.locator("[data-testid=status-tracker]:not(.hide)")).to_have_count(0)


# --- chat ------------------------------------------------------------------------------------------------


def chat_busy(page: Page) -> Locator:
    """The chatbot's progress indicator: visible (no class `hide`) while a turn is running."""
    return page.locator("#chatbot > [data-testid=status-tracker]")


def user_messages(page: Page) -> Locator:
    return page.locator("#chatbot [data-testid=user]")


def last_answer(page: Page) -> Locator:
    """The assistant's reply of the last turn (the first bubble of the last bot group; citations follow it)."""
    return page.locator("#chatbot .bot-row").last.locator("[data-testid=bot]").first.locator(".message-content")


def citation_titles(page: Page) -> Locator:
    """The collapsed citation accordions of the last turn."""
    return page.locator("#chatbot .bot-row").last.locator(".thought-group > .title")


def send(page: Page, text: str) -> int:
    """Type a chat message and press 发送 without waiting for the reply; returns the turn's number (1, 2, …)."""
    n = user_messages(page).count()
    page.locator("#chat-input textarea").fill(text)
    page.locator("#chat-send").click()
    return n + 1


def wait_turn(page: Page, turn: int, text: str) -> str:
    """Wait until turn `turn` (message `text`) has been answered completely; returns the reply's text."""
    expect(user_messages(page)).to_have_count(turn)
    expect(user_messages(page).last).to_contain_text(text)
    expect(chat_busy(page)).to_have_class(re.compile(r"\bhide\b"))
    return last_answer(page).inner_text()


def say(page: Page, text: str) -> str:
    """Send one chat message and wait for the whole streamed turn; returns the reply's text."""
    return wait_turn(page, send(page, text), text)


# --- self-assessment form ----------------------------------------------------------------------------------


def kpi_input(page: Page, cid: str) -> Locator:
    return page.locator(f'[id="kpi-{cid}"] input')


def badge(page: Page, where: str = "form") -> Locator:
    """The grade badge beside the chat (`chat`) or the form (`form`); attribute data-grade holds the grade."""
    return page.locator(f"#grade-badge-{where} [data-grade]")


def upload(page: Page, path: str | Path) -> None:
    """Choose a file in the form's upload box (clearing the file shown from an earlier upload first)."""
    box = page.locator("#upload")
    # the file's ✕ (not the one of an error status); its label follows the page's language (zh-CN: 清除)
    clear = box.locator(".top-panel").get_by_role("button", name=re.compile(r"^(Clear|清除)$"))
    if clear.count():
        clear.click()
    box.locator("input[type=file]").set_input_files(str(path))


def upload_assessment(page: Page, path: str | Path) -> None:
    """Upload an assessment that the app accepts, and wait until the form shows it."""
    upload(page, path)
    expect(page.locator("#form-message")).to_have_text(f"已读入 {Path(path).name}")


def fill_number(page: Page, cid: str, value: float) -> None:
    """Type a KPI value the way a user does (the field's input event re-grades at once)."""
    kpi_input(page, cid).fill(f"{value:g}")


def choose_level(page: Page, cid: str, option: str) -> None:
    """Pick a maturity level such as `L3 定义级` in a criterion's dropdown."""
    page.locator(f'[id="level-{cid}"] input').click()
    page.get_by_role("option", name=option, exact=True).click()


# --- plan ------------------------------------------------------------------------------------------------


def grid_rows(page: Page, selector: str) -> list[list[str]]:
    """Every body row of a gradio Dataframe, as cell texts. The table renders only the rows in view, so this
    scrolls through it and collects the rows by their index."""
    table = page.locator(selector)
    total = int(table.locator("[role=grid]").get_attribute("aria-rowcount")) - 1
    viewport = table.locator(".virtual-table-viewport")
    rows: dict[int, list[str]] = {}
    while True:
        found = viewport.evaluate("""v => Array.from(v.querySelectorAll('[role=row][data-index]')).map(r => [
            Number(r.dataset.index),
            Array.from(r.querySelectorAll('[role=gridcell]')).map(c => c.innerText.trim())])""")
        rows.update({i: cells for i, cells in found})
        if len(rows) >= total:
            break
        seen = max(rows, default=-1)
        viewport.evaluate("v => v.scrollBy(0, v.clientHeight / 2)")
        # wait until the table has rendered a row further down (or the end of the scroll range is reached)
        handle = viewport.element_handle()
        page.wait_for_function(
            """([v, seen]) => Math.max(-1, ...Array.from(v.querySelectorAll('[role=row][data-index]'))
                .map(r => Number(r.dataset.index))) > seen || v.scrollTop + v.clientHeight >= v.scrollHeight - 1""",
            arg=[handle, seen])
        if max(int(i) for i in viewport.evaluate(
                "v => Array.from(v.querySelectorAll('[role=row][data-index]')).map(r => r.dataset.index)")) <= seen:
            break  # at the end and nothing new: the table holds fewer rows than it says
    viewport.evaluate("v => v.scrollTo(0, 0)")
    return [rows[i] for i in sorted(rows)]


def type_into_cell(page: Page, table: str, row: int, col: int, text: str) -> None:
    """Type `text` into a cell of an editable table (double-click, replace, Enter), as a user edits it."""
    cell = page.locator(f'{table} [data-testid="cell-{row}-{col}"]')
    cell.dblclick()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(cell).to_contain_text(text)
