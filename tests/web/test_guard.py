"""The login gate in front of gradio (assistant/web/guard.py): exact user names, throttled failures, private routes."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from assistant.web.cli import launch
from assistant.web.guard import LoginThrottle
from tests.web.conftest import free_port

USER, PASSWORD = "auditor", "correct-horse-battery"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_beyond_the_free_ones_lock_the_key_for_doubling_times():
    clock = Clock()
    t = LoginThrottle(free=3, base_delay=1.0, max_delay=8.0, clock=clock)
    for _ in range(3):
        t.fail("user:a")
        assert t.wait("user:a") == 0.0
    waits = []
    for _ in range(5):
        t.fail("user:a")
        waits.append(t.wait("user:a"))
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0]
    clock.now += 8.0
    assert t.wait("user:a") == 0.0
    assert t.wait("user:b") == 0.0  # other names are not affected


def test_a_success_clears_the_failures():
    t = LoginThrottle(free=0, clock=Clock())
    t.fail("user:a", "addr:1")
    assert t.wait("user:a") > 0 and t.wait("addr:1") > 0
    t.succeed("user:a", "addr:1")
    assert t.wait("user:a", "addr:1") == 0.0


def test_a_flood_of_made_up_names_does_not_grow_the_table_without_bound():
    t = LoginThrottle(max_keys=100, clock=Clock())
    for i in range(1000):
        t.fail(f"user:{i}")
    assert len(t._keys) <= 100


@pytest.fixture(scope="module")
def served(index_settings, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("guard")
    settings = index_settings.model_copy(update={
        "web_user": USER, "web_password": SecretStr(PASSWORD), "database_url": f"sqlite:///{tmp}/web.db",
        "web_login_free_failures": 3, "web_login_max_wait_s": 60.0})
    demo, url = launch(settings, "127.0.0.1", free_port(), block=False)
    yield url.rstrip("/")
    demo.close()


@pytest.mark.integration
def test_a_user_name_is_compared_exactly(served):
    with httpx.Client(base_url=served, timeout=30) as c:
        for name in (USER + " ", " " + USER, USER.upper()):
            assert c.post("/login", data={"username": name, "password": PASSWORD}).status_code == 400
            assert c.get("/config").status_code == 401
        assert c.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 200
        assert c.get("/config").status_code == 200


@pytest.mark.integration
def test_metadata_routes_answer_only_after_login(served):
    private = ["/openapi.json", "/gradio_api/openapi.json", "/gradio_api/app_id", "/gradio_api/token",
               "/gradio_api/runs", "/gradio_api/info", "/docs"]
    with httpx.Client(base_url=served, timeout=30) as c:
        for route in private:
            assert c.get(route).status_code == 401, route
        assert c.get("/").status_code == 200  # the login page itself
        assert c.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 200
        assert c.get("/gradio_api/app_id").status_code == 200
        assert c.get("/gradio_api/info").status_code == 200


@pytest.mark.integration
def test_repeated_wrong_passwords_are_slowed_down_even_for_the_right_one(served):
    with httpx.Client(base_url=served, timeout=30) as c:
        codes = [c.post("/login", data={"username": USER, "password": f"wrong-{i}"}).status_code for i in range(6)]
        assert codes[:3] == [400, 400, 400] and codes[-1] == 429, codes
        locked = c.post("/login", data={"username": USER, "password": PASSWORD})
        assert locked.status_code == 429
        assert "秒后再试" in locked.json()["detail"] and int(locked.headers["retry-after"]) >= 1
        assert c.get("/config").status_code == 401


def test_a_login_expires_after_its_hours_and_ends_with_a_disabled_account():
    import asyncio
    from concurrent.futures import ThreadPoolExecutor
    from types import SimpleNamespace

    from assistant.web.guard import LoginGuard

    seen: list[str | None] = []
    app = SimpleNamespace(tokens={}, cookie_id="c1")

    async def inner(scope, receive, send):  # gradio: the login sets the token; any other request looks it up
        if scope["path"] == "/login":
            app.tokens["tok"] = scope["user"]
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"set-cookie", b"access-token-c1=tok; HttpOnly; Path=/")]})
            await send({"type": "http.response.body", "body": b"{}"})
        else:
            seen.append(app.tokens.get("tok"))

    clock = Clock()
    allowed = {"王顾问"}
    guard = LoginGuard(inner, enabled=True, session_seconds=3600, still_allowed=lambda u: u in allowed, clock=clock)

    def request(path: str, method: str = "GET") -> None:
        body = b"username=%E7%8E%8B%E9%A1%BE%E9%97%AE&password=x"
        scope = {"type": "http", "path": path, "method": method, "app": app, "user": "王顾问", "client": ("1.2.3.4", 1),
                 "headers": [(b"cookie", b"access-token-c1=tok"),
                             (b"content-type", b"application/x-www-form-urlencoded")]}

        async def receive():
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message):
            pass

        # in a thread of its own: the browser tests' Playwright keeps an event loop running in this one
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, guard(scope, receive, send)).result()

    request("/login", "POST")
    clock.now += 3500
    request("/config")
    assert seen == ["王顾问"]  # within its hours
    clock.now += 200
    request("/config")
    assert seen == ["王顾问", None] and "tok" not in app.tokens  # expired: gradio no longer knows the token

    request("/login", "POST")
    request("/config")
    allowed.clear()  # the account is disabled
    request("/config")
    assert seen[-2:] == ["王顾问", None]
