"""Requests from receipt to closing: every state change records who, when and why, and every
change is checked against the version the clerk saw."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from recordroom.core.errors import InvalidRequestError, NotFoundError, ReleaseRefusedError
from recordroom.core.models import DOC_TYPES
from recordroom.core.release import ReleaseSource
from recordroom.core.sql import utcnow
from release_of_information.authorizations import (
    AuthorizationCheck,
    check_authorization,
    get_authorization,
    register_authorization,
)
from release_of_information.models import RequestRow, TransitionRow
from release_of_information.policy import ReleasePolicy
from release_of_information.records import RequestDraft, Selection, check_version, flushed
from release_of_information.scope import quote_fee, select_documents
from release_of_information.vocabulary import (
    ACCESS_TYPES,
    DELIVERIES,
    DENIAL_GROUNDS,
    IDENTITY_METHODS,
    PENDING,
    REQUEST_TYPES,
    REQUESTER_TYPES,
    TRANSITIONS,
)


@dataclass(frozen=True, slots=True)
class RequestCheck:
    """Everything that stands between a request and its approval; empty when nothing does."""

    request_id: str
    problems: tuple[str, ...]
    authorization: AuthorizationCheck | None = None

    @property
    def ready(self) -> bool:
        return not self.problems


def _choice(value: str, choices: dict[str, str], what: str) -> str:
    if value not in choices:
        raise InvalidRequestError(f"{value!r} is not a {what}; use one of {', '.join(choices)}")
    return value


def validate_draft(draft: RequestDraft, source: ReleaseSource) -> None:
    """Every reason the draft cannot become a request, raised before anything is written."""
    _choice(draft.request_type, REQUEST_TYPES, "request type")
    _choice(draft.requester_type, REQUESTER_TYPES, "requester type")
    _choice(draft.delivery, DELIVERIES, "delivery")
    if not draft.requester_name.strip():
        raise InvalidRequestError("a request needs the requester's name")
    if draft.request_type in ACCESS_TYPES and draft.requester_type not in (
        "patient",
        "personal_representative",
    ):
        raise InvalidRequestError(
            f"a {draft.request_type} request comes from the patient or their personal "
            f"representative, not from a requester of type {draft.requester_type}"
        )
    if draft.request_type == "third_party_directive" and not draft.recipient_name.strip():
        raise InvalidRequestError("a third-party directive names its recipient (--recipient)")
    if not source.patient_exists(draft.patient_mrn):
        raise NotFoundError(
            f"no patient with MRN {draft.patient_mrn} in the registry; import or correct it first"
        )
    if draft.date_from and draft.date_to and draft.date_from > draft.date_to:
        raise InvalidRequestError(
            f"the date range is reversed ({draft.date_from.isoformat()} is after "
            f"{draft.date_to.isoformat()}); give the earlier date first"
        )
    unknown = sorted(set(draft.doc_types) - set(DOC_TYPES))
    if unknown:
        raise InvalidRequestError(f"{', '.join(unknown)}: not document types")
    if not (draft.complete_record or draft.doc_types or draft.document_ids or draft.date_from):
        raise InvalidRequestError(
            "say what is asked for: document types, a date range, documents, or the complete record"
        )
    for document_id in draft.document_ids:
        if source.document(document_id).patient_mrn != draft.patient_mrn:
            raise InvalidRequestError(
                f"document {document_id} is not filed under the request's patient; "
                "a request covers only the patient's own documents"
            )


def _new_id(session: Session, received_on: dt.date) -> str:
    while True:
        candidate = f"R{received_on:%y%m%d}-{secrets.token_hex(2).upper()}"
        if session.get(RequestRow, candidate) is None:
            return candidate


def create_request(
    session: Session,
    source: ReleaseSource,
    draft: RequestDraft,
    *,
    actor: str,
    policy: ReleasePolicy,
) -> RequestRow:
    """Log a request as received (the caller commits); its authorization document, if given, is
    registered with the elements its text shows."""
    validate_draft(draft, source)
    authorization = None
    if draft.authorization_document_id:
        authorization = register_authorization(
            session,
            source,
            draft.authorization_document_id,
            patient_mrn=draft.patient_mrn,
            actor=actor,
        )
    row = RequestRow(
        id=_new_id(session, draft.received_on),
        status="received",
        request_type=draft.request_type,
        requester_type=draft.requester_type,
        requester_name=draft.requester_name.strip(),
        requester_address=draft.requester_address.strip(),
        requester_contact=draft.requester_contact.strip(),
        recipient_name=(draft.recipient_name or draft.requester_name).strip(),
        recipient_address=(draft.recipient_address or draft.requester_address).strip(),
        patient_mrn=draft.patient_mrn,
        complete_record=draft.complete_record,
        doc_types=",".join(draft.doc_types),
        document_ids=",".join(draft.document_ids),
        date_from=draft.date_from,
        date_to=draft.date_to,
        purpose=draft.purpose.strip(),
        delivery=draft.delivery,
        received_on=draft.received_on,
        due_on=draft.received_on + dt.timedelta(days=policy.due_days),
        extension_reason="",
        identity_note="",
        fee_basis="",
        authorization=authorization,
        created_by=actor,
    )
    row.transitions.append(
        TransitionRow(from_status=None, to_status="received", actor=actor, reason="logged")
    )
    session.add(row)
    return flushed(session, f"request {row.id}", row)


def get_request(session: Session, request_id: str) -> RequestRow:
    row = session.get(RequestRow, request_id)
    if row is None:
        raise NotFoundError(f"no release request {request_id}")
    return row


def move(row: RequestRow, to: str, *, actor: str, reason: str) -> None:
    if to not in TRANSITIONS[row.status]:
        raise InvalidRequestError(
            f"request {row.id} is {row.status}; it cannot become {to} from there"
        )
    row.transitions.append(
        TransitionRow(from_status=row.status, to_status=to, actor=actor, reason=reason)
    )
    row.status = to


def _editable(
    session: Session, request_id: str, expected_version: int | None, *, pending: bool = True
) -> RequestRow:
    row = get_request(session, request_id)
    check_version(row.version, expected_version, f"request {request_id}")
    if pending and row.status not in PENDING:
        raise InvalidRequestError(f"request {request_id} is {row.status}; it is no longer open")
    return row


def begin_review(
    session: Session, request_id: str, *, actor: str, expected_version: int | None = None
) -> RequestRow:
    row = _editable(session, request_id, expected_version)
    if row.status == "received":
        move(row, "in_review", actor=actor, reason="review begun")
    return flushed(session, f"request {request_id}", row)


def attach_authorization(
    session: Session,
    source: ReleaseSource,
    request_id: str,
    document_id: str,
    *,
    actor: str,
    expected_version: int | None = None,
) -> RequestRow:
    row = _editable(session, request_id, expected_version)
    row.authorization = register_authorization(
        session, source, document_id, patient_mrn=row.patient_mrn, actor=actor
    )
    return flushed(session, f"request {request_id}", row)


def verify_identity(
    session: Session,
    request_id: str,
    method: str,
    *,
    actor: str,
    note: str = "",
    expected_version: int | None = None,
) -> RequestRow:
    """Record how the requester's identity and authority were verified (164.514(h))."""
    _choice(method, IDENTITY_METHODS, "identity verification method")
    row = _editable(session, request_id, expected_version)
    if row.requester_type == "personal_representative" and method not in (
        "representative_papers",
        "court_order",
    ):
        raise InvalidRequestError(
            "a personal representative's authority is verified from their papers "
            "(representative_papers) or a court order"
        )
    row.identity_method, row.identity_note = method, note.strip()
    row.identity_verified_by, row.identity_verified_at = actor, utcnow()
    return flushed(session, f"request {request_id}", row)


