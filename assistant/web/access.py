"""Who may reach what, beyond gradio's login: downloads go only to the account they were made for, and a page's
session (gradio's `session_hash`, its event ids) answers only to the login that opened it.

gradio checks that a request is logged in, not whose it is. Its file route serves any file it has handed out to
any logged-in person who has the address, and its queue routes serve a page session's events and streamed results
to anyone who sends that session's id. Both ids are random, but an address is no permission: a download link
forwarded by a consultant, or a session id read from a shared machine, must give a client of another workspace
nothing. So:

- The app never hands files to gradio. What a page offers for download (the assessment file, the report, the plan's
  exports, an export asked for in the chat) is put in `Downloads` (a folder in the data directory, shared by every
  worker of the app) under a random id, with the account and workspace it was made for, and offered by its own
  address (`/shouhou/files/<id>/<name>`). `AccessGate` serves it only to that account while it may still open that
  workspace; to anyone else it does not exist (404).
- gradio's file routes (`/gradio_api/file=…` and their older spellings, `/gradio_api/proxy=`, media streams) are
  closed: nothing the app shows needs them, and what they would serve (an upload, once read, is deleted anyway)
  belongs to one person.
- With logins on, the first request naming a `session_hash` binds it to the login token that sent it; a request
  naming it with another token (another account, or the same account in another browser) is refused (403). The
  event ids gradio returns (queue/join, the /call API) are bound the same way, for the routes that take one.

The bindings are the database's (`Logins.claim`), so every worker of the app agrees on them: a page session named
by another login is refused whichever worker the request reaches.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import mimetypes
import os
import re
import secrets
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

ROUTE = "/shouhou/files/"
_ID = re.compile(r"[A-Za-z0-9_-]{20,64}")
# gradio's routes that serve files or media by path or URL: none of them is used by the app's pages.
CLOSED_PREFIXES = ("/gradio_api/file=", "/gradio_api/file/", "/file=", "/file/", "/gradio_api/proxy=", "/proxy=",
                   "/gradio_api/stream/", "/stream/")
# Routes that name a page session in their JSON body, in their query, or in their path.
BODY_SESSION = ("/gradio_api/queue/join", "/gradio_api/cancel", "/gradio_api/component_server",
                "/gradio_api/component_server/")
QUERY_SESSION = ("/gradio_api/queue/data",)
PATH_SESSION = "/gradio_api/heartbeat/"
# Routes whose response gives an event id, and the routes that take one back.
EVENT_SOURCES = ("/gradio_api/queue/join", "/gradio_api/call/")
MAX_BODY = 32 * 1024 * 1024


class Downloads:
    """Files offered for download, each in its own folder `<root>/<id>/` with `meta.json` (account, workspace,
    name, when). Offered files older than `max_age_s` are swept away (at most once a minute, on an offer)."""

    def __init__(self, root: Path, *, max_age_s: float = 12 * 3600) -> None:
        self.root = root
        self.max_age_s = max_age_s
        self._swept = 0.0
        self._lock = threading.Lock()

    def offer(self, path: str | Path, *, user: str | None, workspace: str | None, name: str | None = None) -> str:
        """Put a copy of `path` up for `user` (None: the app asks no one to log in) in `workspace`; its address
        path (`/shouhou/files/<id>/<name>`)."""
        src = Path(path)
        name = name or src.name
        file_id = secrets.token_urlsafe(24)
        folder = self.root / file_id
        folder.mkdir(parents=True)
        shutil.copyfile(src, folder / "file")
        meta = {"user": user, "workspace": workspace, "name": name, "at": time.time()}
        (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        self._sweep()
        return f"{ROUTE}{file_id}/{quote(name)}"

    def get(self, file_id: str) -> tuple[Path, dict[str, Any]] | None:
        """The file and its meta for an id, or None (unknown, malformed, expired)."""
        if not _ID.fullmatch(file_id):
            return None
        folder = self.root / file_id
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if time.time() - float(meta.get("at") or 0) > self.max_age_s or not (folder / "file").is_file():
            return None
        return folder / "file", meta

    def _sweep(self) -> None:
        now = time.time()
        with self._lock:
            if now - self._swept < 60:
                return
            self._swept = now
        try:
            folders = list(self.root.iterdir())
        except OSError:
            return
        for folder in folders:
            try:
                if now - folder.stat().st_mtime > self.max_age_s:
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                pass


class _Bindings:
    """Keys (page sessions, event ids) bound to the login token that first used them. With `shared` (the database's
    claims, assistant/workspace/accounts.py `Logins.claim`) every web process agrees; what a process learnt is kept
    here (bounded, oldest forgotten), so a session's later requests ask the database nothing."""

    def __init__(self, shared: Callable[[str, str], bool] | None = None, limit: int = 100_000) -> None:
        self.shared = shared
        self.limit = limit
        self._owner: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def _known(self, key: str) -> str | None:
        with self._lock:
            have = self._owner.get(key)
            if have is not None:
                self._owner.move_to_end(key)
            return have

    def _learn(self, key: str, owner: str) -> None:
        with self._lock:
            self._owner[key] = owner
            if len(self._owner) > self.limit:
                self._owner.popitem(last=False)

    async def claim(self, key: str, owner: str) -> bool:
        """True when `key` is `owner`'s (bound now if it was nobody's)."""
        have = self._known(key)
        if have is not None:
            return have == owner
        if self.shared is None:
            with self._lock:
                have = self._owner.setdefault(key, owner)
            return have == owner
        ok = await asyncio.to_thread(self.shared, key, owner)
        if ok:
            self._learn(key, owner)
        return ok


