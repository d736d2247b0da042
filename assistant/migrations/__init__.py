"""Schema migrations of the assistant's database (Alembic), for SQLite and PostgreSQL.

`upgrade(engine)` brings a database to `HEAD`: a new one is created by the migrations, an existing one made before
migrations existed (some tables, no `alembic_version`) gets the baseline's missing tables and is upgraded in place. Checking
that a database is current is one small query; Alembic itself is imported only when there is something to do.

A new revision: add `versions/NNNN_what.py` (revision "NNNN", down_revision the previous head) and set `HEAD`.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

HERE = Path(__file__).resolve().parent
HEAD = "0006"
ADVISORY_LOCK = 0x5348_4F55  # "SHOU": PostgreSQL's lock of the assistant's migrations


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Bring the database to HEAD (in place; nothing is lost)."""
    if current(engine) == HEAD:
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # One migrator at a time (two processes opening a new database at once): the other waits here, then
            # finds the schema at HEAD. The lock ends with the transaction. SQLite's BEGIN IMMEDIATE does the same.
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
        cfg.attributes["connection"] = conn
        # A database made before migrations has no alembic_version: the baseline keeps the tables it has and
        # creates those it lacks, then every later revision runs.
        command.upgrade(cfg, "head")
