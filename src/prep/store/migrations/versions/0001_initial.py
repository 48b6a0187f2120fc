"""Initial schema: meta, card states and the append-only review log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "card_states",
        sa.Column("card_key", sa.String(), primary_key=True),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("due_ms", sa.Integer(), nullable=False),
        sa.Column("last_review_ms", sa.Integer(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
    )
    op.create_index("ix_card_states_due_ms", "card_states", ["due_ms"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("card_key", sa.String(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("reviewed_ms", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("installation_id", sa.String(length=36), nullable=False),
    )
    op.create_index("ix_reviews_card_key", "reviews", ["card_key"])
    op.create_index("ix_reviews_reviewed_ms", "reviews", ["reviewed_ms"])


def downgrade() -> None:
    op.drop_table("reviews")
    op.drop_table("card_states")
    op.drop_table("meta")
