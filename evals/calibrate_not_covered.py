"""Calibrate the "not covered" thresholds from a QA dataset (default: evals/retrieval_qa.jsonl).

    .venv/bin/python evals/calibrate_not_covered.py [--dataset FILE ...] [--max-false-decline 0.02]

For every question it records the best sentence cosine (e5) and the best BM25 score of the retrieved
passages (questions naming a scheme concept are left out: they are never declined, see `answer.is_covered`; so are
questions that ask about a topic of knowledge/out_of_scope.yaml no passage states: their words decide, not scores),
then searches, per language, the pair of thresholds (decline when both are below) that declines the most
`not_covered` items while wrongly declining at most the given share of answerable ones. e5 cosines sit
in a narrow band (0.77-0.96 here), so the thresholds are data, re-measured whenever the model or the
knowledge base changes, and copied into `Settings.not_covered_dense` / `not_covered_bm25`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.answer import names_scheme_concept  # noqa: E402
from assistant.evals.data import EVALS_DIR  # noqa: E402
from assistant.evals.qa import load_dataset  # noqa: E402
from assistant.retrieval.hybrid import search  # noqa: E402
from assistant.retrieval.ingest import ensure_index  # noqa: E402
from assistant.retrieval.scope import outside_scope  # noqa: E402
from assistant.settings import get_settings  # noqa: E402
from assistant.text import is_english  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", nargs="+", default=[str(EVALS_DIR / "retrieval_qa.jsonl")],
                    help="one or more QA files (the not-covered items come from retrieval_qa.jsonl)")
    ap.add_argument("--max-false-decline", type=float, default=0.02)
    args = ap.parse_args()
    settings = get_settings()
    ensure_index(settings)
    all_rows = []
    for item in (i for path in args.dataset for i in load_dataset(Path(path))):
        if names_scheme_concept(item.question, settings.knowledge_dir):
            continue
        hits = search(item.question, settings=settings)
        if outside_scope(item.question, [h.text for h in hits], settings.knowledge_dir) is not None:
            continue
        all_rows.append((item.not_covered, max(h.score for h in hits), max(h.bm25 for h in hits), is_english(item.question)))
    # English questions meet Chinese passages at lower cosines, so each language gets its own threshold.
    for lang, english in (("zh", False), ("en", True)):
        calibrate(lang, [r for r in all_rows if r[3] == english], settings, args.max_false_decline)


def calibrate(lang: str, rows: list[tuple], settings, max_false_decline: float) -> None:
    answerable = [r for r in rows if not r[0]]
    uncovered = [r for r in rows if r[0]]
    best = None
    for t in [0.75 + i * 0.005 for i in range(45)]:
        for b in [i * 0.5 for i in range(30)]:
            false = sum(1 for r in answerable if r[1] < t and r[2] < b) / len(answerable)
            caught = sum(1 for r in uncovered if r[1] < t and r[2] < b) / max(1, len(uncovered))
            if false <= max_false_decline and (best is None or (caught, -false) > (best[0], -best[1])):
                best = (caught, false, round(t, 3), b)
    suffix = "" if lang == "zh" else "_en"
    dense, bm25 = f"not_covered_dense{suffix}", f"not_covered_bm25{suffix}"
    print(f"[{lang}] {len(answerable)} answerable, {len(uncovered)} not-covered questions; "
          f"current: {dense}={getattr(settings, dense)} {bm25}={getattr(settings, bm25)}")
    if best:
        print(f"[{lang}] best: {dense}={best[2]} {bm25}={best[3]} -> declines {best[0]:.0%} of "
              f"not-covered questions, wrongly declines {best[1]:.1%} of answerable ones")


if __name__ == "__main__":
    main()
