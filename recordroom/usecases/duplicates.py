"""A clerk's word on a near-duplicate: this document is not a re-sent copy after all."""

from __future__ import annotations

from indexer.documents import clear_duplicate_mark
from recordroom.core import NotFoundError
from recordroom.core.actor import Actor
from recordroom.wiring import Context


def mark_not_duplicate(ctx: Context, actor: Actor, document_id: str) -> str:
    """Clear the document's ``duplicate_of`` mark; returns the document it pointed to."""
    with ctx.unit_of_work(actor) as unit:
        original = clear_duplicate_mark(unit.session, document_id)
        if original is None:
            raise NotFoundError(f"document {document_id} is not marked as a re-sent copy")
        unit.record("document.not_duplicate", documents=[document_id, original])
    return original
