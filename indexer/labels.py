"""Security labels on documents (HL7 ActInformationSensitivityPolicy codes, HIPAA.md §4): set
automatically where the text tells, by hand always."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import DateTime, ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from indexer.models import DocumentRow
from recordroom.core.errors import InvalidRequestError, NotFoundError
from recordroom.core.release import SECURITY_LABELS
from recordroom.core.sql import Base, utcnow

LABEL_SOURCES = ("auto", "manual")


class DocumentLabelRow(Base):
    __tablename__ = "document_labels"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    source: Mapped[str] = mapped_column(String(8))
    added_by: Mapped[str] = mapped_column(String(128))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def check_label(code: str) -> str:
    upper = code.strip().upper()
    if upper not in SECURITY_LABELS:
        known = ", ".join(SECURITY_LABELS)
        raise InvalidRequestError(f"{code!r} is not a security label; use one of {known}")
    return upper


def add_label(
    session: Session, document_id: str, code: str, *, source: str, added_by: str
) -> DocumentLabelRow:
    """Flag a document (the caller commits). A manual label replaces an automatic one."""
    code = check_label(code)
    if source not in LABEL_SOURCES:
        raise ValueError(f"label source {source!r}")
    if session.get(DocumentRow, document_id) is None:
        raise NotFoundError(f"no document {document_id}")
    row = session.get(DocumentLabelRow, (document_id, code))
    if row is None:
        row = DocumentLabelRow(document_id=document_id, code=code, source=source, added_by=added_by)
        session.add(row)
    elif source == "manual":
        row.source, row.added_by = "manual", added_by
    return row


def remove_label(session: Session, document_id: str, code: str) -> bool:
    """Take a flag off a document; False when it did not carry it."""
    code = check_label(code)
    result = session.execute(
        delete(DocumentLabelRow)
        .where(DocumentLabelRow.document_id == document_id)
        .where(DocumentLabelRow.code == code)
    )
    return bool(getattr(result, "rowcount", 0))


def labels_of(session: Session, document_id: str) -> frozenset[str]:
    return frozenset(
        session.scalars(
            select(DocumentLabelRow.code).where(DocumentLabelRow.document_id == document_id)
        )
    )


def labels_of_many(session: Session, document_ids: Iterable[str]) -> Mapping[str, frozenset[str]]:
    ids = list(document_ids)
    found: dict[str, set[str]] = {doc_id: set() for doc_id in ids}
    if ids:
        rows = session.execute(
            select(DocumentLabelRow.document_id, DocumentLabelRow.code).where(
                DocumentLabelRow.document_id.in_(ids)
            )
        )
        for doc_id, code in rows:
            found[doc_id].add(code)
    return {doc_id: frozenset(codes) for doc_id, codes in found.items()}
