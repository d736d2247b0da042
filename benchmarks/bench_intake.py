"""Speed of understanding one message: extract() over every development message of the intake suite, p50/p95."""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.chat.extract import extract, lexicon  # noqa: E402

EVALS = ROOT / "evals"


def dev_messages() -> list[str]:
    """The development split only (assistant.evals.intake.DATASETS / SCENARIOS): the held-out files stay unread."""
    from assistant.evals.intake import DATASETS, SCENARIOS

    out: list[str] = []
    for name in DATASETS["dev"]:
        out += [json.loads(line)["text"] for line in (EVALS / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    for name, split in SCENARIOS.items():
        if split != "dev":
            continue
        for line in (EVALS / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                out += [t["user"] for t in json.loads(line)["turns"]]
    return out


def main(rounds: int = 5) -> None:
    messages = dev_messages()
    started = time.perf_counter()
    lexicon()
    # Loads the scheme, the catalogue, cn2an, the pinyin table and the level descriptors once.
    extract("我们客户满意度八成八，满以度88%，售后组织覆盖全部网点")
    warm = time.perf_counter() - started
    times: list[float] = []
    first: list[float] = []
    for r in range(rounds):
        for text in messages:
            t0 = time.perf_counter()
            extract(text)
            times.append((time.perf_counter() - t0) * 1000)
            if r == 0:
                first.append(times[-1])
    print(f"intake reader: {len(messages)} dev messages x {rounds} rounds, start-up {warm * 1000:.0f} ms")
    # The first pass embeds each described practice (e5, about 20 ms, described.py); later passes find most of
    # them in the embedder's cache, as a conversation that repeats itself would.
    for name, ts in (("first pass (nothing cached)", first), (f"all {rounds} rounds", times)):
        ts = sorted(ts)
        p50, p95 = statistics.median(ts), ts[int(0.95 * (len(ts) - 1))]
        print(f"extract() per message, {name}: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {ts[-1]:.2f} ms")


if __name__ == "__main__":
    main()
