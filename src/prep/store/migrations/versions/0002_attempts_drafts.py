"""Kata and predict attempts, and editor drafts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attempts",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("card_key", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("submitted_ms", sa.Integer(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("installation_id", sa.String(length=36), nullable=False),
    )
    op.create_index("ix_attempts_card_key", "attempts", ["card_key"])
    op.create_table(
        "drafts",
        sa.Column("card_key", sa.String(), primary_key=True),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("updated_ms", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("drafts")
    op.drop_table("attempts")
