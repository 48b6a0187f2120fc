"""Indexes that answer the statistics without reading the review rows.

``ix_reviews_time`` (reviewed_ms, kind, stage_before, rating) replaces the index on
reviewed_ms alone: the ratings of a study day, and the retention of a period, are
counted from a range of it. ``ix_reviews_card_time`` (card_key, reviewed_ms)
replaces the index on card_key alone: a card's first review is the first entry of
its range, so the new cards of a day are found without scanning the log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_reviews_reviewed_ms", table_name="reviews")
    op.drop_index("ix_reviews_card_key", table_name="reviews")
    op.create_index("ix_reviews_time", "reviews", ["reviewed_ms", "kind", "stage_before", "rating"])
    op.create_index("ix_reviews_card_time", "reviews", ["card_key", "reviewed_ms"])


def downgrade() -> None:
    op.drop_index("ix_reviews_card_time", table_name="reviews")
    op.drop_index("ix_reviews_time", table_name="reviews")
    op.create_index("ix_reviews_card_key", "reviews", ["card_key"])
    op.create_index("ix_reviews_reviewed_ms", "reviews", ["reviewed_ms"])
