"""The audit trail as JSON under ``/api/audit/``: the same use-cases as the auditors' pages and
``recordroom audit …``; each call is itself recorded (``audit.read``).

Dates (``since``, ``until``) are ISO times or ``YYYY-MM-DD``; without a zone they are the
office's (as at the command line); ``until`` is exclusive.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from recordroom.core.actor import Actor
from recordroom.usecases import audit as usecases
from recordroom.usecases.audit import EVENT_KINDS, AuditEvent, EventFilter
from recordroom.web.api import ERRORS
from recordroom.web.audit import export_response
from recordroom.web.auth import allow, context_of
from recordroom.wiring import Context

router = APIRouter(prefix="/api/audit", tags=["audit"], responses=ERRORS)
Auditor = Annotated[Actor, Depends(allow("auditor"))]
Text = Annotated[str | None, Query(max_length=200)]
When = Annotated[
    dt.datetime | None,
    Query(description="an ISO time, or YYYY-MM-DD; without a zone, the office's time"),
]
Kind = Annotated[
    str | None, Query(max_length=64, description=f"one of: {', '.join(sorted(EVENT_KINDS))}")
]
Action = Literal["C", "R", "U", "D", "E"]
Outcome = Literal["success", "minor", "serious", "major"]


class EventOut(BaseModel):
    seq: int
    recorded: str
    kind: str
    type: str
    subtype: str | None
    action: str
    outcome: str
    user: str
    roles: list[str]
    door: str
    network_address: str | None
    site: str
    host: str | None
    purpose: str | None
    query: str | None
    recipient: str | None
    detail: str | None
    patients: list[str]
    documents: list[str]
    requests: list[str]
    hash: str


class EventsPage(BaseModel):
    events: list[EventOut]
    next_cursor: int | None


class Problem(BaseModel):
    problem: str
    seq: int | None
    message: str


class CheckpointOut(BaseModel):
    number: int
    seq: int
    created: dt.datetime
    reason: str
    key_id: str
    hash: str


class ChainOut(BaseModel):
    ok: bool
    events: int
    head_seq: int
    checkpoints: int
    seconds: float
    problems: list[Problem]
    latest_checkpoints: list[CheckpointOut]


class HeavyReaderOut(BaseModel):
    user: str
    day: dt.date
    patients: int
    first_seq: int
    last_seq: int


def _events(events: list[AuditEvent]) -> list[EventOut]:
    return [EventOut.model_validate(event.as_json()) for event in events]


def _zone(ctx: Context) -> dt.tzinfo:
    return usecases.working_hours(ctx).zone


def _local(moment: dt.datetime | None, zone: dt.tzinfo) -> dt.datetime | None:
    """A time without a zone is the office's (as at the command line)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=zone)


def _period(
    ctx: Context, since: dt.datetime | None, until: dt.datetime | None
) -> tuple[dt.datetime, dt.datetime]:
    zone = _zone(ctx)
    return usecases.period(_local(since, zone), _local(until, zone))


def api_filter(
    request: Request,
    user: Text = None,
    patient: Text = None,
    document: Text = None,
    request_id: Annotated[str | None, Query(alias="request", max_length=200)] = None,
    kind: Kind = None,
    action: Action | None = None,
    outcome: Outcome | None = None,
    address: Text = None,
    since: When = None,
    until: When = None,
) -> EventFilter:
    zone = _zone(context_of(request))
    return EventFilter(
        user_id=user or None,
        patient=patient or None,
        document=document or None,
        request=request_id or None,
        kind=kind,
        action=action,
        outcome=outcome,
        network_address=address or None,
        since=_local(since, zone),
        until=_local(until, zone),
    )


Where = Annotated[EventFilter, Depends(api_filter)]


@router.get("/events")
def api_events(
    request: Request,
    actor: Auditor,
    where: Where,
    order: Literal["newest", "oldest"] = "newest",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[int | None, Query(ge=0)] = None,
) -> EventsPage:
    """One page of events; pass ``next_cursor`` as ``cursor`` for the next."""
    page = usecases.audit_events(
        context_of(request), actor, where, order=order, limit=limit, cursor=cursor
    )
    return EventsPage(events=_events(page.events), next_cursor=page.next_cursor)


