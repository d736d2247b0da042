"""Full-page screenshots of the web app's five pages in a realistic state, for looking at the layout.

    .venv/bin/python tests/web/screenshots.py OUT_DIR [URL] [--width 390]

With URL it drives a running app (e.g. `python -m assistant web --port 7870`, then http://127.0.0.1:7870/);
without, it starts the app itself on a free loopback port over the configured data dir (building the index on
first use), as `python -m assistant web` does. It uploads the worked example (tests/rules/fixtures/worked_pass.yaml),
edits the form, has a few chat turns, drafts a plan, then writes 1-chat.png, 2-form.png, 3-report.png, 4-plan.png, 5-versions.png.
`--width 390` shoots a phone held upright (390×844, touch, a mobile browser's layout) instead of a desktop window.
Uses Debian's Chromium (/usr/bin/chromium), never a downloaded browser.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from tests.conftest import free_port  # noqa: E402
from tests.web.browser import (  # noqa: E402
    PHONE, choose_level, citation_titles, fill_number, launch, open_app, open_tab, say, settle, upload_assessment,
)

WORKED_PASS = REPO / "tests" / "rules" / "fixtures" / "worked_pass.yaml"
CHAT = [
    "我们客户满意度88%，投诉首次响应平均36小时",
    "能过吗？",
    "监督审核多久一次？",
]
SHOTS = ["1-chat.png", "2-form.png", "3-report.png", "4-plan.png", "5-versions.png"]


def prepare(page: Page) -> None:
    """A realistic session: an uploaded self-assessment, edited in the form, a few chat turns, a drafted plan."""
    open_tab(page, "自评")
    upload_assessment(page, WORKED_PASS)
    fill_number(page, "D1.2", 88)
    choose_level(page, "D5.4", "L3 定义级")
    evidence = page.locator('[id="evidence-D5.4"] textarea')
    evidence.fill("2026年内审报告\n管理评审会议纪要")
    evidence.blur()
    open_tab(page, "对话")
    for message in CHAT:
        say(page, message)
    titles = citation_titles(page)
    if titles.count():
        titles.first.click()  # show one cited passage
        expect(titles.first.locator("xpath=..").locator(".content")).to_be_visible()
    open_tab(page, "整改计划")
    page.locator("#plan-draft").click()
    expect(page.locator("#plan-message")).to_contain_text("已起草")
    expect(page.locator("#timeline svg.main-svg").first).to_be_visible()


def shoot(page: Page, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / name for name in SHOTS]
    page.evaluate("document.fonts.ready.then(() => true)")

    open_tab(page, "对话")
    page.mouse.move(0, 0)
    settle(page)
    page.screenshot(path=paths[0], full_page=True)

    open_tab(page, "自评")
    expect(page.locator('[id="kpi-D1.2"] input')).to_have_value("88")
    settle(page)
    page.screenshot(path=paths[1], full_page=True)

    open_tab(page, "评级报告")
    for chart in ("#radar", "#gap-chart"):
        expect(page.locator(f"{chart} svg.main-svg").first).to_be_visible()
    expect(page.locator("#report-text")).to_contain_text("评级")
    settle(page)
    page.screenshot(path=paths[2], full_page=True)

    open_tab(page, "整改计划")
    expect(page.locator("#timeline svg.main-svg").first).to_be_visible()
    settle(page)
    page.screenshot(path=paths[3], full_page=True)

    open_tab(page, "版本与记录")
    settle(page)
    page.screenshot(path=paths[4], full_page=True)
    return paths


def start_app() -> str:
    from assistant.retrieval.ingest import ensure_index
    from assistant.settings import get_settings
    from assistant.web.cli import launch as launch_app

    settings = get_settings()
    ensure_index(settings)
    _, url = launch_app(settings, "127.0.0.1", free_port(), block=False)
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="directory for the PNG files")
    parser.add_argument("url", nargs="?", help="URL of a running app (default: start one)")
    parser.add_argument("--width", type=int, default=None,
                        help="viewport width in CSS pixels, e.g. 390 for a phone (default: a desktop window)")
    args = parser.parse_args(argv)
    url = args.url or start_app()
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            viewport = None
            if args.width:
                viewport = PHONE if args.width == PHONE["width"] else {"width": args.width, "height": PHONE["height"]}
            page = open_app(browser, url, viewport)
            prepare(page)
            paths = shoot(page, args.out_dir)
        finally:
            browser.close()
    for p in paths:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
