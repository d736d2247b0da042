"""Runs the suites of the offline evaluation and gathers one result: what `eval` prints, saves and gates."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.errors import BadInput
from assistant.evals.data import EVALS_DIR
from assistant.settings import REPO_ROOT, Settings

SUITES = ("qa", "grading", "plans", "anonymization", "safety", "conversations", "intake")
NEEDS_INDEX = {"qa", "plans", "safety", "conversations", "intake"}
DATASETS = {
    "qa": "retrieval_qa.jsonl",
    "grading": "grading_cases.jsonl",
    "plans": "plan_cases.jsonl",
    "anonymization": "anonymization_cases.jsonl",
    "safety": "safety_cases.jsonl",
    "conversations": "conversations.jsonl",
    "intake": "intake_cases.jsonl",
}


def parse_suites(text: str | None) -> list[str]:
    """`qa,grading` → ['qa', 'grading']; None → every suite."""
    if not text:
        return list(SUITES)
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in SUITES]
    if unknown or not names:
        raise BadInput(f"unknown suite {unknown or text!r}; choose from {', '.join(SUITES)}", where="--suite")
    return list(dict.fromkeys(names))


def _runner(name: str) -> Callable[[Path, Settings], dict]:
    from assistant.evals import anonymization, conversations, grading, intake, plans, qa, safety

    return {"qa": qa.run, "grading": grading.run, "plans": plans.run, "anonymization": anonymization.run,
            "safety": safety.run, "conversations": conversations.run, "intake": intake.run}[name]


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO_ROOT,
                             timeout=10, check=False)
        dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, cwd=REPO_ROOT,
                               timeout=10, check=False)
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "") if out.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired):
        return None


def run_info(settings: Settings) -> dict[str, Any]:
    from assistant.evals.conversations import writer_label

    return {
        "timestamp": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "embedder": settings.embedder,
        "writer": writer_label(settings),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }


def run_suites(names: Sequence[str], settings: Settings, *, baseline: bool = False, evals_dir: Path = EVALS_DIR,
               progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run the named suites (and the baseline beside QA); the result carries the contract's `items`/`metrics` of QA."""
    from assistant.retrieval.ingest import ensure_index

    say = progress or (lambda m: print(m, file=sys.stderr))
    started = time.perf_counter()
    if NEEDS_INDEX & set(names):
        ensure_index(settings)
    result: dict[str, Any] = {"items": [], "metrics": {}, "run": run_info(settings), "suites": {}}
    for name in names:
        t = time.perf_counter()
        say(f"评测 eval: {name} …")
        suite = _runner(name)(evals_dir / DATASETS[name], settings)
        suite.setdefault("status", "ok")
        suite["dataset"] = DATASETS[name]
        suite["seconds"] = round(time.perf_counter() - t, 1)
        result["suites"][name] = suite
        say(f"评测 eval: {name} {suite['status']} in {suite['seconds']} s"
            + (f" ({suite['reason']})" if suite.get("reason") else ""))
        if name == "conversations" and suite["status"] == "ok" and result["run"]["writer"] != "offline":
            from assistant.evals import conversations

            # The same conversations through the configured LLM writer, beside the offline run.
            t = time.perf_counter()
            say(f"评测 eval: conversations through {result['run']['writer']} …")
            llm = conversations.run(evals_dir / DATASETS[name], settings, writer="llm")
            llm["seconds"] = round(time.perf_counter() - t, 1)
            llm["dataset"] = DATASETS[name]
            result["suites"]["conversations_llm"] = llm
    if "qa" in result["suites"]:
        qa_suite = result["suites"]["qa"]
        result["items"], result["metrics"] = qa_suite["items"], qa_suite["metrics"]
        if baseline:
            result["baseline"] = run_baseline(evals_dir / DATASETS["qa"], settings, say)
    result["run"]["seconds"] = round(time.perf_counter() - started, 1)
    return result


def run_baseline(path: Path, settings: Settings, say: Callable[[str], None]) -> dict[str, Any]:
    from assistant.evals import qa
    from assistant.evals.baseline import BaselineRAG

    t = time.perf_counter()
    say("评测 eval: baseline (LangChain Chroma + all-MiniLM-L6-v2, top-k, no BM25) …")
    rag = BaselineRAG(settings)
    suite = qa.run(path, settings, answerer=rag.answer)
    suite.update({"status": "ok", "dataset": path.name, "embedded": rag.embedded, "seconds": round(time.perf_counter() - t, 1),
                  "description": "LangChain Chroma, all-MiniLM-L6-v2, whole chunks, top-k, no BM25, same composer"})
    say(f"评测 eval: baseline in {suite['seconds']} s ({rag.embedded} chunks embedded)")
    return suite
