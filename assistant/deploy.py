"""Several web workers behind one address on one machine: `bash scripts/serve.sh` runs
`python -m assistant.deploy [--workers N] [--port P] [--host H]` (README "Deployment (several workers)").

In this order, each waited for until it answers: PostgreSQL from Debian's binaries in <data_dir>/postgres (unless
`database_url` names a server), a Chroma server in <data_dir>/chroma-server (unless `chroma_mode` is http), the
index refreshed once (`ingest`, before any worker starts, so none races another to build it), N workers
`python -m assistant web` on 127.0.0.1:P+1 … P+N one after another, and haproxy on H:P in front of them
(deploy/haproxy.cfg: sticky sessions by cookie, health checks, a dead worker's browsers sent to another). The
workers share everything a user saves through the database, the index through the Chroma server and this data
directory, and the key of what browsers keep. Ctrl-C or SIGTERM stops everything started, haproxy first and
PostgreSQL last; a worker that dies is started again.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import BadInput
from assistant.settings import REPO_ROOT, Settings, get_settings, writable_dir

TEMPLATE = REPO_ROOT / "deploy" / "haproxy.cfg"
DATABASE = "shouhou"  # the database serve.sh creates on its own PostgreSQL server
DB_USER = "postgres"
MAX_WORKERS = 16
PG_MAX_CONNECTIONS = 300
HEALTH_PATH = "/robots.txt"  # what haproxy's health check asks too (deploy/haproxy.cfg): public, tiny


# --- what is needed, where it is ------------------------------------------------------------------------------


def postgres_bindir() -> Path | None:
    """The directory of `initdb` and `postgres`: Debian's newest /usr/lib/postgresql/N/bin, else PATH."""
    def version(path: Path) -> int:
        m = re.search(r"/postgresql/(\d+)/bin", str(path))
        return int(m.group(1)) if m else 0

    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=version, reverse=True)
    if found:
        return found[0].parent
    initdb = shutil.which("initdb")
    if initdb and shutil.which("postgres"):
        return Path(initdb).resolve().parent
    return None