def check_request(session: Session, request_id: str, *, on: dt.date) -> RequestCheck:
    """What still stands between the request and its approval, each problem named."""
    row = get_request(session, request_id)
    problems: list[str] = []
    if row.identity_method is None:
        problems.append(
            "identity: the requester's identity and authority are not verified "
            "(45 CFR 164.514(h)); record how with verify-identity"
        )
    auth_check = None
    if row.request_type == "authorization":
        if row.authorization_id is None:
            problems.append("authorization: none linked; a third party needs a signed one")
        else:
            auth = get_authorization(session, row.authorization_id)
            auth_check = check_authorization(
                auth, on=on, needs_authority=row.requester_type == "personal_representative"
            )
            problems.extend(f"authorization {d}" for d in auth_check.defects)
    return RequestCheck(request_id=row.id, problems=tuple(problems), authorization=auth_check)


def releasable(
    session: Session, source: ReleaseSource, row: RequestRow, *, on: dt.date, refusal: str
) -> Selection:
    """What the request would release on ``on``; refused with every problem named when its
    checks fail, and an error when nothing in its scope may be released."""
    check = check_request(session, row.id, on=on)
    if not check.ready:
        raise ReleaseRefusedError(f"request {row.id} {refusal}: " + "; ".join(check.problems))
    selection = select_documents(row, row.authorization, source)
    if not selection.included:
        raise InvalidRequestError(
            f"request {row.id} covers no document that may be released "
            f"({len(selection.withheld)} withheld); deny it (ground no_records) or widen it"
        )
    return selection


