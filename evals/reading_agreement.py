"""How far two consultants agree on what a client's messages state: a second reading of an intake file, scored with
the intake suite's own scorer against the first.

    .venv/bin/python evals/reading_agreement.py [FIRST SECOND ...]

Default pairs: intake_heldout5/6.jsonl (the writer's reading) against intake_heldout5/6_second.jsonl (a second
writer who read only the messages, with the annotation guide `intake_annotation_guide.md`, SCHEME.md, CONTRACTS.md
and the catalogue). Precision is the share of the second reading's facts the first also has, recall the share of the
first's the second found; a level range matches a level inside it, and two ranges match when they overlap. It tells
what the intake targets can ask of a reader: where two people agree, a reader that misses is wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.evals import intake  # noqa: E402
from assistant.evals.data import EVALS_DIR, load_jsonl  # noqa: E402

PAIRS = (("intake_heldout5.jsonl", "intake_heldout5_second.jsonl"), ("intake_heldout6.jsonl", "intake_heldout6_second.jsonl"))


def as_recorded(expect: dict) -> dict:
    return {"kpi": expect.get("kpi") or {}, "level": expect.get("level") or {}, "evidence": expect.get("evidence") or {},
            "declarations": expect.get("declarations") or {}, "findings": expect.get("findings") or [],
            "enterprise": expect.get("enterprise") or {}}


def agreement(first: Path, second: Path) -> tuple[dict, int, int]:
    """Per-field counts of the second reading against the first, and (messages read alike, messages)."""
    a, b = load_jsonl(first, required=("id", "text", "expect")), load_jsonl(second, required=("id", "text", "expect"))
    if [x["id"] for x in a] != [x["id"] for x in b]:
        raise SystemExit(f"{second}: not the same messages, in the same order, as {first}")
    total = {f: {"tp": 0, "fp": 0, "fn": 0} for f in intake.FIELDS}
    alike = 0
    for x, y in zip(a, b):
        counts = intake.score(as_recorded(y["expect"]), x["expect"])
        intake._add(total, counts)
        alike += not any(c["fp"] or c["fn"] for c in counts.values())
    return total, alike, len(a)


def main(argv: list[str]) -> int:
    pairs = list(zip(argv[::2], argv[1::2])) if argv else [(EVALS_DIR / f, EVALS_DIR / s) for f, s in PAIRS]
    for first, second in pairs:
        total, alike, n = agreement(Path(first), Path(second))
        m = intake._metrics(total)
        print(f"{Path(second).name} against {Path(first).name}: precision {m['precision']:.3f}, recall {m['recall']:.3f}, "
              f"messages read alike {alike}/{n}")
        for f in intake.FIELDS:
            c = total[f]
            if c["tp"] + c["fp"] + c["fn"]:
                print(f"  {f:12s} P {m[f'precision[{f}]']:.3f}  R {m[f'recall[{f}]']:.3f}  (tp {c['tp']}, fp {c['fp']}, fn {c['fn']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
