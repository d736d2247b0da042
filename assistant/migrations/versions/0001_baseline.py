"""The schema as the code created it before migrations: assessments, plans, plan versions, conversations.

A database made before migrations has some of these tables (the code created those whose modules it had imported):
they are kept as they are, and only the missing ones are created.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())

    def create_table(name: str, *columns) -> None:
        if name not in existing:
            op.create_table(name, *columns)

    create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("enterprise_key", sa.String(200), nullable=False, index=True),
        sa.Column("enterprise", sa.String(200)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("scheme", sa.String(20), nullable=False),
        sa.Column("source", sa.String(500)),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("enterprise_key", "version"),
    )
    create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), nullable=False),
        sa.Column("enterprise", sa.String(200)),
        sa.Column("target", sa.String(20), nullable=False),
        sa.Column("plan_date", sa.Date, nullable=False),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    create_table(
        "plan_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("plan_id", "version"),
    )
    create_table(
        "conversations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("turns", sa.Integer, nullable=False),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=True),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("conversations", "plan_versions", "plans", "assessments"):
        op.drop_table(table)
