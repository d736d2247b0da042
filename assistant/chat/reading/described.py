"""The level a practice described in words gives: a learned check over the catalogue's own level descriptors.

Clients rarely say "L3". They describe what they do ("投诉都进系统，按严重程度分级自动流转，关闭必须客户确认"), and
a consultant reads the description against the criterion's six level descriptors in the catalogue
(knowledge/criteria/*.yaml). The descriptor rules of levels.py (`_describe`) count the descriptors' own words; they
stay silent on most descriptions and misread some (evals/README.md, intake round 8).

This check reads the description the way the consultant does: the multilingual e5 model embeds the description
and the criterion's six descriptors, the closest descriptor proposes the level, and a logistic regression over how
clearly it is closest (the best similarity, its margins over the next ones, which level it is, whether the rules
agree, whether the description says what is lacking …) decides whether the level is said clearly enough to record.
It is trained by `scripts/train_described_level.py` on the intake suite's development split only, one file (one
writer) left out at a time to choose the threshold; its weights and the descriptors' vectors ship beside this
module (`described_level.json`). A level it records is read back with the descriptor it matched, so the client
sees what was understood and can correct it; without the weights or the model, the rules decide alone.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.learned import sigmoid

WEIGHTS = Path(__file__).with_name("described_level.json")
LEVELS = tuple(range(6))

_NEG = re.compile(r"没有|没|无|未|尚未|不|还没|\bno\b|\bnot\b|n't", re.IGNORECASE)
_AD_HOC = re.compile(r"全靠|靠个人|凭经验|口头|偶尔|零散|临时|个别|各自|随意|各用各的|不留记录")


def descriptor_key(texts: list[str]) -> str:
    """The fingerprint of a criterion's six descriptors: shipped vectors are used only for the very same texts."""
    return hashlib.sha1("\n".join(texts).encode("utf-8")).hexdigest()[:16]


def _embedder():
    """The e5 query encoder the weights were trained with, or None when it cannot be loaded."""
    try:
        from assistant.retrieval.embedders import _cached_embedder

        return _cached_embedder("e5", "")
    except Exception:  # noqa: BLE001 - no engine: the descriptor rules decide alone
        return None


@dataclass(frozen=True)
class Check:
    weights: np.ndarray
    bias: float
    threshold: float
    rule_floor: float  # below the threshold, the rules' level stands while p is at least this
    vectors: dict[str, tuple[str, np.ndarray]]  # criterion -> (descriptor_key, 6 x dim)


@lru_cache(maxsize=2)
def load_check(path: Path = WEIGHTS) -> Check | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    vectors = {}
    for cid, v in data["descriptors"].items():
        arr = np.frombuffer(base64.b64decode(v["vectors"]), dtype=np.float16).astype(np.float32)
        vectors[cid] = (v["key"], arr.reshape(len(LEVELS), -1))
    return Check(np.asarray(data["weights"], dtype=np.float64), float(data["bias"]), float(data["threshold"]),
                 float(data.get("rule_floor", 1.0)), vectors)


_computed: dict[str, np.ndarray] = {}


def descriptor_vectors(cid: str, texts: list[str], check: Check | None, embedder) -> np.ndarray:
    """The e5 vectors of a criterion's descriptors L0–L5: the shipped ones when the texts are the same, else
    computed once (the catalogue was edited after training)."""
    key = descriptor_key(texts)
    if check is not None and cid in check.vectors and check.vectors[cid][0] == key:
        return check.vectors[cid][1]
    if key not in _computed:
        _computed[key] = np.stack([embedder.embed_query(t) for t in texts])
    return _computed[key]


def features(similarities: np.ndarray, piece: str, english: bool, rule_level: int | None) -> tuple[list[float], int]:
    """The features of one description and the level whose descriptor is closest."""
    s = np.asarray(similarities, dtype=np.float64)
    order = np.sort(s)[::-1]
    best = int(np.argmax(s))
    f = [order[0], order[0] - order[1], order[1] - order[2], float(english), float(rule_level is not None),
         float(rule_level == best), len(piece) / 100, float(bool(_NEG.search(piece))), float(bool(_AD_HOC.search(piece)))]
    f += [float(best == lv) for lv in LEVELS]
    f += list(s - order[0])
    return f, best


def similarities(cid: str, piece: str, texts: list[str], check: Check | None = None) -> np.ndarray | None:
    """How close the description is to each of the criterion's descriptors (None without the model)."""
    embedder = _embedder()
    if embedder is None:
        return None
    vecs = descriptor_vectors(cid, texts, check, embedder)
    return vecs @ np.asarray(embedder.embed_query(piece), dtype=np.float32)


def judge(cid: str, piece: str, texts: list[str], english: bool, rule_level: int | None) -> tuple[str, int | None]:
    """What to do with a description: ("learned", level) to record the closest descriptor's level, ("rules", None)
    to let the descriptor rules decide (no weights or model, or the check finds it clear enough for their level to
    stand), ("none", None) to record no level (too unclear; the assistant asks with the descriptors instead)."""
    check = load_check()
    if check is None or len(texts) != len(LEVELS):
        return "rules", None
    sims = similarities(cid, piece, texts, check)
    if sims is None:
        return "rules", None
    f, best = features(sims, piece, english, rule_level)
    p = sigmoid(check.bias + float(np.dot(check.weights, f)))
    if p >= check.threshold:
        return "learned", best
    return ("rules", None) if rule_level is not None and p >= check.rule_floor else ("none", None)
