"""Whether another passage's sentence bears on the question: a learned check on what the answer writer quotes.

The answer writer (assistant/answer.py `_extract_answer`) quotes the best passage, then the best sentence of up to
two of the other first passages when its rules let them in: retrieval unsure between the passages (fused scores
within FUSED_TIE), or a sentence about as close to the question as the main one's and sharing as many of its words.
Measured on the development question sets, most of the sentences these rules add come from a passage that holds
none of the item's evidence: they lengthen the answer with something the question did not ask. A few of them are
what the answer needs (a question about two rules, or the main passage is the wrong one and the other holds the
answer), and the rules cannot tell those apart.

This check is a logistic regression over a few facts of each candidate the rules admit (`features` below): how
its sentence scores against the main one's, how many of the question's words it shares against the main
sentence, the passage's rank and fused-score gap to the first hit, its source and whether the main passage has the
same one, what the question asks for (a list, a quantity, an example) and its language. It is trained by
`scripts/train_other_passages.py` on the development question sets only, each file (one writer) left out in turn to
choose the threshold so that the answers keep their key facts (must_include); its weights ship beside this module
(`other_passages.json`). It only removes candidates: the rules still decide which sentences are candidates.

The check stands aside (every candidate is quoted) when its weights are missing, when the passages carry no
sentence scores of our index (the baseline's passages: the segment scores are then words alone), or when
`Settings.learned_others` is off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assistant.learned import LinearCheck, load_linear

WEIGHTS = Path(__file__).with_name("other_passages.json")

SOURCES = ("rules", "scheme", "criteria", "findings")
# A question about two things ("L3和L4有什么区别", "整改期限和复审"): two passages may each hold one.
_TWO = re.compile(r"和|与|跟|及|以及|还是|区别|不同|差别|一样|比较|对比|分别|"
                  r"\band\b|\bor\b|\bdiffer|\bcompar|\bvs\.?\b|\bboth\b", re.I)
_CRITERION = re.compile(r"(?<![A-Za-z0-9])D\d\.\d(?![0-9])")


@dataclass(frozen=True)
class Candidate:
    """One sentence of another passage that the writer's rules admit, with what the check weighs of it."""

    n: int                 # the passage's citation number (its rank among the hits)
    source: str            # its source: rules, scheme, criteria or findings
    criterion: str | None  # the criterion it belongs to, if any
    text: str              # the sentence
    score: float           # the sentence's score (cosine, shared words, value asked; answer.py `_segments_of`)
    passage_score: float   # the passage's score in the writer's ranking (sentence score less the rank penalty)
    overlap: float         # share of the question's words (weighted by rarity) the sentence contains
    adds: float            # share of the question's words the sentence contains and the quotes so far do not
    new_number: bool       # the sentence states a number the quotes so far do not
    passage_overlap: float  # share of the question's words the whole passage contains
    title_overlap: float   # share of the question's words its locator (title) contains
    bm25: float            # the passage's BM25 score
    fused_gap: float       # fused score of the first hit less this passage's
    dense: float           # the passage's retrieval cosine (closest sentence or alias)
    tie: bool              # admitted because retrieval was unsure between the passages (FUSED_TIE)


@dataclass(frozen=True)
class Main:
    """What the candidate is weighed against: the main passage and its best sentence."""

    n: int
    source: str
    criterion: str | None
    score: float           # its best sentence's score
    passage_score: float
    overlap: float
    passage_overlap: float
    title_overlap: float
    dense: float
    bm25: float            # the best BM25 score of the first hits


def features(question: str, asks: dict[str, bool], main: Main, cand: Candidate) -> dict[str, float]:
    """The facts the check weighs of one candidate (all within a few units, so one regularisation fits them);
    `asks` says what the question asks for: list, quantity, example, english (answer.py reads these)."""
    named = set(_CRITERION.findall(question.upper()))
    f = {
        "bias": 1.0,
        "score": cand.score,
        "score_gap": min(0.2, main.score - cand.score) * 10.0,
        "passage_gap": min(0.2, main.passage_score - cand.passage_score) * 10.0,
        "dense_gap": min(0.2, main.dense - cand.dense) * 10.0,
        "overlap": cand.overlap,
        "overlap_gap": main.overlap - cand.overlap,
        "overlap_ratio": min(2.0, cand.overlap / main.overlap) if main.overlap > 0 else 1.0,
        "adds": cand.adds,
        "new_number": float(cand.new_number),
        "new_number_asked": float(cand.new_number and asks.get("quantity", False)),
        "passage_overlap": cand.passage_overlap,
        "passage_overlap_gap": main.passage_overlap - cand.passage_overlap,
        "title_overlap": cand.title_overlap,
        "title_overlap_gap": main.title_overlap - cand.title_overlap,
        "bm25_share": cand.bm25 / main.bm25 if main.bm25 > 0 else 1.0,
        "main_first": float(main.n == 1),
        "criterion_other": float(bool(named) and cand.criterion not in named),
        "rank": float(cand.n - 1),
        "before_main": float(cand.n < main.n),
        "fused_gap": min(2.0, max(0.0, cand.fused_gap)),
        "tie": float(cand.tie),
        "same_source": float(cand.source == main.source),
        "same_criterion": float(bool(cand.criterion) and cand.criterion == main.criterion),
        "criterion_named": float(bool(cand.criterion) and cand.criterion in named),
        "asks_two": float(bool(_TWO.search(question))),
        "asks_list": float(asks.get("list", False)),
        "asks_quantity": float(asks.get("quantity", False)),
        "asks_example": float(asks.get("example", False)),
        "english": float(asks.get("english", False)),
        "long": min(1.0, len(cand.text) / 120.0),
    }
    for s in SOURCES:
        f["source_" + s] = float(cand.source == s)
        f["main_" + s] = float(main.source == s)
    return f


def load(path: Path = WEIGHTS) -> LinearCheck | None:
    """The shipped weights (None when the file is missing: then every candidate the rules admit is quoted). Its
    probability is that the candidate's passage bears on the question (holds what it asks)."""
    return load_linear(path)
