"""Fixtures for the audit trail: a migrated database on SQLite or on the real PostgreSQL of
``tests/conftest.py``, the local object store, and a trail that checkpoints into it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from audit import AuditTrail, open_trail
from recordroom.core.actor import Actor
from recordroom.core.settings import Settings
from storage.local import LocalObjectStore


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
