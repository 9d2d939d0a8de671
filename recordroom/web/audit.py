"""The auditors' pages: events by filter, the reports, the export, the chain's status.

Each page calls one use-case of ``recordroom.usecases.audit``, which records the reading of the
trail (``audit.read``) in the same transaction; the auditor role only reads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse

from recordroom.core import NotFoundError
from recordroom.core.actor import Actor
from recordroom.core.private import make_private_dir
from recordroom.usecases import audit as usecases
from recordroom.usecases.audit import (
    EVENT_KINDS,
    OUTCOME_CODES,
    AuditEvent,
    EventFilter,
    ExportFormat,
    parse_time,
)
from recordroom.web.auth import allow, context_of
from recordroom.web.render import render
from recordroom.wiring import Context

router = APIRouter(include_in_schema=False)
Auditor = Annotated[Actor, Depends(allow("auditor"))]
Field = Annotated[str, Query(max_length=200)]
Day = Annotated[str, Query(max_length=32)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
PAGE_SIZE = 50
ACTIONS = ("C", "R", "U", "D", "E")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}


@dataclass(frozen=True, slots=True)
class Filters:
    """The event filter as the form spells it, kept to refill the form and the page links."""

    user: str = ""
    patient: str = ""
    document: str = ""
    request: str = ""
    kind: str = ""
    action: str = ""
    outcome: str = ""
    address: str = ""
    since: str = ""
    until: str = ""

    def query(self) -> str:
        """The non-empty fields as a query string (for the next page and the export links)."""
        return urlencode({name: value for name, value in self.fields().items() if value})

    def fields(self) -> dict[str, str]:
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


def event_filter(ctx: Context, filters: Filters) -> EventFilter:
    """The use-cases' filter; dates are the office's days, ``until`` includes its day."""
    zone = usecases.working_hours(ctx).zone
    return EventFilter(
        user_id=filters.user.strip() or None,
        patient=filters.patient.strip() or None,
        document=filters.document.strip() or None,
        request=filters.request.strip() or None,
        kind=filters.kind if filters.kind in EVENT_KINDS else None,
        action=filters.action if filters.action in ACTIONS else None,
        outcome=filters.outcome if filters.outcome in OUTCOME_CODES else None,
        network_address=filters.address.strip() or None,
        since=parse_time(filters.since.strip(), zone),
        until=inclusive_until(filters.until.strip(), zone),
    )


def inclusive_until(text: str, zone: dt.tzinfo) -> dt.datetime | None:
    """A form's "to" day includes that day: the period ends at the next midnight."""
    moment = parse_time(text, zone)
    if moment is not None and len(text) == 10:
        return moment + dt.timedelta(days=1)
    return moment


def filters_of(
    user: Field = "",
    patient: Field = "",
    document: Field = "",
    request: Field = "",
    kind: Field = "",
    action: Field = "",
    outcome: Field = "",
    address: Field = "",
    since: Day = "",
    until: Day = "",
) -> Filters:
    return Filters(user, patient, document, request, kind, action, outcome, address, since, until)


FormFilters = Annotated[Filters, Depends(filters_of)]


def _render(request: Request, name: str, values: dict[str, object]) -> Response:
    return render(
        request,
        name,
        {"kinds": sorted(EVENT_KINDS), "actions": ACTIONS, "outcomes": tuple(OUTCOME_CODES)}
        | values,
    )


@router.get("/audit")
def audit_home(request: Request, actor: Auditor) -> Response:
    return render(request, "audit_home.html", {})


