"""`python -m assistant web [--host H] [--port P]`: build the index on first start, then serve the web app."""

from __future__ import annotations

import argparse
import asyncio
import hmac
import ipaddress
import os
import socket
import sys

from assistant.errors import BadInput
from assistant.settings import Settings, get_settings


def is_loopback(host: str) -> bool:
    """True when only this machine can reach `host` (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_serving(settings: Settings, host: str, port: int, *, accounts: bool = False) -> None:
    """Refuse to serve other machines without a login (the shared password or personal accounts), and a port
    another program holds."""
    if not is_loopback(host) and settings.web_password is None and not accounts:
        raise BadInput(
            f"serving on {host} lets other machines reach the app; set a password first "
            "(ASSISTANT_WEB_PASSWORD=…, user name ASSISTANT_WEB_USER, default admin) or add accounts "
            "(`python -m assistant user add NAME --role admin`), or serve on 127.0.0.1",
            where="web --host")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise BadInput(f"cannot listen on {host}:{port} ({exc.strerror}); choose another with --port",
                           where="web") from None


def bootstrap_admin(settings: Settings, user: str, password: str) -> bool:
    """Whether this is the settings' shared user and password (web_user/web_password): the bootstrap admin."""
    if settings.web_password is None:
        return False
    return bool(hmac.compare_digest(user.encode(), settings.web_user.encode())
                & hmac.compare_digest(password.encode(), settings.web_password.get_secret_value().encode()))


def authenticator(settings: Settings, accounts=None):
    """gradio's auth callable, or None (no login) on loopback without a password and without accounts.

    A personal account (assistant/workspace/accounts.py) logs in with its own password while it is not disabled;
    the shared web_user/web_password logs in as the bootstrap admin unless an account of that name exists. The
    Argon2 check takes a tenth of a second on purpose: it runs in a worker thread, not in the server's event loop."""
    if settings.web_password is None and (accounts is None or not accounts.any_active()):
        return None

    def check_sync(user: str, password: str) -> bool:
        if accounts is not None and accounts.get(user) is not None:
            return accounts.verify(user, password) is not None
        if accounts is not None and settings.web_password is None:
            accounts.verify(user, password)  # an unknown name takes as long as a known one
            return False
        return bootstrap_admin(settings, user, password)

    async def check(user: str, password: str) -> bool:
        return await asyncio.to_thread(check_sync, user, password)

    return check


# gradio refuses a file over its max_file_size before any handler sees it, with an English notice that fades
# away and an empty form message. The app's own limit (web_max_upload_kb) is therefore checked by the upload
# handler, which says what was refused and why on the page; gradio's limit stays as the outer bound against
# floods, UPLOAD_HEADROOM times as large (at least 8 MiB).
UPLOAD_HEADROOM = 8


def hard_upload_limit(settings: Settings) -> int:
    """gradio's own upload limit in bytes: files between web_max_upload_kb and this get the app's message."""
    return max(settings.web_max_upload_kb * 1024 * UPLOAD_HEADROOM, 8 * 1024 * 1024)


def launch(settings: Settings, host: str, port: int, *, block: bool = True):
    """Build and start the app; returns (demo, url). `block=False` returns at once (tests, load script)."""
    from assistant.web.app import CSS, I18N, WebApp

    from starlette.middleware import Middleware

    from assistant.web.access import AccessGate
    from assistant.web.guard import LoginGuard, LoginThrottle

    app = WebApp(settings, max_upload_bytes=settings.web_max_upload_kb * 1024)
    demo = app.build()
    from assistant.workspace.accounts import Accounts, Logins

    accounts = Accounts(app.store.store)
    auth = authenticator(settings, accounts)
    app.logins = auth is not None
    # Logins, their expiry and the failed-login counts live in the database (the guard takes them from the throttle),
    # and the login cookie has the same name in every process: any number of web processes on one database share
    # them, and a restart keeps them.
    throttle = LoginThrottle(Logins(app.store.store), free=settings.web_login_free_failures,
                             max_delay=settings.web_login_max_wait_s)
    # gradio re-summarises its whole request log with pandas after every event (6–15 ms each, ~8 % of a chat turn's
    # CPU; benchmarks/bench_web.py) for a monitoring page this app does not show: once per 1000 events is enough.
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000")
    demo.queue(default_concurrency_limit=settings.web_concurrency, max_size=200)
    _, url, _ = demo.launch(
        server_name=host, server_port=port, share=False, auth=auth,
        # FastAPI's own schema route lists every endpoint; the guard throttles logins and hides metadata routes.
        app_kwargs={"openapi_url": None, "middleware": [Middleware(
            LoginGuard, enabled=auth is not None, throttle=throttle, session_seconds=settings.web_session_hours * 3600,
            still_allowed=app.may_log_in), Middleware(  # downloads to their account only, sessions to their login
            AccessGate, downloads=app.downloads, enabled=auth is not None, may_open=app.may_open,
            claims=Logins(app.store.store).claim)]},
        auth_message="售后服务成熟度助手：请输入用户名和密码", max_file_size=hard_upload_limit(settings),
        css=CSS, i18n=I18N, ssr_mode=False, show_error=False, quiet=True, prevent_thread_lock=not block, inbrowser=False,
        footer_links=[], mcp_server=False, pwa=False,
        # gradio 6 keeps every event's inputs and outputs (the whole chat, the client's assessment) in the browser's
        # local storage for a "run history" page: a client's case must not sit in a shared browser, and rewriting
        # that log after every streamed piece made a turn's time grow with the conversation's length
        # (benchmarks/bench_workspace.py). Off: nothing is recorded, and what earlier versions saved is deleted.
        run_history=False,
    )
    return demo, url


def run_web(args: argparse.Namespace) -> int:
    from assistant.retrieval.ingest import ensure_index

    settings = get_settings()
    host = args.host or settings.web_host
    port = args.port or settings.web_port
    check_serving(settings, host, port, accounts=_has_accounts(settings))
    ensure_index(settings)
    shown = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    print(f"售后服务成熟度助手 web: {shown}  (Ctrl-C 停止)", file=sys.stderr, flush=True)
    launch(settings, host, port, block=True)
    return 0


def _has_accounts(settings: Settings) -> bool:
    from assistant.plans.store import Store
    from assistant.workspace.accounts import Accounts

    store = Store.open(settings, create=True)
    try:
        return Accounts(store).any_active()
    finally:
        store.close()
