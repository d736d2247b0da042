"""Benchmark: offline chat answer latency per intent after start-up (target: p50 ≤ 300 ms overall).

Run: .venv/bin/python benchmarks/bench_chat.py [--rounds 3] [--data-dir DIR]

Plays every scripted conversation of evals/conversations.jsonl in process with the offline writer, saving
each turn in the database as `chat` does. The first conversation warms up (model, index, jieba, scheme) and
is not timed; then each turn's `Conversation.handle` is timed. Prints p50/p95 per intent and overall.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.chat.conversation import Conversation
from assistant.chat.offline import OfflineWriter
from assistant.retrieval.ingest import ensure_index
from assistant.settings import Settings


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="times every conversation is played")
    ap.add_argument("--data-dir", type=Path, help="data directory with an index (default: the settings')")
    args = ap.parse_args()
    settings = Settings(**({"data_dir": args.data_dir} if args.data_dir else {}))
    ensure_index(settings)
    convs = [json.loads(line) for line in (REPO / "evals" / "conversations.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as db:
        # Conversations and plans go to a scratch database, not the user's.
        settings = settings.model_copy(update={"database_url": f"sqlite:///{db}/bench.db"})
        t0 = time.perf_counter()
        warm = Conversation(settings, writer=OfflineWriter(settings))
        for turn in convs[0]["turns"]:
            warm.handle(turn["user"])
        warm.close()
        print(f"start-up (first conversation, {len(convs[0]['turns'])} turns, untimed): {time.perf_counter() - t0:.1f} s")
        times: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            for conv in convs:
                c = Conversation(settings, writer=OfflineWriter(settings))
                for turn in conv["turns"]:
                    t = time.perf_counter()
                    out = c.handle(turn["user"])
                    times.setdefault(out["intent"], []).append((time.perf_counter() - t) * 1000)
                c.close()
    every = [x for v in times.values() for x in v]
    print(f"{'intent':<18}{'turns':>6}{'p50 ms':>10}{'p95 ms':>10}")
    for intent in sorted(times, key=lambda k: -statistics.median(times[k])):
        v = times[intent]
        print(f"{intent:<18}{len(v):>6}{pct(v, 0.5):>10.1f}{pct(v, 0.95):>10.1f}")
    p50 = pct(every, 0.5)
    print(f"{'all':<18}{len(every):>6}{p50:>10.1f}{pct(every, 0.95):>10.1f}")
    print(f"target p50 ≤ 300 ms: {'met' if p50 <= 300 else 'NOT met'}")


if __name__ == "__main__":
    main()
