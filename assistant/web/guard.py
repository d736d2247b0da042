"""The gate in front of the gradio app: exact user names, slowed-down failed logins, metadata routes behind login,
logins that expire and end with their account, shared by every web process and kept across restarts.

gradio checks a password but strips the user name it was given, answers any number of wrong passwords at once,
and serves some metadata routes (its app id, token and run-history pages) without a login. Its login is a random
token in a cookie (`access-token-<cookie_id>`, `cookie_id` random per process) mapped to the user name in a table
in that process's memory (`app.tokens`) that never forgets it: no expiry, no hook, no other process knows it. This
ASGI middleware sits in front of it (passed to gradio's FastAPI app through `app_kwargs`) and closes those gaps:

- the cookie's name is the same in every process (`cookie_id` derived from a secret kept in the database);
- a successful login is recorded in the database (a hash of the token, the user, when; `Logins`) before the
  browser gets its cookie; a request carrying a token this process's gradio does not know, but the database does
  (issued by another process, or before a restart), and that is neither expired nor of a user `still_allowed`
  refuses, is put into gradio's table first, so gradio accepts it;
- a token gradio knows is checked against the database again at most every RECHECK_SECONDS (a login ended by
  another process's logout, a disabled or deleted account), and dropped from gradio's table when it is older than
  `session_seconds` or its user may no longer log in: gradio itself then answers "not logged in" and the page shows
  the login form again; gradio's /logout ends the login in the database too;
- failed logins are counted per user name and per address in the database (`LoginThrottle`), so every process
  locks the same keys.

gradio's own checks stay in force behind it. Database work runs in a worker thread, never in the event loop.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from starlette.requests import Request

if TYPE_CHECKING:
    from assistant.workspace.accounts import Logins

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

log = logging.getLogger(__name__)

LOGIN_PATHS = ("/login", "/login/")
LOGOUT_PATHS = ("/logout", "/logout/")
# Routes gradio serves without asking who is there, which tell a stranger about the app or its users.
PRIVATE_PREFIXES = ("/gradio_api/app_id", "/gradio_api/token", "/gradio_api/runs", "/gradio_api/run-history",
                    "/gradio_api/info", "/gradio_api/openapi.json", "/openapi.json", "/docs", "/redoc")
MAX_LOGIN_BODY = 16 * 1024
RECHECK_SECONDS = 5.0  # a login this process knows is looked up in the database at most this often
CLEANUP_SECONDS = 60.0  # expired logins and stale failure keys are deleted at most this often (per process)
UNAVAILABLE = "登录暂时无法完成，请稍后再试 (login unavailable: the database did not answer; try again)"


def utc(seconds: float) -> datetime:
    """A wall-clock time (seconds since the epoch, as `time.time`) as an aware UTC datetime."""
    return datetime.fromtimestamp(seconds, timezone.utc)


def shared_cookie_id(logins: Logins) -> str:
    """gradio's `cookie_id` (its login cookie is `access-token-<cookie_id>`), the same in every web process of one
    database and after a restart: derived from the database's shared secret `web`."""
    digest = hmac.new(logins.secret("web").encode(), b"gradio cookie_id", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class LoginThrottle:
    """Failed logins per key (a user name, an address), counted in the database every web process shares: the
    first `free` are free, then each one locks the key for twice as long as the one before (1 s, 2 s, 4 s … at most
    `max_delay`); a success clears the key. Keys idle for `forget_after` are deleted, and past `max_keys` keys the
    least recently failed (LoginGuard's upkeep).

    >>> from assistant.plans.store import Store
    >>> from assistant.workspace.accounts import Logins
    >>> t = LoginThrottle(Logins(Store("sqlite://")), free=1, clock=lambda: 100.0)
    >>> t.fail("u"); t.wait("u")
    0.0
    >>> t.fail("u"); t.wait("u")
    1.0
    """

    def __init__(self, logins: Logins, *, free: int = 3, base_delay: float = 1.0, max_delay: float = 300.0,
                 max_keys: int = 10_000, forget_after: float = 24 * 3600,
                 clock: Callable[[], float] = time.time) -> None:
        self.logins = logins
        self.free, self.base_delay, self.max_delay, self.max_keys = free, base_delay, max_delay, max_keys
        self.forget_after = max(forget_after, max_delay)
        self.clock = clock

    def delay(self, count: int) -> float:
        """How long the `count`-th failure in a row locks its key."""
        if count <= self.free:
            return 0.0
        return min(self.max_delay, self.base_delay * 2 ** min(count - self.free - 1, 64))

    def wait(self, *keys: str) -> float:
        """Seconds until every one of `keys` may try again (0: now)."""
        return self.logins.wait(keys, utc(self.clock()))

    def fail(self, *keys: str) -> None:
        self.logins.fail(keys, utc(self.clock()), self.delay)

    def succeed(self, *keys: str) -> None:
        self.logins.clear(keys)


class LoginGuard:
    """ASGI middleware: with `enabled` (a login is required), logins are throttled per user name and per address,
    a user name must match exactly (gradio strips blanks), PRIVATE_PREFIXES need a logged-in session, and logins are
    shared through `logins` (the database): see the module's description. `clock` is wall-clock seconds."""

    def __init__(self, app: Callable, *, enabled: bool, logins: Logins | None = None,
                 throttle: LoginThrottle | None = None, session_seconds: float = 12 * 3600,
                 still_allowed: Callable[[str], bool] | None = None, cookie_id: str | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        """`logins` defaults to the throttle's; `cookie_id` to the one shared by every process of that database."""
        logins = logins if logins is not None else (throttle.logins if throttle is not None else None)
        if enabled and logins is None:
            raise ValueError("a LoginGuard that asks for logins needs the database's Logins")
        self.app = app
        self.enabled = enabled
        self.logins = logins
        self.throttle = throttle or (LoginThrottle(logins, clock=clock) if logins is not None else None)
        self.session_seconds = session_seconds
        self.still_allowed = still_allowed
        if enabled and cookie_id is None and logins is not None:
            cookie_id = shared_cookie_id(logins)
        self.cookie_id = cookie_id
        self.clock = clock
        self._known: dict[str, tuple[float, float]] = {}  # token in gradio's table -> (issued, last looked up)
        self._unknown: dict[str, float] = {}  # token the database did not know -> when it was asked
        self._cleaned = -math.inf

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.enabled or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        app = scope.get("app")
        if self.cookie_id is not None and app is not None and getattr(app, "cookie_id", None) != self.cookie_id:
            app.cookie_id = self.cookie_id  # before gradio reads or sets a cookie in this process
        await self._check(scope)
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path in LOGIN_PATHS and scope.get("method") == "POST":
            await self._login(scope, receive, send)
            return
        if path in LOGOUT_PATHS:
            await self._logout(scope)
        elif path.startswith(PRIVATE_PREFIXES) and not _logged_in(scope):
            await _json(send, 401, {"detail": "Not authenticated"})
            return
        await self.app(scope, receive, send)

    # --- logging in ----------------------------------------------------------------------------

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.throttle is not None and self.logins is not None
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > MAX_LOGIN_BODY:
                await _json(send, 413, {"detail": "login request too large"})
                return
            if not message.get("more_body"):
                break

        async def replay() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        try:
            form = await Request(scope, replay).form()
            user = str(form.get("username") or "")
        except Exception:  # not a form: gradio answers it as it would
            user = ""
        client = scope.get("client")
        keys = (f"user:{user}", f"addr:{client[0] if client else '?'}")
        try:
            wait = await asyncio.to_thread(self.throttle.wait, *keys)
        except Exception:
            log.exception("login throttle: the database did not answer")
            await _json(send, 503, {"detail": UNAVAILABLE})
            return
        if wait > 0:
            seconds = math.ceil(wait)
            await _json(send, 429, {"detail": f"登录失败次数过多，请 {seconds} 秒后再试 (too many failed logins; "
                                              f"try again in {seconds} s)"}, headers=[(b"retry-after", str(seconds).encode())])
            return
        if user != user.strip():  # gradio would strip it and let "admin " in as "admin"
            await self._counted(self.throttle.fail, keys)
            await _json(send, 400, {"detail": "Incorrect credentials."})
            return
        status: list[int] = []
        issued: list[str] = []
        unrecorded: list[bool] = []
        tokens = getattr(scope.get("app"), "tokens", None)

        async def watch(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
                issued.extend(_tokens_set(message.get("headers") or []))
                if message["status"] == 200 and issued:
                    # Recorded before the browser has the cookie: its next request may reach another process.
                    now = self.clock()
                    try:
                        for token in dict.fromkeys(issued):
                            name = str(tokens.get(token) or user) if tokens is not None else user
                            await asyncio.to_thread(self.logins.issue, token, name, utc(now))
                            self._known[token] = (now, now)
                    except Exception:
                        log.exception("login: the database did not record it")
                        unrecorded.append(True)
                        for token in issued:
                            if tokens is not None:
                                tokens.pop(token, None)
                            self._known.pop(token, None)
                        return
            elif unrecorded:
                return  # the body of a login that did not count
            await send(message)

        await self.app(scope, replay, watch)
        if unrecorded:
            await _json(send, 503, {"detail": UNAVAILABLE})
            return
        if status and status[0] == 200:
            await self._counted(self.throttle.succeed, keys)
            await self._upkeep()
        elif status and status[0] in (400, 401):
            await self._counted(self.throttle.fail, keys)

    async def _counted(self, change: Callable[..., None], keys: tuple[str, ...]) -> None:
        try:
            await asyncio.to_thread(change, *keys)
        except Exception:
            log.exception("login throttle: the database did not answer")

    async def _logout(self, scope: Scope) -> None:
        """gradio's /logout forgets this process's tokens of the user (all of them, unless `all_session=false`):
        the database forgets them too, so no other process lets them in again."""
        assert self.logins is not None
        tokens = getattr(scope.get("app"), "tokens", None)
        token = _token(scope)
        user = tokens.get(token) if tokens is not None and token is not None else None
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        every = (query.get("all_session") or ["true"])[-1].lower() not in ("false", "0", "off", "no", "f", "n")
        try:
            if user is not None and every:
                await asyncio.to_thread(self.logins.end_user, str(user))
                for t in [t for t, u in list(tokens.items()) if u == user]:
                    self._known.pop(t, None)
            elif token is not None:
                await asyncio.to_thread(self.logins.end, token)
                self._known.pop(token, None)
        except Exception:
            log.exception("logout: the database did not answer")

    # --- every request -------------------------------------------------------------------------

    async def _check(self, scope: Scope) -> None:
        """Make gradio's token table right for the token this request carries: adopt a login the database knows
        (another process's, or from before a restart); drop one that expired, ended elsewhere, or whose user may
        no longer log in. A token looked up less than RECHECK_SECONDS ago costs no database query."""
        tokens = getattr(scope.get("app"), "tokens", None)
        token = _token(scope)
        if tokens is None or token is None:
            return
        now = self.clock()
        known = self._known.get(token)
        if token in tokens:
            if known is not None and now - known[1] < RECHECK_SECONDS:
                if now - known[0] > self.session_seconds:
                    await self._drop(tokens, token, now)
                return
        else:
            asked = self._unknown.get(token)
            if asked is not None and now - asked < RECHECK_SECONDS:
                return
        try:
            verdict = await asyncio.to_thread(self._look_up, token, now)
        except Exception:
            # The database did not answer: a login this process knows stays (and is asked again later), none is
            # adopted.
            log.exception("login check: the database did not answer")
            if known is not None:
                self._known[token] = (known[0], now)
            return
        if verdict is None:
            tokens.pop(token, None)
            self._known.pop(token, None)
            self._remember_unknown(token, now)
        else:
            user, issued = verdict
            tokens[token] = user
            self._known[token] = (issued, now)
        if len(self._known) > 4 * max(len(tokens), 256):  # tokens gradio forgot (this process's logouts)
            for t in [t for t in self._known if t not in tokens]:
                del self._known[t]
        if now - self._cleaned > CLEANUP_SECONDS:
            await self._upkeep()

    def _look_up(self, token: str, now: float) -> tuple[str, float] | None:
        """(user, issued) when the database knows the login and it still counts, else None (ended there too when it
        expired or its user may no longer log in). Runs in a worker thread."""
        assert self.logins is not None
        found = self.logins.find(token, utc(now))
        if found is None:
            return None
        user, issued_at = found
        issued = issued_at.timestamp()
        if now - issued > self.session_seconds or (self.still_allowed is not None and not self.still_allowed(user)):
            self.logins.end(token)
            return None
        return user, issued

    async def _drop(self, tokens: dict, token: str, now: float) -> None:
        assert self.logins is not None
        tokens.pop(token, None)
        self._known.pop(token, None)
        self._remember_unknown(token, now)
        try:
            await asyncio.to_thread(self.logins.end, token)
        except Exception:
            log.exception("login expiry: the database did not answer")

    def _remember_unknown(self, token: str, now: float) -> None:
        if len(self._unknown) >= 10_000:
            self._unknown = {t: at for t, at in self._unknown.items() if now - at < RECHECK_SECONDS}
            if len(self._unknown) >= 10_000:
                self._unknown.clear()
        self._unknown[token] = now

    async def _upkeep(self) -> None:
        """Delete expired logins and stale failure keys (at most every CLEANUP_SECONDS per process)."""
        assert self.logins is not None and self.throttle is not None
        now = self.clock()
        self._cleaned = now
        t = self.throttle
        try:
            await asyncio.to_thread(self.logins.cleanup, utc(now), login_seconds=self.session_seconds,
                                    forget_seconds=t.forget_after, max_keys=t.max_keys)
        except Exception:
            log.exception("login upkeep: the database did not answer")


def _tokens_set(headers: list[tuple[bytes, bytes]]) -> list[str]:
    """The access tokens a response sets as cookies (gradio's login sets one token under two cookie names)."""
    out = []
    for key, value in headers:
        if key.lower() == b"set-cookie":
            name, _, rest = value.decode("latin-1").partition("=")
            if name.startswith("access-token-"):
                out.append(rest.split(";", 1)[0].strip('"'))
    return out


def _token(scope: Scope) -> str | None:
    app = scope.get("app")
    cookie_id = getattr(app, "cookie_id", None)
    if cookie_id is None:
        return None
    cookies = Request(scope).cookies if scope["type"] == "http" else _ws_cookies(scope)
    return cookies.get(f"access-token-{cookie_id}") or cookies.get(f"access-token-unsecure-{cookie_id}")


def _ws_cookies(scope: Scope) -> dict[str, str]:
    from http.cookies import SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    for key, value in scope.get("headers") or []:
        if key == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:
                pass
    return {k: m.value for k, m in jar.items()}


def _logged_in(scope: Scope) -> bool:
    """Whether the request carries the cookie of a session gradio logged in (gradio's own token table)."""
    app = scope.get("app")
    tokens = getattr(app, "tokens", None)
    cookie_id = getattr(app, "cookie_id", None)
    if tokens is None or cookie_id is None:
        return False
    cookies = Request(scope).cookies
    token = cookies.get(f"access-token-{cookie_id}") or cookies.get(f"access-token-unsecure-{cookie_id}")
    return token is not None and tokens.get(token) is not None


async def _json(send: Send, status: int, content: dict[str, Any],
                headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps(content, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})
