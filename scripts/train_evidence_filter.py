"""Train the check that tells a document offered as evidence from one only mentioned (assistant/chat/reading/offered.py).

    python scripts/train_evidence_filter.py            # cross-validate, train on all, write the weights
    python scripts/train_evidence_filter.py --check    # cross-validate only, write nothing

Data: the Chinese messages of the intake suite's development split only (assistant/evals/intake.py `DATASETS["dev"]` and the dev
scenarios), never the held-out part. Every document the evidence reader's rules keep is a candidate; it is labelled
offered when the case's expected evidence holds a matching item (any criterion: where it goes is another
decision). Cross-validation leaves one file (one writer) out at a time, since what matters is how the check reads a
writer it has not seen; the threshold is chosen on those out-of-file predictions, then the model is trained on all.
Needs scikit-learn (the `test` extra).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.chat.reading import offered  # noqa: E402
from assistant.chat.reading.facts import Reader  # noqa: E402
from assistant.chat.reading.lexicon import lexicon  # noqa: E402
from assistant.chat.reading.model import Context  # noqa: E402
from assistant.evals import intake  # noqa: E402
from assistant.evals.data import load_jsonl  # noqa: E402

TODAY = date(2026, 12, 6)
# A document wrongly recorded costs as much as one missed, and a little more: a recorded one lifts the evidence cap.
FP_COST = 1.2
# A character gram is a feature when at least this many candidates have it (rarer ones only learn one writer's words).
MIN_GRAM = 3


def messages(folder: Path) -> list[tuple[str, str, dict]]:
    """(file, text, expect) of every development message and scenario turn."""
    out = []
    for name in intake.DATASETS["dev"]:
        for case in load_jsonl(folder / name, required=("id", "text", "expect")):
            out.append((name, case["text"], case["expect"]))
    for name, split in intake.SCENARIOS.items():
        if split != "dev":
            continue
        for sc in load_jsonl(folder / name, required=("id", "turns")):
            for turn in sc["turns"]:
                out.append((name, turn["user"], turn.get("expect") or {}))
    return out


def candidates(rows: list[tuple[str, str, dict]]) -> tuple[list[str], list[dict], list[int]]:
    """Every document the rules keep (the reader records each with its features before the check weighs it)."""
    lex = lexicon()
    groups, feats, labels = [], [], []
    for name, text, expect in rows:
        r = Reader(text, lex, Context(), TODAY)
        if r.en:
            continue  # the check weighs Chinese messages only (evidence.py): too few English ones to learn from
        r.read()
        want = [w for items in (expect.get("evidence") or {}).values() for w in items]
        for _cid, item, f in r.evidence_candidates:
            hit = next((w for w in want if intake._doc_match(item, w)), None)
            if hit is not None:
                want.remove(hit)
            groups.append(name)
            feats.append(f)
            labels.append(int(hit is not None))
    return groups, feats, labels


def main(argv: list[str] | None = None) -> int:
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="cross-validate only, write nothing")
    ap.add_argument("--out", type=Path, default=offered.WEIGHTS)
    args = ap.parse_args(argv)

    groups, feats, labels = candidates(messages(ROOT / "evals"))
    y = np.array(labels)
    g = np.array(groups)
    print(f"{len(y)} candidates from {len(set(groups))} files: {int(y.sum())} offered, {int(len(y) - y.sum())} only mentioned")

    def fit(rows: list[dict]) -> tuple[DictVectorizer, LogisticRegression]:
        """A vectoriser over the features (character grams seen in at least MIN_GRAM candidates) and its model."""
        seen = Counter(n for f in rows for n in f if n.startswith("g:"))
        vec = DictVectorizer().fit([{n: v for n, v in f.items() if n != "bias" and (not n.startswith("g:") or seen[n] >= MIN_GRAM)}
                                    for f in rows])
        return vec, LogisticRegression(C=1.0, max_iter=3000).fit(vec.transform(rows), y_of(rows))

    index = {id(f): i for i, f in enumerate(feats)}

    def y_of(rows: list[dict]):
        return y[[index[id(f)] for f in rows]]

    p = np.zeros(len(y))
    for name in sorted(set(groups)):
        train = [f for f, grp in zip(feats, groups) if grp != name]
        test = [f for f, grp in zip(feats, groups) if grp == name]
        vec, lr = fit(train)
        p[g == name] = lr.predict_proba(vec.transform(test))[:, 1]

    sure = np.array([offered.always_offered(f) for f in feats])
    p[sure] = 1.0  # put forward as proof or named by title: recorded whatever the model says

    def cost(t: float) -> float:
        keep = p >= t
        return FP_COST * float(((keep) & (y == 0)).sum()) + float(((~keep) & (y == 1)).sum())

    grid = [i / 100 for i in range(5, 96)]
    threshold = min(grid, key=lambda t: (cost(t), abs(t - 0.5)))
    keep = p >= threshold
    tp, fp, fn = int((keep & (y == 1)).sum()), int((keep & (y == 0)).sum()), int((~keep & (y == 1)).sum())
    base_p = y.sum() / len(y)
    print(f"leave-one-file-out at threshold {threshold:.2f}: kept {int(keep.sum())}, "
          f"precision {tp / max(1, tp + fp):.3f} (all kept: {base_p:.3f}), recall {tp / max(1, tp + fn):.3f}")
    for name in sorted(set(groups)):
        m = g == name
        k = keep & m
        print(f"  {name:36s} n={int(m.sum()):4d}  fp {int((m & (y == 0)).sum()):3d} -> {int((k & (y == 0)).sum()):3d}"
              f"   lost offered {int((~keep & m & (y == 1)).sum()):3d}")
    if args.check:
        return 0
    vec, final = fit(feats)
    weights = {"bias": round(float(final.intercept_[0]), 4),
               **{n: round(float(w), 4) for n, w in zip(vec.get_feature_names_out(), final.coef_[0]) if abs(w) >= 1e-3}}
    args.out.write_text(json.dumps({"about": "assistant/chat/reading/offered.py; written by scripts/train_evidence_filter.py",
                                    "trained_on": sorted(set(groups)), "candidates": len(y), "threshold": threshold,
                                    "weights": weights}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
