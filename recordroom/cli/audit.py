"""``recordroom audit …``: verify the trail, list events, the auditors' reports, export, checkpoint.

Dates (``--since``, ``--until``) are ``YYYY-MM-DD`` (midnight in the office's time zone,
``RECORDROOM_AUDIT_TIMEZONE``) or a full ISO time; ``--until`` is exclusive. Without them a
report covers the last 30 days.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path

from recordroom.cli.common import Commands, add_group, print_json
from recordroom.core import ConfigurationError
from recordroom.core.actor import Actor
from recordroom.core.errors import AuditIntegrityError
from recordroom.usecases import audit as usecases
from recordroom.usecases.audit import (
    EVENT_KINDS,
    OUTCOME_CODES,
    AuditEvent,
    EventFilter,
    Person,
    iso_utc,
    parse_time,
)
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    group = add_group(commands, "audit", "the audit trail: verify, query, report, export")
    verify = group.add_parser(
        "verify", help="walk the chain and the checkpoints; exit 14 if broken"
    )
    verify.set_defaults(handler=cmd_verify)
    verify.add_argument("--json", action="store_true")

    events = group.add_parser("events", help="events by filter, newest first, a page at a time")
    events.set_defaults(handler=cmd_events)
    _filters(events)
    events.add_argument("--limit", type=int, default=100)
    events.add_argument("--cursor", type=int, help="the cursor printed after the last page")
    events.add_argument("--oldest", action="store_true", help="oldest first")
    events.add_argument("--json", action="store_true")

    report = group.add_parser("report", help="the auditors' reports")
    reports = report.add_subparsers(dest="report", required=True, metavar="REPORT")
    patient = _report(reports, "patient", "who accessed patient MRN, when, and why")
    patient.add_argument("mrn", metavar="MRN")
    user = _report(reports, "user", "everything USER did in the period")
    user.add_argument("user", metavar="USER")
    _report(reports, "after-hours", "access outside working hours (RECORDROOM_AUDIT_WORKING_*)")
    many = _report(reports, "many-patients", "users who read more than N patients in a day")
    many.add_argument("--threshold", type=int, default=50, metavar="N")
    same = _report(
        reports, "same-surname", "users who read a patient sharing their surname or address"
    )
    same.add_argument(
        "--people",
        type=Path,
        required=True,
        metavar="CSV",
        help="the users: a CSV with user_id,last_name,address_line,postal_code",
    )
    disclosures = _report(reports, "disclosures", "releases of records, by recipient or purpose")
    disclosures.add_argument("--recipient")
    disclosures.add_argument("--purpose")

    export = group.add_parser("export", help="write events as CSV or FHIR AuditEvent NDJSON")
    export.set_defaults(handler=cmd_export)
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--csv", type=Path, metavar="FILE")
    target.add_argument("--ndjson", type=Path, metavar="FILE")
    _filters(export)

    checkpoint = group.add_parser("checkpoint", help="write a signed checkpoint now")
    checkpoint.set_defaults(handler=cmd_checkpoint)


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", metavar="USER")
    parser.add_argument("--patient", metavar="MRN")
    parser.add_argument("--document", metavar="ID")
    parser.add_argument("--request", metavar="ID")
    parser.add_argument("--kind", choices=sorted(EVENT_KINDS))
    parser.add_argument("--action", choices=("C", "R", "U", "D", "E"))
    parser.add_argument("--outcome", choices=tuple(OUTCOME_CODES))
    parser.add_argument("--address", metavar="IP", help="the network address")
    parser.add_argument("--since", metavar="DATE")
    parser.add_argument("--until", metavar="DATE")


def _report(reports: Commands, name: str, help_text: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = reports.add_parser(name, help=help_text)
    parser.set_defaults(handler=cmd_report)
    parser.add_argument("--since", metavar="DATE")
    parser.add_argument("--until", metavar="DATE")
    parser.add_argument("--json", action="store_true")
    return parser


def _period(args: argparse.Namespace, ctx: Context) -> tuple[dt.datetime, dt.datetime]:
    zone = usecases.working_hours(ctx).zone
    return usecases.period(parse_time(args.since, zone), parse_time(args.until, zone))


def _where(args: argparse.Namespace, ctx: Context) -> EventFilter:
    zone = usecases.working_hours(ctx).zone
    return EventFilter(
        user_id=args.user,
        patient=args.patient,
        document=args.document,
        request=args.request,
        kind=args.kind,
        action=args.action,
        outcome=args.outcome,
        network_address=args.address,
        since=parse_time(args.since, zone),
        until=parse_time(args.until, zone),
    )


def _print_event(event: AuditEvent, as_json: bool) -> None:
    if as_json:
        print_json(event.as_json())
        return
    what = " ".join(f"{kind}:{value}" for kind, value in event.entities)
    extra = f" query={event.query!r}" if event.query is not None else ""
    extra += f" to={event.recipient!r}" if event.recipient else ""
    extra += f" ({event.detail})" if event.detail else ""
    print(
        f"{event.seq:>8}  {iso_utc(event.recorded)[:19]}Z  {event.user_id:<16} "
        f"{event.kind:<16} {event.action} {event.outcome:<7} {what}{extra}"
    )


def cmd_verify(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    report = usecases.verify_trail(ctx, actor)
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "events": report.events,
                "checkpoints": report.checkpoints,
                "seconds": round(report.seconds, 3),
                "problems": [
                    {"problem": f.problem, "seq": f.seq, "message": f.message}
                    for f in report.findings
                ],
            }
        )
    else:
        for finding in report.findings:
            print(f"{finding.problem}: {finding.message}")
        state = "intact" if report.ok else "BROKEN"
        print(
            f"audit trail {state}: {report.events} events and {report.checkpoints} checkpoints "
            f"checked in {report.seconds:.1f} s"
        )
    if report.first is not None:
        raise AuditIntegrityError(f"the audit trail failed verification: {report.first.message}")
    return 0


def cmd_events(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    page = usecases.audit_events(
        ctx,
        actor,
        _where(args, ctx),
        order="oldest" if args.oldest else "newest",
        limit=args.limit,
        cursor=args.cursor,
    )
    for event in page.events:
        _print_event(event, args.json)
    if page.next_cursor is not None and not args.json:
        print(f"more: --cursor {page.next_cursor}")
    if not page.events and not args.json:
        print("no events")
    return 0


def cmd_report(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    since, until = _period(args, ctx)
    if args.report == "many-patients":
        readers = usecases.report_many_patients(ctx, actor, args.threshold, since, until)
        for reader in readers:
            line = {
                "user": reader.user_id,
                "day": reader.day.isoformat(),
                "patients": reader.patients,
                "first_seq": reader.first_seq,
                "last_seq": reader.last_seq,
            }
            if args.json:
                print_json(line)
            else:
                print(f"{reader.user_id:<16} {reader.day}  {reader.patients} patients")
        return 0
    if args.report == "same-surname":
        found = usecases.report_same_surname(ctx, actor, read_people(args.people), since, until)
        for access in found:
            if args.json:
                print_json(
                    {"user": access.user_id, "patient": access.patient, "reason": access.reason}
                    | {"seq": access.event.seq}
                )
            else:
                print(
                    f"{access.user_id:<16} patient {access.patient:<10} {access.reason:<20} "
                    f"event {access.event.seq}"
                )
        return 0
    if args.report == "patient":
        zone = usecases.working_hours(ctx).zone
        events = usecases.report_patient(
            ctx, actor, args.mrn, parse_time(args.since, zone), parse_time(args.until, zone)
        )
    elif args.report == "user":
        events = usecases.report_user(ctx, actor, args.user, since, until)
    elif args.report == "after-hours":
        events = usecases.report_after_hours(ctx, actor, since, until)
    else:
        events = usecases.report_disclosures(
            ctx, actor, since, until, recipient=args.recipient, purpose=args.purpose
        )
    for event in events:
        _print_event(event, args.json)
    return 0


def cmd_export(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    where = _where(args, ctx)
    if args.csv:
        path, count = args.csv, usecases.export_trail(ctx, actor, args.csv, "csv", where)
    else:
        path, count = args.ndjson, usecases.export_trail(ctx, actor, args.ndjson, "ndjson", where)
    print(f"{count} events written to {path}")
    return 0


def cmd_checkpoint(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    checkpoint = usecases.checkpoint_trail(ctx, actor)
    if checkpoint is None:
        print("the last checkpoint already covers the trail")
    else:
        print(f"checkpoint {checkpoint.number} signed at event {checkpoint.seq}")
    return 0


def read_people(path: Path) -> dict[str, Person]:
    """The users' surnames and addresses from a CSV (``user_id,last_name,address_line,
    postal_code``), until the accounts (issue 20) keep them."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise ConfigurationError(f"cannot read {path}: {exc.strerror}") from exc
    if rows and not {"user_id", "last_name"} <= set(rows[0]):
        raise ConfigurationError(f"{path} needs the columns user_id and last_name")
    return {
        row["user_id"]: Person(
            row["last_name"], row.get("address_line") or "", row.get("postal_code") or ""
        )
        for row in rows
        if row.get("user_id")
    }
