"""Calibrate the "not covered" thresholds from a QA dataset (default: evals/retrieval_qa.jsonl).

    .venv/bin/python evals/calibrate_not_covered.py [--dataset FILE] [--max-false-decline 0.02]

For every question it records the best sentence cosine (e5) and the best BM25 score of the retrieved
passages, then searches the pair of thresholds (decline when both are below) that declines the most
`not_covered` items while wrongly declining at most the given share of answerable ones. e5 cosines sit
in a narrow band (0.77-0.96 here), so the thresholds are data, re-measured whenever the model or the
knowledge base changes, and copied into `Settings.not_covered_dense` / `not_covered_bm25`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.evaluation import EVALS_DIR, load_dataset  # noqa: E402
from assistant.retrieval.hybrid import search  # noqa: E402
from assistant.retrieval.ingest import ensure_index  # noqa: E402
from assistant.settings import get_settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default=str(EVALS_DIR / "retrieval_qa.jsonl"))
    ap.add_argument("--max-false-decline", type=float, default=0.02)
    args = ap.parse_args()
    settings = get_settings()
    ensure_index(settings)
    rows = []
    for item in load_dataset(Path(args.dataset)):
        hits = search(item.question, settings=settings)
        rows.append((item.not_covered, max(h.score for h in hits), max(h.bm25 for h in hits)))
    answerable = [r for r in rows if not r[0]]
    uncovered = [r for r in rows if r[0]]
    best = None
    for t in [0.75 + i * 0.005 for i in range(45)]:
        for b in [i * 0.5 for i in range(30)]:
            false = sum(1 for r in answerable if r[1] < t and r[2] < b) / len(answerable)
            caught = sum(1 for r in uncovered if r[1] < t and r[2] < b) / max(1, len(uncovered))
            if false <= args.max_false_decline and (best is None or (caught, -false) > (best[0], -best[1])):
                best = (caught, false, round(t, 3), b)
    print(f"{len(answerable)} answerable, {len(uncovered)} not-covered questions")
    print(f"current: not_covered_dense={settings.not_covered_dense} not_covered_bm25={settings.not_covered_bm25}")
    if best:
        print(f"best: not_covered_dense={best[2]} not_covered_bm25={best[3]} -> declines {best[0]:.0%} of "
              f"not-covered questions, wrongly declines {best[1]:.1%} of answerable ones")


if __name__ == "__main__":
    main()