def postgres_user() -> str | None:
    """The user PostgreSQL runs as when we are root (it refuses root): `postgres` (Debian's package makes it), else
    `nobody`; None when we are not root (it runs as us)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise BadInput("running as root, and there is neither a postgres nor a nobody user to run PostgreSQL as "
                   "(PostgreSQL refuses root); run serve.sh as an ordinary user", where="serve.sh")


def haproxy_binary() -> str | None:
    """`HAPROXY` when set (another build), else haproxy on PATH or in /usr/sbin (Debian's, often not on an ordinary
    user's PATH); None when there is none."""
    chosen = os.environ.get("HAPROXY")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    return shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy",) if Path(p).is_file()), None)


def chroma_binary() -> str | None:
    """The `chroma` command of this Python environment (chromadb's server), else one on PATH."""
    beside = Path(sys.executable).with_name("chroma")
    return str(beside) if beside.is_file() else shutil.which("chroma")


def missing_programs(settings: Settings) -> list[str]:
    """What this machine lacks to serve the deployment, one line each ('' when nothing)."""
    out = []
    if haproxy_binary() is None:
        chosen = os.environ.get("HAPROXY")
        out.append(f"haproxy not found{f' (HAPROXY={chosen})' if chosen else ''}: apt-get install haproxy")
    if settings.database_url is None and postgres_bindir() is None:
        out.append("PostgreSQL server (initdb, postgres) not found: apt-get install postgresql, or set "
                   "ASSISTANT_DATABASE_URL to an existing server")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        if settings.database_url is None or settings.database_url.startswith("postgresql"):
            out.append("the PostgreSQL driver psycopg is not installed: .venv/bin/pip install -e '.[postgres]'")
    if settings.chroma_mode != "http" and chroma_binary() is None:
        out.append("the chroma command (chromadb's server) not found: .venv/bin/pip install -e .")
    return out


def is_loopback(host: str) -> bool:
    from assistant.web.cli import is_loopback as loopback

    return loopback(host)


def port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


# --- haproxy's configuration ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backend:
    name: str  # also the value of the sticky cookie SRV that sends a browser to it
    host: str
    port: int


def haproxy_config(front_host: str, front_port: int, backends: list[Backend], template: Path = TEMPLATE) -> str:
    """deploy/haproxy.cfg with the front address and one `server` line per worker filled in."""
    text = template.read_text(encoding="utf-8")
    for mark in ("@FRONT@", "@SERVERS@"):
        if text.count(mark) != 1:
            raise BadInput(f"the template must have {mark} once", where=str(template))
    servers = "\n".join(f"    server {b.name} {b.host}:{b.port} cookie {b.name}" for b in backends)
    return text.replace("@FRONT@", f"{front_host}:{front_port}").replace("@SERVERS@", servers)


# --- processes ------------------------------------------------------------------------------------------------


def _child_setup(death_signal: int):
    """Runs in each child before exec (after it became its user): the kernel sends it `death_signal` when
    serve.sh itself dies, even by SIGKILL, so nothing is left running."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork: the child only calls it
    except (OSError, AttributeError):
        prctl = None
    parent = os.getpid()

    def setup() -> None:
        if prctl is not None:
            prctl(1, death_signal, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)
    return setup


@dataclass
class Child:
    """One process started by the deployment, with the signal that stops it cleanly."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: Path | None = None  # its output (None: the terminal)
    stop_signal: int = signal.SIGTERM
    user: str | None = None  # run as this user (PostgreSQL as root)
    popen: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)  # when a worker was started again (the last minute)
    given_up: bool = False

    def start(self) -> "Child":
        out = None
        if self.log is not None:
            self.log.parent.mkdir(parents=True, exist_ok=True)
            out = open(self.log, "ab")  # noqa: SIM115 - handed to the child, closed below
        try:
            self.popen = subprocess.Popen(
                self.args, env=self.env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT if out else None, user=self.user, preexec_fn=_child_setup(self.stop_signal),
                # its own session: Ctrl-C reaches only serve.sh, which stops the children in order
                start_new_session=True)
        finally:
            if out is not None:
                out.close()
        return self

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def send(self, sig: int) -> None:
        if self.alive():
            try:
                os.killpg(self.popen.pid, sig)  # the child and anything it started (its own session)
            except ProcessLookupError:
                pass

    def stop(self, timeout: float = 30.0) -> None:
        """The clean stop signal, then SIGKILL after `timeout` seconds."""
        if self.popen is None:
            return
        self.send(self.stop_signal)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.send(signal.SIGKILL)
            self.popen.wait(10)
        try:  # what the child left in its session (a worker's helper), if anything
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def tail(self, lines: int = 15) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


class Stopped(Exception):
    """Ctrl-C or SIGTERM arrived while starting: stop what was started."""


class StartFailed(Exception):
    """A component did not come up; the message says which and shows the end of its log."""


