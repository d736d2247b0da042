"""The login gate in front of gradio (assistant/web/guard.py): exact user names, throttled failures, private routes,
and logins, their expiry and the failure counts shared by every web process through the database and kept across
restarts (storage and gate on SQLite and PostgreSQL, real gradio servers on SQLite)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from urllib.parse import parse_qs

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import create_engine, event, text

from assistant.plans.store import Store
from assistant.settings import Settings
from assistant.web import guard as guard_module
from assistant.web.cli import launch
from assistant.web.guard import LoginGuard, LoginThrottle, shared_cookie_id
from assistant.workspace.accounts import Accounts, Logins, token_hash
from tests.web.conftest import free_port

USER, PASSWORD = "auditor", "correct-horse-battery"


class Clock:
    """Wall-clock seconds the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_790_000_000.0  # 2026-09

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def logins(database_url):
    store = Store(database_url)
    yield Logins(store)
    store.close()


# --- the throttle, in the database ------------------------------------------------------------------------------------

def test_failures_beyond_the_free_ones_lock_the_key_for_doubling_times(logins):
    clock = Clock()
    t = LoginThrottle(logins, free=3, base_delay=1.0, max_delay=8.0, clock=clock)
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


def test_a_success_clears_the_failures(logins):
    t = LoginThrottle(logins, free=0, clock=Clock())
    t.fail("user:a", "addr:1")
    assert t.wait("user:a") > 0 and t.wait("addr:1") > 0
    t.succeed("user:a", "addr:1")
    assert t.wait("user:a", "addr:1") == 0.0


def test_failures_counted_by_one_process_lock_the_key_for_all(database_url):
    """Two web processes (two connections to one database): alternating between them gains an attacker nothing."""
    clock = Clock()
    a, b = Store(database_url), Store(database_url)
    try:
        ta = LoginThrottle(Logins(a), free=2, clock=clock)
        tb = LoginThrottle(Logins(b), free=2, clock=clock)
        ta.fail("user:a")
        tb.fail("user:a")
        assert ta.wait("user:a") == tb.wait("user:a") == 0.0
        ta.fail("user:a")  # the third, whichever process saw the first two
        assert tb.wait("user:a") == 1.0
        tb.fail("user:a")
        assert ta.wait("user:a") == 2.0
        ta.succeed("user:a")
        assert tb.wait("user:a") == 0.0
    finally:
        a.close()
        b.close()


def test_failures_at_the_same_moment_in_many_processes_are_all_counted(database_url):
    """Eight processes count a new key's failures at once (PostgreSQL: the first insert wins, the others retry)."""
    clock = Clock()
    stores = [Store(database_url) for _ in range(8)]
    try:
        throttles = [LoginThrottle(Logins(s), free=4, clock=clock) for s in stores]
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda t: t.fail("user:a", "addr:1"), throttles))
        assert throttles[0].wait("user:a") == throttles[0].wait("addr:1") == 8.0  # 1, 2, 4, 8 s after four free
    finally:
        for store in stores:
            store.close()


def test_a_flood_of_made_up_names_does_not_grow_the_table_without_bound(logins):
    clock = Clock()
    t = LoginThrottle(logins, free=1, max_keys=100, clock=clock)
    for i in range(300):
        t.fail(f"user:{i}", "user:" + "长" * 500)  # a long name is kept by its hash
        clock.now += 0.01
    logins.cleanup(guard_module.utc(clock.now), login_seconds=3600, forget_seconds=t.forget_after,
                   max_keys=t.max_keys)
    assert logins.failures() <= 100
    assert t.wait("user:" + "长" * 500) > 0  # the lock of the name under attack stays


def test_old_failures_and_expired_logins_are_deleted(logins):
    clock = Clock()
    t = LoginThrottle(logins, free=0, max_delay=60, forget_after=3600, clock=clock)
    t.fail("user:old")
    logins.issue("old-token", USER, guard_module.utc(clock.now))
    clock.now += 1800
    t.fail("user:recent")
    logins.issue("recent-token", USER, guard_module.utc(clock.now))
    clock.now += 1801
    logins.cleanup(guard_module.utc(clock.now), login_seconds=3000, forget_seconds=t.forget_after, max_keys=100)
    assert logins.failures() == 1 and logins.count() == 1
    assert logins.find("old-token") is None and logins.find("recent-token")[0] == USER


