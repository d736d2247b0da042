"""Several web workers behind haproxy, for real: `python -m assistant web` processes on one PostgreSQL database and
one Chroma server, haproxy started from the shipped template by the same code scripts/serve.sh runs
(assistant/deploy.py), Debian's Chromium driving the app through the front address; and serve.sh itself.

Done when (issue 18): a plan saved through one worker appears through the other, and killing a worker mid-session
loses no saved change.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - test_browser skips its module the same way
    pytest.skip("playwright is not installed (.venv/bin/pip install -e '.[test]')", allow_module_level=True)

from assistant.deploy import Deployment, haproxy_binary, http_ok, missing_programs, port_free, url_of
from assistant.settings import Settings
from tests.conftest import REPO, free_port
from tests.web.browser import grid_rows, open_app, open_tab, say, type_into_cell, upload_assessment, user_messages
from tests.web.test_browser import WORKED_PASS
from tests.web.test_case_versions import choose, new_workspace, pick_workspace, reload

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def require_haproxy() -> None:
    """haproxy missing: skipped locally, a failure under CI (.ci/run installs Debian's haproxy)."""
    if haproxy_binary() is None:
        reason = "haproxy is not installed; install it with `apt-get install haproxy` (.ci/run does this)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the multi-worker tests: {reason}")
        pytest.skip(reason)


def free_ports(n: int) -> int:
    """A port P such that P … P+n-1 are all free on loopback now."""
    for _ in range(50):
        start = free_port()
        if start + n < 65535 and all(port_free("127.0.0.1", start + i) for i in range(n)):
            return start
    raise RuntimeError(f"no {n} consecutive free ports")


def shared_dir(prefix: str) -> Path:
    """A folder in /tmp that PostgreSQL may reach when the tests run as root (it runs as `postgres` then)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o711)
    return folder


def served_cookie(page) -> str | None:
    """The worker haproxy pinned this browser to (its sticky cookie SRV)."""
    return next((c["value"] for c in page.context.cookies() if c["name"] == "SRV"), None)


# --- two workers behind haproxy, in Chromium ------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_workers(index_settings, pg_server, tmp_path_factory):
    """Two `web` workers (w1, w2) on a new PostgreSQL database and a Chroma server holding a copy of the session's
    index, behind haproxy: the deployment's own steps, as serve.sh takes them."""
    require_haproxy()
    database = pg_server.create_database()
    data = tmp_path_factory.mktemp("workers") / "data"
    shutil.copytree(index_settings.data_dir, data)
    deployment = Deployment(Settings(data_dir=data, database_url=pg_server.url(database)), port=free_ports(4),
                            workers=2)
    started = time.monotonic()
    try:
        deployment.start_chroma()
        deployment.refresh_index()
        deployment.start_workers()
        deployment.start_haproxy(log=data / "serve" / "haproxy.log")
        print(f"two workers and haproxy up in {time.monotonic() - started:.1f} s")
        yield deployment
    finally:
        deployment.stop()
        pg_server.drop_database(database)