@router.get("/reports/patient/{mrn}")
def api_report_patient(
    request: Request,
    actor: Auditor,
    mrn: Annotated[str, Path(min_length=1, max_length=64)],
    since: When = None,
    until: When = None,
) -> list[EventOut]:
    """Who accessed patient ``mrn``, when and why (oldest first)."""
    ctx = context_of(request)
    zone = _zone(ctx)
    events = usecases.report_patient(ctx, actor, mrn, _local(since, zone), _local(until, zone))
    return _events(events)


@router.get("/reports/user/{user_id}")
def api_report_user(
    request: Request,
    actor: Auditor,
    user_id: Annotated[str, Path(min_length=1, max_length=64)],
    since: When = None,
    until: When = None,
) -> list[EventOut]:
    """Everything one user did in the period (the last 30 days unless given)."""
    ctx = context_of(request)
    return _events(usecases.report_user(ctx, actor, user_id, *_period(ctx, since, until)))


@router.get("/reports/after-hours")
def api_report_after_hours(
    request: Request, actor: Auditor, since: When = None, until: When = None
) -> list[EventOut]:
    """People's events outside working hours (``RECORDROOM_AUDIT_WORKING_*``)."""
    ctx = context_of(request)
    return _events(usecases.report_after_hours(ctx, actor, *_period(ctx, since, until)))


@router.get("/reports/many-patients")
def api_report_many_patients(
    request: Request,
    actor: Auditor,
    threshold: Annotated[int, Query(ge=0, le=100_000)] = 50,
    since: When = None,
    until: When = None,
) -> list[HeavyReaderOut]:
    """Users who read more than ``threshold`` distinct patients in one day."""
    ctx = context_of(request)
    readers = usecases.report_many_patients(ctx, actor, threshold, *_period(ctx, since, until))
    return [
        HeavyReaderOut(
            user=r.user_id,
            day=r.day,
            patients=r.patients,
            first_seq=r.first_seq,
            last_seq=r.last_seq,
        )
        for r in readers
    ]


@router.get("/reports/disclosures")
def api_report_disclosures(
    request: Request,
    actor: Auditor,
    recipient: Text = None,
    purpose: Text = None,
    since: When = None,
    until: When = None,
) -> list[EventOut]:
    """Every release of records in the period, by recipient or purpose."""
    ctx = context_of(request)
    events = usecases.report_disclosures(
        ctx, actor, *_period(ctx, since, until), recipient=recipient, purpose=purpose
    )
    return _events(events)


@router.get("/chain")
def api_chain(request: Request, actor: Auditor) -> ChainOut:
    """Verify the hash chain and the signed checkpoints now."""
    status = usecases.chain_status(context_of(request), actor)
    report = status.report
    return ChainOut(
        ok=report.ok,
        events=report.events,
        head_seq=report.head_seq,
        checkpoints=report.checkpoints,
        seconds=round(report.seconds, 3),
        problems=[
            Problem(problem=f.problem, seq=f.seq, message=f.message) for f in report.findings
        ],
        latest_checkpoints=[
            CheckpointOut(
                number=c.number,
                seq=c.seq,
                created=c.created if c.created.tzinfo else c.created.replace(tzinfo=dt.UTC),
                reason=c.reason,
                key_id=c.key_id,
                hash=c.hash,
            )
            for c in status.checkpoints
        ],
    )


@router.get(
    "/export",
    response_class=Response,
    responses={
        200: {
            "description": "the events, as `recordroom audit export` writes them",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
        }
    },
)
def api_export(
    request: Request, actor: Auditor, where: Where, format: Literal["csv", "ndjson"] = "csv"
) -> Response:
    """The events ``where`` selects as CSV (the CLI's header) or FHIR R4 AuditEvent NDJSON."""
    return export_response(context_of(request), actor, format, where)