# --- logins in the database --------------------------------------------------------------------------------------------

def test_a_login_is_stored_as_a_hash_of_its_token_with_its_user_and_utc_time(logins, database_url):
    clock = Clock()
    token = secrets.token_urlsafe(16)
    logins.issue(token, "王顾问", guard_module.utc(clock.now))
    engine = create_engine(database_url)
    with engine.connect() as db:
        rows = [tuple(map(str, r)) for r in db.execute(text("SELECT * FROM web_logins"))]
    engine.dispose()
    assert len(rows) == 1 and not any(token in cell for cell in rows[0])
    assert hashlib.sha256(token.encode()).hexdigest() == token_hash(token) in rows[0]
    user, issued = logins.find(token)
    assert user == "王顾问" and issued.timestamp() == clock.now and issued.utcoffset().total_seconds() == 0
    assert logins.find("another-token") is None
    logins.end(token)
    assert logins.find(token) is None


def test_the_cookie_name_is_the_same_for_every_process_of_a_database(database_url):
    a, b, other = Store(database_url), Store(database_url), Store("sqlite://")
    try:
        assert shared_cookie_id(Logins(a)) == shared_cookie_id(Logins(b))
        assert shared_cookie_id(Logins(other)) != shared_cookie_id(Logins(a))  # another database: another name
    finally:
        for store in (a, b, other):
            store.close()


# --- the gate, in front of a stand-in for gradio, several "processes" on one database ---------------------------------

class Worker:
    """One web process: gradio's login behaviour (a token per login in a table of its own memory, a cookie named
    after a random cookie_id, /logout forgetting the user's tokens), behind a LoginGuard on the shared database."""

    def __init__(self, database_url: str, clock: Clock, *, free: int = 3, still_allowed=None,
                 session_seconds: float = 3600) -> None:
        self.store = Store(database_url)
        logins = Logins(self.store)
        self.app = SimpleNamespace(tokens={}, cookie_id=secrets.token_urlsafe(32))
        self.seen: list[str | None] = []
        self.guard = LoginGuard(self._gradio, enabled=True, logins=logins, session_seconds=session_seconds,
                                throttle=LoginThrottle(logins, free=free, max_delay=60, clock=clock),
                                still_allowed=still_allowed, clock=clock)

    async def _gradio(self, scope, receive, send):
        app = self.app
        cookie = _cookies(scope).get(f"access-token-unsecure-{app.cookie_id}")
        if scope["path"] == "/login":
            form = parse_qs((await receive())["body"].decode())
            user, password = form["username"][0].strip(), form["password"][0]
            if password != PASSWORD:
                await send({"type": "http.response.start", "status": 400, "headers": []})
                await send({"type": "http.response.body", "body": b"{}"})
                return
            token = secrets.token_urlsafe(16)
            app.tokens[token] = user
            await send({"type": "http.response.start", "status": 200, "headers": [
                (b"set-cookie", f"access-token-{app.cookie_id}={token}; HttpOnly; Secure".encode()),
                (b"set-cookie", f"access-token-unsecure-{app.cookie_id}={token}; HttpOnly".encode())]})
            await send({"type": "http.response.body", "body": b"{}"})
            return
        user = app.tokens.get(cookie)
        if scope["path"] == "/logout":
            for t in [t for t, u in app.tokens.items() if u == user]:
                del app.tokens[t]
        self.seen.append(user)
        await send({"type": "http.response.start", "status": 200 if user else 401, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def request(self, path: str, cookie: str | None = None, *, user: str = USER, password: str = PASSWORD,
                address: str = "1.2.3.4") -> tuple[int, str | None]:
        """(status, the token a login set) of one request carrying `cookie` (the browser's token)."""
        login = path == "/login"
        body = f"username={user}&password={password}".encode() if login else b""
        headers = [(b"content-type", b"application/x-www-form-urlencoded")]
        if cookie is not None:
            # named as every process names it (the browser got it from whichever process it logged in on)
            headers.append((b"cookie", f"access-token-unsecure-{self.guard.cookie_id}={cookie}".encode()))
        scope = {"type": "http", "path": path, "method": "POST" if login else "GET", "app": self.app,
                 "client": (address, 1), "headers": headers, "query_string": b""}
        sent: list[dict] = []

        async def receive():
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message):
            sent.append(message)

        # in a thread of its own: the browser tests' Playwright keeps an event loop running in this one
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, self.guard(scope, receive, send)).result()
        start = next(m for m in sent if m["type"] == "http.response.start")
        token = next((v.decode().split("=", 1)[1].split(";")[0] for k, v in start["headers"] if k == b"set-cookie"), None)
        return start["status"], token

    def user(self, cookie: str) -> str | None:
        """Who gradio takes the request carrying `cookie` for (None: not logged in)."""
        self.request("/config", cookie)
        return self.seen[-1]

    def close(self) -> None:
        self.store.close()


