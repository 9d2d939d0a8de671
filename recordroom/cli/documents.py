"""``recordroom documents show ID [--json]``."""

from __future__ import annotations

import argparse

from recordroom.cli.common import Commands, add_group, print_json
from recordroom.core import Document
from recordroom.core.actor import Actor
from recordroom.usecases.documents import show_document
from recordroom.usecases.duplicates import mark_not_duplicate
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    documents = add_group(commands, "documents", "look at stored documents")
    show = documents.add_parser("show", help="one document: metadata, pages, text")
    show.set_defaults(handler=cmd_documents_show)
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true")
    not_duplicate = documents.add_parser(
        "not-duplicate", help="clear a document's mark as a re-sent copy of another"
    )
    not_duplicate.set_defaults(handler=cmd_documents_not_duplicate)
    not_duplicate.add_argument("id", metavar="ID")


def document_json(document: Document) -> dict[str, object]:
    return {
        "id": document.id,
        "file": document.source_name,
        "sha256": document.sha256,
        "media_type": document.media_type,
        "size": document.size,
        "received_at": document.received_at.isoformat(),
        "doc_type": document.doc_type,
        "doc_type_confidence": document.doc_type_confidence,
        "patient_mrn": document.patient_mrn,
        "patient_confidence": document.patient_confidence,
        "needs_review": document.needs_review,
        "review_reasons": list(document.review_reasons),
        "sender_name": document.sender_name,
        "sender_fax": document.sender_fax,
        "source_pages": list(document.source_pages),
        "duplicate_of": document.duplicate_of,
        "duplicate_similarity": document.duplicate_similarity,
        "mail": _mail_json(document),
        "pages": [
            {
                "number": p.number,
                "method": p.method,
                "confidence": p.confidence,
                "rotation": p.rotation,
                "text": p.text,
            }
            for p in document.pages
        ],
    }


def _mail_json(document: Document) -> dict[str, object] | None:
    mail = document.mail
    if mail is None:
        return None
    return {
        "from": mail.from_address,
        "subject": mail.subject,
        "message_id": mail.message_id,
        "received_at": mail.received_at.isoformat() if mail.received_at else None,
        "fax_number": mail.fax_number,
        "csid": mail.csid,
        "page_count": mail.page_count,
    }


def cmd_documents_not_duplicate(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    original = mark_not_duplicate(ctx, actor, args.id)
    print(f"document {args.id} is no longer marked as a re-sent copy of {original}")
    return 0


def cmd_documents_show(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    document = show_document(ctx, actor, args.id)
    if args.json:
        print_json(document_json(document))
        return 0
    print(f"document   {document.id}")
    print(f"file       {document.source_name} ({document.media_type}, {document.size} bytes)")
    print(f"received   {document.received_at.isoformat()}")
    print(f"type       {document.doc_type} ({document.doc_type_confidence:.2f})")
    print(f"patient    {document.patient_mrn or '-'} ({document.patient_confidence:.2f})")
    if document.needs_review:
        print(f"review     {'; '.join(document.review_reasons) or 'needed'}")
    if document.sender_name or document.sender_fax:
        print(f"sender     {document.sender_name or ''} {document.sender_fax or ''}".rstrip())
    if document.mail is not None:
        mail = document.mail
        print(f"e-mail     from {mail.from_address}, {mail.subject!r}, {mail.message_id or '-'}")
        if mail.csid or mail.page_count:
            print(f"fax        station {mail.csid or '-'}, {mail.page_count or '?'} page(s)")
    if document.duplicate_of:
        print(
            f"copy of    {document.duplicate_of} (similarity {document.duplicate_similarity:.2f}); "
            f"undo: recordroom documents not-duplicate {document.id}"
        )
    for page in document.pages:
        confidence = "" if page.confidence is None else f", confidence {page.confidence:.0f}"
        print(f"\n--- page {page.number} ({page.method}{confidence}) ---")
        print(page.text)
    return 0
