"""The review queue: what waits for a person, and a person's decision."""

from __future__ import annotations

from indexer.review import ReviewItem, assign, review_queue
from recordroom.core.actor import Actor
from recordroom.wiring import Context


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
