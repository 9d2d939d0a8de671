"""Fulfilling an approved request: select, assemble, record the disclosure, mark it fulfilled;
and recording disclosures made otherwise and the incidents that make one wrongful."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from recordroom.core.errors import InvalidRequestError, NotFoundError
from recordroom.core.release import ReleaseSource
from release_of_information.models import DisclosureRow, IncidentRow, RequestRow
from release_of_information.packet import Packet, assemble_packet
from release_of_information.policy import ReleasePolicy
from release_of_information.records import Fee, Selection, check_version, flushed
from release_of_information.requests import get_request, move, releasable
from release_of_information.scope import describe, quote_fee, select_documents
from release_of_information.vocabulary import REQUEST_TYPES


@dataclass(frozen=True, slots=True)
class Fulfilment:
    request: RequestRow
    selection: Selection
    packet: Packet
    disclosure: DisclosureRow


def preview(
    session: Session, source: ReleaseSource, request_id: str, *, policy: ReleasePolicy
) -> tuple[Selection, Fee]:
    """What a release would enclose and withhold, and its fee, without releasing anything."""
    row = get_request(session, request_id)
    selection = select_documents(row, row.authorization, source)
    if row.fee_cents is not None:
        return selection, Fee(row.fee_cents, row.fee_basis)
    return selection, quote_fee(row, selection.pages, policy)


def fulfil(
    session: Session,
    source: ReleaseSource,
    request_id: str,
    *,
    actor: str,
    on: dt.date,
    policy: ReleasePolicy,
    encrypt: bool = False,
    expected_version: int | None = None,
) -> Fulfilment:
    """Assemble the packet of an approved request and record its disclosure (the caller stores
    the packet and commits). Checks run again: an authorization may have expired since."""
    row = get_request(session, request_id)
    check_version(row.version, expected_version, f"request {request_id}")
    if row.status != "approved":
        raise InvalidRequestError(
            f"request {request_id} is {row.status}; only an approved request is fulfilled"
        )
    selection = releasable(session, source, row, on=on, refusal="can no longer be released")
    fee = Fee(row.fee_cents or 0, row.fee_basis)
    pdfs = {doc.id: source.searchable_pdf(doc.id) for doc in selection.included}
    packet = assemble_packet(
        row,
        selection,
        pdfs,
        fee=fee,
        policy=policy,
        on=on,
        encrypt=encrypt or row.delivery == "encrypted_pdf",
    )
    disclosure = DisclosureRow(
        patient_mrn=row.patient_mrn,
        request_id=row.id,
        disclosed_on=on,
        recipient_name=row.recipient_name,
        recipient_address=row.recipient_address,
        description=describe(selection.included),
        purpose=row.purpose or REQUEST_TYPES[row.request_type],
        request_type=row.request_type,
        document_ids=",".join(doc.id for doc in selection.included),
        packet_sha256=packet.sha256,
        part2_notice_version=packet.part2_notice_version,
        recorded_by=actor,
    )
    session.add(disclosure)
    row.packet_sha256, row.packet_pages = packet.sha256, packet.pages
    withheld = f", {len(selection.withheld)} withheld" if selection.withheld else ""
    move(
        row,
        "fulfilled",
        actor=actor,
        reason=f"packet of {packet.pages} pages, {len(selection.included)} documents{withheld}, "
        f"sha256 {packet.sha256}",
    )
    flushed(session, f"request {request_id}", row)
    return Fulfilment(request=row, selection=selection, packet=packet, disclosure=disclosure)


def record_disclosure(
    session: Session,
    source: ReleaseSource,
    *,
    patient_mrn: str,
    disclosed_on: dt.date,
    recipient_name: str,
    description: str,
    purpose: str,
    request_type: str,
    actor: str,
    recipient_address: str = "",
) -> DisclosureRow:
    """A disclosure made outside a release request (a court order answered by phone, a public
    health report), kept for the accounting of disclosures."""
    if request_type not in REQUEST_TYPES:
        raise InvalidRequestError(f"{request_type!r} is not a request type")
    if not source.patient_exists(patient_mrn):
        raise NotFoundError(f"no patient with MRN {patient_mrn} in the registry")
    row = DisclosureRow(
        patient_mrn=patient_mrn,
        disclosed_on=disclosed_on,
        recipient_name=recipient_name.strip(),
        recipient_address=recipient_address.strip(),
        description=description.strip(),
        purpose=purpose.strip(),
        request_type=request_type,
        document_ids="",
        recorded_by=actor,
    )
    session.add(row)
    session.flush()
    return row


def disclosure_of_request(session: Session, request: RequestRow) -> DisclosureRow:
    found = _disclosures(session, request.id)
    if not found:
        raise NotFoundError(f"request {request.id} has disclosed nothing yet")
    return found[-1]


def _disclosures(session: Session, request_id: str) -> list[DisclosureRow]:
    return list(
        session.scalars(
            select(DisclosureRow)
            .where(DisclosureRow.request_id == request_id)
            .order_by(DisclosureRow.id)
        )
    )


def record_incident(
    session: Session,
    disclosure_id: int,
    *,
    occurred_on: dt.date,
    recipient_name: str,
    description: str,
    actor: str,
    recipient_address: str = "",
) -> IncidentRow:
    """A disclosure that was not permitted (wrong fax number, wrong recipient): it goes on the
    patient's accounting whatever the disclosure's kind."""
    disclosure = session.get(DisclosureRow, disclosure_id)
    if disclosure is None:
        raise NotFoundError(f"no disclosure {disclosure_id}")
    if not description.strip() or not recipient_name.strip():
        raise InvalidRequestError("an incident names who received the information and what")
    row = IncidentRow(
        occurred_on=occurred_on,
        recipient_name=recipient_name.strip(),
        recipient_address=recipient_address.strip(),
        description=description.strip(),
        recorded_by=actor,
    )
    disclosure.incidents.append(row)
    session.flush()
    return row