def test_a_plan_saved_through_one_worker_appears_through_the_other_and_survives_its_death(two_workers, browser):
    from assistant.web.views import PLAN_COLUMNS

    deployment = two_workers
    front = url_of(deployment.host, deployment.port, "/")
    owner = PLAN_COLUMNS.index("责任人")

    # Browser A, pinned to worker w1: a workspace, a chat turn, an assessment, a plan drafted and edited (2 versions).
    a = open_app(browser, front, cookies={"SRV": "w1"})
    new_workspace(a, "多进程甲")
    said = "我们客户满意度88%，首次响应4小时"
    say(a, said)
    open_tab(a, "自评")
    upload_assessment(a, WORKED_PASS)
    open_tab(a, "整改计划")
    a.locator("#plan-draft").click()
    expect(a.locator("#plan-message")).to_contain_text("已起草并保存整改计划")
    drafted = grid_rows(a, "#plan-table")
    assert drafted and drafted[0][owner] != "王经理"
    type_into_cell(a, "#plan-table", 0, owner, "王经理")
    a.locator("#plan-save").click()
    expect(a.locator("#plan-message")).to_contain_text("已保存第1项的修改（新版本）")
    assert served_cookie(a) == "w1"  # haproxy kept it on w1 throughout

    # Browser B, pinned to worker w2, sees that plan: the workspace's plan, its versions and its table.
    b = open_app(browser, front, cookies={"SRV": "w2"})
    pick_workspace(b, "多进程甲")
    open_tab(b, "版本与记录")
    choose(b, "plan-pick", "计划 #")
    b.locator("#plan-open").click()
    expect(b.locator("#case-message")).to_contain_text("已打开整改计划")
    assert [r[0] for r in grid_rows(b, "#plan-history")] == ["第2版", "第1版"]
    open_tab(b, "整改计划")
    seen = grid_rows(b, "#plan-table")
    assert seen[0][owner] == "王经理" and len(seen) == len(drafted)
    assert served_cookie(b) == "w2"

    # Worker w1 dies (SIGKILL: no chance to save anything more) while A's page is open.
    w1 = deployment.children["w1"]
    w1.send(signal.SIGKILL)
    w1.popen.wait(timeout=30)
    reload(a)  # through the front address: haproxy sends A to w2 and pins it there
    assert served_cookie(a) == "w2"
    expect(a.locator("#workspace-picker input")).to_have_value("多进程甲")
    expect(user_messages(a)).to_have_text([said])
    open_tab(a, "整改计划")
    after = grid_rows(a, "#plan-table")
    assert after == seen  # every saved change is there
    # and A goes on working on w2: one more saved change is the plan's third version, seen by B
    type_into_cell(a, "#plan-table", 1, owner, "李主管")
    a.locator("#plan-save").click()
    expect(a.locator("#plan-message")).to_contain_text("已保存第2项的修改（新版本）")
    open_tab(b, "版本与记录")  # B, on w2 all along, opens the plan again
    choose(b, "plan-pick", "计划 #")
    b.locator("#plan-open").click()
    expect(b.locator("#case-message")).to_contain_text("已打开整改计划")
    assert [r[0] for r in grid_rows(b, "#plan-history")] == ["第3版", "第2版", "第1版"]
    for page in (a, b):
        page.context.close()


