"""The audit trail for auditors: verify it, query it, run the reports, export it, checkpoint it.

Reading the trail is itself recorded (``audit.read``, DICOM 110101 Audit Log Used), naming the
patient or user looked up, in the same transaction as the read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from sqlalchemy import select

from audit import EventFilter, Page, Person, VerifyReport, WorkingHours, find_events, verify
from audit.checkpoints import Checkpoint, latest_checkpoints
from audit.events import EVENT_KINDS, OUTCOME_CODES, AuditEvent, Outcome, iso_utc
from audit.export import write_csv, write_ndjson
from audit.queries import Order, iter_events
from audit.reports import (
    CloseAccess,
    HeavyReader,
    after_hours,
    disclosures,
    many_patients,
    patient_access,
    same_surname_or_address,
    user_activity,
)
from indexer.models import PatientRow
from indexer.patients import to_patient
from recordroom.core import ConfigurationError, Patient
from recordroom.core.actor import Actor
from recordroom.wiring import Context, UnitOfWork

ExportFormat = Literal["csv", "ndjson"]
DEFAULT_DAYS = 30  # a report's period when it is not given

# What the doors need of the audit records, so that they import the use-cases only.
__all__ = [
    "EVENT_KINDS",
    "OUTCOME_CODES",
    "AuditEvent",
    "ChainStatus",
    "EventFilter",
    "Person",
    "audit_events",
    "chain_status",
    "checkpoint_trail",
    "export_trail",
    "iso_utc",
    "parse_time",
    "period",
    "report_after_hours",
    "report_disclosures",
    "report_many_patients",
    "report_patient",
    "report_same_surname",
    "report_user",
    "verify_trail",
    "working_hours",
]


def working_hours(ctx: Context) -> WorkingHours:
    settings = ctx.settings
    return WorkingHours.parse(
        settings.audit_working_hours, settings.audit_working_days, settings.audit_timezone
    )


def parse_time(text: str | None, zone: dt.tzinfo) -> dt.datetime | None:
    """``YYYY-MM-DD`` (midnight in ``zone``) or an ISO time (``zone`` when it has none); None
    for an empty text."""
    if not text:
        return None
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), zone)
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigurationError(f"{text!r} is not a date (YYYY-MM-DD) or ISO time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def period(since: dt.datetime | None, until: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    """A report's period: until now, and the ``DEFAULT_DAYS`` before ``until``, unless given."""
    end = until or dt.datetime.now(dt.UTC)
    return since or end - dt.timedelta(days=DEFAULT_DAYS), end


@dataclass(frozen=True, slots=True)
class ChainStatus:
    """The trail verified now, and its latest checkpoints (newest first)."""

    report: VerifyReport
    checkpoints: tuple[Checkpoint, ...]


def verify_trail(ctx: Context, actor: Actor) -> VerifyReport:
    """Walk the chain and the checkpoints (with the office's signing key)."""
    report = _verify(ctx)
    with ctx.unit_of_work(actor) as unit:
        _record_verify(unit, report)
    return report


def chain_status(ctx: Context, actor: Actor, *, checkpoints: int = 10) -> ChainStatus:
    """``verify_trail``, with the latest ``checkpoints`` checkpoints to show beside it."""
    report = _verify(ctx)
    with ctx.unit_of_work(actor) as unit:
        latest = tuple(latest_checkpoints(unit.session, checkpoints))
        _record_verify(unit, report)
    return ChainStatus(report, latest)


def _verify(ctx: Context) -> VerifyReport:
    checkpointer = ctx.audit.checkpointer
    keys = [checkpointer.public_key] if checkpointer is not None else []
    return verify(ctx.database.engine, ctx.store, keys)


def _record_verify(unit: UnitOfWork, report: VerifyReport) -> None:
    outcome: Outcome = "success" if report.ok else "serious"
    summary = "intact" if report.ok else f"{len(report.findings)} problem(s)"
    unit.record("audit.read", outcome=outcome, detail=f"verify: {report.events} events, {summary}")


def audit_events(
    ctx: Context,
    actor: Actor,
    where: EventFilter,
    *,
    order: Order = "newest",
    limit: int = 100,
    cursor: int | None = None,
) -> Page:
    """One page of events ``where`` selects."""
    with ctx.unit_of_work(actor) as unit:
        page = find_events(unit.session, where, order=order, limit=limit, cursor=cursor)
        _record_read(unit, "events", where)
    return page


def report_patient(
    ctx: Context, actor: Actor, mrn: str, since: dt.datetime | None, until: dt.datetime | None
) -> list[AuditEvent]:
    """Who accessed patient ``mrn``, when and why."""
    with ctx.unit_of_work(actor) as unit:
        events = list(patient_access(unit.session, mrn, since, until))
        _record_read(unit, "report patient", EventFilter(patient=mrn, since=since, until=until))
    return events


