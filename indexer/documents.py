"""Documents in and out of SQL: save what intake made, read one back, find duplicates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from indexer.models import DocumentRow, PageRow
from recordroom.core import Document, NotFoundError, Page


def add_document(
    session: Session,
    document: Document,
    *,
    fingerprint: int | None = None,
    duplicate_of: str | None = None,
) -> DocumentRow:
    """Add a document and its pages to the session (the caller commits)."""
    if document.original_key is None:
        raise ValueError("a document is saved only after its original is stored")
    row = DocumentRow(
        id=document.id,
        sha256=document.sha256,
        source_name=document.source_name,
        media_type=document.media_type,
        size=document.size,
        received_at=document.received_at,
        page_count=len(document.pages),
        source_pages=",".join(str(n) for n in document.source_pages),
        doc_type=document.doc_type,
        doc_type_confidence=document.doc_type_confidence,
        patient_mrn=document.patient_mrn,
        patient_confidence=document.patient_confidence,
        needs_review=document.needs_review,
        review_reasons="\n".join(document.review_reasons),
        sender_name=document.sender_name,
        sender_fax=document.sender_fax,
        original_key=document.original_key,
        searchable_pdf_key=document.searchable_pdf_key,
        fingerprint=fingerprint,
        duplicate_of=duplicate_of,
    )
    row.pages = [
        PageRow(
            number=page.number,
            text=page.text,
            method=page.method,
            confidence=page.confidence,
            rotation=page.rotation,
            seconds=page.seconds,
        )
        for page in document.pages
    ]
    session.add(row)
    return row


def document_for_sha256(session: Session, sha256: str) -> str | None:
    """The id of the first document stored from a file with this hash, if any."""
    return session.scalars(
        select(DocumentRow.id)
        .where(DocumentRow.sha256 == sha256)
        .order_by(DocumentRow.created_at, DocumentRow.id)
        .limit(1)
    ).first()


def stored_objects(session: Session) -> list[tuple[str, str, str | None]]:
    """(SHA-256 of the original, its key, the searchable PDF's key) of every stored document."""
    rows = session.execute(
        select(DocumentRow.sha256, DocumentRow.original_key, DocumentRow.searchable_pdf_key)
    ).all()
    return [(sha, original, searchable) for sha, original, searchable in rows]


def recent_fingerprints(
    session: Session, *, page_count: int, since: dt.datetime
) -> Sequence[tuple[str, int]]:
    """(document id, fingerprint) of documents with this many pages received since ``since``."""
    rows = session.execute(
        select(DocumentRow.id, DocumentRow.fingerprint)
        .where(DocumentRow.page_count == page_count)
        .where(DocumentRow.received_at >= since)
        .where(DocumentRow.fingerprint.is_not(None))
        .where(DocumentRow.duplicate_of.is_(None))
    ).all()
    return [(doc_id, fp) for doc_id, fp in rows if fp is not None]


def to_record(row: DocumentRow) -> Document:
    return Document(
        id=row.id,
        source_name=row.source_name,
        sha256=row.sha256,
        media_type=row.media_type,
        size=row.size,
        received_at=row.received_at,
        pages=tuple(
            Page(
                number=page.number,
                text=page.text,
                method=page.method,  # type: ignore[arg-type]
                confidence=page.confidence,
                rotation=page.rotation,
                seconds=page.seconds,
            )
            for page in row.pages
        ),
        doc_type=row.doc_type,
        doc_type_confidence=row.doc_type_confidence,
        patient_mrn=row.patient_mrn,
        patient_confidence=row.patient_confidence,
        needs_review=row.needs_review,
        review_reasons=tuple(r for r in row.review_reasons.split("\n") if r),
        sender_name=row.sender_name,
        sender_fax=row.sender_fax,
        original_key=row.original_key,
        searchable_pdf_key=row.searchable_pdf_key,
        source_pages=tuple(int(n) for n in row.source_pages.split(",") if n),
    )


def get_document(session: Session, document_id: str) -> Document:
    row = session.scalars(
        select(DocumentRow)
        .where(DocumentRow.id == document_id)
        .options(selectinload(DocumentRow.pages))
    ).first()
    if row is None:
        raise NotFoundError(f"there is no document with id {document_id}")
    return to_record(row)