def url_of(host: str, port: int, path: str = "") -> str:
    """http://host:port/path, the host as a browser on this machine reaches it (0.0.0.0 and :: as loopback)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}{path}"


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 - loopback addresses we started
            return 200 <= r.status < 300
    except (OSError, urllib.error.URLError, ValueError):
        return False


# --- the deployment -------------------------------------------------------------------------------------------


class Deployment:
    """The processes of one deployment. `serve()` is serve.sh's whole job; the tests use the same steps
    (`start_chroma`, `start_workers`, `start_haproxy`, `stop`) on servers they start themselves."""

    def __init__(self, settings: Settings, *, host: str = "127.0.0.1", port: int = 7860, workers: int = 2,
                 python: str | None = None) -> None:
        if not 1 <= workers <= MAX_WORKERS:
            raise BadInput(f"--workers must be between 1 and {MAX_WORKERS}, not {workers}", where="serve.sh")
        if not 1 <= port or port + workers + 1 > 65535:
            raise BadInput(f"--port {port} leaves no room for {workers} workers after it (ports up to 65535)",
                           where="serve.sh")
        self.settings = settings
        self.host, self.port, self.workers = host, port, workers
        self.python = python or sys.executable
        self.run_dir = settings.data_dir / "serve"
        self.database_url = settings.database_url
        self.chroma = (settings.chroma_host, settings.chroma_port) if settings.chroma_mode == "http" else None
        self.children: dict[str, Child] = {}
        self.stopping = False
        self._say_to = sys.stderr
        self._remove: list[Path] = []  # folders removed at the stop

    # --- ports and names ---

    def worker_port(self, i: int) -> int:
        return self.port + i

    def chroma_port(self) -> int:
        return self.port + self.workers + 1

    def backends(self) -> list[Backend]:
        return [Backend(f"w{i}", "127.0.0.1", self.worker_port(i)) for i in range(1, self.workers + 1)]

    def say(self, text: str) -> None:
        print(text, file=self._say_to, flush=True)

    def env(self) -> dict[str, str]:
        """The children's environment: this one, with the servers and the data directory of the deployment."""
        env = dict(os.environ)
        env["ASSISTANT_DATA_DIR"] = str(self.settings.data_dir)
        if self.database_url:
            env["ASSISTANT_DATABASE_URL"] = self.database_url
        if self.chroma:
            env.update(ASSISTANT_CHROMA_MODE="http", ASSISTANT_CHROMA_HOST=self.chroma[0],
                       ASSISTANT_CHROMA_PORT=str(self.chroma[1]))
        env.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
        return env

    def served_settings(self) -> Settings:
        update = {"database_url": self.database_url}
        if self.chroma:
            update.update(chroma_mode="http", chroma_host=self.chroma[0], chroma_port=self.chroma[1])
        return self.settings.model_copy(update=update)

    # --- checks before anything starts ---

    def check(self) -> None:
        """BadInput (exit 2) naming what is missing: programs, free ports."""
        missing = missing_programs(self.settings)
        if missing:
            raise BadInput("; ".join(missing), where="serve.sh")
        ports = [(self.host, self.port)] + [("127.0.0.1", b.port) for b in self.backends()]
        if self.chroma is None:
            ports.append(("127.0.0.1", self.chroma_port()))
        taken = [f"{h}:{p}" for h, p in ports if not port_free(h, p)]
        if taken:
            raise BadInput(f"port {', '.join(taken)} is in use (the deployment needs {self.port} to "
                           f"{self.port + len(ports) - 1}); choose another with --port", where="serve.sh")
        writable_dir(self.settings.data_dir)

    def check_login(self) -> None:
        """Beyond loopback a login is needed (the shared password or accounts): the workers listen on loopback and
        so cannot refuse by themselves."""
        if is_loopback(self.host):
            return
        from assistant.web.cli import _has_accounts, check_serving

        settings = self.served_settings()
        try:
            check_serving(settings, self.host, self.port, accounts=_has_accounts(settings))
        except BadInput as exc:
            if "postgres" not in self.children:
                raise
            said = str(exc).removeprefix(f"{exc.where}: ")
            raise BadInput(f"{said}. Accounts of serve.sh's own database are added while it serves on 127.0.0.1, "
                           "with the ASSISTANT_DATABASE_URL it prints", where="serve.sh --host") from None

    # --- waiting ---

    def _wait(self, what: str, ready, child: Child | None, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if self.stopping:
                raise Stopped
            if child is not None and not child.alive():
                raise StartFailed(f"{what} stopped while starting (exit code {child.popen.returncode})"
                                  + (f"; the end of {child.log}:\n{child.tail()}" if child.log else ""))
            if time.monotonic() > deadline:
                raise StartFailed(f"{what} did not answer within {timeout:.0f} s"
                                  + (f"; the end of {child.log}:\n{child.tail()}" if child and child.log else ""))
            time.sleep(0.25)

    # --- PostgreSQL ---

    def start_postgres(self) -> str:
        """PostgreSQL of this data directory (initdb the first time), listening only on a unix socket in a folder
        only its user may open; the database `shouhou` created the first time. Returns its URL."""
        import psycopg

        bindir = postgres_bindir()
        user = postgres_user()
        root = self.settings.data_dir / "postgres"
        data = root / "data"
        root.mkdir(parents=True, exist_ok=True)
        if user is not None:
            shutil.chown(root, user=user)
            if subprocess.run(["test", "-w", str(root)], user=user).returncode != 0:
                raise BadInput(f"PostgreSQL runs as the user {user} (it refuses root), which cannot reach {root}; "
                               "make the folders above it searchable by others (chmod o+x), choose another "
                               "ASSISTANT_DATA_DIR, or run serve.sh as an ordinary user", where="serve.sh")
        root.chmod(0o700)
        if not (data / "PG_VERSION").exists():
            self.say(f"初始化 PostgreSQL 数据目录 (initdb) {data}")
            shutil.rmtree(data, ignore_errors=True)
            done = subprocess.run([str(bindir / "initdb"), "-D", str(data), "-U", DB_USER, "--auth-local=trust",
                                   "--auth-host=reject", "--encoding=UTF8", "--locale=C"],
                                  user=user, capture_output=True, text=True, cwd="/")
            if done.returncode != 0:
                raise StartFailed(f"initdb failed: {(done.stderr or done.stdout)[-1500:]}")
        # A unix socket path has at most 107 bytes: a deep data directory gets its socket in a private /tmp folder.
        sockets = root / "run"
        if len(str(sockets / ".s.PGSQL.5432")) > 100:
            sockets = Path(tempfile.mkdtemp(prefix="shouhou-pg-"))
            self._remove.append(sockets)
        sockets.mkdir(exist_ok=True)
        if user is not None:
            shutil.chown(sockets, user=user)
        sockets.chmod(0o700)
        child = self._add(Child("postgres", [
            str(bindir / "postgres"), "-D", str(data), "-c", "listen_addresses=", "-c",
            f"unix_socket_directories={sockets}", "-c", "unix_socket_permissions=0700",
            # each worker keeps a connection pool per workspace it has opened (assistant/web/app.py store_for)
            "-c", f"max_connections={PG_MAX_CONNECTIONS}"],
            env={k: v for k, v in os.environ.items() if not k.startswith("PG")} | {"LC_ALL": "C"},
            log=self.run_dir / "postgres.log", stop_signal=signal.SIGINT, user=user))  # SIGINT: fast shutdown

        def ready() -> bool:
            try:
                with psycopg.connect(host=str(sockets), user=DB_USER, dbname="postgres", connect_timeout=2,
                                     autocommit=True) as conn:
                    if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone() is None:
                        conn.execute(f'CREATE DATABASE "{DATABASE}"')
                return True
            except psycopg.Error:
                return False

        self.say(f"启动 PostgreSQL (unix socket in {sockets})")
        self._wait("PostgreSQL", ready, child, 120)
        self.database_url = f"postgresql+psycopg://{DB_USER}@/{DATABASE}?host={sockets}"
        return self.database_url

    # --- Chroma ---

    def start_chroma(self, port: int | None = None, path: Path | None = None) -> tuple[str, int]:
        """A Chroma server on 127.0.0.1 storing in <data_dir>/chroma-server. The first time, the embedded index
        of this data directory (<data_dir>/chroma, what `web` alone builds) is copied there, so that nothing is
        embedded again; `ingest` then adds what it lacks."""
        port = port or self.chroma_port()
        path = path or self.settings.data_dir / "chroma-server"
        embedded = self.settings.chroma_dir
        if not path.exists() and (embedded / "chroma.sqlite3").exists():
            self.say(f"复制已建好的索引 (copying the embedded index) {embedded} → {path}")
            tmp = path.with_name(path.name + ".tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(embedded, tmp)
            tmp.replace(path)
        path.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ) | {"ANONYMIZED_TELEMETRY": "False"}
        child = self._add(Child("chroma", [chroma_binary(), "run", "--path", str(path), "--host", "127.0.0.1",
                                           "--port", str(port)], env=env, log=self.run_dir / "chroma-server.log"))
        self.say(f"启动 Chroma 服务器 http://127.0.0.1:{port} ({path})")
        self._wait("the Chroma server", lambda: http_ok(url_of("127.0.0.1", port, "/api/v2/heartbeat")), child, 120)
        self.chroma = ("127.0.0.1", port)
        return self.chroma

    def check_chroma(self) -> None:
        host, port = self.chroma
        if not http_ok(url_of(host, port, "/api/v2/heartbeat"), timeout=5):
            raise BadInput(f"no Chroma server answers at {host}:{port}; start it (chroma run --path DIR --host {host} "
                           f"--port {port}) or unset ASSISTANT_CHROMA_MODE to let serve.sh start one",
                           where="ASSISTANT_CHROMA_HOST/ASSISTANT_CHROMA_PORT")

    # --- the index, once ---

    def refresh_index(self) -> None:
        """`python -m assistant ingest` before the workers: only what the Chroma server lacks is embedded."""
        self.say("更新索引 (ingest)…")
        child = self._add(Child("ingest", [self.python, "-m", "assistant", "ingest"], env=self.env()))
        self._wait("ingest", lambda: child.popen.poll() is not None, None, 3600)
        code = child.popen.returncode
        del self.children["ingest"]
        if code == 2:
            raise BadInput("the index could not be built (the message above says why)", where="ingest")
        if code != 0:
            raise StartFailed(f"ingest failed (exit code {code})")

    # --- workers ---

    def worker(self, i: int) -> Child:
        return Child(f"w{i}", [self.python, "-m", "assistant", "web", "--host", "127.0.0.1", "--port",
                               str(self.worker_port(i))], env=self.env(), log=self.run_dir / f"worker-{i}.log")

    def start_worker(self, i: int) -> Child:
        child = self._add(self.worker(i))
        url = url_of("127.0.0.1", self.worker_port(i), HEALTH_PATH)
        self._wait(f"worker {i} (see its log)", lambda: http_ok(url), child, 300)
        return child

    def start_workers(self) -> None:
        """One after another: the first one to start creates what all share (the database's tables, the key of
        what browsers keep, in the database) before the next one reads it."""
        for i in range(1, self.workers + 1):
            self.say(f"启动工作进程 worker {i}: http://127.0.0.1:{self.worker_port(i)} (log {self.run_dir}/worker-{i}.log)")
            self.start_worker(i)

    # --- haproxy ---

    def write_haproxy_config(self) -> Path:
        path = self.run_dir / "haproxy.cfg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(haproxy_config(self.host, self.port, self.backends()), encoding="utf-8")
        checked = subprocess.run([haproxy_binary(), "-c", "-f", str(path)], capture_output=True, text=True)
        if checked.returncode != 0:
            alerts = [line for line in (checked.stdout + checked.stderr).splitlines() if "ALERT" in line]
            raise BadInput(f"haproxy refuses the configuration: {' '.join(alerts)[-1500:]}", where=str(path))
        return path

    def start_haproxy(self, log: Path | None = None) -> Child:
        """haproxy in the foreground (its log of errors on this terminal, or in `log`)."""
        path = self.write_haproxy_config()
        child = self._add(Child("haproxy", [haproxy_binary(), "-db", "-f", str(path)], env=dict(os.environ), log=log))
        self._wait("haproxy", lambda: http_ok(url_of(self.host, self.port, HEALTH_PATH)), child, 60)
        return child

    # --- the whole ---

    def _add(self, child: Child) -> Child:
        """Start `child` and remember it (to stop it)."""
        self.children[child.name] = child
        return child.start()

    def serve(self) -> int:
        """serve.sh: start everything, keep the workers running until Ctrl-C or SIGTERM, then stop everything."""
        self.check()
        self._signals()
        try:
            if self.database_url is None:
                self.start_postgres()
            else:
                self.say("使用已有数据库 (ASSISTANT_DATABASE_URL)")
            self.check_login()
            if self.chroma is None:
                self.start_chroma()
            else:
                self.check_chroma()
                self.say(f"使用已有 Chroma 服务器 {self.chroma[0]}:{self.chroma[1]}")
            self.refresh_index()
            self.start_workers()
            self.start_haproxy()
            self.say(f"售后服务成熟度助手: {url_of(self.host, self.port)}  ({self.workers} 个工作进程 workers; "
                     "Ctrl-C 停止 stops everything)")
            if self.children.get("postgres"):
                self.say(f"其他命令使用同一数据库 other commands reach the same database with "
                         f"ASSISTANT_DATABASE_URL='{self.database_url}'")
            return self._supervise()
        except Stopped:
            return 130
        except StartFailed as exc:
            self.say(f"错误 error: {exc}")
            return 1
        finally:
            self.stop()

    def _supervise(self) -> int:
        while not self.stopping:
            time.sleep(0.5)
            for name, child in list(self.children.items()):
                if child.alive() or child.given_up or self.stopping:
                    continue
                if not re.fullmatch(r"w\d+", name):  # PostgreSQL, Chroma or haproxy: the service cannot go on
                    self.say(f"错误 error: {name} stopped (exit code {child.popen.returncode}); stopping everything"
                             + (f"; the end of {child.log}:\n{child.tail()}" if child.log else ""))
                    return 1
                self._restart(name, child)
        return 0

    def _restart(self, name: str, child: Child) -> None:
        """A worker that died is started again (its browsers went to the others meanwhile); one that keeps dying
        within a minute of its start is given up after three tries."""
        now = time.monotonic()
        child.restarts = [t for t in child.restarts if now - t < 60] + [now]
        if len(child.restarts) > 3:
            self.say(f"工作进程 {name} 反复退出，不再重启 (worker {name} keeps dying; see {child.log})")
            child.given_up = True
            return
        self.say(f"工作进程 {name} 已退出 (exit code {child.popen.returncode})，重新启动 (restarting worker {name})")
        fresh = self.worker(int(name[1:]))
        fresh.restarts = child.restarts
        self.children[name] = fresh.start()

    def _signals(self) -> None:
        def handler(signum, _frame) -> None:
            if self.stopping:  # a second Ctrl-C: no more waiting
                for child in self.children.values():
                    child.send(signal.SIGKILL)
            self.stopping = True

        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, handler)

    def stop(self) -> None:
        """Everything started, in reverse order (haproxy, workers, Chroma, PostgreSQL); waits until each is gone."""
        self.stopping = True
        for name in reversed(list(self.children)):
            child = self.children[name]
            if child.alive():
                self.say(f"停止 stopping {name}")
            child.stop(timeout=60 if name == "postgres" else 20)
        self.children.clear()
        for folder in self._remove:
            shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="serve.sh", description="售后服务成熟度助手: several web workers behind haproxy, with PostgreSQL and a "
        "Chroma server (README: Deployment).")
    parser.add_argument("--workers", type=int, default=2, help="web workers (default 2)")
    parser.add_argument("--port", type=int, help="the front port (default: setting web_port, 7860); workers use the "
                        "next ones, then the Chroma server")
    parser.add_argument("--host", help="the front address (default: setting web_host, 127.0.0.1); any other than "
                        "loopback needs a login (ASSISTANT_WEB_PASSWORD or accounts)")
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
        deployment = Deployment(settings, host=args.host or settings.web_host, port=args.port or settings.web_port,
                                workers=args.workers)
        return deployment.serve()
    except BadInput as exc:
        print(f"错误 error: {exc}", file=sys.stderr)
        return BadInput.exit_code
    except KeyboardInterrupt:  # before anything was started (then serve's own handler takes over)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
