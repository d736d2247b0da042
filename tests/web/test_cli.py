"""`python -m assistant web` as a user starts it: refusals before serving, login, no public link, upload limit."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AuthenticationError

from assistant.settings import Settings
from assistant.web.cli import hard_upload_limit
from tests.conftest import REPO, run_cli
from tests.web.conftest import free_port

USER, PASSWORD = "berater", "s3cret-Passw0rd"
UPLOAD_KB = 4


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr


def test_serving_other_machines_without_a_password_is_refused(tmp_path):
    proc = run_cli("web", "--host", "0.0.0.0", "--port", str(free_port()), data_dir=tmp_path, timeout=120)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "ASSISTANT_WEB_PASSWORD" in proc.stderr and "0.0.0.0" in proc.stderr
    assert proc.stderr.startswith("错误 error: web --host: ")
    no_traceback(proc)
    assert not (tmp_path / "chroma").exists()  # refused before building anything


def test_a_short_password_is_refused(tmp_path):
    proc = run_cli("web", "--host", "0.0.0.0", "--port", str(free_port()), data_dir=tmp_path, timeout=120,
                   env={"ASSISTANT_WEB_PASSWORD": "short"})
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "ASSISTANT_WEB_PASSWORD" in proc.stderr and "at least 8 characters" in proc.stderr
    no_traceback(proc)


def test_a_busy_port_is_refused(tmp_path):
    with socket.socket() as other:  # another program listening on the port
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        proc = run_cli("web", "--port", str(port), data_dir=tmp_path, timeout=120)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert f"cannot listen on 127.0.0.1:{port}" in proc.stderr and "--port" in proc.stderr
    no_traceback(proc)


# --- a password-protected server on loopback ---------------------------------------------------------


@pytest.fixture(scope="module")
def protected(index_settings, tmp_path_factory):
    """`web --port P` with ASSISTANT_WEB_PASSWORD set (and a 4 KiB upload limit), over the test index."""
    tmp = tmp_path_factory.mktemp("web-cli")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({
        "ASSISTANT_DATA_DIR": str(index_settings.data_dir),
        "ASSISTANT_DATABASE_URL": f"sqlite:///{tmp}/web.db",
        "ASSISTANT_WEB_USER": USER,
        "ASSISTANT_WEB_PASSWORD": PASSWORD,
        "ASSISTANT_WEB_MAX_UPLOAD_KB": str(UPLOAD_KB),
        # The wrong-login tests below share this server and its address; the throttle has its own test.
        "ASSISTANT_WEB_LOGIN_FREE_FAILURES": "100",
        "GRADIO_SHARE": "True",  # gradio's own switch for a public link: must have no effect
    })
    log_path = tmp / "server.log"
    with log_path.open("w") as log:  # the server keeps its own copy of the file
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "web", "--port", str(port)], cwd=REPO, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while True:
        if proc.poll() is not None:
            pytest.fail(f"web exited with {proc.returncode}:\n{log_path.read_text()}")
        try:
            httpx.get(url + "/config", timeout=2)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("web did not answer within 240 s")
            time.sleep(0.3)
    yield url, log_path
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.mark.integration
def test_without_login_the_app_and_its_api_are_refused(protected):
    url, _ = protected
    with httpx.Client(base_url=url, timeout=10) as c:
        assert c.get("/config").status_code == 401
        assert c.get("/gradio_api/info").status_code == 401
        assert c.post("/gradio_api/queue/join", json={"data": ["能过吗", []], "fn_index": 0,
                                                      "session_hash": "x1"}).status_code == 401
        assert c.post("/gradio_api/call/chat", json={"data": ["能过吗", []]}).status_code == 401
        assert c.post("/gradio_api/upload", files={"files": ("a.yaml", b"criteria: {}\n")}).status_code == 401
        assert c.get("/").status_code == 200  # the login page itself
        refused = c.get("/config")
        assert refused.json()["detail"]["error"] == "Not authenticated"
        assert "components" not in refused.text and "自评" not in refused.text  # nothing of the app before login


@pytest.mark.integration
@pytest.mark.parametrize("user, password", [(USER, "wrong-password"), ("admin", PASSWORD), (USER, ""),
                                            (USER, PASSWORD + "x"), (USER.upper(), PASSWORD)])
def test_a_wrong_login_fails(protected, user, password):
    url, _ = protected
    with httpx.Client(base_url=url, timeout=10) as c:
        r = c.post("/login", data={"username": user, "password": password})
        assert r.status_code in (400, 422), r.text
        assert not c.cookies
        assert c.get("/config").status_code == 401


@pytest.mark.integration
def test_the_right_login_opens_the_app_and_its_chat(protected):
    url, _ = protected
    with httpx.Client(base_url=url, timeout=10) as c:
        r = c.post("/login", data={"username": USER, "password": PASSWORD})
        assert r.status_code == 200 and r.json() == {"success": True}
        config = c.get("/config")
        assert config.status_code == 200 and config.json()["components"]
        assert "售后服务成熟度助手" in config.text
    client = Client(url, auth=(USER, PASSWORD), verbose=False, download_files=False)
    try:
        history, _, _badge, status = client.predict("我们客户满意度88%", [], api_name="/chat")
    finally:
        client.close()
    assert "88%" in str(history[-1]["content"]) and "已填写 1/22" in status
    with pytest.raises(AuthenticationError, match="credentials were not provided"):
        Client(url, verbose=False, download_files=False)
    with pytest.raises(ValueError, match="Could not login"):
        Client(url, auth=(USER, "wrong-password"), verbose=False, download_files=False)


@pytest.mark.integration
def test_an_upload_over_the_limit_is_refused(protected):
    url, _ = protected
    with httpx.Client(base_url=url, timeout=10) as c:
        assert c.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 200
        small = b"criteria: {}\n" + b"#" * (UPLOAD_KB * 1024 - 100) + b"\n"
        ok = c.post("/gradio_api/upload", files={"files": ("small.yaml", small)})
        assert ok.status_code == 200 and len(ok.json()) == 1, ok.text
        # Over web_max_upload_kb the upload handler refuses the file with the app's message (tests/web/test_session.py,
        # test_browser.py); gradio itself only refuses what is beyond the outer bound, before storing it.
        huge = b"criteria: {}\n" + b"#" * (hard_upload_limit(Settings(web_max_upload_kb=UPLOAD_KB)) + 100) + b"\n"
        refused = c.post("/gradio_api/upload", files={"files": ("huge.yaml", huge)})
        assert refused.status_code == 413, refused.text


@pytest.mark.integration
def test_no_public_link_and_no_traceback_in_the_log(protected):
    url, log = protected
    with httpx.Client(base_url=url, timeout=10) as c:
        c.post("/login", data={"username": USER, "password": PASSWORD})
        assert c.get("/config").json().get("share_url") in (None, "")
    text = log.read_text()
    assert "gradio.live" not in text and "public URL" not in text, text
    assert "Traceback" not in text, text


def test_launch_never_opens_a_public_link_whatever_the_environment(index_settings, tmp_path, monkeypatch):
    """GRADIO_SHARE=True is gradio's own switch for a share link; `launch` must never start the tunnel."""
    import gradio.networking

    from assistant.web.cli import launch

    tunnels = []
    monkeypatch.setenv("GRADIO_SHARE", "True")
    monkeypatch.setattr(gradio.networking, "setup_tunnel", lambda *a, **k: tunnels.append(a) or "https://x.gradio.live")
    settings = index_settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/web.db"})
    demo, url = launch(settings, "127.0.0.1", free_port(), block=False)
    try:
        assert demo.share is False and demo.share_url is None and tunnels == []
        assert url.startswith("http://127.0.0.1:")
    finally:
        demo.close()
