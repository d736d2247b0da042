"""The gate: every metric named in evals/thresholds.yaml must be at or above its `min` (at or below its `max`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import BadInput
from assistant.evals.data import EVALS_DIR

THRESHOLDS = EVALS_DIR / "thresholds.yaml"


@dataclass(frozen=True)
class Check:
    suite: str
    metric: str
    value: float | None
    bound: str  # "min" or "max"
    threshold: float
    ok: bool

    @property
    def line(self) -> str:
        shown = "missing" if self.value is None else f"{self.value:g}"
        op = "≥" if self.bound == "min" else "≤"
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.suite:<14} {self.metric:<28} {shown:>10}  {op} {self.threshold:g}"


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, dict[str, dict[str, float]]]:
    """{suite: {metric: {"min"|"max": value}}}; anything else is BadInput naming the entry."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise BadInput(f"cannot read the thresholds ({exc.__class__.__name__})", where=str(path)) from None
    if not isinstance(data, dict):
        raise BadInput("the top level must map suite names to metrics", where=str(path))
    for suite, metrics in data.items():
        if not isinstance(metrics, dict):
            raise BadInput("must map metric names to {min: …} or {max: …}", where=f"{path}: {suite}")
        for metric, bound in metrics.items():
            if not (isinstance(bound, dict) and len(bound) == 1 and next(iter(bound)) in ("min", "max")
                    and isinstance(next(iter(bound.values())), (int, float))):
                raise BadInput("write {min: NUMBER} or {max: NUMBER}", where=f"{path}: {suite}.{metric}")
    return data


def suite_metrics(suite: dict) -> dict[str, Any]:
    """A suite's metrics with its per-subset ones flattened as `metric[subset]`."""
    flat = dict(suite.get("metrics", {}))
    for subset, values in (suite.get("by_subset") or {}).items():
        for k, v in values.items():
            flat[f"{k}[{subset}]"] = v
    return flat


def check(suites: dict[str, dict], thresholds: dict) -> list[Check]:
    """One Check per threshold of a suite that ran; suites skipped or not run are ignored."""
    out = []
    for name, metrics in thresholds.items():
        suite = suites.get(name)
        if suite is None or suite.get("status") == "skipped":
            continue
        values = suite_metrics(suite)
        for metric, bound in metrics.items():
            kind, threshold = next(iter(bound.items()))
            value = values.get(metric)
            ok = value is not None and (value >= threshold if kind == "min" else value <= threshold)
            out.append(Check(name, metric, value, kind, float(threshold), ok))
    return out


def table(checks: list[Check], *, failures_only: bool = False) -> str:
    rows = [c for c in checks if not (failures_only and c.ok)]
    head = f"      {'suite':<14} {'metric':<28} {'value':>10}  threshold"
    return "\n".join([head, *(c.line for c in rows)])
