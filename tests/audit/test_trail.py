"""Recording: in the caller's transaction, chained, serialised, checkpointed."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from audit import AuditTrail, find_events, open_trail, verify
from audit.chain import canonical, canonical_event, event_form
from audit.checkpoints import object_key, parse_document, signature_valid
from audit.models import AuditCheckpointRow, AuditEventRow
from indexer.database import Database
from recordroom.core.actor import Actor
from recordroom.core.settings import Settings, load_settings
from storage import open_store
from storage.envelope import envelope_key
from storage.local import LocalObjectStore
from storage.s3 import S3ObjectStore
from tests.services import S3Server, new_bucket_name


def count_events(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEventRow)) or 0)


def test_an_event_commits_with_its_action_or_not_at_all(
    any_database: Database, actor: Actor, make_trail: Callable[..., AuditTrail]
) -> None:
    trail = make_trail()
    with any_database.session() as session:
        trail.record(session, actor, "document.read", documents=["d1"], patients=["M1"])
        session.rollback()
    assert count_events(any_database) == 0
    with any_database.session() as session:
        event = trail.record(session, actor, "document.read", documents=["d1"], patients=["M1"])
        session.commit()
    assert event.seq == 1
    assert count_events(any_database) == 1
    report = verify(any_database.engine, None)
    assert report.ok, report.findings
    assert report.events == 1


def test_the_event_holds_what_fhir_asks(
    database: Database, actor: Actor, make_trail: Callable[..., AuditTrail]
) -> None:
    trail = make_trail()
    with database.session() as session:
        trail.record(
            session,
            actor,
            "search",
            documents=["d2", "d1", "d2"],
            patients=["M9"],
            query="chest pain",
            purpose="TREAT",
        )
        session.commit()
        event = find_events(session).events[0]
    assert (event.type_code, event.subtype_code, event.action) == ("110112", "search-type", "E")
    assert event.outcome == "success"
    assert event.user_id == "os:alice"
    assert event.roles == ("admin", "clerk")
    assert (event.door, event.host, event.network_address) == ("cli", "desk-1", "10.0.0.5")
    assert event.site == "clinic"
    assert event.documents == ("d2", "d1")  # each once, in the order given
    assert event.patients == ("M9",)
    assert event.query == "chest pain"
    assert event.purpose == "TREAT"
    assert event.recorded.tzinfo is not None
    assert event.prev_hash == "0" * 64
    assert len(event.hash) == 64


def test_unknown_kinds_and_outcomes_are_refused(
    database: Database, actor: Actor, make_trail: Callable[..., AuditTrail]
) -> None:
    trail = make_trail()
    with database.session() as session, pytest.raises(ValueError):
        trail.record(session, actor, "document.peek")
    with database.session() as session, pytest.raises(ValueError):
        trail.record(session, actor, "login", outcome="meh")  # type: ignore[arg-type]


def test_concurrent_writers_make_one_unbroken_chain(
    any_database: Database, actor: Actor, make_trail: Callable[..., AuditTrail]
) -> None:
    trail = make_trail()
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(15):
                with any_database.session() as session:
                    trail.record(session, actor, "document.read", documents=[f"d{worker}-{i}"])
                    session.commit()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert count_events(any_database) == 60
    report = verify(any_database.engine, None)
    assert report.ok, report.findings
    assert report.events == 60


def test_checkpoints_every_n_events_and_at_shutdown(
    any_database: Database,
    actor: Actor,
    make_trail: Callable[..., AuditTrail],
    store: LocalObjectStore,
) -> None:
    trail = make_trail(interval=5)
    for i in range(12):
        with any_database.session() as session:
            trail.record(session, actor, "patient.read", patients=[f"M{i}"])
            session.commit()
    with any_database.session() as session:
        rows = session.scalars(select(AuditCheckpointRow).order_by(AuditCheckpointRow.number))
        assert [(row.number, row.seq, row.reason) for row in rows] == [
            (1, 5, "interval"),
            (2, 10, "interval"),
        ]
    trail.close(any_database.engine)
    trail.close(any_database.engine)  # nothing new: no second shutdown checkpoint
    assert not store.exists(object_key(4))
    third = parse_document(store.get(object_key(3)))
    assert (third.seq, third.reason) == (12, "shutdown")
    second = parse_document(store.get(object_key(2)))
    assert third.previous == second.hash
    assert trail.checkpointer is not None
    keys = {trail.checkpointer.key_id: trail.checkpointer.public_key}
    assert signature_valid(third, keys)
    # the object is written once, read-only
    assert (store.root / object_key(3)).stat().st_mode & 0o222 == 0
    report = verify(any_database.engine, store, [trail.checkpointer.public_key])
    assert report.ok, report.findings
    assert report.checkpoints == 3
    # checked in three ranges side by side, the same answer
    ranges = verify(
        any_database.engine, store, [trail.checkpointer.public_key], workers=3, parallel_from=1
    )
    assert ranges.ok, ranges.findings
    assert ranges.events == 12


def test_a_rolled_back_event_is_never_checkpointed(
    database: Database,
    actor: Actor,
    make_trail: Callable[..., AuditTrail],
    store: LocalObjectStore,
) -> None:
    trail = make_trail(interval=2)
    with database.session() as session:
        trail.record(session, actor, "login")
        session.commit()
    with database.session() as session:
        trail.record(session, actor, "login")
        session.rollback()
    assert not store.exists(object_key(1))
    with database.session() as session:
        trail.record(session, actor, "logout")
        session.commit()
    checkpoint = parse_document(store.get(object_key(1)))
    assert checkpoint.seq == 2
    assert json.loads(store.get(object_key(1)))["public_key"]


def test_the_signing_key_is_private(
    settings: Settings, make_trail: Callable[..., AuditTrail]
) -> None:
    make_trail()
    assert settings.audit_key_path.stat().st_mode & 0o777 == 0o600
    assert settings.audit_key_path.parent.stat().st_mode & 0o777 == 0o700


def test_processes_starting_together_in_a_new_home_share_one_signing_key(tmp_path: Path) -> None:
    # Two workers started at once in a new home each found no key; the second one's create
    # failed on the first one's file, and the worker stopped.
    from concurrent.futures import ThreadPoolExecutor

    from audit.checkpoints import create_key, ensure_key, key_id

    path = tmp_path / "keys" / "audit-ed25519.pem"
    together = threading.Barrier(8, timeout=60)

    def start() -> str:
        together.wait()
        return key_id(ensure_key(path).public_key())

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda _: start(), range(8)))
    assert len(set(ids)) == 1
    assert key_id(ensure_key(path).public_key()) == ids[0]
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # nothing left beside it
    with pytest.raises(FileExistsError):
        create_key(path)  # an existing key is never replaced


@pytest.mark.parametrize(
    "text",
    ["plain", 'quote " and \\ backslash', "tab\tnewline\n", "José Ñúñez 山田", "\u2028", ""],
)
def test_the_fast_canonical_form_is_sorted_key_json(text: str) -> None:
    values = (
        7, dt.datetime(2026, 11, 29, 18, 16, 25, 123456, tzinfo=dt.UTC), "search", "110112",
        None, "E", "success", text, "admin,clerk", "web", None, text, "host", "recordroom",
        None, text, None, text, "f" * 64,
    )  # fmt: skip
    entities = [("patient", text), ("document", "d1")]
    expected = canonical(event_form(values, entities, seq=7))
    assert canonical_event(values, entities, seq=7) == expected
    assert json.loads(expected)["recorded"] == "2026-11-29T18:16:25.123456Z"
    # SQLite hands the time back as text; both spellings give the same form
    as_text = (values[0], "2026-11-29 18:16:25.123456", *values[2:])
    assert canonical_event(as_text, entities, seq=7) == expected


def test_checkpoints_on_an_encrypted_s3_store_are_locked(
    database: Database, actor: Actor, settings: Settings, s3_server: S3Server, tmp_path: Path
) -> None:
    """Through the encrypting store, as `recordroom` wires it: body and envelope of each
    checkpoint carry the server's compliance lock, and verify reads them back."""
    environ = {"RECORDROOM_HOME": str(settings.home), **s3_server.environ(new_bucket_name())}
    store = open_store(load_settings(environ=environ, cwd=tmp_path))
    trail = open_trail(store, settings.audit_key_path, site="clinic", checkpoint_interval=3)
    for i in range(3):
        with database.session() as session:
            trail.record(session, actor, "patient.read", patients=[f"M{i}"])
            session.commit()
    assert isinstance(store.backend, S3ObjectStore)
    for key in (object_key(1), envelope_key(object_key(1))):
        until = store.backend.retained_until(key)
        assert until is not None and until > dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * 6)
    assert trail.checkpointer is not None
    report = verify(database.engine, store, [trail.checkpointer.public_key])
    assert report.ok, report.findings
    assert report.checkpoints == 1
