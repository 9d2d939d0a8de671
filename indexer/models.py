"""The SQL schema: documents, their pages, the intake job queue and the patient registry.

Every change here comes with an Alembic migration in ``indexer/migrations/versions``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recordroom.core.sql import Base, utcnow


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source_name: Mapped[str] = mapped_column(String(512))
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    page_count: Mapped[int] = mapped_column(Integer)
    source_pages: Mapped[str] = mapped_column(String(2000), default="")  # "1,2,3"
    doc_type: Mapped[str] = mapped_column(String(32), index=True)
    doc_type_confidence: Mapped[float] = mapped_column(Float)
    patient_mrn: Mapped[str | None] = mapped_column(String(64), index=True)
    patient_confidence: Mapped[float] = mapped_column(Float)
    needs_review: Mapped[bool] = mapped_column(Boolean, index=True)
    review_reasons: Mapped[str] = mapped_column(Text, default="")  # one reason a line
    sender_name: Mapped[str | None] = mapped_column(String(256))
    sender_fax: Mapped[str | None] = mapped_column(String(64))
    original_key: Mapped[str] = mapped_column(String(256))
    searchable_pdf_key: Mapped[str | None] = mapped_column(String(256))
    fingerprint: Mapped[int | None] = mapped_column(BigInteger)  # unused since 0007 (SimHash)
    duplicate_of: Mapped[str | None] = mapped_column(String(32), index=True)
    duplicate_similarity: Mapped[float | None] = mapped_column(Float)
    # what intake.dedupe keeps to recognise a later copy (the LSH keys: NearDuplicateKeyRow)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    image_hash: Mapped[int | None] = mapped_column(BigInteger)
    identifiers: Mapped[str | None] = mapped_column(Text)  # JSON
    # a document that came by e-mail: its message and what the e-fax service said of the sender
    mail_from: Mapped[str | None] = mapped_column(String(320))
    mail_subject: Mapped[str | None] = mapped_column(String(998))
    mail_message_id: Mapped[str | None] = mapped_column(String(998))
    mail_received_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sender_csid: Mapped[str | None] = mapped_column(String(64))
    sender_pages: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    pages: Mapped[list[PageRow]] = relationship(
        back_populates="document", order_by="PageRow.number", cascade="all, delete-orphan"
    )


class PageRow(Base):
    __tablename__ = "pages"
    __table_args__ = (Index("ix_pages_document_number", "document_id", "number", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float | None] = mapped_column(Float)
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    # The document's type and patient, for the search filters: written by database triggers
    # (migration 0014) from ``documents``, never by this code.
    doc_type: Mapped[str | None] = mapped_column(String(32), index=True)
    patient_mrn: Mapped[str | None] = mapped_column(String(64), index=True)

    document: Mapped[DocumentRow] = relationship(back_populates="pages")


class NearDuplicateKeyRow(Base):
    """The LSH bands of a document's fingerprint: an earlier copy is found by an indexed equality
    on (band, value), never by a scan."""

    __tablename__ = "near_duplicate_keys"
    __table_args__ = (Index("ix_near_duplicate_keys_band_value", "band", "value"),)

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class MailMessageRow(Base):
    """One message of an e-fax mailbox: fetched, then processed or failed, then moved.

    A message is known by its Message-ID (or the SHA-256 of its bytes when it has none), not by
    its UID alone: a UIDVALIDITY change renumbers every message, and a crash before the move
    fetches it again; either way the row says it was already done."""

    __tablename__ = "mail_messages"
    __table_args__ = (UniqueConstraint("mailbox", "message_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mailbox: Mapped[str] = mapped_column(String(512))  # the URL without a password
    message_key: Mapped[str] = mapped_column(String(998))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[str | None] = mapped_column(String(998))
    from_address: Mapped[str] = mapped_column(String(320), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), index=True)  # fetching|processed|failed
    reason: Mapped[str | None] = mapped_column(Text)
    attachment_sha256s: Mapped[str] = mapped_column(Text, default="")  # "sha1,sha2"
    document_ids: Mapped[str] = mapped_column(Text, default="")  # "id1,id2"
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    moved_to: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class JobRow(Base):
    """One incoming file: queued (its original safe in the object store), leased by a worker,
    then stored, duplicate or quarantined. The intake queue."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_name: Mapped[str] = mapped_column(String(600), unique=True)
    source_name: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    document_ids: Mapped[str] = mapped_column(String(2000), default="")  # "id1,id2"
    duplicate_of: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # times a worker took it
    original_key: Mapped[str | None] = mapped_column(String(256))
    failures: Mapped[int] = mapped_column(Integer, default=0)  # failures the file caused
    leased_by: Mapped[str | None] = mapped_column(String(200))  # the lease token of one take
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    origin: Mapped[str | None] = mapped_column(Text)  # the e-mail it came in (JSON), if any
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class PatientRow(Base):
    __tablename__ = "patients"

    mrn: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_name: Mapped[str] = mapped_column(String(128))
    first_name: Mapped[str] = mapped_column(String(128))
    middle_name: Mapped[str] = mapped_column(String(128), default="")
    birth_date: Mapped[dt.date] = mapped_column(Date, index=True)
    sex: Mapped[str] = mapped_column(String(16), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    address_line: Mapped[str] = mapped_column(String(256), default="")
    city: Mapped[str] = mapped_column(String(128), default="")
    state: Mapped[str] = mapped_column(String(32), default="")
    postal_code: Mapped[str] = mapped_column(String(16), default="")
    member_id: Mapped[str] = mapped_column(String(64), default="", server_default="")
    mrn_key: Mapped[str] = mapped_column(String(64), index=True)
    phone_key: Mapped[str] = mapped_column(String(32), index=True)
    member_key: Mapped[str] = mapped_column(String(64), index=True, default="", server_default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PatientNameKeyRow(Base):
    """The keys a patient's surname is found under (``last_name_search_keys``): whole, by part of
    a compound surname, and by sound."""

    __tablename__ = "patient_name_keys"

    mrn: Mapped[str] = mapped_column(
        ForeignKey("patients.mrn", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(128), primary_key=True, index=True)


class ReviewExampleRow(Base):
    """A person's decision in the review queue, kept as a labelled example: the document's text
    (its pages) and the type they gave it. The office's own forms teach the classifier."""

    __tablename__ = "review_examples"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    doc_type: Mapped[str] = mapped_column(String(32))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
