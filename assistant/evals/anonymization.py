"""The anonymisation suite: identifiers left in the output (leaks) and audit facts wrongly removed,
over evals/anonymization_cases.jsonl."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from assistant.evals.data import load_jsonl
from assistant.evals.metrics import percentile, share
from assistant.settings import Settings


def run(path: Path, settings: Settings) -> dict:
    from assistant.anonymize import Anonymizer

    cases = load_jsonl(path, required=("id", "text", "must_remove"))
    rows = []
    for case in cases:
        started = time.perf_counter()
        # A fresh anonymiser per text, as `anonymize FILE` does: placeholders are stable within one input.
        out = Anonymizer(settings).anonymize(case["text"])
        ms = (time.perf_counter() - started) * 1000
        leaked = [x for x in case["must_remove"] if x in out]
        lost = [x for x in case.get("must_keep", []) if x not in out]
        rows.append({"id": case["id"], "output": out, "leaked": leaked, "lost": lost, "passed": not leaked and not lost,
                     "latency_ms": round(ms, 1)})
    metrics: dict[str, Any] = {
        "leaks": sum(len(r["leaked"]) for r in rows),
        "facts_lost": sum(len(r["lost"]) for r in rows),
        "identifiers": sum(len(c["must_remove"]) for c in cases),
        "pass_rate": share(r["passed"] for r in rows),
        "latency_p95_ms": percentile([r["latency_ms"] for r in rows], 95),
        "cases": len(rows),
    }
    return {"metrics": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in metrics.items()}, "items": rows}
