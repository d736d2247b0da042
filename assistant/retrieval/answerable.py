"""Whether a question asks about something the knowledge base covers: a learned check beside the topic rules.

The topic rules of knowledge/out_of_scope.yaml decline a question whose words ask for a fee, a duration, another
standard … that no passage states (scope.py). Each new writer of out-of-scope questions finds words the rules
do not know ("审核员的住宿谁安排", "拿了证能不能加分投标"), and retrieval scores cannot tell them apart: near-domain
questions score as close to the passages as answerable ones (evals/README.md, issue 15).

This check is a logistic regression over what the question asks, read three ways: the e5 vector of the question
(the one retrieval has just computed: similar questions ask similar things), the question's character pairs and
English words, and a few retrieval facts (best cosine, best BM25, whether it names a scheme concept). It is
trained by `scripts/train_answerability.py` on the spent question sets of evals/ only, with each file (one writer)
left out in turn to choose the threshold; its weights ship beside this module (`answerable.json`). Declining
stays a retrieval decision made from the question and the passages, never a language model's.

The weights belong to the embedder they were trained with: with another embedder configured the check stands
aside and the rules decide alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.learned import sigmoid

WEIGHTS = Path(__file__).with_name("answerable.json")

_EN_WORD = re.compile(r"[a-z][a-z0-9]+")
_HAN = re.compile(r"[\u4e00-\u9fff]+")


def grams(question: str) -> set[str]:
    """The question's character pairs (Chinese) and words (English), lower-cased."""
    q = question.lower()
    out = {f"w:{w}" for w in _EN_WORD.findall(q)}
    for run in _HAN.findall(q):
        out.update(f"c:{run[i:i + 2]}" for i in range(len(run) - 1))
        if len(run) == 1:
            out.add(f"c:{run}")
    return out


def scalars(best_dense: float, best_bm25: float, names_concept: bool, english: bool) -> dict[str, float]:
    """The retrieval facts the check reads beside the question's words."""
    return {"best_dense": best_dense, "best_bm25": min(best_bm25, 30.0) / 10.0,
            "names_concept": float(names_concept), "english": float(english)}


@dataclass(frozen=True)
class Check:
    embedder: str
    vector: np.ndarray          # weights of the e5 dimensions
    scalar: dict[str, float]    # weights of `scalars`
    gram: dict[str, float]      # weights of `grams`
    bias: float
    threshold: float

    def probability(self, qvec: np.ndarray, gram_set: set[str], scalar_values: dict[str, float]) -> float:
        """The probability that the question asks about something the knowledge base does not cover."""
        z = self.bias + float(np.dot(self.vector, qvec))
        z += sum(self.scalar.get(k, 0.0) * v for k, v in scalar_values.items())
        z += sum(self.gram.get(g, 0.0) for g in gram_set)
        return sigmoid(z)


@lru_cache(maxsize=2)
def load_check(path: Path = WEIGHTS) -> Check | None:
    """The trained check, or None when its weights are not there (the rules then decide alone)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return Check(embedder=data["embedder"], vector=np.asarray(data["vector"], dtype=np.float32),
                 scalar={k: float(v) for k, v in data["scalar"].items()},
                 gram={k: float(v) for k, v in data["gram"].items()},
                 bias=float(data["bias"]), threshold=float(data["threshold"]))


def features(question: str, hits: list, settings, names_concept: bool) -> tuple[np.ndarray, set[str], dict[str, float]]:
    """What the check reads of a question and its retrieved passages (`hits`, best first)."""
    from assistant.retrieval.embedders import get_embedder
    from assistant.text import is_english

    qvec = get_embedder(settings).embed_query(question.strip())  # remembered: retrieval has just embedded it
    return (qvec, grams(question),
            scalars(max((h.score for h in hits), default=0.0), max((h.bm25 for h in hits), default=0.0),
                    names_concept, is_english(question)))


def asks_beyond(question: str, hits: list, settings, names_concept: bool) -> bool:
    """Whether the learned check judges the question out of the knowledge base's scope (False when it stands
    aside: no weights, or weights of another embedder)."""
    from assistant.retrieval.embedders import embedder_name

    check = load_check()
    if check is None or check.embedder != embedder_name(settings) or not hits:
        return False
    return check.probability(*features(question, hits, settings, names_concept)) >= check.threshold
