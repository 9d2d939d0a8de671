"""What the web app lists: patients found by name, birth date or MRN; a patient's documents; the
intake jobs by status; documents by page (``offset``/``limit``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from indexer.models import DocumentRow, JobRow, PatientRow
from indexer.patients import to_patient
from recordroom.core import NotFoundError, Patient


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    document_id: str
    source_name: str
    received_at: dt.datetime
    doc_type: str
    patient_mrn: str | None
    page_count: int
    needs_review: bool

    def as_json(self) -> dict[str, object]:
        return {
            "document_id": self.document_id,
            "file": self.source_name,
            "received_at": self.received_at.isoformat(),
            "doc_type": self.doc_type,
            "patient_mrn": self.patient_mrn,
            "pages": self.page_count,
            "needs_review": self.needs_review,
        }


@dataclass(frozen=True, slots=True)
class JobSummary:
    job_id: int
    source_name: str
    status: str
    reason: str | None
    document_ids: tuple[str, ...]
    attempts: int
    created_at: dt.datetime
    finished_at: dt.datetime | None

    def as_json(self) -> dict[str, object]:
        return {
            "job_id": self.job_id,
            "file": self.source_name,
            "status": self.status,
            "reason": self.reason,
            "document_ids": list(self.document_ids),
            "attempts": self.attempts,
            "created_at": self.created_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y")


def _as_date(text: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def find_patients(session: Session, query: str, *, limit: int = 25) -> list[Patient]:
    """Patients whose MRN, surname or given name starts with each word of ``query``, or whose
    birth date is a date in it (YYYY-MM-DD or MM/DD/YYYY); by surname."""
    words = [w for w in re.split(r"[\s,]+", query.strip()) if w]
    if not words:
        return []
    statement = select(PatientRow)
    for word in words:
        date = _as_date(word)
        if date is not None:
            statement = statement.where(PatientRow.birth_date == date)
            continue
        prefix = f"{word.lower()}%"
        statement = statement.where(
            or_(
                func.lower(PatientRow.mrn).like(prefix),
                func.lower(PatientRow.last_name).like(prefix),
                func.lower(PatientRow.first_name).like(prefix),
            )
        )
    rows = session.scalars(
        statement.order_by(PatientRow.last_name, PatientRow.first_name, PatientRow.mrn).limit(limit)
    ).all()
    return [to_patient(row) for row in rows]


def get_patient(session: Session, mrn: str) -> Patient:
    row = session.get(PatientRow, mrn)
    if row is None:
        raise NotFoundError(f"there is no patient with MRN {mrn} in the registry")
    return to_patient(row)


def patients_by_mrn(session: Session, mrns: Sequence[str]) -> dict[str, Patient]:
    if not mrns:
        return {}
    rows = session.scalars(select(PatientRow).where(PatientRow.mrn.in_(set(mrns)))).all()
    return {row.mrn: to_patient(row) for row in rows}


def _summary(row: DocumentRow) -> DocumentSummary:
    return DocumentSummary(
        document_id=row.id,
        source_name=row.source_name,
        received_at=_utc(row.received_at),
        doc_type=row.doc_type,
        patient_mrn=row.patient_mrn,
        page_count=row.page_count,
        needs_review=row.needs_review,
    )


def patient_documents(session: Session, mrn: str) -> list[DocumentSummary]:
    """Every document filed to this patient, by type, newest first within a type."""
    rows = session.scalars(
        select(DocumentRow)
        .where(DocumentRow.patient_mrn == mrn)
        .order_by(DocumentRow.doc_type, DocumentRow.received_at.desc(), DocumentRow.id)
    ).all()
    return [_summary(row) for row in rows]


def recent_documents(
    session: Session, *, offset: int = 0, limit: int = 50
) -> list[DocumentSummary]:
    rows = session.scalars(
        select(DocumentRow)
        .order_by(DocumentRow.received_at.desc(), DocumentRow.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return [_summary(row) for row in rows]


def _job(row: JobRow) -> JobSummary:
    return JobSummary(
        job_id=row.id,
        source_name=row.source_name,
        status=row.status,
        reason=row.reason,
        document_ids=tuple(d for d in row.document_ids.split(",") if d),
        attempts=row.attempts,
        created_at=_utc(row.created_at),
        finished_at=_utc(row.finished_at) if row.finished_at else None,
    )


def jobs(
    session: Session,
    *,
    statuses: Sequence[str] = (),
    finished_since: dt.datetime | None = None,
    offset: int = 0,
    limit: int = 50,
) -> list[JobSummary]:
    """Intake jobs, newest first, with one of ``statuses`` (any when empty)."""
    statement = select(JobRow)
    if statuses:
        statement = statement.where(JobRow.status.in_(statuses))
    if finished_since is not None:
        statement = statement.where(JobRow.finished_at >= finished_since)
    rows = session.scalars(
        statement.order_by(JobRow.created_at.desc(), JobRow.id.desc()).offset(offset).limit(limit)
    ).all()
    return [_job(row) for row in rows]


def count_jobs(
    session: Session, *, statuses: Sequence[str] = (), finished_since: dt.datetime | None = None
) -> int:
    statement = select(func.count(JobRow.id))
    if statuses:
        statement = statement.where(JobRow.status.in_(statuses))
    if finished_since is not None:
        statement = statement.where(JobRow.finished_at >= finished_since)
    return int(session.scalar(statement) or 0)
