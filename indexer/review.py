"""The review queue: documents whose type or patient was not certain enough to file alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indexer.models import DocumentRow, PageRow, PatientRow, ReviewExampleRow
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
