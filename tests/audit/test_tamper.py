"""Append-only, and tamper evidence: the database refuses changes to the trail, and when someone
goes around it (drops the triggers, writes raw SQL), verify names the first event concerned and
what was done to it: modified, deleted, inserted or reordered."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from audit import AuditTrail, verify
from audit.chain import HASHED_COLUMNS, event_hash
from audit.checkpoints import object_key
from audit.models import EVENTS
from indexer.database import Database
from recordroom.core.actor import Actor
from storage.local import LocalObjectStore

TRIGGERS = [
    f"{table}_no_{operation}"
    for table in ("audit_events", "audit_entities", "audit_checkpoints")
    for operation in ("update", "delete")
]


def fill(database: Database, trail: AuditTrail, actor: Actor, count: int = 30) -> None:
    for i in range(count):
        with database.session() as session:
            trail.record(
                session,
                actor,
                "document.read",
                documents=[f"doc{i}"],
                patients=[f"M{i % 7}"],
            )
            session.commit()


def tamper(database: Database, statements: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Run raw SQL around the triggers (and foreign keys), as someone with the database file or
    a superuser's password could."""
    engine = create_engine(database.engine.url)  # no recordroom pragmas: foreign keys off
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                for name in TRIGGERS:
                    connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
            else:
                connection.exec_driver_sql("SET session_replication_role = replica")
            for statement, params in statements:
                connection.execute(text(statement), params)
    finally:
        engine.dispose()


def renumber(start: int, by: int) -> list[tuple[str, dict[str, Any]]]:
    """Move events ``start``… (and their entities) by ``by`` places, in two steps so that no
    two rows share a number midway."""
    statements = []
    for table in ("audit_events", "audit_entities"):
        statements += [
            (f"UPDATE {table} SET seq = seq + 100000 WHERE seq >= :start", {"start": start}),
            (f"UPDATE {table} SET seq = seq - 100000 + :by WHERE seq >= 100000", {"by": by}),
        ]
    statements.append(("UPDATE audit_heads SET seq = seq + :by WHERE name = 'events'", {"by": by}))
    return statements


def event_values(database: Database, seq: int) -> tuple[Any, ...]:
    """The event's ``HASHED_COLUMNS`` values, then its hash."""
    with database.engine.connect() as connection:
        return tuple(
            connection.execute(
                select(*[EVENTS.c[name] for name in HASHED_COLUMNS], EVENTS.c.hash).where(
                    EVENTS.c.seq == seq
                )
            ).one()
        )


@pytest.fixture
def filled(any_database: Database, actor: Actor, make_trail: Callable[..., AuditTrail]) -> Database:
    trail = make_trail()
    fill(any_database, trail, actor)
    trail.checkpoint(any_database.engine)
    assert trail.checkpointer is not None
    assert verify(any_database.engine, None, [trail.checkpointer.public_key]).ok
    return any_database


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET user_id = 'os:mallory' WHERE seq = 3",
        "DELETE FROM audit_events WHERE seq = 30",
        "UPDATE audit_entities SET value = 'M0' WHERE seq = 3",
        "DELETE FROM audit_entities WHERE seq = 3",
        "UPDATE audit_checkpoints SET seq = 1",
        "DELETE FROM audit_checkpoints",
    ],
)
def test_the_database_refuses_to_change_the_trail(filled: Database, statement: str) -> None:
    with filled.engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.exec_driver_sql(statement)


def test_postgresql_refuses_truncate(postgres_url: str) -> None:
    database = Database(postgres_url)
    database.migrate()
    try:
        with database.engine.connect() as connection, pytest.raises(DBAPIError):
            connection.exec_driver_sql("TRUNCATE audit_events CASCADE")
    finally:
        database.dispose()


def first_finding(database: Database) -> tuple[str, int | None, str]:
    """What verify says first; on SQLite also checked side by side in two processes, which must
    come to the same answer."""
    report = verify(database.engine, None)
    assert not report.ok
    assert report.first is not None
    if database.engine.dialect.name == "sqlite":
        parallel = verify(database.engine, None, workers=2, parallel_from=1)
        assert parallel.first == report.first
    return report.first.problem, report.first.seq, report.first.message


