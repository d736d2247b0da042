"""Hardening probes of the safety suite: hostile files and values given to the real commands, exports and web app.

Kinds (a case's `kind` in evals/safety_cases.jsonl):
- cli: `python -m assistant ARGS…` in a fresh process on a scratch data directory (optionally read-only, or with
  environment settings); expects an exit code, words on stderr, never a traceback, and time/memory bounds;
- xlsx_export: a drafted plan with hostile texts (owner, finding, enterprise) exported to Excel: no cell may be a
  formula, and every text must be kept as typed;
- web_upload: an assessment file uploaded through the web session: refused with the command's message, shown on
  the page escaped (no markup from the file reaches the HTML);
- login: the web app's login in front of gradio (in-process, through its ASGI app): exact user names, throttled
  failures, metadata routes behind the login.

Placeholders in a cli case's args: {file} (the case's `content` or `generate`d file), {assessment} (its
`assessment`, as YAML), {data} (the scratch data directory).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from pydantic import SecretStr

from assistant.settings import REPO_ROOT, Settings

TRACEBACK = "Traceback (most recent call last)"


def generate(spec: dict[str, Any]) -> str:
    """File content too large or too deep to write into a dataset line."""
    if "deep_json" in spec:
        n = int(spec["deep_json"])
        return "[" * n + "]" * n
    if "deep_yaml" in spec:
        n = int(spec["deep_yaml"])
        return "criteria: " + "[" * n + "]" * n + "\n"
    if "size_kb" in spec:
        line = "# " + "x" * 1021 + "\n"
        return "criteria:\n  D1.1: {level: 3}\n" + line * int(spec["size_kb"])
    raise ValueError(f"unknown generator {spec!r}")


def _files(case: dict, folder: Path) -> dict[str, str]:
    out = {"data": str(folder / "data")}
    if "content" in case or "generate" in case:
        path = folder / case.get("filename", "input.yaml")
        path.write_text(case["content"] if "content" in case else generate(case["generate"]), encoding="utf-8")
        out["file"] = str(path)
    if "assessment" in case:
        path = folder / "assessment.yaml"
        path.write_text(yaml.safe_dump(case["assessment"], allow_unicode=True), encoding="utf-8")
        out["assessment"] = str(path)
    return out


def _unprivileged() -> None:
    """In the child, before exec: take from root the capabilities that override permission bits (CAP_DAC_OVERRIDE,
    CAP_DAC_READ_SEARCH), so that a read-only folder is read-only to it as to any user (CI runs as root)."""
    if os.geteuid() == 0:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_capbset_drop = 24
        for capability in (1, 2):
            if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def _peak_mb(pid: int) -> float | None:
    """The process's own memory high-water mark (VmHWM): begins anew at exec, unlike the rusage figures, which keep
    the RSS of the parent the child was forked from (a 480 MB eval process would show in every command it runs)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def run_cli(argv: list[str], env: dict[str, str], *, unprivileged: bool = False, timeout: float = 60,
            cwd: Path | None = None) -> dict[str, Any]:
    """Run `python -m assistant ARGV…`; its exit code, output, wall time and peak memory (MiB, sampled every 10 ms)."""
    import threading

    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", *argv], cwd=cwd or REPO_ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_unprivileged if unprivileged else None)
    output: dict[str, bytes] = {}
    readers = [threading.Thread(target=lambda n=n, f=f: output.__setitem__(n, f.read()))
               for n, f in (("out", proc.stdout), ("err", proc.stderr))]
    for r in readers:
        r.start()
    peak = 0.0
    timed_out = False
    while True:
        try:
            proc.wait(timeout=0.01)
            break
        except subprocess.TimeoutExpired:
            peak = max(peak, _peak_mb(proc.pid) or 0.0)
            if time.perf_counter() - started > timeout:
                proc.kill()
                timed_out = True
    for r in readers:
        r.join()
    seconds = time.perf_counter() - started
    return {"exit": None if timed_out else proc.returncode, "stdout": output.get("out", b"").decode(errors="replace"),
            "stderr": "timed out" if timed_out else output.get("err", b"").decode(errors="replace"),
            "seconds": round(seconds, 2), "peak_mb": round(peak, 1) if peak else None}


