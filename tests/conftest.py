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