@router.get("/audit/events")
def events_page(
    request: Request,
    actor: Auditor,
    filters: FormFilters,
    order: Annotated[str, Query(pattern="^(newest|oldest)$")] = "newest",
    cursor: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    ctx = context_of(request)
    page = usecases.audit_events(
        ctx,
        actor,
        event_filter(ctx, filters),
        order="oldest" if order == "oldest" else "newest",
        limit=PAGE_SIZE,
        cursor=cursor,
    )
    return _render(
        request,
        "audit_events.html",
        {
            "filters": filters,
            "order": order,
            "events": page.events,
            "next_cursor": page.next_cursor,
            "first_page": cursor is None,
        },
    )


@dataclass(frozen=True, slots=True)
class Report:
    """One report page: its title, what it answers, and the form fields it takes."""

    name: str
    title: str
    question: str
    fields: tuple[str, ...]


REPORTS = {
    report.name: report
    for report in (
        Report(
            "patient",
            "Who accessed a patient",
            "who opened patient MRN's records, when, why",
            ("mrn",),
        ),
        Report("user", "What a user did", "everything one user did in the period", ("user",)),
        Report("after-hours", "After hours", "people's activity outside working hours", ()),
        Report(
            "many-patients",
            "Many patients a day",
            "users who read more than N distinct patients in one day",
            ("threshold",),
        ),
        Report(
            "disclosures",
            "Disclosures",
            "records released, by recipient or purpose",
            ("recipient", "purpose"),
        ),
    )
}


def _period(ctx: Context, since: str, until: str) -> tuple[dt.datetime, dt.datetime]:
    zone = usecases.working_hours(ctx).zone
    return usecases.period(parse_time(since.strip(), zone), inclusive_until(until.strip(), zone))


def _report_page(
    request: Request,
    report: Report,
    values: Mapping[str, object],
    rows: Sequence[object],
    offset: int,
) -> Response:
    shown = {name: value for name, value in values.items() if value not in ("", None)}
    return _render(
        request,
        "audit_report.html",
        {
            "report": report,
            "reports": REPORTS.values(),
            "values": values,
            "rows": rows[offset : offset + PAGE_SIZE],
            "total": len(rows),
            "offset": offset,
            "page_size": PAGE_SIZE,
            "more": len(rows) > offset + PAGE_SIZE,
            "query": urlencode({k: str(v) for k, v in shown.items()}) + "&",
        },
    )


@router.get("/audit/reports/patient")
def report_patient(
    request: Request,
    actor: Auditor,
    mrn: Annotated[str, Query(max_length=64)] = "",
    since: Day = "",
    until: Day = "",
    offset: Offset = 0,
) -> Response:
    ctx = context_of(request)
    zone = usecases.working_hours(ctx).zone
    events: list[AuditEvent] = []
    if mrn.strip():
        events = usecases.report_patient(
            ctx,
            actor,
            mrn.strip(),
            parse_time(since.strip(), zone),
            inclusive_until(until.strip(), zone),
        )
        events.reverse()  # newest first
    values = {"mrn": mrn, "since": since, "until": until}
    return _report_page(request, REPORTS["patient"], values, list(events), offset)


@router.get("/audit/reports/user")
def report_user(
    request: Request,
    actor: Auditor,
    user: Annotated[str, Query(max_length=64)] = "",
    since: Day = "",
    until: Day = "",
    offset: Offset = 0,
) -> Response:
    ctx = context_of(request)
    events: list[AuditEvent] = []
    if user.strip():
        start, end = _period(ctx, since, until)
        events = usecases.report_user(ctx, actor, user.strip(), start, end)
        events.reverse()
    values = {"user": user, "since": since, "until": until}
    return _report_page(request, REPORTS["user"], values, list(events), offset)


@router.get("/audit/reports/after-hours")
def report_after_hours(
    request: Request, actor: Auditor, since: Day = "", until: Day = "", offset: Offset = 0
) -> Response:
    ctx = context_of(request)
    events = usecases.report_after_hours(ctx, actor, *_period(ctx, since, until))
    events.reverse()
    values = {"since": since, "until": until}
    return _report_page(request, REPORTS["after-hours"], values, list(events), offset)


@router.get("/audit/reports/many-patients")
def report_many_patients(
    request: Request,
    actor: Auditor,
    threshold: Annotated[int, Query(ge=0, le=100_000)] = 50,
    since: Day = "",
    until: Day = "",
    offset: Offset = 0,
) -> Response:
    ctx = context_of(request)
    readers = usecases.report_many_patients(ctx, actor, threshold, *_period(ctx, since, until))
    values = {"threshold": threshold, "since": since, "until": until}
    return _report_page(request, REPORTS["many-patients"], values, list(readers), offset)


@router.get("/audit/reports/disclosures")
def report_disclosures(
    request: Request,
    actor: Auditor,
    recipient: Field = "",
    purpose: Field = "",
    since: Day = "",
    until: Day = "",
    offset: Offset = 0,
) -> Response:
    ctx = context_of(request)
    start, end = _period(ctx, since, until)
    events = usecases.report_disclosures(
        ctx, actor, start, end, recipient=recipient.strip() or None, purpose=purpose.strip() or None
    )
    events.reverse()
    values = {"recipient": recipient, "purpose": purpose, "since": since, "until": until}
    return _report_page(request, REPORTS["disclosures"], values, list(events), offset)


@router.get("/audit/chain")
def chain_page(request: Request, actor: Auditor) -> Response:
    status = usecases.chain_status(context_of(request), actor)
    return render(
        request, "audit_chain.html", {"report": status.report, "checkpoints": status.checkpoints}
    )


def export_response(ctx: Context, actor: Actor, fmt: ExportFormat, where: EventFilter) -> Response:
    """The export as a download: written by the use-case to a spooled file (in memory while
    small), then streamed; the same writer, so the same format, as ``recordroom audit export``."""
    # A large export spills to the home's private work folder, never the system /tmp: the
    # trail names patients.
    spool: IO[str] = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by the stream
        max_size=8 * 1024 * 1024,
        mode="w+",
        encoding="utf-8",
        newline="",
        dir=str(make_private_dir(ctx.settings.work_dir)),
    )
    try:
        usecases.export_trail(ctx, actor, spool, fmt, where)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return StreamingResponse(
        _chunks(spool),
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="audit-{stamp}.{fmt}"',
            "Cache-Control": "private, no-store",
        },
    )


def _chunks(spool: IO[str]) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(64 * 1024):
            yield chunk.encode("utf-8")


@router.get("/audit/export.{fmt}")
def export_file(request: Request, actor: Auditor, fmt: str, filters: FormFilters) -> Response:
    if fmt not in MEDIA_TYPES:
        raise NotFoundError(f"there is no {fmt!r} export; use audit/export.csv or export.ndjson")
    ctx = context_of(request)
    return export_response(
        ctx, actor, "csv" if fmt == "csv" else "ndjson", event_filter(ctx, filters)
    )
