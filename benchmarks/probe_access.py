"""The cross-account probe: a client account asks a running web app for another workspace's case, plan,
conversation, exports and uploaded files by every route the app serves, and must get nothing.

Run against an app (one worker, or several behind haproxy) whose database has the probe's accounts:

    .venv/bin/python benchmarks/probe_access.py URL --database-url URL   # seeds the accounts, then probes

`benchmarks/bench_web.py --workers 2` runs it against its deployment. The owner (a consultant of workspace 甲) first
uses the app as a person would, through the same routes a browser uses: tells the chat its situation, drafts a
plan, asks for the Excel file, uploads a file, calls the chat API; what that leaves (a download address, an uploaded
file's path, its page session, an event id, its plan's and conversation's numbers) is then asked for by a client
of workspace 乙, through gradio's file routes, queue routes (join, data, cancel, heartbeat, component server), its
REST API (/call), the metadata routes, the app's download route and every page event that opens something by name
or number (workspace switch, plan, plan version, conversation, assessment version). A route passes when the
answer carries none of 甲's secrets (its name, its company, what it uploaded) and, where it names 甲's artifact
directly, refuses it. Exit code 0 when every route passes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

OWNER_WS, OTHER_WS = "甲公司-探测", "乙公司-探测"
SECRET_COMPANY = "甲方机密电器有限公司"
UPLOAD_MARK = "甲方上传的机密内容"
OWNER, CLIENT, PASSWORD = "探测顾问甲", "探测客户乙", "probe-password-123"
SECRETS = (OWNER_WS, SECRET_COMPANY, UPLOAD_MARK)


def seed(database_url: str) -> None:
    """The probe's workspaces and accounts (again: nothing happens when they exist)."""
    from assistant.errors import BadInput
    from assistant.plans.store import Store
    from assistant.workspace.accounts import Accounts
    from assistant.workspace.case import save_draft

    store = Store(database_url)
    try:
        for name, company in ((OWNER_WS, SECRET_COMPANY), (OTHER_WS, "乙方家电")):
            try:
                ws = store.create_workspace(name)
            except BadInput:
                continue
            save_draft(store, ws, {"enterprise": {"name": company}, "criteria": {"D2.1": {"kpi": 36.0}}}, author="cli")
        accounts = Accounts(store)
        for user, role, ws in ((OWNER, "consultant", OWNER_WS), (CLIENT, "client", OTHER_WS)):
            if accounts.get(user) is None:
                accounts.add(user, PASSWORD, role, [ws])
    finally:
        store.close()


@dataclass
class Check:
    route: str
    status: str
    leaked: list[str]
    refused: bool | None  # None: the route is the client's own (an answer is fine, as long as nothing leaks)

    @property
    def passed(self) -> bool:
        return not self.leaked and self.refused is not False


def _leaks(text: str, sent: str = "") -> list[str]:
    """甲's secrets in an answer, besides those the request itself sent (an error quoting the value it refused)."""
    return [s for s in SECRETS if text.count(s) > sent.count(s)]


@contextlib.contextmanager
def login(url: str, user: str):
    """An HTTP client logged in as `user` (and, behind haproxy, sticky to the worker that logged it in)."""
    with httpx.Client(base_url=url, timeout=30) as c:
        r = c.post("/login", data={"username": user, "password": PASSWORD})
        if r.status_code != 200:
            raise SystemExit(f"cannot log in as {user} at {url}: HTTP {r.status_code} {r.text[:200]}")
        yield c


