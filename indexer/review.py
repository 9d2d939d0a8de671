"""The review queue: documents whose type or patient was not certain enough to file alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from indexer.labels import DocumentLabelRow
from indexer.models import (
    DocumentRow,
    NearDuplicateKeyRow,
    PageRow,
    PatientRow,
    ReviewExampleRow,
)
from recordroom.core import DOC_TYPES, NotFoundError, RecordroomError
from recordroom.core.sql import utcnow


@dataclass(frozen=True, slots=True)
class ReviewItem:
    document_id: str
    source_name: str
    received_at: str
    doc_type: str
    doc_type_confidence: float
    patient_mrn: str | None
    patient_confidence: float
    reasons: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "document_id": self.document_id,
            "file": self.source_name,
            "received_at": self.received_at,
            "doc_type": self.doc_type,
            "doc_type_confidence": self.doc_type_confidence,
            "patient_mrn": self.patient_mrn,
            "patient_confidence": self.patient_confidence,
            "reasons": list(self.reasons),
        }


def review_queue(session: Session, *, limit: int = 500) -> Sequence[ReviewItem]:
    """Documents waiting for a person, oldest first."""
    rows = session.scalars(
        select(DocumentRow)
        .where(DocumentRow.needs_review.is_(True))
        .order_by(DocumentRow.received_at, DocumentRow.id)
        .limit(limit)
    ).all()
    return [
        ReviewItem(
            document_id=row.id,
            source_name=row.source_name,
            received_at=row.received_at.isoformat(),
            doc_type=row.doc_type,
            doc_type_confidence=row.doc_type_confidence,
            patient_mrn=row.patient_mrn,
            patient_confidence=row.patient_confidence,
            reasons=tuple(r for r in row.review_reasons.split("\n") if r),
        )
        for row in rows
    ]


def assign(session: Session, document_id: str, *, patient_mrn: str, doc_type: str) -> None:
    """A person's decision: this document is this patient's, of this type (the caller commits)."""
    if doc_type not in DOC_TYPES:
        raise RecordroomError(
            f"{doc_type!r} is not a document type; use one of: {', '.join(DOC_TYPES)}"
        )
    row = session.get(DocumentRow, document_id)
    if row is None:
        raise NotFoundError(f"there is no document with id {document_id}")
    if session.get(PatientRow, patient_mrn) is None:
        raise NotFoundError(
            f"there is no patient with MRN {patient_mrn} in the registry; import it first"
        )
    row.patient_mrn = patient_mrn
    row.doc_type = doc_type
    row.patient_confidence = 1.0
    row.doc_type_confidence = 1.0
    row.needs_review = False
    row.review_reasons = ""
    example = session.get(ReviewExampleRow, document_id)
    if example is None:
        session.add(ReviewExampleRow(document_id=document_id, doc_type=doc_type))
    else:
        example.doc_type = doc_type
        example.decided_at = utcnow()


def review_examples(session: Session) -> list[tuple[str, str, str]]:
    """Every decision of the review queue as ``(document id, document text, type)``, oldest
    first."""
    rows = session.execute(
        select(ReviewExampleRow.document_id, ReviewExampleRow.doc_type, PageRow.text)
        .join(PageRow, PageRow.document_id == ReviewExampleRow.document_id)
        .order_by(ReviewExampleRow.decided_at, ReviewExampleRow.document_id, PageRow.number)
    ).all()
    texts: dict[str, list[str]] = {}
    types: dict[str, str] = {}
    for document_id, doc_type, text in rows:
        texts.setdefault(document_id, []).append(text)
        types[document_id] = doc_type
    return [
        (document_id, "\n\f".join(pages), types[document_id])
        for document_id, pages in texts.items()
    ]


def review_example_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ReviewExampleRow)) or 0


def _source_pages(row: DocumentRow) -> list[int]:
    """The pages of the original file the document holds (1..n when not recorded)."""
    pages = [int(n) for n in row.source_pages.split(",") if n]
    return pages if len(pages) == row.page_count else list(range(1, row.page_count + 1))


def _renumber(session: Session, document_id: str, pages: Sequence[PageRow]) -> None:
    """Give ``pages`` to ``document_id`` as its pages 1..n, in this order. (Numbers go negative
    first: (document, number) is unique, and a page may take a number another still holds.)"""
    for page in pages:
        page.number = -page.number - 1_000_000
    session.flush()
    for number, page in enumerate(pages, start=1):
        page.document_id = document_id
        page.number = number
    session.flush()


def _waiting(session: Session, document_id: str) -> DocumentRow:
    row = session.get(DocumentRow, document_id)
    if row is None:
        raise NotFoundError(f"there is no document with id {document_id}")
    return row


def split(session: Session, document_id: str, at_page: int, new_id: str) -> DocumentRow:
    """Split a document in two before page ``at_page``: it keeps the pages before, a new document
    ``new_id`` (same original file, its pages kept) takes that page and the rest. Both wait for
    review; security labels go with both. The caller commits."""
    row = _waiting(session, document_id)
    if not row.needs_review:
        raise RecordroomError(
            f"document {document_id} is filed; only a document waiting for review is split"
        )
    if not 2 <= at_page <= row.page_count:
        raise RecordroomError(
            f"document {document_id} has {row.page_count} pages: split it before a page "
            f"from 2 to {row.page_count}"
        )
    pages = list(session.scalars(select(PageRow).where(PageRow.document_id == document_id)))
    pages.sort(key=lambda page: page.number)
    source = _source_pages(row)
    new = DocumentRow(
        id=new_id,
        **{name: getattr(row, name) for name in _COPIED},
        page_count=row.page_count - at_page + 1,
        source_pages=",".join(str(n) for n in source[at_page - 1 :]),
        needs_review=True,
        review_reasons=f"split from document {document_id} at page {at_page}",
    )
    session.add(new)
    session.flush()
    _renumber(session, new_id, pages[at_page - 1 :])
    row.page_count = at_page - 1
    row.source_pages = ",".join(str(n) for n in source[: at_page - 1])
    for label in list(
        session.scalars(select(DocumentLabelRow).where(DocumentLabelRow.document_id == document_id))
    ):
        session.add(
            DocumentLabelRow(
                document_id=new_id, code=label.code, source=label.source, added_by=label.added_by
            )
        )
    session.expire(row, ["pages"])
    return new


def merge(session: Session, document_id: str, other_id: str) -> DocumentRow:
    """Fold document ``other_id`` into ``document_id``: both came from the same original file
    (their pages are that file's pages), and neither names a different patient than the other.
    The pages go in the file's order; the merged document waits for review; ``other_id`` is
    gone, its labels kept on the merged one and its copies pointed at it. The caller commits."""
    row, other = _waiting(session, document_id), _waiting(session, other_id)
    if document_id == other_id:
        raise RecordroomError(f"document {document_id} cannot be merged with itself")
    if not row.needs_review:
        raise RecordroomError(
            f"document {document_id} is filed; merge into a document waiting for review"
        )
    if row.sha256 != other.sha256:
        raise RecordroomError(
            f"documents {document_id} and {other_id} come from different files; only parts of "
            "one file are merged"
        )
    if row.patient_mrn and other.patient_mrn and row.patient_mrn != other.patient_mrn:
        raise RecordroomError(
            f"documents {document_id} and {other_id} are filed to different patients; "
            "a document holds one patient's pages"
        )
    source = dict(
        zip(
            [(document_id, n) for n in range(1, row.page_count + 1)],
            _source_pages(row),
            strict=True,
        )
    )
    source.update(
        zip(
            [(other_id, n) for n in range(1, other.page_count + 1)],
            _source_pages(other),
            strict=True,
        )
    )
    pages = list(
        session.scalars(select(PageRow).where(PageRow.document_id.in_([document_id, other_id])))
    )
    pages.sort(key=lambda page: (source[(page.document_id, page.number)], page.document_id))
    order = [source[(page.document_id, page.number)] for page in pages]
    _renumber(session, document_id, pages)
    row.page_count = len(pages)
    row.source_pages = ",".join(str(n) for n in order)
    row.patient_mrn = row.patient_mrn or other.patient_mrn
    row.needs_review = True
    kept = set(
        session.scalars(
            select(DocumentLabelRow.code).where(DocumentLabelRow.document_id == document_id)
        )
    )
    for label in list(
        session.scalars(select(DocumentLabelRow).where(DocumentLabelRow.document_id == other_id))
    ):
        if label.code not in kept:
            session.add(
                DocumentLabelRow(
                    document_id=document_id,
                    code=label.code,
                    source=label.source,
                    added_by=label.added_by,
                )
            )
    for copy in session.scalars(select(DocumentRow).where(DocumentRow.duplicate_of == other_id)):
        copy.duplicate_of = document_id
    for table in (DocumentLabelRow, NearDuplicateKeyRow, ReviewExampleRow):
        session.execute(delete(table).where(table.document_id == other_id))
    session.flush()
    session.expire(other, ["pages"])
    session.delete(other)
    session.flush()
    session.expire(row, ["pages"])
    return row


# What a document split off another takes from it as it is.
_COPIED = (
    "sha256",
    "source_name",
    "media_type",
    "size",
    "received_at",
    "doc_type",
    "doc_type_confidence",
    "patient_mrn",
    "patient_confidence",
    "sender_name",
    "sender_fax",
    "original_key",
    "searchable_pdf_key",
    "mail_from",
    "mail_subject",
    "mail_message_id",
    "mail_received_at",
    "sender_csid",
    "sender_pages",
)


@dataclass(frozen=True, slots=True)
class Sibling:
    """Another document made from the same original file (a merge candidate)."""

    document_id: str
    doc_type: str
    patient_mrn: str | None
    needs_review: bool
    source_pages: tuple[int, ...]


def same_file(session: Session, document_id: str) -> list[Sibling]:
    """The other documents made from the file ``document_id`` came from, in the file's order."""
    row = _waiting(session, document_id)
    rows = session.scalars(
        select(DocumentRow).where(DocumentRow.sha256 == row.sha256, DocumentRow.id != row.id)
    ).all()
    found = [
        Sibling(
            other.id,
            other.doc_type,
            other.patient_mrn,
            other.needs_review,
            tuple(_source_pages(other)),
        )
        for other in rows
    ]
    return sorted(found, key=lambda sibling: (sibling.source_pages[:1], sibling.document_id))
