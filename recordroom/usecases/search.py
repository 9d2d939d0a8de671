"""Full-text and metadata search over the stored documents."""

from __future__ import annotations

from indexer.search import NO_FILTERS, SearchFilters, search
from recordroom.core import SearchHit
from recordroom.core.actor import Actor
from recordroom.wiring import Context

__all__ = ["SearchFilters", "search_documents"]


def search_documents(
    ctx: Context,
    actor: Actor,
    query: str,
    filters: SearchFilters = NO_FILTERS,
    *,
    limit: int = 50,
    offset: int = 0,
) -> list[SearchHit]:
    """The documents matching ``query`` and the filters, best first."""
    with ctx.unit_of_work(actor) as unit:
        hits = search(unit.session, query, filters, limit=limit, offset=offset)
        paging = [f"offset:{offset}"] if offset else []
        unit.record(
            "search",
            query=" ".join([query, *filters.terms(), *paging]),
            documents=[hit.document_id for hit in hits],
            patients=sorted({hit.patient_mrn for hit in hits if hit.patient_mrn}),
        )
    return hits
