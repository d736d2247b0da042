"""Shared fixtures: one real index of the real knowledge base per test session."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def index_settings(tmp_path_factory):
    """Settings whose data dir holds an index built from knowledge/ with the default e5 embedder."""
    from assistant.retrieval.ingest import ingest
    from assistant.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("data"))
    ingest(settings, progress=False)
    return settings


def run_cli(*args: str, data_dir: Path | None = None, stdin: str | None = None, env: dict | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python -m assistant ...` as a user would, in a clean environment."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    if data_dir is not None:
        full_env["ASSISTANT_DATA_DIR"] = str(data_dir)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True, text=True,
                          cwd=REPO, env=full_env, timeout=timeout)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server():
    """One real PostgreSQL server for the session (tests/pg.py). Without server binaries the PostgreSQL variants
    are skipped, unless CI is set: there they fail (.ci/run installs Debian's postgresql package)."""
    from tests import pg

    bindir = pg.server_bindir()
    if bindir is None:
        reason = ("no PostgreSQL server binaries (initdb, pg_ctl, postgres) found; "
                  "install Debian's postgresql package (apt-get install postgresql)")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        reason = "the PostgreSQL driver psycopg is not installed (pip install -e '.[postgres]')"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    server = pg.start(bindir)
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server):
    """The URL of a new, empty database on the session's PostgreSQL server, dropped after the test."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The storage tests run on both: a new SQLite file, and a new database on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'assistant.db'}"
    return request.getfixturevalue("pg_url")
