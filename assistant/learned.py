"""What the product's learned checks share: a logistic model over named features, read from the JSON file its
training script writes beside the check.

Each check reads its own features and decides what a pass means (assistant/chat/reading/offered.py: a document
offered as evidence; assistant/retrieval/other_passages.py: another passage's sentence that bears on the question);
the model, its threshold and how it is loaded are the same. The checks over e5 vectors
(assistant/retrieval/answerable.py, assistant/chat/reading/described.py) use `sigmoid` with weights of their own
shape. Every check stands aside when its weights are missing, so the rules decide alone.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class LinearCheck:
    weights: dict[str, float]  # feature name -> weight ("bias" included, with the value 1.0 among the features)
    threshold: float

    def probability(self, feats: dict[str, float]) -> float:
        return sigmoid(sum(self.weights.get(n, 0.0) * v for n, v in feats.items()))

    def passes(self, feats: dict[str, float]) -> bool:
        return self.probability(feats) >= self.threshold


@lru_cache(maxsize=8)
def load_linear(path: Path) -> LinearCheck | None:
    """The weights at `path` ({"weights": {name: w}, "threshold": t, …}), or None when the file is missing."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return LinearCheck({str(n): float(w) for n, w in data["weights"].items()}, float(data["threshold"]))
