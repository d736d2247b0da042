"""Web logins shared by every web process and kept across restarts: the logins issued (a SHA-256 hash of gradio's
token, never the token; its user; when it was issued and last seen, UTC), the failed logins per throttle key (a user
name, an address: how many, locked until when, the last one), the secrets all web processes share (gradio's cookie
name is derived from one), and a log of account changes with their author (an account deleted leaves its record
here). Nothing existing changes.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_logins",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_name", sa.String(255), nullable=False, index=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("last_seen", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "login_failures",
        sa.Column("throttle_key", sa.String(200), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
        sa.Column("last_failure", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    op.create_table(
        "app_secrets",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "account_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(100)),
        sa.Column("user_name", sa.String(64), nullable=False, index=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("detail", sa.String(200)),
    )


def downgrade() -> None:
    op.drop_table("account_changes")
    op.drop_table("app_secrets")
    op.drop_table("login_failures")
    op.drop_table("web_logins")