def test_a_modified_event_is_named(filled: Database) -> None:
    tamper(filled, [("UPDATE audit_events SET user_id = 'os:mallory' WHERE seq = 12", {})])
    assert first_finding(filled)[:2] == ("modified", 12)


def test_a_modified_entity_is_named(filled: Database) -> None:
    # event 7 named patient M6; now it names M0
    statement = "UPDATE audit_entities SET value = 'M0' WHERE seq = 7 AND kind = 'patient'"
    tamper(filled, [(statement, {})])
    assert first_finding(filled)[:2] == ("modified", 7)


def test_an_event_rewritten_with_a_fresh_hash_is_named(filled: Database) -> None:
    values = event_values(filled, 12)
    forged = list(values[: len(HASHED_COLUMNS)])
    forged[HASHED_COLUMNS.index("user_id")] = "os:mallory"
    entities = [("patient", f"M{11 % 7}"), ("document", "doc11")]
    new_hash = event_hash(tuple(forged), entities, seq=12)
    tamper(
        filled,
        [
            (
                "UPDATE audit_events SET user_id = 'os:mallory', hash = :h WHERE seq = 12",
                {"h": new_hash},
            )
        ],
    )
    assert first_finding(filled)[:2] == ("modified", 12)


def test_a_deleted_event_is_named(filled: Database) -> None:
    tamper(
        filled,
        [
            ("DELETE FROM audit_entities WHERE seq = 15", {}),
            ("DELETE FROM audit_events WHERE seq = 15", {}),
        ],
    )
    problem, seq, message = first_finding(filled)
    assert (problem, seq) == ("deleted", 15)
    assert "event 15 was deleted" in message


def test_a_deleted_event_is_named_when_the_rest_were_renumbered(filled: Database) -> None:
    tamper(
        filled,
        [
            ("DELETE FROM audit_entities WHERE seq = 15", {}),
            ("DELETE FROM audit_events WHERE seq = 15", {}),
            *renumber(16, -1),
        ],
    )
    assert first_finding(filled)[:2] == ("deleted", 15)


def test_deleted_last_events_are_named(filled: Database) -> None:
    tamper(
        filled,
        [
            ("DELETE FROM audit_entities WHERE seq >= 29", {}),
            ("DELETE FROM audit_events WHERE seq >= 29", {}),
        ],
    )
    problem, seq, message = first_finding(filled)
    assert (problem, seq) == ("deleted", 29)
    assert "events 29 to 30 were deleted" in message


def test_an_inserted_event_is_named(filled: Database) -> None:
    # The forger knows the algorithm: the new event links to event 9 and matches its own hash.
    values = event_values(filled, 9)
    previous_hash = values[-1]
    forged = list(values[: len(HASHED_COLUMNS)])
    forged[HASHED_COLUMNS.index("seq")] = 10
    forged[HASHED_COLUMNS.index("user_id")] = "os:mallory"
    forged[HASHED_COLUMNS.index("prev_hash")] = previous_hash
    forged_hash = event_hash(tuple(forged), [], seq=10)
    row = dict(zip(HASHED_COLUMNS, forged, strict=True))
    columns = ", ".join([*HASHED_COLUMNS, "hash"])
    placeholders = ", ".join(f":{name}" for name in [*HASHED_COLUMNS, "hash"])
    tamper(
        filled,
        [
            *renumber(10, 1),
            (
                f"INSERT INTO audit_events ({columns}) VALUES ({placeholders})",
                {**row, "hash": forged_hash},
            ),
        ],
    )
    problem, seq, message = first_finding(filled)
    assert (problem, seq) == ("inserted", 10)
    assert "event 10 was inserted" in message


def test_reordered_events_are_named(filled: Database) -> None:
    statements: list[tuple[str, dict[str, Any]]] = []
    for table in ("audit_events", "audit_entities"):
        statements += [
            (f"UPDATE {table} SET seq = 100000 WHERE seq = 20", {}),
            (f"UPDATE {table} SET seq = 20 WHERE seq = 21", {}),
            (f"UPDATE {table} SET seq = 21 WHERE seq = 100000", {}),
        ]
    tamper(filled, statements)
    problem, seq, message = first_finding(filled)
    assert (problem, seq) == ("reordered", 20)
    assert "recorded as event 21" in message


