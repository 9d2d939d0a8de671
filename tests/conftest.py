"""Shared fixtures: a settings object over temporary folders, a migrated database, a store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.database import Database
from recordroom.core.settings import Settings, load_settings
from storage.local import LocalObjectStore


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        environ={
            "RECORDROOM_HOME": str(tmp_path / "var"),
            "RECORDROOM_INBOX": str(tmp_path / "inbox"),
            "RECORDROOM_SETTLE_SECONDS": "0.3",
            "RECORDROOM_POLL_SECONDS": "0.5",
        },
        cwd=tmp_path,
    )


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    settings.home.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database)
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture
def store(settings: Settings) -> LocalObjectStore:
    return LocalObjectStore(settings.objects_dir)
