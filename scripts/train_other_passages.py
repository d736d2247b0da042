"""Train the check on other passages' sentences in answers (assistant/retrieval/other_passages.py).

    python scripts/train_other_passages.py            # cross-validate, train on all, write the weights
    python scripts/train_other_passages.py --check    # cross-validate only, write nothing

Data: the development question sets of evals/ (`TRAIN` below), never the set kept for the next measurement. Each
question goes through the real pipeline (search, then the answer writer); every sentence of another passage that
the writer's rules admit is a candidate, recorded with the check's features before any check weighs it. A
candidate is labelled as bearing on the question when its passage holds one of the item's expected evidence spans
(the same test as the unrelated-sentence metric, assistant/evals/metrics.py `quote_problems`); questions without
evidence (not covered) give no labels.

The answer is also written for every choice of its candidates (at most two, so at most four answers) and scored
as the QA suite scores it, so that any threshold's effect on the answers is known exactly: sentences from a
passage without the evidence, key facts kept (must_include), answers citing the evidence (citation_support).

Cross-validation leaves one file (one writer) out at a time, since what matters is how the check reads a writer
it has not seen. The threshold is the highest at which the out-of-file predictions keep must_include and
citation_support on all files together at least as high as with every candidate quoted (MUST_INCLUDE_SLACK and
SUPPORT_SLACK items may go); then the model is trained on all files. Needs scikit-learn (the `eval` extra) and the
index (`python -m assistant ingest`).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import Counter
from datetime import date
from itertools import product
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answer import compose  # noqa: E402
from assistant.evals.metrics import normalise  # noqa: E402
from assistant.evals.qa import load_dataset, score_item  # noqa: E402
from assistant.retrieval import other_passages  # noqa: E402
from assistant.retrieval.hybrid import search  # noqa: E402
from assistant.settings import get_settings  # noqa: E402

# The development sets; retrieval_unseen8.jsonl is kept for the measurement of this check.
TRAIN = ("retrieval_qa.jsonl", "retrieval_heldout.jsonl", "retrieval_test.jsonl", "retrieval_unseen.jsonl",
         "retrieval_unseen2.jsonl", "retrieval_unseen3.jsonl", "retrieval_unseen4.jsonl", "retrieval_unseen5.jsonl",
         "retrieval_unseen6.jsonl", "retrieval_unseen7.jsonl")
# Items whose key facts (must_include) or cited evidence (citation_support) the check may lose, out of file, on all
# files together: none.
MUST_INCLUDE_SLACK = 0
SUPPORT_SLACK = 0
C_GRID = (0.03, 0.1, 0.3, 1.0)


def rows(evals: Path, settings) -> list[dict]:
    """One row per question: its candidates (features, label) and the scores of its answer for each choice of them."""
    out = []
    for name in TRAIN:
        for item in load_dataset(evals / name):
            hits = search(item.question, settings=settings)
            seen: list[tuple[int, dict]] = []

            def record(n: int, feats: dict) -> bool:
                seen.append((n, feats))
                return True

            compose(item.question, hits, settings, judge_others=record)
            wanted = [w for w in (normalise(e) for e in item.evidence) if w]
            cands = [{"n": n, "feats": f,
                      "label": (any(w in normalise(hits[n - 1].text) for w in wanted) if wanted else None)}
                     for n, f in seen]
            choices = {}
            for keep in product((True, False), repeat=len(cands)):
                chosen = {c["n"]: k for c, k in zip(cands, keep)}
                ans = compose(item.question, hits, settings, judge_others=lambda n, _f: chosen.get(n, True))
                r = score_item(item, ans, 0.0)
                choices[keep] = {"must_include": r["must_include"], "citation_support": r["citation_support"],
                                 "unrelated": r["unrelated_sentences"] if r["answer_chars"] is not None else None,
                                 "quoted": r["quoted_sentences"]}
            out.append({"file": name, "id": item.id, "answerable": not item.not_covered, "cands": cands,
                        "choices": choices})
    return out


def labelled(data: list[dict], files: set[str]) -> tuple[list[dict], np.ndarray]:
    feats = [c["feats"] for r in data if r["file"] in files for c in r["cands"] if c["label"] is not None]
    y = np.array([c["label"] for r in data if r["file"] in files for c in r["cands"] if c["label"] is not None], dtype=int)
    return feats, y


def fit(feats: list[dict], y: np.ndarray, C: float):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer().fit([{n: v for n, v in f.items() if n != "bias"} for f in feats])
    return vec, LogisticRegression(C=C, max_iter=5000).fit(vec.transform(feats), y)


def out_of_file(data: list[dict], C: float) -> dict[tuple[str, int], float]:
    """Each candidate's probability from a model trained without its file: keyed by (item id in its file, n)."""
    p = {}
    for name in TRAIN:
        vec, lr = fit(*labelled(data, set(TRAIN) - {name}), C)
        for r in data:
            if r["file"] == name and r["cands"]:
                probs = lr.predict_proba(vec.transform([c["feats"] for c in r["cands"]]))[:, 1]
                for c, x in zip(r["cands"], probs):
                    p[(name, r["id"], c["n"])] = float(x)
    return p


