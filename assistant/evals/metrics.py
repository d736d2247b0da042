"""Metric functions of the offline suite: ranks, hit@k, MRR, nDCG, precision/recall, percentiles, evidence matching.

Pure functions over plain values, so each is tested on tiny hand-made inputs (tests/evals/test_metrics.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Whitespace and punctuation removed, lower-cased: how CONTRACTS.md compares evidence."""
    return _STRIP.sub("", text or "").lower()


def contains(haystack: str, needle: str) -> bool:
    """`needle` occurs in `haystack` after both are normalised (an empty needle never matches)."""
    n = normalise(needle)
    return bool(n) and n in normalise(haystack)


def first_hit_rank(passages: Sequence[str], evidence: Sequence[str]) -> int | None:
    """1-based rank of the first passage that contains any one of the evidence spans; None when none does."""
    wanted = [w for w in (normalise(e) for e in evidence) if w]
    for rank, text in enumerate(passages, 1):
        norm = normalise(text)
        if any(w in norm for w in wanted):
            return rank
    return None


def spans_found(passages: Sequence[str], evidence: Sequence[str]) -> int:
    """How many of the evidence spans occur in at least one of the passages."""
    norms = [normalise(p) for p in passages]
    return sum(1 for e in evidence if normalise(e) and any(normalise(e) in p for p in norms))


def hit_at_k(ranks: Sequence[int | None], k: int) -> float:
    """Share of items whose first relevant passage is within the first k (0.0 for no items)."""
    if not ranks:
        return 0.0
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mrr(ranks: Sequence[int | None]) -> float:
    """Mean reciprocal rank: the mean of 1/rank, 0 for an item with no relevant passage."""
    if not ranks:
        return 0.0
    return sum(1.0 / r for r in ranks if r) / len(ranks)


def ndcg_at_k(ranks: Sequence[int | None], k: int = 5) -> float:
    """nDCG@k with one relevant passage per item: 1/log2(rank+1) within the first k, else 0 (ideal DCG is 1)."""
    if not ranks:
        return 0.0
    return sum(1.0 / math.log2(r + 1) for r in ranks if r is not None and r <= k) / len(ranks)


def precision_recall(predicted: Iterable[bool], actual: Iterable[bool]) -> tuple[float | None, float | None]:
    """Precision and recall of the positive class; None where the denominator is empty."""
    pairs = list(zip(predicted, actual, strict=True))
    tp = sum(1 for p, a in pairs if p and a)
    said = sum(1 for p, _ in pairs if p)
    true = sum(1 for _, a in pairs if a)
    return (tp / said if said else None), (tp / true if true else None)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) by linear interpolation between closest ranks; None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def share(flags: Iterable[bool | None]) -> float | None:
    """Share of True among the values that are not None; None when all are None."""
    vals = [bool(f) for f in flags if f is not None]
    return sum(vals) / len(vals) if vals else None


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


_MARKER = re.compile(r"\[(\d+)\]")


def cited_numbers(answer: str) -> list[int]:
    """The [n] citation markers of an answer text, in order of first use."""
    return list(dict.fromkeys(int(m) for m in _MARKER.findall(answer or "")))


def strip_markers(answer: str) -> str:
    return _MARKER.sub("", answer or "")


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]")
_LEAD = re.compile(r"^\s*(?:-\s*)?根据[^：:\n]{1,40}[：:]")
_SENTENCE = re.compile(r"(?<=[。！？；!?;])|\n+")


def quoted_sentences(answer: str) -> list[tuple[int, str]]:
    """(citation number, sentence) for every sentence the answer quotes: the text on the line before each [n]
    marker, from its first Chinese character (an English statement, a "- " bullet or a lead "根据…：" before it
    is not a quote); lead lines without a marker are not quotes either."""
    out: list[tuple[int, str]] = []
    parts = _MARKER.split(answer or "")
    for text, marker in zip(parts[0::2], parts[1::2]):
        line = _LEAD.sub("", text.rstrip().rsplit("\n", 1)[-1])
        m = _CJK_RUN.search(line)
        if m is None:
            continue
        for sent in _SENTENCE.split(line[m.start():]):
            if normalise(sent):
                out.append((int(marker), sent.strip()))
    return out


def quote_problems(answer: str, citations: Sequence[dict], evidence: Sequence[str]) -> tuple[int, int, int]:
    """(quoted sentences, sentences not verbatim in the passage their [n] names, sentences from a passage that
    holds none of the evidence spans). The last is the unrelated-sentence count; it is 0 without evidence."""
    quotes = quoted_sentences(answer)
    wanted = [w for w in (normalise(e) for e in evidence) if w]
    mismatched = unrelated = 0
    for n, sent in quotes:
        if not 1 <= n <= len(citations):
            mismatched += 1
            continue
        passage = normalise(citations[n - 1].get("text", ""))
        if normalise(sent) not in passage:
            mismatched += 1
        if wanted and not any(w in passage for w in wanted):
            unrelated += 1
    return len(quotes), mismatched, unrelated
