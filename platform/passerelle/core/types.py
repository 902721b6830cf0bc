"""Column types shared by every feature."""

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator

from passerelle.core.time import as_utc


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return as_utc(value)

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else as_utc(value)


def str_enum(kind: type[enum.Enum], name: str, length: int = 32) -> Enum:
    """An enum stored as its string values in a VARCHAR, the same on every database."""
    return Enum(kind, name=name, native_enum=False, length=length,
                values_callable=lambda k: [m.value for m in k], validate_strings=True)