def outcome(data: list[dict], keep_of) -> dict:
    """The answers' figures when each candidate is kept as `keep_of(row, candidate)` says, per file and in all."""
    per: dict[str, Counter] = {}
    for r in data:
        got = r["choices"][tuple(keep_of(r, c) for c in r["cands"])]
        t = per.setdefault(r["file"], Counter())
        if got["unrelated"] is not None:
            t["unrelated"] += got["unrelated"]
            t["quoted"] += got["quoted"]
        if got["must_include"] is not None:
            t["must"] += 1
            t["must_ok"] += int(got["must_include"])
        if r["answerable"] and got["citation_support"] is not None:
            t["support"] += 1
            t["support_ok"] += int(got["citation_support"])
        t["kept"] += sum(1 for c in r["cands"] if keep_of(r, c))
        t["candidates"] += len(r["cands"])
    per["all"] = sum(per.values(), Counter())
    return per


def figures(t: Counter) -> dict:
    return {"unrelated_sentence_rate": round(t["unrelated"] / max(1, t["quoted"]), 4),
            "must_include": round(t["must_ok"] / t["must"], 4) if t["must"] else None,
            "citation_support": round(t["support_ok"] / max(1, t["support"]), 4),
            "unrelated": t["unrelated"], "quoted": t["quoted"], "must_ok": t["must_ok"], "support_ok": t["support_ok"],
            "kept": t["kept"], "candidates": t["candidates"]}


def threshold(data: list[dict], p: dict) -> tuple[float, dict, dict]:
    """The highest threshold whose out-of-file decisions keep must_include and citation_support (within the
    slack), with its figures and those of quoting every candidate."""
    base = outcome(data, lambda r, c: True)
    best_t, best = 0.0, base
    for t in [i / 100 for i in range(1, 96)]:
        got = outcome(data, lambda r, c: p[(r["file"], r["id"], c["n"])] >= t)
        if (got["all"]["must_ok"] >= base["all"]["must_ok"] - MUST_INCLUDE_SLACK
                and got["all"]["support_ok"] >= base["all"]["support_ok"] - SUPPORT_SLACK):
            best_t, best = t, got
    return best_t, best, base


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="cross-validate only, write nothing")
    ap.add_argument("--out", type=Path, default=other_passages.WEIGHTS)
    ap.add_argument("--cache", type=Path, help="keep the candidates and answers in this file and reuse them when it "
                    "exists (while trying features or settings of the model; remove it after changing the writer)")
    args = ap.parse_args()
    settings = get_settings()
    if args.cache and args.cache.exists():
        data = pickle.loads(args.cache.read_bytes())
    else:
        data = rows(ROOT / "evals", settings)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(data))
    feats, y = labelled(data, set(TRAIN))
    print(f"{len(data)} questions from {len(TRAIN)} files; {sum(len(r['cands']) for r in data)} candidates, "
          f"{len(y)} labelled: {int(y.sum())} bear on the question, {int(len(y) - y.sum())} do not")
    best = None
    for C in C_GRID:
        p = out_of_file(data, C)
        t, got, base = threshold(data, p)
        print(f"C={C}: threshold {t:.2f}, out of file {figures(got['all'])}")
        if best is None or got["all"]["unrelated"] < best[2]["all"]["unrelated"]:
            best = (C, t, got, base)
    C, t, got, base = best
    print(f"chosen C={C}, threshold {t:.2f}; per file, every candidate quoted -> out-of-file check:")
    for name in [*TRAIN, "all"]:
        b, a = figures(base[name]), figures(got[name])
        print(f"  {name:26s} unrelated {b['unrelated_sentence_rate']:.4f} -> {a['unrelated_sentence_rate']:.4f}   "
              f"must_include {b['must_include']} -> {a['must_include']}   "
              f"citation_support {b['citation_support']:.4f} -> {a['citation_support']:.4f}   "
              f"kept {a['kept']}/{a['candidates']}")
    if args.check:
        return 0
    vec, lr = fit(feats, y, C)
    weights = {"bias": round(float(lr.intercept_[0]), 4),
               **{n: round(float(w), 4) for n, w in zip(vec.get_feature_names_out(), lr.coef_[0]) if abs(w) >= 1e-4}}
    out = {"about": "assistant/retrieval/other_passages.py; written by scripts/train_other_passages.py",
           "trained": date.today().isoformat(), "trained_on": list(TRAIN), "candidates": len(y), "C": C,
           "threshold": t, "cross_validation": {"quote_all": figures(base["all"]), "check": figures(got["all"])},
           "weights": weights}
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT)}: C={C}, threshold {t:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
