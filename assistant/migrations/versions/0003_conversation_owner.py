"""Conversations remember the browser that holds them (a random token kept in that browser's local storage), so the
web app reopens a browser's last conversation after a reload and never another browser's.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("conversations", sa.Column("owner_token", sa.String(64), nullable=True))
    op.create_index("ix_conversations_owner_token", "conversations", ["owner_token"])


def downgrade() -> None:
    op.drop_index("ix_conversations_owner_token", "conversations")
    op.drop_column("conversations", "owner_token")
