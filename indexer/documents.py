"""Documents in and out of SQL: save what intake made, read one back, find duplicates (by SHA-256,
and re-sent copies through the LSH bands of their fingerprints)."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Sequence

from sqlalchemy import TextClause, select, text
from sqlalchemy.orm import Session, selectinload

from indexer.models import DocumentRow, NearDuplicateKeyRow, PageRow
from recordroom.core import (
    Document,
    DocumentKeys,
    MailOrigin,
    NearDuplicateCandidate,
    NotFoundError,
    Page,
)
from recordroom.core.models import RESENT_REASON


def add_document(
    session: Session,
    document: Document,
    *,
    keys: DocumentKeys | None = None,
) -> DocumentRow:
    """Add a document, its pages and its near-duplicate keys to the session (the caller
    commits)."""
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
        duplicate_of=document.duplicate_of,
        duplicate_similarity=document.duplicate_similarity,
        minhash=keys.minhash if keys else None,
        image_hash=keys.image_hash if keys else None,
        identifiers=keys.identifiers if keys else None,
    )
    if document.mail is not None:
        row.mail_from = document.mail.from_address[:320]
        row.mail_subject = document.mail.subject[:998]
        row.mail_message_id = document.mail.message_id
        row.mail_received_at = document.mail.received_at
        row.sender_csid = document.mail.csid
        row.sender_pages = document.mail.page_count
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
    session.add_all(
        NearDuplicateKeyRow(document_id=document.id, band=band, value=value)
        for band, value in (keys.bands if keys else ())
    )
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


def near_duplicate_candidates(
    session: Session, bands: Sequence[tuple[int, int]], *, since: dt.datetime, limit: int = 50
) -> list[NearDuplicateCandidate]:
    """Originals (not themselves marked copies) received since ``since`` that share at least one
    LSH band with ``bands``, most shared bands first. Each band is one indexed equality on
    (band, value); the documents sharing most are read by primary key. No scan."""
    if not bands:
        return []
    shared = Counter(session.execute(_band_query(len(bands)), _band_values(bands)).scalars())
    best = [doc_id for doc_id, _ in shared.most_common(limit)]
    # Only the primary key in SQL: with a received_at condition beside it, a planner may walk
    # the received_at index over every recent document instead of reading these few.
    rows = session.execute(
        select(
            DocumentRow.id,
            DocumentRow.minhash,
            DocumentRow.image_hash,
            DocumentRow.identifiers,
            DocumentRow.patient_mrn,
            DocumentRow.received_at,
            DocumentRow.duplicate_of,
        ).where(DocumentRow.id.in_(best))
    ).all()
    order = {doc_id: rank for rank, doc_id in enumerate(best)}
    found = [
        NearDuplicateCandidate(doc_id, minhash, image_hash, identifiers, mrn)
        for doc_id, minhash, image_hash, identifiers, mrn, received, copy_of in rows
        if copy_of is None and _aware(received) >= since
    ]
    return sorted(found, key=lambda candidate: order[candidate.document_id])


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@functools.cache
def _band_query(count: int) -> TextClause:
    """``… WHERE (band = :b0 AND value = :v0) OR …``: every database answers each term from the
    (band, value) index (SQLite scans the whole table for a row-value ``IN``)."""
    terms = " OR ".join(f"(band = :b{i} AND value = :v{i})" for i in range(count))
    return text(f"SELECT document_id FROM near_duplicate_keys WHERE {terms}")


def _band_values(bands: Sequence[tuple[int, int]]) -> dict[str, int]:
    values = {}
    for i, (band, value) in enumerate(bands):
        values[f"b{i}"], values[f"v{i}"] = band, value
    return values


def clear_duplicate_mark(session: Session, document_id: str) -> str | None:
    """Undo a near-duplicate mark (a clerk's decision); returns the document it pointed to."""
    row = session.get(DocumentRow, document_id)
    if row is None:
        raise NotFoundError(f"there is no document with id {document_id}")
    original = row.duplicate_of
    row.duplicate_of = None
    row.duplicate_similarity = None
    reasons = [r for r in row.review_reasons.split("\n") if r and not r.startswith(RESENT_REASON)]
    row.review_reasons = "\n".join(reasons)
    return original


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
        mail=_mail_origin(row),
        duplicate_of=row.duplicate_of,
        duplicate_similarity=row.duplicate_similarity,
    )


def _mail_origin(row: DocumentRow) -> MailOrigin | None:
    if row.mail_message_id is None and row.mail_from is None:
        return None
    return MailOrigin(
        mailbox="",
        message_id=row.mail_message_id,
        from_address=row.mail_from or "",
        subject=row.mail_subject or "",
        received_at=row.mail_received_at,
        fax_number=row.sender_fax,
        csid=row.sender_csid,
        page_count=row.sender_pages,
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