def test_a_chain_rewritten_with_fresh_hashes_is_caught_by_its_checkpoints(
    database: Database,
    actor: Actor,
    make_trail: Callable[..., AuditTrail],
    store: LocalObjectStore,
) -> None:
    trail = make_trail(interval=10)
    fill(database, trail, actor, count=25)
    # Delete event 5 and rebuild every later event with a new number and a new hash: the chain is
    # consistent again, and only the signed checkpoints (at 10 and 20) know better.
    with database.engine.connect() as connection:
        rows = connection.execute(
            select(*[EVENTS.c[name] for name in HASHED_COLUMNS]).order_by(EVENTS.c.seq)
        ).all()
        entities = connection.execute(
            text("SELECT seq, kind, value FROM audit_entities ORDER BY seq, position")
        ).all()
    by_seq: dict[int, list[tuple[str, str]]] = {}
    for seq, kind, value in entities:
        by_seq.setdefault(seq, []).append((kind, value))
    statements: list[tuple[str, dict[str, Any]]] = [
        ("DELETE FROM audit_entities WHERE seq >= 5", {}),
        ("DELETE FROM audit_events WHERE seq >= 5", {}),
    ]
    previous = next(r for r in rows if r[0] == 4)
    prev_hash = event_hash(tuple(previous), by_seq[4], seq=4)
    columns = [*HASHED_COLUMNS, "hash"]
    for new_seq, row in enumerate((r for r in rows if r[0] > 5), start=5):
        values = list(row)
        values[0] = new_seq
        values[-1] = prev_hash
        prev_hash = event_hash(tuple(values), by_seq[row[0]], seq=new_seq)
        statements.append(
            (
                f"INSERT INTO audit_events ({', '.join(columns)}) "
                f"VALUES ({', '.join(':' + c for c in columns)})",
                {**dict(zip(HASHED_COLUMNS, values, strict=True)), "hash": prev_hash},
            )
        )
        for position, (kind, value) in enumerate(by_seq[row[0]]):
            statements.append(
                (
                    "INSERT INTO audit_entities (seq, position, kind, value) "
                    "VALUES (:s, :p, :k, :v)",
                    {"s": new_seq, "p": position, "k": kind, "v": value},
                )
            )
    statements.append(
        ("UPDATE audit_heads SET seq = 24, hash = :h WHERE name = 'events'", {"h": prev_hash})
    )
    tamper(database, statements)
    assert trail.checkpointer is not None
    report = verify(database.engine, store, [trail.checkpointer.public_key])
    assert report.first is not None
    assert (report.first.problem, report.first.seq) == ("modified", 1)
    assert "checkpoint 1 signed hash" in report.first.message


def test_tampered_checkpoints_are_named(
    database: Database,
    actor: Actor,
    make_trail: Callable[..., AuditTrail],
    store: LocalObjectStore,
) -> None:
    trail = make_trail(interval=5)
    fill(database, trail, actor, count=15)
    assert trail.checkpointer is not None
    keys = [trail.checkpointer.public_key]
    assert verify(database.engine, store, keys).ok
    tamper(database, [("DELETE FROM audit_checkpoints WHERE number = 2", {})])
    messages = [finding.message for finding in verify(database.engine, store, keys).findings]
    assert "checkpoint 2 was deleted from the database" in messages
    # Someone with write access to the folder replaces a checkpoint object (the local store
    # makes it read-only, which root ignores): the signature no longer verifies.
    path = store.root / object_key(3)
    path.chmod(0o644)
    path.write_text(path.read_text().replace('"seq":15', '"seq":14'))
    messages = [finding.message for finding in verify(database.engine, store, keys).findings]
    assert any("checkpoint 3's signature does not verify" in message for message in messages)
    # Without the key's public half the checkpoints cannot be trusted at all.
    assert not verify(database.engine, store, []).ok
