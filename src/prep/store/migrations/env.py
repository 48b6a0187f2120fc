"""Alembic environment: migrations run on the connection prep hands over."""

from __future__ import annotations

from alembic import context

from prep.store.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only prep itself runs these migrations
    raise RuntimeError("prep's migrations run through prep.store.database.open_database")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