def test_haproxy_tells_the_workers_the_browsers_address_not_one_it_claims(tmp_path):
    """The login throttle counts failures per address: behind haproxy a worker must see the browser's address
    (X-Forwarded-For, which uvicorn trusts from 127.0.0.1), and never one the browser wrote into that header."""
    require_haproxy()
    import http.server
    import threading

    seen: list[str | None] = []

    class Worker(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path == "/":
                seen.append(self.headers.get("X-Forwarded-For"))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    deployment = Deployment(Settings(data_dir=tmp_path / "data"), port=free_ports(2), workers=1)
    worker = http.server.ThreadingHTTPServer(("127.0.0.1", deployment.worker_port(1)), Worker)
    threading.Thread(target=worker.serve_forever, daemon=True).start()
    try:
        deployment.start_haproxy(log=tmp_path / "haproxy.log")
        request = urllib.request.Request(url_of("127.0.0.1", deployment.port, "/"),
                                         headers={"X-Forwarded-For": "203.0.113.9"})
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310 - loopback
            assert r.status == 200
        assert seen == ["127.0.0.1"]
    finally:
        deployment.stop()
        worker.shutdown()


# --- serve.sh -------------------------------------------------------------------------------------------------


def descendants(pid: int) -> set[int]:
    """Every process below `pid` now (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def running(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def serve_env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    return env | {"ASSISTANT_DATA_DIR": str(data), "SHOUHOU_PYTHON": sys.executable}


def sticky_cookie(url: str) -> str | None:
    """The SRV cookie haproxy gives a fresh client (no cookies) of `url`."""
    with urllib.request.urlopen(url, timeout=30) as r:  # noqa: S310 - loopback
        for header in r.headers.get_all("Set-Cookie") or []:
            m = re.match(r"SRV=([^;]+)", header)
            if m:
                return m.group(1)
    return None


@pytest.fixture
def serve_dir(index_settings):
    """A data directory holding an index already built (a copy of the session's), where PostgreSQL may run."""
    root = shared_dir("serve-")
    data = root / "data"
    shutil.copytree(index_settings.data_dir, data)
    data.chmod(0o711)  # a copy of pytest's private folder: PostgreSQL's user must pass through it
    yield data
    shutil.rmtree(root, ignore_errors=True)


def test_serve_sh_starts_two_workers_behind_one_address_and_ctrl_c_stops_everything(serve_dir, pg_server):
    # pg_server: only for its check that PostgreSQL's binaries are here (skip locally, fail in CI)
    require_haproxy()
    port = free_ports(4)
    log = serve_dir.parent / "serve.log"
    started = time.monotonic()
    with open(log, "wb") as out:
        serve = subprocess.Popen(["bash", "scripts/serve.sh", "--workers", "2", "--port", str(port)], cwd=REPO,
                                 env=serve_env(serve_dir), stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True)  # its own process group, as a terminal's foreground job
    try:
        front = url_of("127.0.0.1", port, "/")
        deadline = time.monotonic() + 300
        while not http_ok(front) and serve.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert serve.poll() is None and http_ok(front), log.read_text(errors="replace")
        print(f"serve.sh answered after {time.monotonic() - started:.1f} s")

        # Fresh clients are pinned to both workers (haproxy's round robin need not alternate strictly: a few), and
        # each pin holds.
        cookies = {sticky_cookie(front) for _ in range(8)}
        assert cookies == {"w1", "w2"}, log.read_text(errors="replace")
        for name in cookies:
            request = urllib.request.Request(front, headers={"Cookie": f"SRV={name}"})
            with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
                assert r.status == 200 and not r.headers.get_all("Set-Cookie")  # kept on its worker

        children = descendants(serve.pid)
        names = {(Path("/proc") / str(p) / "comm").read_text().strip() for p in children if running(p)}
        assert {"haproxy", "postgres", "chroma"} <= names, names
        assert (serve_dir / "postgres" / "data" / "PG_VERSION").exists()
        assert (serve_dir / "chroma-server" / "chroma.sqlite3").exists()

        os.killpg(serve.pid, signal.SIGINT)  # Ctrl-C
        assert serve.wait(timeout=120) == 0, log.read_text(errors="replace")
        left = [p for p in children if running(p)]
        assert not left, [(p, (Path("/proc") / str(p) / "cmdline").read_text()) for p in left]
        for p in range(port, port + 4):
            with pytest.raises(OSError):
                socket.create_connection(("127.0.0.1", p), timeout=1).close()
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()


def test_serve_sh_refuses_what_it_cannot_do_with_exit_2(tmp_path):
    env = serve_env(tmp_path / "data")
    done = subprocess.run(["bash", "scripts/serve.sh", "--workers", "0"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and "--workers" in done.stderr

    done = subprocess.run(["bash", "scripts/serve.sh"], cwd=REPO, env=env | {"HAPROXY": "/nonexistent/haproxy"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "haproxy not found" in done.stderr and "apt-get install haproxy" in done.stderr

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1] - 1  # the first worker's port is in use
        done = subprocess.run(["bash", "scripts/serve.sh", "--port", str(port)], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120)
    if not missing_programs(Settings(data_dir=tmp_path / "data")):
        assert done.returncode == 2 and f"127.0.0.1:{port + 1}" in done.stderr and "--port" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "data" / "postgres").exists()  # nothing was started


def test_serve_sh_refuses_a_public_address_without_a_login_and_stops_what_it_started(pg_server):
    require_haproxy()
    root = shared_dir("serve-public-")
    try:
        port = free_ports(4)
        done = subprocess.run(["bash", "scripts/serve.sh", "--host", "0.0.0.0", "--port", str(port)], cwd=REPO,
                              env=serve_env(root / "data"), capture_output=True, text=True, timeout=300)
        assert done.returncode == 2, done.stderr
        assert "ASSISTANT_WEB_PASSWORD" in done.stderr and "user add" in done.stderr
        assert "Traceback" not in done.stderr
        for p in range(port, port + 4):  # PostgreSQL and Chroma were started to look for accounts: both stopped
            assert port_free("127.0.0.1", p)
        assert not (root / "data" / "postgres" / "data" / "postmaster.pid").exists()
    finally:
        shutil.rmtree(root, ignore_errors=True)
