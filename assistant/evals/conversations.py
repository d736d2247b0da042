"""The conversations suite: the scripted conversations of evals/conversations.jsonl through `chat --json`.

Each conversation runs in its own `python -m assistant chat --json` process, one user line at a time (so each
turn's latency is the time from its line to its JSON object; the first turn also pays the start-up, reported
apart). A conversation with `resume_after: N` is continued after turn N in a new process with `--resume ID`.
Each turn's `expect` keys are checked:

- intent (a string or a list of acceptable intents); answer_contains (every string, compared normalised);
- grade, provisional: of the grade the turn produced, else of the last grade the conversation produced;
- grade_unchanged: the grade (and overall) equals the one before this turn;
- plan_items_min, citations_min; not_covered (the turn declined: `covered` false, or an out-of-scope intent);
- state: dotted paths into the turn's `assessment` object when the chat prints it (criterion IDs contain
  dots, so the longest matching key wins); skipped when the output has no `assessment`.

The suite is skipped (and the gate ignores it) while evals/conversations.jsonl or the chat command is missing.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from assistant.evals.data import load_jsonl, scratch_copy
from assistant.evals.metrics import contains, percentile, rounded, share
from assistant.settings import REPO_ROOT, Settings

DECLINE_INTENTS = {"out_of_scope", "not_covered"}
TURN_TIMEOUT_S = 180.0


def chat_available(env: dict[str, str] | None = None) -> tuple[bool, str]:
    """Whether `python -m assistant chat --help` works here (and why not)."""
    try:
        done = subprocess.run([sys.executable, "-m", "assistant", "chat", "--help"], capture_output=True, text=True,
                              cwd=REPO_ROOT, env=env, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"chat --help failed ({exc.__class__.__name__})"
    if done.returncode != 0:
        return False, f"the chat command is not available yet (chat --help exited {done.returncode})"
    return True, ""


def writer_label(settings: Settings) -> str:
    """'offline', or the configured LLM provider and model (the settings field may not exist yet)."""
    provider = getattr(settings, "llm_provider", None) or "none"
    if provider == "none":
        return "offline"
    return f"{provider}:{getattr(settings, 'llm_model', '')}"


class _ChatProcess:
    """One `chat --json` process fed line by line, its JSON objects collected with their arrival times."""

    def __init__(self, env: dict[str, str], resume: str | None = None, workspace: str | None = None) -> None:
        args = [sys.executable, "-m", "assistant", "chat", "--json"] + (["--resume", resume] if resume else []) \
            + (["--workspace", workspace] if workspace else [])
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, encoding="utf-8", bufsize=1, cwd=REPO_ROOT, env=env)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            self.lines.put(line)
        self.lines.put(None)

    def _drain(self) -> None:
        for line in self.proc.stderr:  # type: ignore[union-attr]
            self.stderr.append(line)

    def send(self, message: str, timeout: float) -> tuple[dict | None, float, str]:
        import json

        started = time.perf_counter()
        try:
            self.proc.stdin.write(message.replace("\n", " ") + "\n")  # type: ignore[union-attr]
            self.proc.stdin.flush()  # type: ignore[union-attr]
        except (BrokenPipeError, OSError):
            return None, 0.0, "the chat process has ended: " + "".join(self.stderr[-3:]).strip()
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return None, (time.perf_counter() - started) * 1000, f"no answer within {timeout:.0f} s"
        ms = (time.perf_counter() - started) * 1000
        if line is None:
            self.proc.wait(timeout=10)
            return None, ms, f"the chat process ended (exit {self.proc.returncode}): " + "".join(self.stderr[-3:]).strip()
        try:
            return json.loads(line), ms, ""
        except json.JSONDecodeError:
            return None, ms, f"not a JSON line: {line[:80]!r}"

    def close(self) -> None:
        try:
            self.proc.stdin.close()  # type: ignore[union-attr]
            self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


def _lookup(obj: Any, path: str) -> tuple[bool, Any]:
    """Follow a dotted path whose keys may contain dots themselves (criteria.D1.2.kpi): longest key first;
    a number indexes a list (findings.0.id)."""
    parts = path.split(".")
    i = 0
    while i < len(parts):
        if isinstance(obj, list):
            if not parts[i].isdigit() or int(parts[i]) >= len(obj):
                return False, None
            obj, i = obj[int(parts[i])], i + 1
            continue
        if not isinstance(obj, dict):
            return False, None
        for j in range(len(parts), i, -1):
            key = ".".join(parts[i:j])
            if key in obj:
                obj, i = obj[key], j
                break
        else:
            return False, None
    return True, obj


def _same(want: Any, have: Any) -> bool:
    if isinstance(want, list):
        return isinstance(have, list) and all(any(_same(w, h) for h in have) for w in want)
    if isinstance(want, (int, float)) and isinstance(have, (int, float)) and not isinstance(want, bool):
        return abs(float(want) - float(have)) < 1e-9
    return want == have


def declined(out: dict) -> bool:
    if "covered" in out:
        return out["covered"] is False
    if "not_covered" in out:
        return bool(out["not_covered"])
    return out.get("intent") in DECLINE_INTENTS


def check_turn(expect: dict, out: dict, last_grade: dict | None) -> tuple[dict[str, bool], list[str]]:
    """Each expectation key that applies → passed?, and the problems."""
    results: dict[str, bool] = {}
    problems: list[str] = []
    grade = out.get("grade") or last_grade

    def record(key: str, ok: bool, why: str) -> None:
        results[key] = ok
        if not ok:
            problems.append(f"{key}: {why}")

    for key, want in expect.items():
        if key == "intent":
            ok = out.get("intent") in (want if isinstance(want, list) else [want])
            record(key, ok, f"expected {want}, got {out.get('intent')}")
        elif key == "answer_contains":
            missing = [s for s in ([want] if isinstance(want, str) else want) if not contains(out.get("answer", ""), s)]
            record(key, not missing, f"answer lacks {missing}")
        elif key in ("grade", "provisional"):
            have = grade.get(key) if grade else None
            record(key, grade is not None and have == want, f"expected {want!r}, got {have!r}")
        elif key == "grade_unchanged":
            now = out.get("grade")
            ok = now is None or last_grade is None or (
                (now.get("grade"), now.get("overall")) == (last_grade.get("grade"), last_grade.get("overall")))
            before, after = last_grade and last_grade.get("grade"), now and now.get("grade")
            record(key, ok == bool(want), f"grade moved from {before} to {after}")
        elif key == "plan_items_min":
            n = len((out.get("plan") or {}).get("items", []))
            record(key, n >= want, f"{n} plan items, expected at least {want}")
        elif key == "citations_min":
            n = len(out.get("citations") or [])
            record(key, n >= want, f"{n} citations, expected at least {want}")
        elif key == "not_covered":
            record(key, declined(out) == bool(want), f"declined={declined(out)}, expected {want}")
        elif key == "state":
            if "assessment" not in out:
                continue
            bad = []
            for path, value in want.items():
                found, have = _lookup(out["assessment"], path)
                if not found or not _same(value, have):
                    bad.append(f"{path}={have!r} (expected {value!r})")
            record(key, not bad, "; ".join(bad))
    return results, problems


def workspace_for(conv: dict, data_dir: str) -> str:
    """Each scripted conversation is its own client case: a workspace of its own in the scratch database (a new
    conversation starts from its workspace's assessment, so sharing one would carry one client's facts into the next)."""
    from assistant.plans.store import Store
    from assistant.settings import Settings as _Settings

    name = f"评测-{conv['id']}"
    store = Store(_Settings(data_dir=Path(data_dir)).effective_database_url)
    try:
        store.ensure_workspace(name)
    finally:
        store.close()
    return name


def run_conversation(conv: dict, env: dict[str, str]) -> dict:
    turns = conv.get("turns", [])
    resume_after = conv.get("resume_after")
    rows: list[dict] = []
    last_grade: dict | None = None
    workspace = workspace_for(conv, env["ASSISTANT_DATA_DIR"])
    chat = _ChatProcess(env, workspace=workspace)
    conversation_id = None
    error = ""
    try:
        for n, turn in enumerate(turns, 1):
            if resume_after is not None and n == resume_after + 1:
                chat.close()
                chat = _ChatProcess(env, resume=str(conversation_id) if conversation_id is not None else "last",
                                    workspace=workspace)
            out, ms, error = chat.send(turn.get("user", ""), TURN_TIMEOUT_S)
            if out is None:
                rows.append({"turn": n, "user": turn.get("user", ""), "error": error, "passed": False,
                             "checks": {}, "problems": [error], "latency_ms": round(ms, 1), "intent": None})
                break
            conversation_id = out.get("conversation_id", conversation_id)
            checks, problems = check_turn(turn.get("expect", {}), out, last_grade)
            rows.append({
                "turn": n, "user": turn.get("user", ""), "intent": out.get("intent"),
                "expected_intent": turn.get("expect", {}).get("intent"), "writer": out.get("writer"),
                "checks": checks, "passed": not problems, "problems": problems, "latency_ms": round(ms, 1),
                "first_in_process": n == 1 or (resume_after is not None and n == resume_after + 1),
                "answer": out.get("answer", "")[:300],
            })
            if out.get("grade"):
                last_grade = out["grade"]
    finally:
        chat.close()
    completed = len(rows) == len(turns) and not error
    return {"id": conv["id"], "description": conv.get("description", ""), "turns": rows, "completed": completed,
            "passed": completed and all(r["passed"] for r in rows)}


def run(path: Path, settings: Settings, *, writer: str = "offline") -> dict:
    """Run every conversation; `writer` 'offline' forces the offline writer, anything else keeps the configured LLM."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({"ASSISTANT_DATA_DIR": str(settings.data_dir), "ASSISTANT_KNOWLEDGE_DIR": str(settings.knowledge_dir),
                "ASSISTANT_EMBEDDER": settings.embedder, "ASSISTANT_ST_MODEL": settings.st_model,
                "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"})
    if writer == "offline":
        env["ASSISTANT_LLM_PROVIDER"] = "none"
    else:
        for key, value in os.environ.items():
            if key.startswith("ASSISTANT_LLM_"):
                env[key] = value
    if not Path(path).exists():
        return {"status": "skipped", "reason": f"{path} does not exist yet", "metrics": {}, "items": []}
    ok, why = chat_available(env)
    if not ok:
        return {"status": "skipped", "reason": why, "metrics": {}, "items": []}
    conversations = load_jsonl(path, required=("id", "turns"))
    # Saved conversations go to a scratch copy of the data directory, never into the user's list.
    with scratch_copy(settings) as scratch:
        env["ASSISTANT_DATA_DIR"] = str(scratch.data_dir)
        rows = [run_conversation(c, env) for c in conversations]
    turns = [t for r in rows for t in r["turns"]]
    checks = [ok for t in turns for ok in t["checks"].values()]
    with_intent = [t for t in turns if t.get("expected_intent") is not None]
    steady = [t for t in turns if not t.get("first_in_process") and t.get("intent")]
    by_intent: dict[str, list[float]] = {}
    for t in steady:
        by_intent.setdefault(t["intent"], []).append(t["latency_ms"])
    metrics: dict[str, Any] = {
        "intent_accuracy": share(t["intent"] in (t["expected_intent"] if isinstance(t["expected_intent"], list)
                                                 else [t["expected_intent"]]) for t in with_intent),
        "expectation_pass_rate": share(checks),
        "turn_pass_rate": share(t["passed"] for t in turns),
        "conversation_pass_rate": share(r["passed"] for r in rows),
        "completed": share(r["completed"] for r in rows),
        "latency_p50_ms": percentile([t["latency_ms"] for t in steady], 50),
        "latency_p95_ms": percentile([t["latency_ms"] for t in steady], 95),
        "first_turn_p50_ms": percentile([t["latency_ms"] for t in turns if t.get("first_in_process")], 50),
        "conversations": len(rows),
        "turns": len(turns),
    }
    latency = {intent: {"n": len(v), "p50_ms": rounded(percentile(v, 50), 1), "p95_ms": rounded(percentile(v, 95), 1)}
               for intent, v in sorted(by_intent.items())}
    writers: dict[str, int] = {}
    for t in turns:
        if t.get("writer"):
            writers[t["writer"]] = writers.get(t["writer"], 0) + 1
    return {"status": "ok", "writer": ", ".join(sorted(writers)) or writer, "turns_by_writer": writers,
            "metrics": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in metrics.items()},
            "latency_by_intent": latency, "items": rows}
