"""The gate in front of the gradio app: exact user names, slowed-down failed logins, metadata routes behind login,
logins that expire and end with their account.

gradio checks a password but strips the user name it was given, answers any number of wrong passwords at once,
and serves some metadata routes (its app id, token and run-history pages) without a login. Its login is a random
token in a cookie mapped to the user name in a table (`app.tokens`) that never forgets it: no expiry, no hook, and
the cookie has no lifetime of its own. This ASGI middleware sits in front of it (passed to gradio's FastAPI app
through `app_kwargs`) and closes those gaps: it notes when each token was issued (from the login's Set-Cookie), and
a request carrying a token older than `session_seconds`, or of a user `still_allowed` refuses (a disabled
account), first removes that token from gradio's table, so gradio itself answers "not logged in" and the page
shows the login form again. gradio's own checks stay in force behind it.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

LOGIN_PATHS = ("/login", "/login/")
# Routes gradio serves without asking who is there, which tell a stranger about the app or its users.
PRIVATE_PREFIXES = ("/gradio_api/app_id", "/gradio_api/token", "/gradio_api/runs", "/gradio_api/run-history",
                    "/gradio_api/info", "/gradio_api/openapi.json", "/openapi.json", "/docs", "/redoc")
MAX_LOGIN_BODY = 16 * 1024


@dataclass
class _Failures:
    count: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class LoginThrottle:
    """Failed logins per key (a user name, an address): the first `free` are free, then each one locks the key
    for twice as long as the one before (1 s, 2 s, 4 s … at most `max_delay`); a success clears the key.

    >>> t = LoginThrottle(free=1, clock=lambda: 100.0)
    >>> t.fail("u"); t.wait("u")
    0.0
    >>> t.fail("u"); t.wait("u")
    1.0
    """

    def __init__(self, *, free: int = 3, base_delay: float = 1.0, max_delay: float = 300.0, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.base_delay, self.max_delay, self.max_keys = free, base_delay, max_delay, max_keys
        self.clock = clock
        self._keys: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def wait(self, *keys: str) -> float:
        """Seconds until every one of `keys` may try again (0: now)."""
        now = self.clock()
        with self._lock:
            return max([0.0, *(f.locked_until - now for k in keys if (f := self._keys.get(k)) is not None)])

    def fail(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._keys) >= self.max_keys:
                self._forget_old(now)
            for key in keys:
                f = self._keys.setdefault(key, _Failures())
                f.count += 1
                f.last = now
                if f.count > self.free:
                    f.locked_until = now + min(self.max_delay, self.base_delay * 2 ** (f.count - self.free - 1))

    def succeed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._keys.pop(key, None)

    def _forget_old(self, now: float) -> None:
        # Keys idle for longer than the longest lock say nothing any more; past that, the oldest half goes, so a
        # flood of made-up user names cannot grow this table without bound.
        stale = [k for k, f in self._keys.items() if now - f.last > self.max_delay]
        for k in stale:
            del self._keys[k]
        if len(self._keys) >= self.max_keys:
            for k, _ in sorted(self._keys.items(), key=lambda kv: kv[1].last)[: len(self._keys) // 2]:
                del self._keys[k]


class LoginGuard:
    """ASGI middleware: with `enabled` (a password is set), logins are throttled per user name and per address,
    a user name must match exactly (gradio strips blanks), and PRIVATE_PREFIXES need a logged-in session."""

    def __init__(self, app: Callable, *, enabled: bool, throttle: LoginThrottle | None = None,
                 session_seconds: float = 12 * 3600, still_allowed: Callable[[str], bool] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.enabled = enabled
        self.throttle = throttle or LoginThrottle()
        self.session_seconds = session_seconds
        self.still_allowed = still_allowed
        self.clock = clock
        self._issued: dict[str, float] = {}  # gradio's token -> when its login succeeded

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.enabled or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        self._expire(scope)
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path in LOGIN_PATHS and scope.get("method") == "POST":
            await self._login(scope, receive, send)
            return
        if path.startswith(PRIVATE_PREFIXES) and not _logged_in(scope):
            await _json(send, 401, {"detail": "Not authenticated"})
            return
        await self.app(scope, receive, send)

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
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
        wait = self.throttle.wait(*keys)
        if wait > 0:
            seconds = math.ceil(wait)
            await _json(send, 429, {"detail": f"登录失败次数过多，请 {seconds} 秒后再试 (too many failed logins; "
                                              f"try again in {seconds} s)"}, headers=[(b"retry-after", str(seconds).encode())])
            return
        if user != user.strip():  # gradio would strip it and let "admin " in as "admin"
            self.throttle.fail(*keys)
            await _json(send, 400, {"detail": "Incorrect credentials."})
            return
        status: list[int] = []

        async def watch(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        issued: list[str] = []

        async def watch_token(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                issued.extend(_tokens_set(message.get("headers") or []))
            await watch(message)

        await self.app(scope, replay, watch_token)
        if status and status[0] == 200:
            now = self.clock()
            for token in issued:
                self._issued[token] = now
            self.throttle.succeed(*keys)
        elif status and status[0] in (400, 401):
            self.throttle.fail(*keys)


    def _expire(self, scope: Scope) -> None:
        """Forget (in gradio's token table) the login this request carries when it is older than session_seconds or
        its user may no longer log in; gradio then treats the request as not logged in."""
        tokens = getattr(scope.get("app"), "tokens", None)
        token = _token(scope)
        if tokens is None or token is None or token not in tokens:
            return
        now = self.clock()
        issued = self._issued.setdefault(token, now)  # a login made before this guard knew it: counted from now
        user = tokens.get(token)
        if now - issued > self.session_seconds or (self.still_allowed is not None and not self.still_allowed(str(user))):
            tokens.pop(token, None)
            self._issued.pop(token, None)
        if len(self._issued) > 4 * max(len(tokens), 256):  # tokens gradio forgot (logouts)
            for t in [t for t in self._issued if t not in tokens]:
                del self._issued[t]


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