def owner_traces(url: str) -> dict[str, object]:
    """The owner uses the app: what it leaves behind, for the other account to ask for."""
    from gradio_client import Client

    client = Client(url, auth=(OWNER, PASSWORD), verbose=False, download_files=False, ssl_verify=False)
    try:
        history, _, _, status = client.predict("我们客户满意度88%，投诉首次响应平均36小时", [], api_name="/chat")
        history, _, _, status = client.predict("帮我起草整改计划", history, api_name="/chat")
        history, _, _, status = client.predict("帮我导出Excel", history, api_name="/chat")
        text = json.dumps(history, ensure_ascii=False)
        downloads = re.findall(r"\((https?://[^)\s]+/shouhou/files/[^)\s]+)\)", text)
        conversation = int(m.group(1)) if (m := re.search(r"对话编号 #(\d+)", str(status))) else None
        plan = int(m.group(1)) if (m := re.search(r"计划\s*#\s*(\d+)", text)) else None
        session = client.session_hash
        cookies = dict(client.cookies)
    finally:
        client.close()
    with httpx.Client(base_url=url, timeout=30, cookies=cookies) as own:
        up = own.post("/gradio_api/upload", files={"files": ("甲方.yaml", f"# {UPLOAD_MARK}\ncriteria: {{}}\n".encode())})
        upload = up.json()[0] if up.status_code == 200 else None
        call = own.post("/gradio_api/call/chat", json={"data": ["监督审核多久一次？", []]})
        event = call.json().get("event_id") if call.status_code == 200 else None
        own_download = own.get(downloads[0]) if downloads else None
    return {"downloads": downloads, "upload": upload, "session": session, "event": event, "plan": plan,
            "conversation": conversation, "own_download_status": own_download.status_code if own_download else None}


def probe(url: str) -> tuple[dict[str, object], list[Check]]:
    """The owner's traces, and the other account's attempts on each."""
    url = url.rstrip("/") + "/"
    traces = owner_traces(url)
    checks: list[Check] = []

    def record(route: str, response: httpx.Response | None, refused_expected: bool, error: str | None = None) -> None:
        if response is None:
            checks.append(Check(route, error or "no answer", [], True if refused_expected else None))
            return
        body = response.text
        refused = response.status_code in (401, 403, 404) if refused_expected else None
        checks.append(Check(route, str(response.status_code), _leaks(body), refused))

    with login(url, CLIENT) as other:
        for d in traces["downloads"] or []:  # type: ignore[union-attr]
            record(f"GET download {d.split('/shouhou/files/')[1][:12]}…", other.get(d), True)
            record("HEAD download", other.head(d), True)
        if traces["upload"]:
            path = str(traces["upload"])
            for route in (f"/gradio_api/file={path}", f"/file={path}", f"/gradio_api/file/{path}", f"/file/{path}"):
                record(f"GET {route.split(path)[0]}<甲's upload>", other.get(route), True)
            record("GET /gradio_api/proxy=<甲's upload>", other.get(f"/gradio_api/proxy={path}"), True)
        session = str(traces["session"])
        route = "GET /gradio_api/queue/data?session_hash=<甲's>"
        try:
            with other.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}, timeout=5) as r:
                if r.status_code != 200:
                    r.read()
                    record(route, r, True)
                else:  # a stream opened: whatever it sends within seconds is checked, and it is not a refusal
                    first = b""
                    try:
                        for part in r.iter_bytes():
                            first += part
                            break
                    except httpx.TimeoutException:
                        pass
                    checks.append(Check(route, "200 (stream opened)", _leaks(first.decode(errors="ignore")), False))
        except httpx.TimeoutException:
            checks.append(Check(route, "timed out (stream opened)", [], False))
        record("POST /gradio_api/queue/join <甲's session>",
               other.post("/gradio_api/queue/join", json={"session_hash": session, "fn_index": 0, "data": [],
                                                          "event_data": None, "trigger_id": None}), True)
        record("GET /gradio_api/heartbeat/<甲's session>", other.get(f"/gradio_api/heartbeat/{session}", timeout=5), True)
        record("POST /gradio_api/cancel <甲's session>",
               other.post("/gradio_api/cancel", json={"session_hash": session, "fn_index": 0, "event_id": "x"}), True)
        record("POST /gradio_api/component_server <甲's session>",
               other.post("/gradio_api/component_server", json={"session_hash": session, "component_id": 1,
                                                                 "fn_name": "x", "data": None}), True)
        if traces["event"]:
            try:
                record("GET /gradio_api/call/chat/<甲's event>",
                       other.get(f"/gradio_api/call/chat/{traces['event']}", timeout=10), True)
            except httpx.TimeoutException:
                record("GET /gradio_api/call/chat/<甲's event>", None, True, "timed out (stream opened)")
                checks[-1].refused = False
        for route in ("/config", "/gradio_api/info", "/gradio_api/app_id", "/gradio_api/runs", "/monitoring",
                      "/gradio_api/startup-events", "/gradio_api/queue/status", "/theme.css", "/",
                      "/gradio_api/upload_progress?upload_id=x"):
            try:
                record(f"GET {route}", other.get(route, timeout=10), False)
            except httpx.TimeoutException:
                record(f"GET {route}", None, False, "timed out")
        # The client's own REST call of the chat: its own workspace's answer, nothing of 甲.
        call = other.post("/gradio_api/call/chat", json={"data": ["我们公司叫什么名字？在哪个工作区？", []]})
        if call.status_code == 200:
            record("GET /gradio_api/call/chat/<own event>", other.get(f"/gradio_api/call/chat/{call.json()['event_id']}"),
                   False)
        else:
            record("POST /gradio_api/call/chat", call, False)
    checks += page_events(url, traces)
    return traces, checks