def _env(settings: Settings, data: str, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({"ASSISTANT_DATA_DIR": data, "ASSISTANT_KNOWLEDGE_DIR": str(settings.knowledge_dir),
                "HF_HUB_OFFLINE": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    env.update(extra)
    return env


def cli_case(case: dict, settings: Settings) -> tuple[list[str], dict]:
    expect = case.get("expect", {})
    folder = Path(tempfile.mkdtemp(prefix="probe-"))
    try:
        files = _files(case, folder)
        data = Path(files["data"])
        data.mkdir()
        env = _env(settings, str(data), case.get("env", {}))
        runs = []
        steps = case.get("steps", []) + [case["args"]]
        for i, args in enumerate(steps):
            last = i == len(steps) - 1
            if last and case.get("read_only_data"):
                os.chmod(folder, 0o755)
                for p in [data, *data.rglob("*")]:
                    p.chmod(0o555 if p.is_dir() else 0o444)
            argv = [a.format(**files) for a in args]
            runs.append(run_cli(argv, env, unprivileged=last and case.get("read_only_data", False), cwd=folder))
        got = runs[-1]
        problems = [f"setup step {args} failed: {r['stderr'][-200:]}" for args, r in zip(steps, runs[:-1]) if r["exit"] != 0]
        if "exit" in expect and got["exit"] != expect["exit"]:
            problems.append(f"exit {got['exit']}, expected {expect['exit']}")
        if TRACEBACK in got["stderr"]:
            problems.append("a traceback on stderr")
        for words in expect.get("stderr_contains", []):
            if words not in got["stderr"]:
                problems.append(f"stderr lacks {words!r}")
        if "max_seconds" in expect and got["seconds"] > expect["max_seconds"]:
            problems.append(f"took {got['seconds']} s (at most {expect['max_seconds']})")
        if "max_peak_mb" in expect and got["peak_mb"] is not None and got["peak_mb"] > expect["max_peak_mb"]:
            problems.append(f"peak memory {got['peak_mb']} MiB (at most {expect['max_peak_mb']})")
        return problems, {k: got[k] for k in ("exit", "seconds", "peak_mb")} | {"stderr": got["stderr"][-300:]}
    finally:
        for p in [folder, *folder.rglob("*")]:  # read-only parts must become removable again
            if p.is_dir():
                p.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def xlsx_case(case: dict, settings: Settings) -> tuple[list[str], dict]:
    from openpyxl import load_workbook

    from assistant.plans.draft import Guidance, draft_plan
    from assistant.plans.export import to_xlsx
    from assistant.rules import validate_assessment

    a = validate_assessment(case["assessment"], source=case["_where"], knowledge_dir=settings.knowledge_dir)
    plan = draft_plan(a, guidance=Guidance.load(settings), similar=None, warn=lambda _m: None)
    items = list(plan.items)
    for no, fields in case.get("item_changes", {}).items():
        i = int(no) - 1
        items[i] = items[i].model_copy(update=fields)
    plan = plan.model_copy(update={"items": items})
    folder = Path(tempfile.mkdtemp(prefix="probe-xlsx-"))
    try:
        path = to_xlsx(plan, folder / "plan.xlsx")
        wb = load_workbook(path)
        formulas = [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
                    if c.data_type == "f"]
        texts = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    problems = [f"formula cells: {formulas[:5]}"] if formulas else []
    for kept in case.get("expect", {}).get("texts_kept", []):
        if not any(kept in t for t in texts):
            problems.append(f"{kept!r} is not in the workbook as text")
    return problems, {"formula_cells": len(formulas)}


def web_upload_case(case: dict, settings: Settings) -> tuple[list[str], dict]:
    from assistant.errors import BadInput
    from assistant.web.app import _err
    from assistant.web.session import WebSession

    expect = case.get("expect", {})
    folder = Path(tempfile.mkdtemp(prefix="probe-upload-"))
    try:
        files = _files(case, folder)
        sess = WebSession(settings)  # no store: kept in memory only
        before = json.dumps(sess.assessment, sort_keys=True)
        started = time.perf_counter()
        try:
            sess.load_file(files["file"], shown_name=case.get("filename"), max_bytes=settings.web_max_upload_kb * 1024)
            return ["the upload was accepted"], {}
        except BadInput as exc:
            message, shown = str(exc), _err(exc)
        seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    problems = []
    if json.dumps(sess.assessment, sort_keys=True) != before:
        problems.append("a refused upload changed the assessment")
    for words in expect.get("message_contains", []):
        if words not in message:
            problems.append(f"message lacks {words!r}")
    for markup in expect.get("html_must_not_contain", []):
        if markup in shown:
            problems.append(f"the page would show markup {markup!r}")
    if seconds > expect.get("max_seconds", 2):
        problems.append(f"took {seconds:.2f} s")
    return problems, {"message": message[:200], "seconds": round(seconds, 3)}


def login_case(case: dict, settings: Settings) -> tuple[list[str], dict]:
    """The real web app served on a free loopback port, with a password, probed over HTTP."""
    import socket

    import httpx

    from assistant.web.cli import launch

    user, password = "auditor", "correct-horse-battery"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = Path(tempfile.mkdtemp(prefix="probe-login-"))
    web = settings.model_copy(update={"web_user": user, "web_password": SecretStr(password), "data_dir": data})
    with contextlib.redirect_stdout(io.StringIO()):  # gradio prints its start and stop; `eval --json` owns stdout
        demo, url = launch(web, "127.0.0.1", port, block=False)
    problems: list[str] = []
    detail: dict[str, Any] = {}
    try:
        with httpx.Client(base_url=url.rstrip("/"), timeout=30) as client:
            def login(u: str, p: str) -> int:
                return client.post("/login", data={"username": u, "password": p}).status_code

            probe = case["probe"]
            if probe == "exact_user":
                detail["status"] = login(user + " ", password)
                if detail["status"] == 200:
                    problems.append("a user name with a trailing blank logged in")
                if login(user, password) != 200:
                    problems.append("the exact user name did not log in")
            elif probe == "throttle":
                codes = [login(user, f"wrong-{i}") for i in range(int(case.get("attempts", 10)))]
                detail["codes"] = codes
                if 429 not in codes:
                    problems.append(f"{len(codes)} wrong passwords in a row were never slowed down")
                if login(user, password) != 429:
                    problems.append("the right password got through while the account was locked")
            elif probe == "private_routes":
                for route in case["routes"]:
                    status = client.get(route).status_code
                    detail[route] = status
                    if status == 200:
                        problems.append(f"{route} answers without a login")
            else:
                problems.append(f"unknown login probe {probe!r}")
    finally:
        with contextlib.redirect_stdout(io.StringIO()):
            demo.close()
        shutil.rmtree(data, ignore_errors=True)
    return problems, detail


KINDS = {"cli": cli_case, "xlsx_export": xlsx_case, "web_upload": web_upload_case, "login": login_case}
