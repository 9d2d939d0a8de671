"""Shared fixtures: a settings object over temporary folders, a migrated database, a store."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.database import Database
from recordroom.core.settings import Settings, load_settings
from storage.local import LocalObjectStore
from tests.services import (
    Dovecot,
    PostgresServer,
    S3Server,
    new_bucket_name,
    running_postgres,
    running_s3,
)


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


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Database]:
    """A migrated database, once on the SQLite file of ``settings`` and once on a fresh database
    of the real PostgreSQL server."""
    if request.param == "sqlite":
        settings.home.mkdir(parents=True, exist_ok=True)
        url = settings.database
    else:
        url = request.getfixturevalue("postgres_url")
    db = Database(url)
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture
def store(settings: Settings) -> LocalObjectStore:
    return LocalObjectStore(settings.objects_dir)


# --- real services (tests/services.py) ---------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster on 127.0.0.1 for the whole session."""
    with running_postgres() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A SQLAlchemy URL (psycopg 3) of a fresh, empty database, dropped after the test."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """A SeaweedFS S3 server on 127.0.0.1 shared by the session. A test that stops it must use
    ``own_s3_server`` instead."""
    with running_s3() as server:
        yield server


@pytest.fixture
def own_s3_server() -> Iterator[S3Server]:
    """An S3 server for this test alone: it may ``stop()`` and ``start()`` it mid-test."""
    with running_s3() as server:
        yield server


@pytest.fixture
def s3_bucket() -> str:
    """A bucket name no other test uses (not created: the store creates what is missing)."""
    return new_bucket_name()


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """A real dovecot IMAP server on 127.0.0.1 for the whole test run."""
    # Not under pytest's private temporary folder: dovecot's own processes must reach it.
    root = Path(tempfile.mkdtemp(prefix="recordroom-dovecot-"))
    os.chmod(root, 0o755)
    server = Dovecot(root)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