def report_user(
    ctx: Context, actor: Actor, user_id: str, since: dt.datetime, until: dt.datetime
) -> list[AuditEvent]:
    """Everything ``user_id`` did in the period."""
    with ctx.unit_of_work(actor) as unit:
        events = list(user_activity(unit.session, user_id, since, until))
        _record_read(unit, "report user", EventFilter(user_id=user_id, since=since, until=until))
    return events


def report_after_hours(
    ctx: Context, actor: Actor, since: dt.datetime, until: dt.datetime
) -> list[AuditEvent]:
    """People's events outside the office's working hours."""
    hours = working_hours(ctx)
    with ctx.unit_of_work(actor) as unit:
        events = list(after_hours(unit.session, hours, since, until))
        _record_read(unit, "report after-hours", EventFilter(since=since, until=until))
    return events


def report_many_patients(
    ctx: Context, actor: Actor, threshold: int, since: dt.datetime, until: dt.datetime
) -> list[HeavyReader]:
    """Users who read more than ``threshold`` distinct patients in a day."""
    hours = working_hours(ctx)
    with ctx.unit_of_work(actor) as unit:
        found = many_patients(unit.session, threshold, hours, since, until)
        _record_read(unit, f"report many-patients > {threshold}", EventFilter(since=since))
    return found


def report_same_surname(
    ctx: Context,
    actor: Actor,
    people: Mapping[str, Person],
    since: dt.datetime,
    until: dt.datetime,
) -> list[CloseAccess]:
    """Users who read a patient sharing their surname or address; ``people`` says what the
    accounts know of each user (the web app's accounts, or a file at the command line)."""
    with ctx.unit_of_work(actor) as unit:
        session = unit.session

        def lookup(mrns: Sequence[str]) -> dict[str, Patient]:
            rows = session.scalars(select(PatientRow).where(PatientRow.mrn.in_(mrns)))
            return {row.mrn: to_patient(row) for row in rows}

        found = same_surname_or_address(session, people, _batched(lookup), since, until)
        _record_read(unit, "report same-surname", EventFilter(since=since, until=until))
    return found


def report_disclosures(
    ctx: Context,
    actor: Actor,
    since: dt.datetime | None,
    until: dt.datetime | None,
    *,
    recipient: str | None = None,
    purpose: str | None = None,
) -> list[AuditEvent]:
    """Every release of records in the period, by recipient or purpose."""
    with ctx.unit_of_work(actor) as unit:
        events = list(disclosures(unit.session, since, until, recipient=recipient, purpose=purpose))
        _record_read(
            unit, "report disclosures", EventFilter(kind="disclosure", since=since, until=until)
        )
    return events


def export_trail(
    ctx: Context, actor: Actor, target: Path | IO[str], fmt: ExportFormat, where: EventFilter
) -> int:
    """Write the events ``where`` selects to ``target`` (a file, or an open text stream), as CSV
    or FHIR AuditEvent NDJSON; returns how many."""
    with ctx.unit_of_work(actor) as unit, ExitStack() as stack:
        out = (
            stack.enter_context(target.open("w", encoding="utf-8", newline=""))
            if isinstance(target, Path)
            else target
        )
        events: Iterator[AuditEvent] = iter_events(unit.session, where)
        writer: Callable[[Iterator[AuditEvent], IO[str]], int] = (
            write_csv if fmt == "csv" else write_ndjson
        )
        count = writer(events, out)
        _record_read(unit, f"export {fmt}, {count} events", where)
    return count


def checkpoint_trail(ctx: Context, actor: Actor) -> Checkpoint | None:
    """A signed checkpoint of the trail now (None when the last one already covers it)."""
    with ctx.unit_of_work(actor) as unit:
        unit.record("audit.read", detail="checkpoint")
    return ctx.audit.checkpoint(ctx.database.engine, "manual")


def _record_read(unit: UnitOfWork, what: str, where: EventFilter) -> None:
    unit.record(
        "audit.read",
        patients=[where.patient or ""],
        documents=[where.document or ""],
        requests=[where.request or ""],
        users=[where.user_id or ""],
        detail=what,
    )


def _batched(
    lookup: Callable[[Sequence[str]], dict[str, Patient]], size: int = 500
) -> Callable[[Sequence[str]], dict[str, Patient]]:
    def batched(mrns: Sequence[str]) -> dict[str, Patient]:
        found: dict[str, Patient] = {}
        for start in range(0, len(mrns), size):
            found.update(lookup(mrns[start : start + size]))
        return found

    return batched
