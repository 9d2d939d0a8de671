"""The hand-written migration makes exactly the tables the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import indexer.labels  # noqa: F401  (registers the tables)
import release_of_information.models  # noqa: F401
from indexer.database import Database
from recordroom.core.sql import Base

OURS = ("roi_", "document_labels")


def test_the_migration_matches_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in diffs if any(name in str(d) for name in OURS)] == []
