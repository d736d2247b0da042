"""Benchmark: grade 10,000 random assessments and print the engine time (target: well under 1 s).

Run: .venv/bin/python benchmarks/bench_grade.py [-n 10000] [--rounds 3]

Two figures: the grade alone (what batch grading and the monotonicity checks pay), and the
grade with the gap to the next grade and the contract JSON dict (what `grade --json` pays).
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from collections.abc import Callable

from assistant.rules import grade, load_scheme
from assistant.rules.assessment import Assessment, CriterionEntry, Finding
from assistant.rules.scheme import Scheme

# Level and evidence-count mixes that look like real self-assessments: mostly L2–L4, most criteria
# with evidence; they give a spread of all three grades, so every branch of the engine is timed.
LEVEL_WEIGHTS = [1, 3, 10, 30, 35, 21]
EVIDENCE_WEIGHTS = [4, 16, 50, 30]


def random_assessments(n: int, scheme: Scheme, seed: int = 20261) -> list[Assessment]:
    """Valid assessments built once, outside the timed loop (parsing files is not the engine's cost)."""
    rng = random.Random(seed)
    severities = list(scheme.severities)
    ids = list(scheme.criteria)
    levels = list(range(scheme.max_level + 1))
    out = []
    for _ in range(n):
        criteria = {}
        for cid, c in scheme.criteria.items():
            if rng.random() < 0.03:
                continue  # not assessed
            evidence = [f"记录{i}" for i in range(rng.choices(range(4), EVIDENCE_WEIGHTS)[0])]
            level = rng.choices(levels, LEVEL_WEIGHTS)[0]
            if c.is_kpi:
                # a KPI value inside the band of the drawn level (the fallback level: beyond the L2 threshold)
                value = c.kpi_for_level(max(level, c.fallback_level or 0))
                kpi = float(value) if value is not None else float(c.thresholds[min(c.thresholds)]) * 2
                declared = rng.choice(levels) if rng.random() < 0.2 else None
                criteria[cid] = CriterionEntry(kpi=kpi, level=declared, evidence=evidence)
            else:
                criteria[cid] = CriterionEntry(level=level, evidence=evidence)
        findings = [
            Finding(
                id=f"F{i + 1}",
                criterion=rng.choice(ids),
                severity=rng.choices(severities, [10, 40, 50])[0],
                status=rng.choice(["open", "closed"]),
            )
            for i in range(rng.randint(0, 3))
        ]
        declarations = {
            "materials_truthful": rng.random() > 0.02,
            "major_incident_unresolved": rng.random() < 0.02,
        }
        out.append(Assessment(scheme=scheme.version, criteria=criteria, findings=findings, declarations=declarations))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=10_000, help="assessments to grade (default 10000)")
    p.add_argument("--rounds", type=int, default=3, help="timed rounds; the best is reported (the machine is shared)")
    args = p.parse_args()
    scheme = load_scheme()
    assessments = random_assessments(args.n, scheme)
    grade(assessments[0], scheme).to_contract()  # compile the scheme outside the timing

    def timed(work: Callable[[Assessment], str]) -> tuple[float, float, list[float], Counter[str]]:
        """Best wall time and best CPU time over the rounds (CPU time is steadier on a busy machine)."""
        times, cpu, grades = [], [], Counter()
        for _ in range(args.rounds):
            grades = Counter()
            start, start_cpu = time.perf_counter(), time.process_time()
            for a in assessments:
                grades[work(a)] += 1
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        return min(times), min(cpu), times, grades

    runs = {
        "grade()": lambda a: grade(a, scheme).grade_id,
        "grade() + gap + contract dict": lambda a: grade(a, scheme).to_contract()["grade_en"],
    }
    for label, work in runs.items():
        best, best_cpu, times, grades = timed(work)
        print(
            f"{label}: {args.n} assessments in {best:.3f} s wall / {best_cpu:.3f} s CPU, best of {args.rounds} "
            f"({best / args.n * 1e6:.1f} µs each; rounds {', '.join(f'{t:.3f}' for t in times)} s); "
            f"grades {dict(grades)}"
        )

if __name__ == "__main__":
    main()