def _cookies(scope) -> dict[str, str]:
    out = {}
    for k, v in scope["headers"]:
        if k == b"cookie":
            name, _, value = v.decode().partition("=")
            out[name] = value
    return out


@pytest.fixture
def workers(database_url):
    made: list[Worker] = []

    def make(clock: Clock, **kw) -> Worker:
        made.append(Worker(database_url, clock, **kw))
        return made[-1]

    yield make
    for w in made:
        w.close()


def test_a_login_on_one_process_is_valid_on_another_and_after_a_restart(workers, database_url):
    clock = Clock()
    a, b = workers(clock), workers(clock)
    assert a.app.cookie_id != b.app.cookie_id  # gradio's own: random per process
    status, token = a.request("/login")
    assert status == 200 and token
    assert b.user(token) == USER and b.app.tokens[token] == USER  # B's gradio knows it now
    assert a.app.cookie_id == b.app.cookie_id  # the gate gave both gradios the shared cookie name
    assert b.user("a-made-up-token") is None
    a.close()
    restarted = workers(clock)  # a new process on the same database: the browser is still logged in
    clock.now += 60
    assert restarted.user(token) == USER


def test_a_login_expires_on_every_process(workers):
    clock = Clock()
    a, b = workers(clock, session_seconds=3600), workers(clock, session_seconds=3600)
    _, token = a.request("/login")
    assert b.user(token) == USER
    clock.now += 3500
    assert a.user(token) == USER and b.user(token) == USER  # within its hours
    clock.now += 200
    assert b.user(token) is None and token not in b.app.tokens
    assert a.user(token) is None and token not in a.app.tokens
    assert workers(clock).user(token) is None  # a process started later does not take it back


def test_a_disabled_or_deleted_account_is_logged_out_on_every_process(workers, database_url):
    store = Store(database_url)
    accounts = Accounts(store)
    try:
        accounts.add("王顾问", PASSWORD, "consultant")
        accounts.add("李顾问", PASSWORD, "consultant")
        accounts.add("管理员", PASSWORD, "admin")

        def allowed(user: str) -> bool:
            account = accounts.get(user)
            return account is not None and not account.disabled

        clock = Clock()
        a, b = workers(clock, still_allowed=allowed), workers(clock, still_allowed=allowed)
        _, wang = a.request("/login", user="王顾问")
        _, li = b.request("/login", user="李顾问")
        assert b.user(wang) == "王顾问" and a.user(li) == "李顾问"
        accounts.disable("王顾问", author="cli")
        accounts.delete("李顾问", author="cli")
        clock.now += guard_module.RECHECK_SECONDS
        assert a.user(wang) is None and b.user(wang) is None
        assert a.user(li) is None and b.user(li) is None
        accounts.passwd("王顾问", "another-pass", author="cli")  # enabled again: the old login stays ended
        assert b.user(wang) is None
    finally:
        store.close()


