"""SQLite tables. Rows stay here: the repository converts them to domain values.

Times are stored as integer milliseconds since the epoch (UTC): exact,
sortable, and easy to bucket into days in SQL.
"""

from __future__ import annotations

from sqlalchemy import Float, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class MetaRow(Base):
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CardStateRow(Base):
    __tablename__ = "card_states"
    card_key: Mapped[str] = mapped_column(String, primary_key=True)
    stage: Mapped[int] = mapped_column(Integer)
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due_ms: Mapped[int] = mapped_column(Integer, index=True)
    last_review_ms: Mapped[int | None] = mapped_column(Integer)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)


class ReviewRow(Base):
    __tablename__ = "reviews"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    card_key: Mapped[str] = mapped_column(String)
    rating: Mapped[int] = mapped_column(Integer)
    reviewed_ms: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    installation_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(8), default="review", server_default="review")
    stage_before: Mapped[int | None] = mapped_column(Integer)
    # The review's place among its installation's own (migration 0005): a clock that is
    # set back cannot reorder them. None for reviews imported from a CSV.
    seq: Mapped[int | None] = mapped_column(Integer)

    # Covering indexes (migration 0004): the statistics count ratings per day and
    # find each card's first review from an index alone, never reading a row.
    __table_args__ = (
        Index("ix_reviews_time", "reviewed_ms", "kind", "stage_before", "rating"),
        Index("ix_reviews_card_time", "card_key", "reviewed_ms"),
        Index("ix_reviews_installation_seq", "installation_id", "seq"),
    )


class AttemptRow(Base):
    __tablename__ = "attempts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    card_key: Mapped[str] = mapped_column(String, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    submitted_ms: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(Text)
    passed: Mapped[bool] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer)
    installation_id: Mapped[str] = mapped_column(String(36))


class DraftRow(Base):
    __tablename__ = "drafts"
    card_key: Mapped[str] = mapped_column(String, primary_key=True)
    code: Mapped[str] = mapped_column(Text)
    updated_ms: Mapped[int] = mapped_column(Integer)


class CardMarkRow(Base):
    __tablename__ = "card_marks"
    card_key: Mapped[str] = mapped_column(String, primary_key=True)
    suspended: Mapped[bool] = mapped_column(Integer, default=0)
    buried_until_ms: Mapped[int | None] = mapped_column(Integer)
    leech: Mapped[bool] = mapped_column(Integer, default=0)
    # When the marks last changed: the latest change wins when installations sync.
    changed_ms: Mapped[int | None] = mapped_column(Integer)


class UndoneReviewRow(Base):
    """A review taken back: a sync takes it back on the other installations too."""

    __tablename__ = "undone_reviews"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
