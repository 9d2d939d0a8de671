"""Fixtures for the audit trail: a migrated database on SQLite or on a real PostgreSQL (started
here on 127.0.0.1 for the session), the local object store, and a trail that checkpoints into it.
"""

from __future__ import annotations

import datetime as dt
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from audit import AuditTrail, open_trail
from indexer.database import Database
from recordroom.core.actor import Actor
from recordroom.settings import Settings
from storage.local import LocalObjectStore


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError("PostgreSQL is not installed: run bin/setup")
    return Path(initdb).parent


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster; yields the libpq DSN of its ``postgres`` database."""
    root = Path(tempfile.mkdtemp(prefix="recordroom-audit-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        entry = pwd.getpwnam("postgres")
        os.chown(root, entry.pw_uid, entry.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    bindir = _postgres_bin()
    data = root / "data"
    subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
         "--no-sync"],
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-p {port} -h 127.0.0.1 -k {root} -c fsync=off"
    subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-o",
         options, "-w", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield f"host=127.0.0.1 port={port} user=postgres"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    import psycopg

    name = f"audit_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{postgres_server} dbname=postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    port = postgres_server.split("port=")[1].split()[0]
    yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{name}"
    with psycopg.connect(f"{postgres_server} dbname=postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Database]:
    """A migrated database: the SQLite file of ``settings``, or a fresh PostgreSQL database."""
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
def actor() -> Actor:
    return Actor(
        "os:alice",
        frozenset({"clerk", "admin"}),
        door="cli",
        host="desk-1",
        network_address="10.0.0.5",
    )


class Clock:
    """A settable clock for the trail: each reading moves on by ``step``."""

    def __init__(self, start: dt.datetime, step: dt.timedelta = dt.timedelta(seconds=1)) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> dt.datetime:
        moment = self.now
        self.now += self.step
        return moment


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC))


@pytest.fixture
def make_trail(
    settings: Settings, store: LocalObjectStore, clock: Clock
) -> Callable[..., AuditTrail]:
    def make(interval: int = 1000) -> AuditTrail:
        trail = open_trail(
            store, settings.audit_key_path, site="clinic", checkpoint_interval=interval
        )
        trail.clock = clock
        return trail

    return make
