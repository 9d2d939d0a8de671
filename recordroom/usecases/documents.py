"""One stored document: its metadata, pages and text."""

from __future__ import annotations

from indexer.documents import get_document
from recordroom.core import Document
from recordroom.core.actor import Actor
from recordroom.wiring import Context


def show_document(ctx: Context, actor: Actor, document_id: str) -> Document:
    """The document with this id (``NotFoundError`` when there is none)."""
    with ctx.unit_of_work(actor) as unit:
        document = get_document(unit.session, document_id)
        unit.record("document.read", documents=[document.id], patients=[document.patient_mrn or ""])
    return document
