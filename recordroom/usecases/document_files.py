"""A document's files as people open them: the upright image of a page (or its thumbnail) and
the untouched original. Each one served is a read of patient information, recorded as such."""

from __future__ import annotations

from dataclasses import dataclass

from indexer.documents import get_document
from ocr.preview import render_pdf_page, thumbnail
from recordroom.core import Document, NotFoundError
from recordroom.core.actor import Actor
from recordroom.usecases.access import require_role
from recordroom.wiring import Context
from storage import derivative_key

READERS = ("intake", "clerk")


@dataclass(frozen=True, slots=True)
class StoredFile:
    name: str
    media_type: str
    data: bytes


def _source_page(document: Document, page: int) -> int:
    if not 1 <= page <= len(document.pages):
        raise NotFoundError(f"document {document.id} has no page {page}")
    if document.source_pages and len(document.source_pages) >= page:
        return document.source_pages[page - 1]
    return page


def _page_png(ctx: Context, document: Document, page: int) -> bytes:
    source_page = _source_page(document, page)
    key = derivative_key(document.sha256, f"page-{source_page}.png")
    if ctx.store.exists(key):
        return ctx.store.get(key)
    # A page read from its PDF text layer was never rasterised: draw it from the PDF.
    pdf_key = document.searchable_pdf_key or document.original_key
    if pdf_key and (document.media_type == "application/pdf" or document.searchable_pdf_key):
        png = render_pdf_page(ctx.store.get(pdf_key), source_page)
        if png is not None:
            return png
    raise NotFoundError(f"document {document.id} has no image of page {page}")


def page_image(
    ctx: Context, actor: Actor, document_id: str, page: int, *, small: bool = False
) -> StoredFile:
    """The upright image of page ``page`` (1-based) of a document, as PNG; ``small`` for a
    thumbnail."""
    require_role(actor, *READERS)
    with ctx.unit_of_work(actor) as unit:
        document = get_document(unit.session, document_id)
        png = _page_png(ctx, document, page)
        unit.record(
            "document.export",
            documents=[document.id],
            patients=[document.patient_mrn or ""],
            detail=f"page {page}{' thumbnail' if small else ''}",
        )
    return StoredFile(
        f"{document.id}-page-{page}.png", "image/png", thumbnail(png) if small else png
    )


def original_file(ctx: Context, actor: Actor, document_id: str) -> StoredFile:
    """The untouched original file a document came from."""
    require_role(actor, *READERS)
    with ctx.unit_of_work(actor) as unit:
        document = get_document(unit.session, document_id)
        if document.original_key is None:
            raise NotFoundError(f"document {document.id} has no stored original")
        data = ctx.store.get(document.original_key)
        unit.record(
            "document.export",
            documents=[document.id],
            patients=[document.patient_mrn or ""],
        )
    return StoredFile(document.source_name, document.media_type, data)
