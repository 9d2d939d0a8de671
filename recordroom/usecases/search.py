"""Full-text and metadata search over the stored documents."""

from __future__ import annotations

import datetime as dt

from indexer.search import search
from recordroom.core import SearchHit
from recordroom.core.actor import Actor
from recordroom.wiring import Context


def search_documents(
    ctx: Context,
    actor: Actor,
    query: str,
    *,
    patient_mrn: str | None = None,
    doc_type: str | None = None,
    sender: str | None = None,
    received_from: dt.datetime | None = None,
    received_to: dt.datetime | None = None,
    needs_review: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[SearchHit]:
    """The documents matching ``query`` and the filters, best first."""
    with ctx.unit_of_work(actor) as unit:
        hits = list(
            search(
                unit.session,
                query,
                patient_mrn=patient_mrn,
                doc_type=doc_type,
                sender=sender,
                received_from=received_from,
                received_to=received_to,
                needs_review=needs_review,
                limit=limit,
                offset=offset,
            )
        )
        unit.record(
            "search",
            query=_query_text(
                query,
                patient=patient_mrn,
                type=doc_type,
                sender=sender,
                received_from=received_from.isoformat() if received_from else None,
                received_to=received_to.isoformat() if received_to else None,
                needs_review=None if needs_review is None else str(needs_review).lower(),
                offset=str(offset) if offset else None,
            ),
            documents=[hit.document_id for hit in hits],
            patients=sorted({hit.patient_mrn for hit in hits if hit.patient_mrn}),
        )
    return hits


def _query_text(query: str, **filters: str | None) -> str:
    """The search as the audit trail keeps it: the words, then the filters given."""
    return " ".join([query, *(f"{name}:{value}" for name, value in filters.items() if value)])
