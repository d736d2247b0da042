"""Workspaces: one per client engagement. Assessments, plans and conversations belong to one; every assessment and
plan version records its author. Existing rows move to the workspace 默认 (created here).

Revision ID: 0002
Revises: 0001
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DEFAULT = "默认"


def upgrade() -> None:
    workspaces = op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("company", sa.String(200)),
        sa.Column("industry", sa.String(100)),
        sa.Column("target", sa.String(20)),
        sa.Column("certified_on", sa.Date),
        sa.Column("next_audit", sa.Date),
        sa.Column("archived", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    now = datetime.now(timezone.utc).replace(microsecond=0)
    op.bulk_insert(workspaces, [{"name": DEFAULT, "archived": False, "created_at": now, "updated_at": now}])
    for table in ("assessments", "plans", "conversations"):
        if op.get_bind().dialect.name == "sqlite":
            # ADD COLUMN … REFERENCES in place: SQLite cannot add a constraint otherwise, and rebuilding a table
            # that others reference (batch mode) would trip their foreign keys.
            op.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN workspace_id INTEGER REFERENCES workspaces (id)"))
        else:
            op.add_column(table, sa.Column("workspace_id", sa.Integer, nullable=True))
            op.create_foreign_key(f"fk_{table}_workspace", table, "workspaces", ["workspace_id"], ["id"])
        op.create_index(f"ix_{table}_workspace_id", table, ["workspace_id"])
        op.execute(sa.text(f"UPDATE {table} SET workspace_id = (SELECT id FROM workspaces WHERE name = :n)")
                   .bindparams(n=DEFAULT))
    for table in ("assessments", "plan_versions"):
        op.add_column(table, sa.Column("author", sa.String(100), nullable=True))


def downgrade() -> None:
    for table in ("assessments", "plan_versions"):
        op.drop_column(table, "author")
    for table in ("assessments", "plans", "conversations"):
        op.drop_index(f"ix_{table}_workspace_id", table)
        if op.get_bind().dialect.name != "sqlite":
            op.drop_constraint(f"fk_{table}_workspace", table, type_="foreignkey")
        op.drop_column(table, "workspace_id")
    op.drop_table("workspaces")
