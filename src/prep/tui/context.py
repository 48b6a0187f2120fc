"""What the app is given: content, store, settings, clock and time zone."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from prep.config import Locations
from prep.content.library import Library
from prep.settings import Settings
from prep.store.repository import Store


def _new_uuid() -> str:
    return str(uuid.uuid4())


@dataclass
class PrepContext:
    library: Library
    store: Store
    settings: Settings
    tz: tzinfo
    clock: Callable[[], datetime]
    locations: Locations | None = None
    new_id: Callable[[], str] = field(default=_new_uuid)
