"""``recordroom roi …``: release of information, one sub-command per step a clerk takes."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from recordroom.cli.common import Commands, add_group, print_json
from recordroom.core.actor import Actor
from recordroom.core.errors import InvalidRequestError
from recordroom.usecases import roi
from recordroom.usecases.roi import (
    DELIVERIES,
    DENIAL_GROUNDS,
    ELEMENTS,
    IDENTITY_METHODS,
    REQUEST_TYPES,
    REQUESTER_TYPES,
    STATUSES,
    names_category,
)
from recordroom.wiring import Context


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


def _list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _step(group: Commands, name: str, handler: object, help_text: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = group.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=handler)
    return parser


def register(commands: Commands) -> None:
    group = add_group(commands, "roi", "release of information: requests, releases, accounting")

    new = _step(group, "new", cmd_new, "log a request for records")
    new.add_argument("--from-document", metavar="DOC", help="an authorization or records request")
    new.add_argument("--type", dest="request_type", choices=REQUEST_TYPES, required=True)
    new.add_argument("--requester-type", choices=REQUESTER_TYPES, required=True)
    new.add_argument("--requester", metavar="NAME", required=True)
    new.add_argument("--address", default="", help="the requester's address")
    new.add_argument("--contact", default="", help="phone, fax or e-mail of the requester")
    new.add_argument(
        "--recipient", default="", help="a directive's third party (default: the requester)"
    )
    new.add_argument("--recipient-address", default="")
    new.add_argument("--patient", metavar="MRN", default="")
    new.add_argument("--types", type=_list, default=(), help="document types, comma-separated")
    new.add_argument("--documents", type=_list, default=(), help="document ids, comma-separated")
    new.add_argument("--from", dest="date_from", type=_date, metavar="DATE")
    new.add_argument("--to", dest="date_to", type=_date, metavar="DATE")
    new.add_argument("--complete", action="store_true", help="the complete record")
    new.add_argument("--purpose", default="")
    new.add_argument("--delivery", choices=DELIVERIES, required=True)
    new.add_argument("--received", type=_date, metavar="DATE", help="default: today")
    new.add_argument("--authorization", metavar="DOC", help="the stored authorization document")
    new.add_argument("--json", action="store_true")

    show = _step(
        group, "show", cmd_show, "one request: details, problems, history, what it would release"
    )
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true")

    listing = _step(group, "list", cmd_list, "requests, oldest due first")
    listing.add_argument("--overdue", action="store_true", help="open requests past their due date")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--patient", metavar="MRN")
    listing.add_argument("--json", action="store_true")

    check = _step(group, "check", cmd_check, "review a request: every missing or defective element")
    check.add_argument("id", metavar="ID")
    check.add_argument("--json", action="store_true")

    confirm = _step(
        group, "confirm-element", cmd_confirm, "confirm, fill in or fault one authorization element"
    )
    confirm.add_argument("id", metavar="ID")
    confirm.add_argument("element", choices=ELEMENTS)
    confirm.add_argument("--value", help="the element as the authorization gives it")
    confirm.add_argument("--defect", default="", help="what is wrong with it")

    categories = _step(
        group, "categories", cmd_categories, "sensitive categories the authorization names"
    )
    categories.add_argument("id", metavar="ID")
    categories.add_argument(
        "codes", nargs="*", metavar="CODE", help="ETH SUD PSY PSYTHPN HIV GDIS MH SDV STD"
    )

    verify = _step(
        group, "verify-identity", cmd_verify, "record how the requester's identity was verified"
    )
    verify.add_argument("id", metavar="ID")
    verify.add_argument("--method", choices=IDENTITY_METHODS, required=True)
    verify.add_argument("--note", default="")

    approve = _step(group, "approve", cmd_approve, "approve a request whose check is clean")
    approve.add_argument("id", metavar="ID")
    approve.add_argument("--version", type=int, help="the version you reviewed (from roi show)")
    approve.add_argument("--reason", default="")

    deny = _step(group, "deny", cmd_deny, "deny a request; writes the denial letter")
    deny.add_argument("id", metavar="ID")
    deny.add_argument("--ground", choices=DENIAL_GROUNDS, required=True)
    deny.add_argument("--reason", default="")
    deny.add_argument(
        "--letter", type=Path, help="where to write the letter (default ID-denial.pdf)"
    )

    extend = _step(
        group, "extend", cmd_extend, "the one extension of the due date; writes the notice"
    )
    extend.add_argument("id", metavar="ID")
    extend.add_argument("--reason", required=True)
    extend.add_argument("--days", type=int, default=30)
    extend.add_argument("--notice", type=Path, help="where to write it (default ID-extension.pdf)")

    cancel = _step(group, "cancel", cmd_cancel, "cancel an open request")
    cancel.add_argument("id", metavar="ID")
    cancel.add_argument("--reason", required=True)

    close = _step(group, "close", cmd_close, "close a fulfilled or denied request")
    close.add_argument("id", metavar="ID")

    fulfil = _step(group, "fulfil", cmd_fulfil, "assemble, stamp and release the packet")
    fulfil.add_argument("id", metavar="ID")
    fulfil.add_argument("--encrypt", action="store_true", help="AES-256, password shown once")
    fulfil.add_argument("--out", type=Path, help="also write the packet here (to print or send)")

    revoke = _step(
        group, "revoke", cmd_revoke, "record the revocation of the request's authorization"
    )
    revoke.add_argument("id", metavar="ID")
    revoke.add_argument("--received", type=_date, metavar="DATE", help="default: today")
    revoke.add_argument("--note", default="")

    incident = _step(group, "incident", cmd_incident, "record a wrongful disclosure of a release")
    incident.add_argument("id", metavar="ID")
    incident.add_argument("--recipient", required=True, help="who received it wrongly")
    incident.add_argument("--recipient-address", default="")
    incident.add_argument("--description", required=True)
    incident.add_argument("--date", type=_date, metavar="DATE", help="default: today")

    accounting = _step(group, "accounting", cmd_accounting, "a patient's accounting of disclosures")
    accounting.add_argument("mrn", metavar="MRN")
    accounting.add_argument("--pdf", type=Path, metavar="FILE")
    accounting.add_argument("--csv", type=Path, metavar="FILE")

    label = _step(group, "label", cmd_label, "security labels of a document")
    label.add_argument("document", metavar="DOC")
    label.add_argument("--add", action="append", default=[], metavar="CODE")
    label.add_argument("--remove", action="append", default=[], metavar="CODE")


def print_request(view: roi.RequestView) -> None:
    print(f"request    {view.id} (version {view.version})  {view.status}")
    print(f"type       {view.request_type}")
    print(
        f"requester  {view.requester_name} ({view.requester_type}) "
        f"{view.requester_address}".rstrip()
    )
    if view.recipient_name != view.requester_name:
        print(f"recipient  {view.recipient_name} {view.recipient_address}".rstrip())
    print(f"patient    {view.patient_mrn}")
    print(f"scope      {view.scope}")
    if view.purpose:
        print(f"purpose    {view.purpose}")
    print(f"delivery   {view.delivery}")
    overdue = "  OVERDUE" if view.overdue else ""
    print(f"received   {view.received_on.isoformat()}, due {view.due.isoformat()}{overdue}")
    if view.extension_reason:
        print(f"extended   {view.extension_reason}")
    print(f"identity   {view.identity_method or 'not verified'}")
    if view.fee is not None:
        print(f"fee        {view.fee}")
    if view.authorization_id is not None:
        expires = (
            view.authorization_expires_on.isoformat() if view.authorization_expires_on else "-"
        )
        print(
            f"authorization {view.authorization_id} (document {view.authorization_document_id}, "
            f"expires {expires}, categories {','.join(view.authorization_categories) or 'none'})"
        )
        for e in view.elements:
            mark = "x" if e.confirmed and not e.defect else ("!" if e.defect else " ")
            value = e.value if len(e.value) <= 70 else e.value[:67] + "..."
            print(f"  [{mark}] {e.name:<23} {value}{'  DEFECT: ' + e.defect if e.defect else ''}")
    if view.enclosed:
        print(f"would release {len(view.enclosed)} documents: {', '.join(view.enclosed)}")
    for document_id, reason in view.withheld:
        print(f"withheld   {document_id}: {reason}")
    if view.problems:
        print("problems:")
        for problem in view.problems:
            print(f"  - {problem}")
    elif view.status in ("received", "in_review"):
        print("ready to approve")


def _out(view: roi.RequestView, as_json: bool) -> int:
    if as_json:
        print_json(view.as_json())
    else:
        print_request(view)
    return 0


def cmd_new(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    if not args.patient and not args.from_document:
        raise InvalidRequestError("name the patient (--patient MRN) or --from-document DOC")
    draft = roi.RequestDraft(
        request_type=args.request_type,
        requester_type=args.requester_type,
        requester_name=args.requester,
        requester_address=args.address,
        requester_contact=args.contact,
        recipient_name=args.recipient,
        recipient_address=args.recipient_address,
        patient_mrn=args.patient,
        delivery=args.delivery,
        received_on=args.received or dt.date.today(),
        purpose=args.purpose,
        complete_record=args.complete,
        doc_types=args.types,
        document_ids=args.documents,
        date_from=args.date_from,
        date_to=args.date_to,
        authorization_document_id=args.authorization,
    )
    view = roi.new_request(ctx, actor, draft, from_document=args.from_document)
    return _out(view, args.json)


def cmd_show(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    return _out(roi.show_request(ctx, actor, args.id), args.json)


def cmd_list(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    views = roi.list_requests(
        ctx, actor, overdue=args.overdue, status=args.status, patient_mrn=args.patient
    )
    for view in views:
        if args.json:
            print_json(view.as_json())
        else:
            flag = "  OVERDUE" if view.overdue else ""
            print(
                f"{view.id}  {view.status:<10} {view.request_type:<22} {view.patient_mrn:<10} "
                f"due {view.due.isoformat()}{flag}"
            )
    if not views and not args.json:
        print("no requests" + (" overdue" if args.overdue else ""))
    return 0


def cmd_check(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    return _out(roi.check_request(ctx, actor, args.id), args.json)


def cmd_confirm(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    view = roi.confirm_element(
        ctx, actor, args.id, args.element, value=args.value, defect=args.defect
    )
    left = [p for p in view.problems if p.startswith("authorization")]
    print(
        f"{args.element} {'faulted' if args.defect else 'confirmed'}; "
        f"{len(left)} authorization problems left"
    )
    return 0


def cmd_categories(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    view = roi.name_categories(ctx, actor, args.id, args.codes)
    print(
        f"authorization names: {','.join(view.authorization_categories) or 'no sensitive category'}"
    )
    return 0


def cmd_verify(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    roi.verify_identity(ctx, actor, args.id, args.method, note=args.note)
    print(f"request {args.id}: identity verified ({IDENTITY_METHODS[args.method]})")
    return 0


def cmd_approve(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    view = roi.approve_request(
        ctx, actor, args.id, reason=args.reason, expected_version=args.version
    )
    print(f"request {view.id} approved; fee {view.fee}")
    return 0


def cmd_deny(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    letter = roi.deny_request(ctx, actor, args.id, args.ground, reason=args.reason)
    path = args.letter or Path(f"{args.id}-denial.pdf")
    path.write_bytes(letter.pdf)
    print(f"request {args.id} denied ({args.ground}); denial letter written to {path}")
    return 0


def cmd_extend(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    letter = roi.extend_request(ctx, actor, args.id, args.reason, days=args.days)
    path = args.notice or Path(f"{args.id}-extension.pdf")
    path.write_bytes(letter.pdf)
    print(f"request {args.id} now due {letter.request.due.isoformat()}; notice written to {path}")
    return 0


def cmd_cancel(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    roi.cancel_request(ctx, actor, args.id, reason=args.reason)
    print(f"request {args.id} cancelled")
    return 0


def cmd_close(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    roi.close_request(ctx, actor, args.id)
    print(f"request {args.id} closed")
    return 0


def cmd_fulfil(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    release = roi.fulfil_request(ctx, actor, args.id, encrypt=args.encrypt)
    print(
        f"request {args.id} fulfilled: {len(release.request.enclosed)} documents, "
        f"{release.pages} pages, sha256 {release.packet_sha256}"
    )
    for document_id, reason in release.request.withheld:
        print(f"withheld   {document_id}: {reason}")
    if release.part2_notice_version:
        print(f"42 CFR 2.32 notice enclosed (version {release.part2_notice_version})")
    if args.out:
        packet = ctx.store.get(release.packet_key)
        args.out.write_bytes(packet)
        print(f"packet written to {args.out}")
    if release.password:
        print(f"password (deliver separately, shown once): {release.password}")
    if release.link_token and release.link_expires_at:
        print(
            f"download link: /roi/download/{release.link_token} "
            f"(expires {release.link_expires_at.isoformat(timespec='minutes')})"
        )
    return 0


def cmd_revoke(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    cancelled = roi.revoke_authorization(
        ctx, actor, args.id, received_on=args.received or dt.date.today(), note=args.note
    )
    print(f"authorization revoked; pending requests cancelled: {', '.join(cancelled) or 'none'}")
    return 0


def cmd_incident(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    number = roi.record_incident(
        ctx,
        actor,
        args.id,
        occurred_on=args.date or dt.date.today(),
        recipient_name=args.recipient,
        recipient_address=args.recipient_address,
        description=args.description,
    )
    print(f"incident {number} recorded against request {args.id}; it will appear on the accounting")
    return 0


def cmd_accounting(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    accounting = roi.accounting_of_disclosures(ctx, actor, args.mrn)
    if args.csv:
        args.csv.write_text(accounting.csv(), encoding="utf-8")
    if args.pdf:
        args.pdf.write_bytes(roi.accounting_pdf(ctx, accounting))
    if not args.csv and not args.pdf:
        print(accounting.csv(), end="")
    else:
        written = " and ".join(str(p) for p in (args.csv, args.pdf) if p)
        print(f"{len(accounting.entries)} entries on the accounting; written to {written}")
    return 0


def cmd_label(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    labels = roi.label_document(ctx, actor, args.document, add=args.add, remove=args.remove)
    print(f"document {labels.document_id}: {','.join(sorted(labels.labels)) or 'no labels'}")
    extra = {code for code in labels.suggested if not names_category(labels.labels, code)}
    if extra:
        print(f"its text suggests also: {','.join(sorted(extra))}")
    return 0
