"""The release-of-information tables: requests, their transitions, authorizations and their
elements, disclosures, wrongful-disclosure incidents and uses of delivery links.

Every change here comes with a hand-written Alembic migration in ``indexer/migrations/versions``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recordroom.core.sql import Base, utcnow


class AuthorizationRow(Base):
    """A signed authorization (HIPAA §1), kept as a stored document of type ``authorization``."""

    __tablename__ = "roi_authorizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(32), index=True)
    patient_mrn: Mapped[str] = mapped_column(String(64), index=True)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    expiration_event: Mapped[str] = mapped_column(Text, default="")
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    # sensitive categories the authorization names, as security label codes ("ETH,PSYTHPN")
    categories: Mapped[str] = mapped_column(String(200), default="")
    # psychotherapy notes combined with other information in one authorization (164.508(b)(3))
    compound: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)
    revoked_by: Mapped[str | None] = mapped_column(String(128))
    revocation_note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    elements: Mapped[list[AuthorizationElementRow]] = relationship(
        back_populates="authorization",
        order_by="AuthorizationElementRow.id",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def category_codes(self) -> frozenset[str]:
        return frozenset(code for code in self.categories.split(",") if code)

    def element(self, name: str) -> AuthorizationElementRow | None:
        return next((e for e in self.elements if e.name == name), None)


class AuthorizationElementRow(Base):
    """One element of HIPAA §1 on one authorization: what the OCR found, what the clerk
    confirmed."""

    __tablename__ = "roi_authorization_elements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    authorization_id: Mapped[int] = mapped_column(
        ForeignKey("roi_authorizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="ocr")  # ocr | clerk
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    defect: Mapped[str] = mapped_column(Text, default="")  # what the clerk found wrong, if anything
    confirmed_by: Mapped[str | None] = mapped_column(String(128))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    authorization: Mapped[AuthorizationRow] = relationship(back_populates="elements")


class RequestRow(Base):
    """A request for the release of a patient's records."""

    __tablename__ = "roi_requests"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    request_type: Mapped[str] = mapped_column(String(32))
    requester_type: Mapped[str] = mapped_column(String(32))
    requester_name: Mapped[str] = mapped_column(String(256))
    requester_address: Mapped[str] = mapped_column(Text, default="")
    requester_contact: Mapped[str] = mapped_column(String(256), default="")
    # who receives the copy: the requester, or the third party a patient's directive names
    recipient_name: Mapped[str] = mapped_column(String(256))
    recipient_address: Mapped[str] = mapped_column(Text, default="")
    patient_mrn: Mapped[str] = mapped_column(String(64), index=True)
    complete_record: Mapped[bool] = mapped_column(Boolean, default=False)
    doc_types: Mapped[str] = mapped_column(String(600), default="")  # "lab_report,progress_note"
    document_ids: Mapped[str] = mapped_column(Text, default="")  # explicit documents, if named
    date_from: Mapped[dt.date | None] = mapped_column(Date)
    date_to: Mapped[dt.date | None] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(Text, default="")
    delivery: Mapped[str] = mapped_column(String(16))
    received_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    extended_due_on: Mapped[dt.date | None] = mapped_column(Date)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    authorization_id: Mapped[int | None] = mapped_column(
        ForeignKey("roi_authorizations.id"), index=True
    )
    identity_method: Mapped[str | None] = mapped_column(String(32))
    identity_note: Mapped[str] = mapped_column(Text, default="")
    identity_verified_by: Mapped[str | None] = mapped_column(String(128))
    identity_verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    fee_cents: Mapped[int | None] = mapped_column(Integer)
    fee_basis: Mapped[str] = mapped_column(Text, default="")
    denial_ground: Mapped[str | None] = mapped_column(String(48))
    packet_sha256: Mapped[str | None] = mapped_column(String(64))
    packet_key: Mapped[str | None] = mapped_column(String(256))
    packet_pages: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    authorization: Mapped[AuthorizationRow | None] = relationship()
    transitions: Mapped[list[TransitionRow]] = relationship(
        back_populates="request", order_by="TransitionRow.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def due(self) -> dt.date:
        return self.extended_due_on or self.due_on

    @property
    def doc_type_list(self) -> tuple[str, ...]:
        return tuple(t for t in self.doc_types.split(",") if t)

    @property
    def document_id_list(self) -> tuple[str, ...]:
        return tuple(d for d in self.document_ids.split(",") if d)


class TransitionRow(Base):
    """One change of a request's state: who, when, why."""

    __tablename__ = "roi_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(
        ForeignKey("roi_requests.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")

    request: Mapped[RequestRow] = relationship(back_populates="transitions")


class DisclosureRow(Base):
    """One disclosure of a patient's information: what the accounting of disclosures lists."""

    __tablename__ = "roi_disclosures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    patient_mrn: Mapped[str] = mapped_column(String(64), index=True)
    request_id: Mapped[str | None] = mapped_column(ForeignKey("roi_requests.id"), index=True)
    disclosed_on: Mapped[dt.date] = mapped_column(Date, index=True)
    recipient_name: Mapped[str] = mapped_column(String(256))
    recipient_address: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text, default="")
    request_type: Mapped[str] = mapped_column(String(32))
    document_ids: Mapped[str] = mapped_column(Text, default="")
    packet_sha256: Mapped[str | None] = mapped_column(String(64))
    part2_notice_version: Mapped[str | None] = mapped_column(String(32))
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    incidents: Mapped[list[IncidentRow]] = relationship(
        back_populates="disclosure", order_by="IncidentRow.id", cascade="all, delete-orphan"
    )


class IncidentRow(Base):
    """A disclosure that was not permitted (wrong fax number, wrong recipient): it goes on the
    patient's accounting of disclosures whatever the disclosure's kind."""

    __tablename__ = "roi_incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("roi_disclosures.id", ondelete="CASCADE"), index=True
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    recipient_name: Mapped[str] = mapped_column(String(256))
    recipient_address: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    disclosure: Mapped[DisclosureRow] = relationship(back_populates="incidents")


class LinkUseRow(Base):
    """One use of a request's expiring download link."""

    __tablename__ = "roi_link_uses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("roi_requests.id"), index=True)
    used_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    network_address: Mapped[str | None] = mapped_column(String(64))
