"""What syncing between installations needs: the order of each installation's own
reviews, when each card's marks last changed, and the reviews taken back.

``seq`` numbers the reviews an installation made, in the order it made them: a clock
set back cannot reorder them on another machine. Existing reviews are numbered in
log order, per installation (the CSV imports, which have no installation, are not).
``card_marks.changed_ms`` lets the latest change of a card's marks win a merge.
``undone_reviews`` keeps the ids of reviews taken back, so a sync takes them back
on the other machines too.

Revision ID: 0005
Revises: 0004
Create Date: 2027-01-12
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reviews", sa.Column("seq", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE reviews SET seq = numbered.n FROM"
        " (SELECT rowid AS r, row_number() OVER"
        "  (PARTITION BY installation_id ORDER BY reviewed_ms, rowid) AS n"
        "  FROM reviews WHERE installation_id != 'imported') AS numbered"
        " WHERE reviews.rowid = numbered.r"
    )
    op.create_index("ix_reviews_installation_seq", "reviews", ["installation_id", "seq"])
    op.add_column("card_marks", sa.Column("changed_ms", sa.Integer(), nullable=True))
    op.create_table("undone_reviews", sa.Column("id", sa.String(length=36), primary_key=True))


def downgrade() -> None:
    op.drop_table("undone_reviews")
    with op.batch_alter_table("card_marks") as batch:
        batch.drop_column("changed_ms")
    op.drop_index("ix_reviews_installation_seq", table_name="reviews")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("seq")
