"""Benchmark: a long conversation in a workspace, in a real browser (issue 16).

Targets: reloading a workspace with a 24-turn conversation shows it in ≤ 1 s; a web turn at turn 24 takes at most
1.3× the time of the same turn at turn 2.

Run: .venv/bin/python benchmarks/bench_workspace.py [--turns 24] [--reloads 5] [--data-dir DIR] [--port P]

Starts the app as a user would (`python -m assistant web`, conversations in a scratch SQLite database; see
bench_web.py), opens Debian's Chromium through Playwright, creates a workspace and chats `--turns` turns in it as
a user would (typing into the page and pressing 发送). The same rules question is sent at turns 2–6 and again at the
last five turns (its answer and citations do not depend on the assessment, so only the conversation's length
differs); the turns in between are a mix of rules questions, facts (read back in tables), grades and gaps. A turn is timed in the browser, from the click to the answer complete on the page
(streamed pieces, citations, badge). Then the page is reloaded `--reloads` times; a reload is timed from the
navigation to every one of the conversation's messages shown, with the grade badge, the form and the plan back.

Prints each turn's time, the medians at the start and the end and their ratio, and the reload times. Exit code 0
when both targets are met, 1 when not.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# The probe: a rules question, so that its answer (retrieval, citations) is the same at turn 2 and turn 24 and only
# the conversation's length differs.
PROBE = "一般不符合的整改期限是多久？"
FILLER = [
    "我们客户满意度86%，投诉首次响应平均4小时",
    "监督审核多久一次？",
    "能过吗？",
    "我们有售后服务手册和维修作业规范",
    "离优秀还差什么？",
    "上门及时率92%，一次修复率88%",
    "What happens if a major nonconformity is not closed?",
    "备件保障率95%",
    "有没有类似的案例？",
    "我们有服务质量检查记录和满意度调查问卷",
    "没有售后服务组织会有什么后果？",
    "培训覆盖率百分之九十",
    "现在能评几级？",
    "投诉处理周期平均两天",
    "我们有培训计划和培训签到表",
    "证书有效期多长？",
    "回访率百分之八十五",
    "客户满意度调查怎么做才算数？",
]
RELOAD_TARGET_S = 1.0
RATIO_TARGET = 1.3


def _bench_web():
    spec = importlib.util.spec_from_file_location("bench_web", Path(__file__).with_name("bench_web.py"))
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


PROBES = 5  # the probe's turns at each end: their median is robust to a busy machine's odd slow turn


def script(turns: int) -> list[str]:
    """`turns` messages: the probe at turns 2–6 and at the last five, fillers between (at least 11 turns)."""
    middle = [FILLER[i % len(FILLER)] for i in range(max(0, turns - 1 - 2 * PROBES))]
    return [FILLER[0], *[PROBE] * PROBES, *middle, *[PROBE] * PROBES]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=24)
    parser.add_argument("--reloads", type=int, default=5)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--port", type=int)
    parser.add_argument("--startup-timeout", type=float, default=300)
    args = parser.parse_args(argv)
    args.concurrency = None
    if args.turns < 1 + 2 * PROBES:
        parser.error(f"--turns must be at least {1 + 2 * PROBES}")

    from playwright.sync_api import expect, sync_playwright

    from tests.web.browser import badge, launch, open_app, send, settle, user_messages, wait_turn

    bench_web = _bench_web()
    with tempfile.TemporaryDirectory(prefix="bench-workspace-") as scratch:
        proc, url, startup = bench_web.start_server(args, scratch)
        print(f"server up in {startup:.1f} s at {url}")
        try:
            with sync_playwright() as pw:
                browser = launch(pw)
                page = open_app(browser, url)
                page.locator("#workspace-new-name textarea, #workspace-new-name input").first.fill("基准测试工作区")
                page.locator("#workspace-new").click()
                expect(page.locator("#workspace-picker input")).to_have_value("基准测试工作区")
                settle(page)

                times: list[float] = []
                messages = script(args.turns)
                for n, message in enumerate(messages, 1):
                    t0 = time.perf_counter()
                    turn = send(page, message)
                    wait_turn(page, turn, message)
                    settle(page)
                    times.append(time.perf_counter() - t0)
                    print(f"turn {n:2d} {times[-1]:6.2f} s  {message[:24]}")
                badge_grade = badge(page, "chat").get_attribute("data-grade")

                reloads: list[float] = []
                for _ in range(args.reloads):
                    t0 = time.perf_counter()
                    page.reload()
                    expect(user_messages(page)).to_have_count(len(messages), timeout=60_000)
                    expect(user_messages(page).last).to_contain_text(messages[-1])
                    expect(badge(page, "chat")).to_have_attribute("data-grade", badge_grade)
                    reloads.append(time.perf_counter() - t0)
                    settle(page)
                browser.close()
        finally:
            bench_web.stop_server(proc)

    start, end = statistics.median(times[1:1 + PROBES]), statistics.median(times[-PROBES:])
    ratio = end / start
    reload_median, reload_max = statistics.median(reloads), max(reloads)
    print(f"\nturn 2–{1 + PROBES} ({PROBE}) median {start:.2f} s; turn {len(times) - PROBES + 1}–{len(times)} "
          f"median {end:.2f} s; "
          f"ratio {ratio:.2f} (target ≤ {RATIO_TARGET})")
    print(f"reload with {len(times)} turns: median {reload_median:.2f} s, max {reload_max:.2f} s over {len(reloads)} "
          f"(target ≤ {RELOAD_TARGET_S:.1f} s)")
    met = ratio <= RATIO_TARGET and reload_median <= RELOAD_TARGET_S
    print("targets met" if met else "targets NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
