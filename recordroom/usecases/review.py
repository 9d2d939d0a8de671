"""The review queue: what waits for a person, and a person's decisions: file a document to a
patient with a type, split a document in two at a page, merge parts of one file back together."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from indexer.documents import get_document
from indexer.review import ReviewItem, Sibling, assign, merge, review_queue, same_file, split
from recordroom.core import Document, RecordroomError
from recordroom.core.actor import Actor
from recordroom.usecases.access import require_role
from recordroom.wiring import Context
from release_of_information.models import AuthorizationRow, DisclosureRow, RequestRow

__all__ = [
    "ReviewDocument",
    "Sibling",
    "assign_document",
    "list_review",
    "merge_documents",
    "review_document",
    "split_document",
]


@dataclass(frozen=True, slots=True)
class ReviewDocument:
    """A document as the review page shows it, with the other documents of its file."""

    document: Document
    same_file: tuple[Sibling, ...]


def list_review(ctx: Context, actor: Actor, *, limit: int = 500) -> list[ReviewItem]:
    """Documents waiting for review, oldest first."""
    with ctx.unit_of_work(actor) as unit:
        items = list(review_queue(unit.session, limit=limit))
        unit.record(
            "review.list",
            documents=[item.document_id for item in items],
            patients=sorted({item.patient_mrn for item in items if item.patient_mrn}),
        )
    return items


def review_document(ctx: Context, actor: Actor, document_id: str) -> ReviewDocument:
    """The document, and the other documents made from the same file (to merge with)."""
    with ctx.unit_of_work(actor) as unit:
        document = get_document(unit.session, document_id)
        siblings = tuple(same_file(unit.session, document_id))
        unit.record(
            "document.read",
            documents=[document.id, *(s.document_id for s in siblings)],
            patients=sorted(
                {m for m in [document.patient_mrn, *(s.patient_mrn for s in siblings)] if m}
            ),
            detail="for review",
        )
    return ReviewDocument(document, siblings)


def assign_document(
    ctx: Context, actor: Actor, document_id: str, *, patient_mrn: str, doc_type: str
) -> None:
    """File a document to a patient with a type, taking it out of the review queue."""
    with ctx.unit_of_work(actor) as unit:
        assign(unit.session, document_id, patient_mrn=patient_mrn, doc_type=doc_type)
        unit.record(
            "document.update",
            documents=[document_id],
            patients=[patient_mrn],
            detail=f"filed from review as {doc_type}",
        )


def split_document(ctx: Context, actor: Actor, document_id: str, *, at_page: int) -> str:
    """Split a document waiting for review before page ``at_page``: the pages from there on
    become a new document (same original file), which waits for review too. Returns its id."""
    require_role(actor, "intake")
    new_id = uuid.uuid4().hex
    with ctx.unit_of_work(actor) as unit:
        new = split(unit.session, document_id, at_page, new_id)
        unit.record(
            "document.split",
            documents=[document_id, new_id],
            patients=[new.patient_mrn or ""],
            detail=f"split at page {at_page}: pages {at_page} to {at_page + new.page_count - 1} "
            f"are now document {new_id}",
        )
    return new_id


def merge_documents(ctx: Context, actor: Actor, document_id: str, other_id: str) -> None:
    """Merge ``other_id`` (a part of the same file, never released) into ``document_id``,
    which waits for review with the pages of both in the file's order."""
    require_role(actor, "intake")
    with ctx.unit_of_work(actor) as unit:
        _refuse_if_released(unit.session, other_id)
        merged = merge(unit.session, document_id, other_id)
        unit.record(
            "document.merge",
            documents=[document_id, other_id],
            patients=[merged.patient_mrn or ""],
            detail=f"document {other_id} merged into {document_id}: {merged.page_count} pages",
        )


def _refuse_if_released(session: Session, document_id: str) -> None:
    """A document a release names (its authorization on file, a request or a disclosure) stays
    as it is: the record of what was authorized and released must keep pointing at it."""
    pattern = f"%{document_id}%"
    named = (
        session.scalars(
            select(AuthorizationRow.id).where(AuthorizationRow.document_id == document_id)
        ).first()
        or session.scalars(
            select(RequestRow.id).where(RequestRow.document_ids.like(pattern))
        ).first()
        or session.scalars(
            select(DisclosureRow.id).where(DisclosureRow.document_ids.like(pattern))
        ).first()
    )
    if named is not None:
        raise RecordroomError(
            f"document {document_id} is named by a records request or release; it cannot be "
            "merged away (file it as it is)"
        )