class AccessGate:
    """ASGI middleware behind the login guard (assistant/web/guard.py): serves `Downloads` to their account, closes
    gradio's file routes, and binds page sessions and event ids to the login that opened them.

    `enabled`: logins are on (without them there is one person, and only the file routes are closed).
    `may_open(user, workspace)`: whether the account may still open the workspace (asked at every download)."""

    def __init__(self, app: Callable, *, downloads: Downloads, enabled: bool,
                 may_open: Callable[[str | None, str | None], bool],
                 claims: Callable[[str, str], bool] | None = None) -> None:
        self.app = app
        self.downloads = downloads
        self.enabled = enabled
        self.may_open = may_open
        # `claims(key, owner)`: the database's bindings, shared by every worker (without: this process's only)
        self.sessions = _Bindings(None if claims is None else (lambda key, owner: claims(f"s:{key}", owner)))
        self.events = _Bindings(None if claims is None else (lambda key, owner: claims(f"e:{key}", owner)))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path.startswith(ROUTE):
            await self._download(scope, send, path[len(ROUTE):])
            return
        if path.startswith(CLOSED_PREFIXES):
            await _text(send, 404, "Not Found")
            return
        if not self.enabled:
            await self.app(scope, receive, send)
            return
        owner = _owner(scope)
        if owner is None:  # not logged in: gradio refuses what needs a login
            await self.app(scope, receive, send)
            return
        # A page session named in the query or the path.
        session = None
        if path in QUERY_SESSION:
            session = (parse_qs(scope.get("query_string", b"").decode("latin-1")).get("session_hash") or [None])[0]
        elif path.startswith(PATH_SESSION):
            session = path[len(PATH_SESSION):].split("/", 1)[0]
        if session and not await self.sessions.claim(session, owner):
            await _text(send, 403, "This page session belongs to another login.")
            return
        # An event id in the path: /gradio_api/call/<api>/<event_id>, /gradio_api/stream/<event_id> (closed above).
        parts = path.split("/")
        if path.startswith("/gradio_api/call/") and scope.get("method") == "GET" and len(parts) >= 5 and parts[-1]:
            if not await self.events.claim(parts[-1], owner):
                await _text(send, 403, "This event belongs to another login.")
                return
        if scope.get("method") == "POST" and (path in BODY_SESSION):
            body = await _read(receive)
            if body is None:
                await _text(send, 413, "Request too large")
                return
            try:
                session = json.loads(body or b"{}").get("session_hash")
            except (ValueError, AttributeError):
                session = None
            if isinstance(session, str) and session and not await self.sessions.claim(session, owner):
                await _text(send, 403, "This page session belongs to another login.")
                return
            receive = _replay(body, receive)
        if scope.get("method") == "POST" and path.startswith(EVENT_SOURCES):
            send = self._binding_events(send, owner)
        await self.app(scope, receive, send)

    def _binding_events(self, send: Send, owner: str) -> Send:
        """`send`, noting the event id a JSON response gives (bound to `owner`)."""
        body = bytearray()
        is_json = False

        async def watch(message: dict[str, Any]) -> None:
            nonlocal is_json
            if message["type"] == "http.response.start":
                is_json = any(k.lower() == b"content-type" and b"json" in v for k, v in message.get("headers") or [])
            elif message["type"] == "http.response.body" and is_json and len(body) < 4096:
                body.extend(message.get("body", b""))
                if not message.get("more_body"):
                    try:
                        event = json.loads(bytes(body)).get("event_id")
                    except (ValueError, AttributeError):
                        event = None
                    if isinstance(event, str) and event:
                        await self.events.claim(event, owner)
            await send(message)

        return watch

    async def _download(self, scope: Scope, send: Send, rest: str) -> None:
        file_id, _, _ = rest.partition("/")
        found = self.downloads.get(unquote(file_id))
        user = _user(scope) if self.enabled else None
        if found is None or scope.get("method") not in ("GET", "HEAD") or (self.enabled and (
                user is None or user != found[1].get("user") or not self.may_open(user, found[1].get("workspace")))):
            await _text(send, 404, "Not Found")  # whether it exists is nobody else's business
            return
        path, meta = found
        name = str(meta.get("name") or "download")
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if kind.startswith("text/"):
            kind += "; charset=utf-8"
        data = b"" if scope.get("method") == "HEAD" else path.read_bytes()
        ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
        headers = [(b"content-type", kind.encode()), (b"content-length", str(path.stat().st_size).encode()),
                   (b"content-disposition", f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}".encode()),
                   (b"cache-control", b"private, no-store"), (b"x-content-type-options", b"nosniff")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": data})


def _token(scope: Scope) -> str | None:
    """The login token (gradio's cookie) of a request."""
    from assistant.web.guard import _token as token_of

    return token_of(scope)


def _owner(scope: Scope) -> str | None:
    """Who a request is, for binding: a digest of its login token, when gradio knows that token."""
    token = _token(scope)
    tokens = getattr(scope.get("app"), "tokens", None)
    if token is None or tokens is None or tokens.get(token) is None:
        return None
    return hashlib.sha256(token.encode()).hexdigest()


def _user(scope: Scope) -> str | None:
    token = _token(scope)
    tokens = getattr(scope.get("app"), "tokens", None)
    if token is None or tokens is None:
        return None
    user = tokens.get(token)
    return str(user) if user is not None else None


async def _read(receive: Receive) -> bytes | None:
    body = bytearray()
    while True:
        message = await receive()
        body.extend(message.get("body", b""))
        if len(body) > MAX_BODY:
            return None
        if not message.get("more_body"):
            return bytes(body)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read already, then whatever the connection says next (its disconnect)."""
    sent = False

    async def again() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


async def _text(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def downloads_root(data_dir: Path) -> Path:
    """Where the app's downloads live: in the data directory, so every worker of the app serves them."""
    root = data_dir / "downloads"
    root.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(root, 0o700)
    except OSError:
        pass
    return root


def discard_upload(path: str | Path | None) -> None:
    """Delete an uploaded file once it has been read (and its folder in gradio's cache when that is empty): what a
    client uploaded must not stay on the server as a file anyone could be handed."""
    if not path:
        return
    from gradio.utils import get_upload_folder

    p = Path(path).resolve()
    if not p.is_relative_to(Path(get_upload_folder()).resolve()):  # not an upload (a file given by a test or a script)
        return
    try:
        p.unlink(missing_ok=True)
        p.parent.rmdir()
    except OSError:
        pass
