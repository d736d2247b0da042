"""Alembic's environment: runs on the connection `assistant.migrations.upgrade` hands over (no alembic.ini)."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection)
with context.begin_transaction():
    context.run_migrations()
