"""Page sessions and event ids bound to the login that opened them (assistant/web/access.py), shared by every web
process: a page session named by another login is refused on whichever worker it reaches. Keys are `s:<gradio
session_hash>` or `e:<event id>`; the owner is the SHA-256 of the login's token. Nothing existing changes.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_page_claims",
        sa.Column("claim_key", sa.String(160), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("web_page_claims")
