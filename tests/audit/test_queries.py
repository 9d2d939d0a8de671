"""Queries, reports and exports: what auditors ask (HIPAA.md §8) and what their tools read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest
from fhir.resources.R4B.auditevent import AuditEvent as FhirAuditEvent

from audit import AuditTrail, EventFilter, Person, WorkingHours, find_events, iter_events
from audit.export import CSV_HEADER, write_csv, write_ndjson
from audit.reports import (
    after_hours,
    disclosures,
    many_patients,
    patient_access,
    same_surname_or_address,
    user_activity,
)
from indexer.database import Database
from recordroom.core import ConfigurationError, Patient
from recordroom.core.actor import Actor
from tests.audit.conftest import Clock

UTC = dt.UTC
NEW_YORK = "America/New_York"
ALICE = Actor("os:alice", frozenset({"clerk"}), door="web", network_address="10.0.0.5")
BOB = Actor("bob", frozenset({"clerk"}), door="web", network_address="10.0.0.9")
WATCHER = Actor("system:watcher", frozenset(), door="watcher")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def trail(make_trail: Callable[..., AuditTrail]) -> AuditTrail:
    return make_trail()


def record_at(
    database: Database,
    trail: AuditTrail,
    clock: Clock,
    moment: str,
    actor: Actor,
    kind: str,
    **fields: object,
) -> None:
    clock.now = at(moment)
    with database.session() as session:
        trail.record(session, actor, kind, **fields)  # type: ignore[arg-type]
        session.commit()


@pytest.fixture
def history(database: Database, trail: AuditTrail, clock: Clock) -> Database:
    """A small week of a clinic (times UTC; New York is UTC-5 in November)."""
    events: Sequence[tuple[str, Actor, str, dict[str, object]]] = [
        ("2026-11-02T14:00:00", ALICE, "login", {}),
        ("2026-11-02T14:05:00", ALICE, "search", {"query": "Smith", "patients": ["M1", "M2"]}),
        ("2026-11-02T14:06:00", ALICE, "document.read", {"documents": ["d1"], "patients": ["M1"]}),
        ("2026-11-02T15:00:00", BOB, "document.read", {"documents": ["d2"], "patients": ["M2"]}),
        ("2026-11-02T15:01:00", WATCHER, "document.create", {"documents": ["d3"]}),
        ("2026-11-03T03:30:00", BOB, "document.read", {"documents": ["d1"], "patients": ["M1"]}),
        ("2026-11-03T16:00:00", ALICE, "login", {"outcome": "minor", "detail": "bad password"}),
        (
            "2026-11-04T16:00:00",
            ALICE,
            "disclosure",
            {
                "documents": ["d1"],
                "patients": ["M1"],
                "requests": ["r1"],
                "recipient": "Acme Law LLP",
                "purpose": "LEGAL",
            },
        ),
        ("2026-11-07T16:00:00", BOB, "patient.read", {"patients": ["M3"]}),  # a Saturday
    ]
    for moment, actor, kind, fields in events:
        record_at(database, trail, clock, moment, actor, kind, **fields)
    return database


def seqs(events: Sequence[object]) -> list[int]:
    return [event.seq for event in events]  # type: ignore[attr-defined]


def test_filters_each_select_what_they_name(history: Database) -> None:
    with history.session() as session:

        def find(**where: object) -> list[int]:
            page = find_events(session, EventFilter(**where), order="oldest")  # type: ignore[arg-type]
            return seqs(page.events)

        assert find(user_id="bob") == [4, 6, 9]
        assert find(patient="M1") == [2, 3, 6, 8]
        assert find(document="d1") == [3, 6, 8]
        assert find(request="r1") == [8]
        assert find(action="C") == [5]
        assert find(outcome="minor") == [7]
        assert find(network_address="10.0.0.9") == [4, 6, 9]
        assert find(since=at("2026-11-03T00:00:00"), until=at("2026-11-04T00:00:00")) == [6, 7]
        assert find(user_id="bob", patient="M1") == [6]
        assert find(kind="disclosure") == [8]


def test_pages_newest_first_by_cursor(history: Database) -> None:
    with history.session() as session:
        first = find_events(session, limit=4)
        assert seqs(first.events) == [9, 8, 7, 6]
        second = find_events(session, limit=4, cursor=first.next_cursor)
        assert seqs(second.events) == [5, 4, 3, 2]
        last = find_events(session, limit=4, cursor=second.next_cursor)
        assert seqs(last.events) == [1]
        assert last.next_cursor is None
        assert seqs(list(iter_events(session, batch=2))) == list(range(1, 10))


def test_reports_answer_the_auditors_questions(history: Database) -> None:
    hours = WorkingHours.parse("08:00-18:00", "mon,tue,wed,thu,fri", NEW_YORK)
    week = (at("2026-11-01T00:00:00"), at("2026-11-08T00:00:00"))
    with history.session() as session:
        assert seqs(list(patient_access(session, "M1"))) == [2, 3, 6, 8]
        assert seqs(list(user_activity(session, "os:alice", *week))) == [1, 2, 3, 7, 8]
        # 03:30 UTC is 22:30 in New York; Saturday is not a working day; the watcher is no one
        assert seqs(list(after_hours(session, hours, *week))) == [6, 9]
        # bob's 03:30 UTC read falls on his New York Monday: two patients that day
        heavy = many_patients(session, 1, hours, *week)
        assert [(h.user_id, h.day.isoformat(), h.patients) for h in heavy] == [
            ("bob", "2026-11-02", 2),
            ("os:alice", "2026-11-02", 2),
        ]
        assert many_patients(session, 2, hours, *week) == []
        released = list(disclosures(session, *week, recipient="acme law llp"))
        assert seqs(released) == [8]
        assert released[0].purpose == "LEGAL"
        assert list(disclosures(session, *week, purpose="TREAT")) == []


def test_users_reading_their_namesakes_and_housemates(history: Database) -> None:
    registry = {
        "M1": Patient("M1", "Smith-Jones", "Ann", dt.date(1970, 1, 1)),
        "M2": Patient(
            "M2", "Doe", "Jon", dt.date(1980, 1, 1), address_line="12 Elm St.", postal_code="02139"
        ),
        "M3": Patient("M3", "Bobson", "Ann", dt.date(1990, 1, 1)),
    }
    people = {
        "os:alice": Person("smith-jones"),
        "bob": Person("Bobson", address_line="12 ELM ST", postal_code="02139-4307"),
    }
    asked: list[list[str]] = []

    def lookup(mrns: Sequence[str]) -> dict[str, Patient]:
        asked.append(list(mrns))
        return {mrn: registry[mrn] for mrn in mrns if mrn in registry}

    with history.session() as session:
        found = same_surname_or_address(
            session, people, lookup, at("2026-11-01T00:00:00"), at("2026-11-08T00:00:00")
        )
    assert [(f.user_id, f.patient, f.reason, f.event.seq) for f in found] == [
        ("os:alice", "M1", "surname", 2),
        ("os:alice", "M1", "surname", 3),
        ("bob", "M2", "address", 4),
        ("os:alice", "M1", "surname", 8),  # she released her namesake's records too
        ("bob", "M3", "surname", 9),
    ]
    assert asked == [["M1", "M2", "M3"]]


def test_working_hours_are_checked() -> None:
    with pytest.raises(ConfigurationError):
        WorkingHours.parse("8 to 6", "mon")
    with pytest.raises(ConfigurationError):
        WorkingHours.parse("08:00-18:00", "funday")
    with pytest.raises(ConfigurationError):
        WorkingHours.parse("08:00-18:00", "mon", "Mars/Olympus")


def test_csv_export(history: Database) -> None:
    out = io.StringIO()
    with history.session() as session:
        assert write_csv(iter_events(session), out) == 9
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_HEADER
    assert rows[1]["query"] == "Smith"
    assert rows[1]["patients"] == "M1 M2"
    assert rows[7]["recipient"] == "Acme Law LLP"
    assert rows[0]["recorded"] == "2026-11-02T14:00:00.000000Z"
    assert rows[1]["prev_hash"] == rows[0]["hash"]


def test_csv_cells_never_become_formulas(database: Database, trail: AuditTrail) -> None:
    with database.session() as session:
        trail.record(session, ALICE, "search", query='=HYPERLINK("http://x")')
        session.commit()
        out = io.StringIO()
        write_csv(iter_events(session), out)
    assert next(csv.DictReader(io.StringIO(out.getvalue())))["query"].startswith("'=")


def test_every_ndjson_line_is_a_valid_fhir_audit_event(history: Database) -> None:
    out = io.StringIO()
    with history.session() as session:
        assert write_ndjson(iter_events(session), out) == 9
    lines = out.getvalue().splitlines()
    assert len(lines) == 9
    resources = [json.loads(line) for line in lines]
    for resource in resources:
        FhirAuditEvent.model_validate(resource)
    search, disclosure, failed_login = resources[1], resources[7], resources[6]
    assert search["type"]["code"] == "110112"
    assert search["agent"][0]["who"]["identifier"]["value"] == "os:alice"
    assert search["agent"][0]["network"] == {"address": "10.0.0.5", "type": "2"}
    query = next(entity for entity in search["entity"] if entity["role"]["code"] == "24")
    assert query["query"] == "U21pdGg="  # base64 of "Smith"
    patients = [
        entity["what"]["identifier"]["value"]
        for entity in search["entity"]
        if entity["role"]["code"] == "1"
    ]
    assert patients == ["M1", "M2"]
    assert disclosure["subtype"][0]["code"] == "disclose"
    assert disclosure["agent"][0]["purposeOfUse"][0]["coding"][0]["code"] == "LEGAL"
    assert disclosure["agent"][1]["who"]["display"] == "Acme Law LLP"
    lifecycles = {
        entity["lifecycle"]["code"] for entity in disclosure["entity"] if "lifecycle" in entity
    }
    assert lifecycles == {"disclose"}
    assert failed_login["outcome"] == "4"
    assert failed_login["subtype"][0]["code"] == "110122"


def test_every_kind_exports_as_valid_fhir(database: Database, trail: AuditTrail) -> None:
    from audit import EVENT_KINDS

    with database.session() as session:
        for kind in EVENT_KINDS:
            trail.record(session, replace(ALICE, network_address="desk-7"), kind, users=["bob"])
        session.commit()
        out = io.StringIO()
        write_ndjson(iter_events(session), out)
    for line in out.getvalue().splitlines():
        FhirAuditEvent.model_validate(json.loads(line))