def page_events(url: str, traces: dict[str, object]) -> list[Check]:
    """Every page event that opens something by name or number, sent by the client naming 甲's."""
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    out: list[Check] = []
    client = Client(url, auth=(CLIENT, PASSWORD), verbose=False, download_files=False, ssl_verify=False)
    try:
        client.predict("你好", [], api_name="/chat")  # the session opens its own workspace
        calls = [("/on_workspace", (OWNER_WS, {"token": None, "workspace": OWNER_WS})),
                 ("/on_new_workspace", (OWNER_WS, {"token": None, "workspace": None}))]
        if traces["plan"] is not None:
            calls += [("/on_open_plan", (traces["plan"],)), ("/on_open_plan_version", (1,))]
        if traces["conversation"] is not None:
            calls.append(("/on_open_conversation", (traces["conversation"],)))
        calls += [("/on_open_assessment", (1,)), ("/on_restore_assessment", (1,))]
        for api, args in calls:
            try:
                result = client.predict(*args, api_name=api)
                text, status = json.dumps(result, ensure_ascii=False, default=str), "answered"
            except AppError as exc:
                text, status = str(exc), "refused (AppError)"
            except ValueError as exc:  # no such endpoint
                text, status = str(exc), "no such route"
            out.append(Check(f"page event {api}", status, _leaks(text, json.dumps(args, ensure_ascii=False)), None))
    finally:
        client.close()
    return out


def report(traces: dict[str, object], checks: list[Check]) -> bool:
    print(f"\ncross-account probe: 甲's traces — {len(traces['downloads'] or [])} download address(es) "  # type: ignore[arg-type]
          f"(the owner's own GET: HTTP {traces['own_download_status']}), upload {'yes' if traces['upload'] else 'no'}, "
          f"page session, event {'yes' if traces['event'] else 'no'}, plan #{traces['plan']}, "
          f"conversation #{traces['conversation']}")
    print(f"{'route (asked by 乙 client)':<58}{'answer':<24}{'result'}")
    for c in checks:
        verdict = "ok" if c.passed else ("LEAK " + ", ".join(c.leaked) if c.leaked else "NOT REFUSED")
        print(f"{c.route:<58}{c.status:<24}{verdict}")
    failed = [c for c in checks if not c.passed]
    print(f"probe: {len(checks)} routes, {len(failed)} failed — {'nothing of 甲 reached 乙' if not failed else 'FAILED'}")
    return not failed and bool(traces["downloads"]) and traces["own_download_status"] == 200


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url", help="the app's address (one worker, or haproxy's front)")
    ap.add_argument("--database-url", help="the app's database: seed the probe's workspaces and accounts first")
    args = ap.parse_args()
    if args.database_url:
        seed(args.database_url)
    return 0 if report(*probe(args.url)) else 1


if __name__ == "__main__":
    sys.exit(main())
