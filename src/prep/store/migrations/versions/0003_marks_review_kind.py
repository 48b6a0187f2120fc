"""Card marks (suspended, buried, leech); review kind and the stage before it.

``stage_before`` lets statistics tell reviews of mature cards from learning
steps without replaying the log; ``kind`` records resets in the log itself,
so replay still rebuilds every state.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=8), nullable=False, server_default="review")
        )
        batch.add_column(sa.Column("stage_before", sa.Integer(), nullable=True))
    op.create_table(
        "card_marks",
        sa.Column("card_key", sa.String(), primary_key=True),
        sa.Column("suspended", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("buried_until_ms", sa.Integer(), nullable=True),
        sa.Column("leech", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("card_marks")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("stage_before")
        batch.drop_column("kind")