def approve(
    session: Session,
    source: ReleaseSource,
    request_id: str,
    *,
    actor: str,
    on: dt.date,
    policy: ReleasePolicy,
    reason: str = "",
    expected_version: int | None = None,
) -> RequestRow:
    """Approve a request whose check is clean; the fee is quoted on it for the requester."""
    row = _editable(session, request_id, expected_version)
    if row.status == "approved":
        raise InvalidRequestError(f"request {request_id} is approved already")
    selection = releasable(session, source, row, on=on, refusal="cannot be approved")
    fee = quote_fee(row, selection.pages, policy)
    row.fee_cents, row.fee_basis = fee.cents, fee.basis
    if row.status == "received":
        move(row, "in_review", actor=actor, reason="review begun")
    move(row, "approved", actor=actor, reason=reason or "checks passed")
    return flushed(session, f"request {request_id}", row)


def deny(
    session: Session,
    request_id: str,
    ground: str,
    *,
    actor: str,
    reason: str = "",
    expected_version: int | None = None,
) -> RequestRow:
    _choice(ground, DENIAL_GROUNDS, "denial ground")
    row = _editable(session, request_id, expected_version)
    if row.status == "approved":
        raise InvalidRequestError(f"request {request_id} is approved; cancel it instead")
    if row.status == "received":
        move(row, "in_review", actor=actor, reason="review begun")
    row.denial_ground = ground
    move(row, "denied", actor=actor, reason=reason or DENIAL_GROUNDS[ground])
    return flushed(session, f"request {request_id}", row)


def extend(
    session: Session,
    request_id: str,
    reason: str,
    *,
    actor: str,
    days: int = 30,
    policy: ReleasePolicy,
    expected_version: int | None = None,
) -> RequestRow:
    """The one extension of the due date (164.524(b)(2)(ii)), with its reason."""
    row = _editable(session, request_id, expected_version)
    if row.extended_due_on is not None:
        raise InvalidRequestError(f"request {request_id} was extended once already")
    if not reason.strip():
        raise InvalidRequestError("an extension needs its reason; the notice gives it")
    if not 1 <= days <= policy.max_extension_days:
        raise InvalidRequestError(
            f"an extension is 1 to {policy.max_extension_days} days, not {days}"
        )
    row.extended_due_on = row.due_on + dt.timedelta(days=days)
    row.extension_reason = reason.strip()
    row.transitions.append(
        TransitionRow(
            from_status=row.status,
            to_status=row.status,
            actor=actor,
            reason=f"due date extended to {row.extended_due_on.isoformat()}: {reason.strip()}",
        )
    )
    return flushed(session, f"request {request_id}", row)


def cancel(
    session: Session,
    request_id: str,
    *,
    actor: str,
    reason: str,
    expected_version: int | None = None,
) -> RequestRow:
    row = _editable(session, request_id, expected_version)
    move(row, "cancelled", actor=actor, reason=reason)
    return flushed(session, f"request {request_id}", row)


def close(
    session: Session,
    request_id: str,
    *,
    actor: str,
    reason: str = "",
    expected_version: int | None = None,
) -> RequestRow:
    row = _editable(session, request_id, expected_version, pending=False)
    move(row, "closed", actor=actor, reason=reason or "done")
    return flushed(session, f"request {request_id}", row)


def list_requests(
    session: Session,
    *,
    status: str | None = None,
    patient_mrn: str | None = None,
    overdue_on: dt.date | None = None,
) -> list[RequestRow]:
    """Requests, oldest due first; ``overdue_on``: the open ones past their (extended) due date."""
    query = select(RequestRow).order_by(RequestRow.due_on, RequestRow.id)
    if status is not None:
        query = query.where(RequestRow.status == status)
    if patient_mrn is not None:
        query = query.where(RequestRow.patient_mrn == patient_mrn)
    rows = list(session.scalars(query))
    if overdue_on is not None:
        rows = [r for r in rows if r.status in PENDING and r.due < overdue_on]
    return rows


def revoke_authorization(
    session: Session,
    authorization_id: int,
    *,
    received_on: dt.date,
    actor: str,
    note: str = "",
) -> list[str]:
    """Record a written revocation (effective when received) and cancel every pending request
    under the authorization; what was released before stays on record. Returns the ids of the
    requests cancelled."""
    auth = get_authorization(session, authorization_id)
    if auth.revoked_on is not None:
        raise InvalidRequestError(
            f"authorization {authorization_id} was revoked on {auth.revoked_on.isoformat()}"
        )
    auth.revoked_on, auth.revoked_by, auth.revocation_note = received_on, actor, note.strip()
    pending = session.scalars(
        select(RequestRow)
        .where(RequestRow.authorization_id == authorization_id)
        .where(RequestRow.status.in_(sorted(PENDING)))
        .order_by(RequestRow.id)
    ).all()
    for row in pending:
        move(
            row,
            "cancelled",
            actor=actor,
            reason=f"authorization {authorization_id} revoked in writing on "
            f"{received_on.isoformat()}",
        )
    flushed(session, f"authorization {authorization_id}", auth)
    return [row.id for row in pending]
