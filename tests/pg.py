"""A real PostgreSQL server for the storage tests: one per test session, started from the server binaries on this
machine (Debian's `postgresql` package, which .ci/run installs), in a temporary directory, listening only on a unix
socket there; every test gets a database of its own (created, then dropped).

PostgreSQL refuses to run as root: as root the server runs as the `postgres` user (made by Debian's package), or
`nobody` when there is none.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path


def server_bindir() -> Path | None:
    """The directory of `initdb`, `pg_ctl` and `postgres`: Debian's newest /usr/lib/postgresql/N/bin, else PATH."""
    def version(path: str) -> int:
        m = re.search(r"/postgresql/(\d+)/bin", path)
        return int(m.group(1)) if m else 0

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version, reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl") and shutil.which("postgres"):
        return Path(initdb).resolve().parent
    return None


def _run_as() -> list[str]:
    """The command prefix that runs the server as an unprivileged user (nothing when we are not root)."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"]
    raise RuntimeError("running as root and there is neither a postgres nor a nobody user to run PostgreSQL as")


@dataclass
class PgServer:
    """A running server: `url(db)` is the SQLAlchemy URL of database `db` on it."""

    root: Path
    bindir: Path
    prefix: list[str]
    user: str = "postgres"

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), user=self.user, dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:16]}"
        self._admin(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # connections a test left open end too

    def stop(self) -> None:
        subprocess.run([*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate",
                        "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


def start(bindir: Path) -> PgServer:
    """initdb a cluster in a new temporary directory and start it (a few seconds)."""
    prefix = _run_as()
    root = Path(tempfile.mkdtemp(prefix="pg-"))  # short: a unix socket path has at most 107 bytes
    if prefix:
        shutil.chown(root, user=prefix[2])
    server = PgServer(root, bindir, prefix)
    data, log = root / "data", root / "server.log"
    try:
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", server.user, "--auth=trust",
                        "--encoding=UTF8", "--locale=C", "--no-sync"], check=True, capture_output=True, text=True,
                       timeout=120)
        # Only a unix socket in our directory (no port to collide with); durability off: the data is thrown away;
        # the zone of a server in China (times must still come back as UTC).
        options = (f"-c listen_addresses='' -c unix_socket_directories='{root}' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c timezone=Asia/Shanghai")
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w",
                        "-t", "60", "start"], check=True, capture_output=True, text=True, timeout=120)
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or "") + (log.read_text(errors="replace") if log.exists() else "")
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {detail[-2000:]}") from None
    return server