def test_a_logout_on_one_process_ends_the_login_on_all(workers):
    clock = Clock()
    a, b = workers(clock), workers(clock)
    _, token = a.request("/login")
    _, other_browser = a.request("/login")
    assert b.user(token) == USER and b.user(other_browser) == USER
    assert b.request("/logout", token)[0] == 200  # gradio's /logout ends all of the user's sessions
    clock.now += guard_module.RECHECK_SECONDS
    assert a.user(token) is None and a.user(other_browser) is None
    assert workers(clock).user(other_browser) is None


def test_failures_on_one_process_lock_the_name_on_another(workers):
    clock = Clock()
    a, b = workers(clock, free=2), workers(clock, free=2)
    codes = [w.request("/login", password=f"wrong-{i}", address=f"10.0.0.{i}")[0] for i, w in enumerate((a, b, a))]
    assert codes == [400, 400, 400]
    assert b.request("/login", address="10.0.0.9")[0] == 429  # the right password, another address, another process
    clock.now += 1
    assert b.request("/login", address="10.0.0.9")[0] == 200


def test_a_known_login_costs_no_database_query_between_its_checks(workers):
    clock = Clock()
    a = workers(clock)
    _, token = a.request("/login")
    a.user(token)
    queries: list[str] = []
    event.listen(a.store.engine, "before_cursor_execute", lambda *args: queries.append(args[2]))
    for _ in range(20):
        assert a.user(token) == USER
        clock.now += 0.2
    assert queries == []
    clock.now += guard_module.RECHECK_SECONDS
    assert a.user(token) == USER and queries  # looked up again


# --- real gradio servers ---------------------------------------------------------------------------------------------

def _settings(tmp, **kw) -> Settings:
    return Settings(data_dir=tmp, database_url=f"sqlite:///{tmp}/web.db", web_user=USER,
                    web_password=SecretStr(PASSWORD), **kw)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    settings = _settings(tmp_path_factory.mktemp("guard"), web_login_free_failures=3, web_login_max_wait_s=60.0)
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


@pytest.mark.integration
def test_two_web_servers_on_one_database_share_logins_locks_and_logouts_and_a_restart_keeps_them(
        tmp_path, monkeypatch):
    settings = _settings(tmp_path, web_login_free_failures=2, web_login_max_wait_s=60.0)
    # Beyond the free failures a lock of a minute (not 1 s, 2 s …): a slow machine must not see it end mid-test.
    monkeypatch.setattr(LoginThrottle, "delay", lambda self, count: 0.0 if count <= self.free else 60.0)
    demo_a, url_a = launch(settings, "127.0.0.1", free_port(), block=False)
    demo_b, url_b = launch(settings, "127.0.0.1", free_port(), block=False)
    demo_c = None
    try:
        with httpx.Client(base_url=url_a, timeout=30) as a:
            assert a.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 200
            browser = dict(a.cookies)
        with httpx.Client(base_url=url_b, timeout=30, cookies=browser) as b:
            assert b.get("/config").status_code == 200  # logged in on A, served by B
            assert b.get("/gradio_api/info").status_code == 200

            demo_a.close()  # A restarts: the browser stays logged in
            demo_c, url_c = launch(settings, "127.0.0.1", free_port(), block=False)
            with httpx.Client(base_url=url_c, timeout=30, cookies=browser) as c:
                assert c.get("/config").status_code == 200

                # Wrong passwords alternating between the two servers lock the name on both.
                codes = [s.post("/login", data={"username": USER, "password": f"wrong-{i}"}).status_code
                         for i, s in enumerate((c, b, c))]
                assert codes == [400, 400, 400]
                assert b.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 429

                # A logout on one server ends the login on the other at its next look-up.
                monkeypatch.setattr(guard_module, "RECHECK_SECONDS", 0.0)
                assert c.get("/logout", follow_redirects=False).status_code == 302
                b.cookies.update(browser)
                assert b.get("/config").status_code == 401
    finally:
        for demo in (demo_a, demo_b, demo_c):
            if demo is not None:
                demo.close()
