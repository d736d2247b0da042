"""Runs the scripted conversations of evals/conversations.jsonl through `chat --json` and checks every turn.

Shared by the offline test and the LLM integration test; the checks that hold whatever the writer (guards)
are separate from the offline expectations (intent, state, wording).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from tests.conftest import REPO, run_cli

CONVERSATIONS = REPO / "evals" / "conversations.jsonl"
_ID = re.compile(r"conversation id: (\d+)")
PLAN_FIELDS = ("target", "plan_date", "items")


def load_conversations() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CONVERSATIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Run:
    conv: dict[str, Any]
    outputs: list[dict[str, Any]] = field(default_factory=list)
    stderr: str = ""


def run_conversation(conv: dict[str, Any], data_dir: Path, env: dict | None = None, timeout: float = 900) -> Run:
    """All turns through `chat --json`; with `resume_after: N`, turns after N in a second process via --resume."""
    users = [t["user"] for t in conv["turns"]]
    split = conv.get("resume_after") or len(users)
    run = Run(conv)
    from assistant.evals.conversations import workspace_for

    ws = workspace_for(conv, str(data_dir))  # each scripted conversation is a client case of its own
    first = run_cli("chat", "--json", "--workspace", ws, data_dir=data_dir, stdin="\n".join(users[:split]) + "\n",
                    env=env, timeout=timeout)
    assert first.returncode == 0, f"{conv['id']}: exit {first.returncode}\n{first.stderr[-3000:]}"
    run.stderr = first.stderr
    run.outputs = [json.loads(line) for line in first.stdout.splitlines() if line.strip()]
    if split < len(users):
        m = _ID.search(first.stderr)
        assert m, f"{conv['id']}: no conversation id on stderr: {first.stderr[-500:]}"
        second = run_cli("chat", "--json", "--resume", m.group(1), "--workspace", ws, data_dir=data_dir,
                         stdin="\n".join(users[split:]) + "\n", env=env, timeout=timeout)
        assert second.returncode == 0, f"{conv['id']}: resumed run exit {second.returncode}\n{second.stderr[-3000:]}"
        assert "resumed" in second.stderr
        run.stderr += second.stderr
        run.outputs += [json.loads(line) for line in second.stdout.splitlines() if line.strip()]
    assert len(run.outputs) == len(users), f"{conv['id']}: {len(run.outputs)} outputs for {len(users)} messages"
    return run


def path_value(data: Any, path: str) -> Any:
    """`criteria.D3.1.kpi` in an assessment (criterion IDs contain a dot), `findings.0.id`, `declarations.x`."""
    parts = path.split(".")
    cur = data
    i = 0
    while i < len(parts):
        p = parts[i]
        if isinstance(cur, dict) and p == "criteria" and i + 2 < len(parts) + 1 and i + 2 <= len(parts):
            cur = cur.get("criteria", {}).get(f"{parts[i + 1]}.{parts[i + 2]}")
            i += 3
            continue
        if isinstance(cur, list):
            cur = cur[int(p)] if int(p) < len(cur) else None
        elif isinstance(cur, dict):
            cur = cur.get(p)
        else:
            return None
        i += 1
    return cur


def offline_failures(run: Run) -> list[str]:
    """Every expectation of the dataset that a turn missed."""
    out = []
    last_grade = None
    for n, (turn, got) in enumerate(zip(run.conv["turns"], run.outputs, strict=True), 1):
        e = turn["expect"]
        where = f"{run.conv['id']} turn {n} ({turn['user']!r})"
        if got["turn"] != n:
            out.append(f"{where}: turn number {got['turn']}")
        if "intent" in e and got["intent"] != e["intent"]:
            out.append(f"{where}: intent {got['intent']!r}, expected {e['intent']!r}")
        for s in e.get("answer_contains", []):
            if s not in got["answer"]:
                out.append(f"{where}: answer lacks {s!r}: {got['answer'][:300]!r}")
        g = got.get("grade")
        if "grade" in e and (g is None or g["grade"] != e["grade"]):
            out.append(f"{where}: grade {g and g['grade']!r}, expected {e['grade']!r}")
        if "provisional" in e and (g is None or g["provisional"] != e["provisional"]):
            out.append(f"{where}: provisional {g and g['provisional']!r}, expected {e['provisional']!r}")
        unchanged = g is not None and last_grade is not None and (g["grade"], g["overall"]) == (last_grade["grade"], last_grade["overall"])
        if e.get("grade_unchanged") and not unchanged:
            out.append(f"{where}: grade changed or missing: {last_grade and last_grade['grade']} → {g and g['grade']}")
        for path, want in (e.get("state") or {}).items():
            have = path_value(got.get("assessment", {}), path)
            if isinstance(want, (int, float)) and not isinstance(want, bool) and isinstance(have, (int, float)):
                ok = abs(have - want) < 1e-9
            else:
                ok = have == want
            if not ok:
                out.append(f"{where}: state {path} = {have!r}, expected {want!r}")
        if "plan_items_min" in e and (got.get("plan") is None or len(got["plan"]["items"]) < e["plan_items_min"]):
            out.append(f"{where}: plan missing or fewer than {e['plan_items_min']} items")
        if "citations_min" in e and len(got["citations"]) < e["citations_min"]:
            out.append(f"{where}: {len(got['citations'])} citations, expected at least {e['citations_min']}")
        if e.get("not_covered") and (got["intent"] != "out_of_scope" or got["citations"]):
            out.append(f"{where}: expected not covered (out_of_scope, no citations)")
        if g is not None:
            last_grade = g
    return out


@lru_cache(maxsize=4)
def index_passages(data_dir: str) -> frozenset[tuple[str, str, str]]:
    """(source, locator, text) of every chunk record in the index."""
    from assistant.retrieval.store import Index
    from assistant.settings import Settings

    index = Index.open(Settings(data_dir=Path(data_dir)))
    got = index.collection.get(include=["documents", "metadatas"])
    return frozenset((m["source"], m["locator"], d) for d, m in zip(got["documents"], got["metadatas"], strict=True)
                     if m.get("kind", "chunk") == "chunk")


def guard_failures(run: Run, data_dir: Path, tmp: Path) -> list[str]:
    """What must hold for any writer: citations verbatim from the index, every grade equal to the engine's
    on the turn's assessment (as `grade` computes it from a file), every plan a valid plan."""
    from assistant.chat.state import gradeable
    from assistant.plans.models import CONTRACT_ITEM_FIELDS
    from assistant.rules import grade, load_assessment

    out = []
    passages = index_passages(str(data_dir))
    for n, got in enumerate(run.outputs, 1):
        where = f"{run.conv['id']} turn {n}"
        for c in got["citations"]:
            if (c["source"], c["locator"], c["text"]) not in passages:
                out.append(f"{where}: citation {c['locator']!r} is not a passage of the index, verbatim")
        if got.get("grade") is not None:
            path = tmp / f"{run.conv['id']}-{n}.json"
            path.write_text(json.dumps(gradeable(got["assessment"]), ensure_ascii=False), encoding="utf-8")
            gap = got["grade"].get("gap")
            engine = grade(load_assessment(path), target=gap["target"] if gap else None).to_contract()
            if engine != got["grade"]:
                out.append(f"{where}: grade differs from the engine's on the same assessment")
        if got.get("plan") is not None:
            plan = got["plan"]
            if set(PLAN_FIELDS) - set(plan) or any(set(CONTRACT_ITEM_FIELDS) - set(i) for i in plan["items"]):
                out.append(f"{where}: the plan lacks fields of the `plan --json` contract")
        if not isinstance(got.get("answer"), str) or not got["answer"].strip():
            out.append(f"{where}: empty answer")
    return out
