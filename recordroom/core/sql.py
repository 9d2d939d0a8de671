"""The one SQLAlchemy declarative base every stage's tables are declared on.

Stages keep their own tables (``indexer`` documents, ``audit`` events, …) but share this base, so
one Alembic environment sees the whole schema without a stage importing another.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import DeclarativeBase


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass
