"""Authorizations: registered from a stored ``authorization`` document with the elements its text
shows, confirmed element by element by a clerk, checked against HIPAA.md §1, revoked in writing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from recordroom.core.errors import InvalidRequestError, NotFoundError
from recordroom.core.release import SECURITY_LABELS, ReleaseSource
from recordroom.core.sql import utcnow
from release_of_information.elements import (
    CONDITIONAL_ELEMENTS,
    ELEMENTS,
    extract_elements,
    parse_date,
    signed_by_representative,
)
from release_of_information.models import AuthorizationElementRow, AuthorizationRow
from release_of_information.records import check_version


@dataclass(frozen=True, slots=True)
class Defect:
    """One reason an authorization is not valid; ``element`` is "" for the authorization as a
    whole (expired, revoked, compound)."""

    element: str
    problem: str

    def __str__(self) -> str:
        return f"{self.element}: {self.problem}" if self.element else self.problem


@dataclass(frozen=True, slots=True)
class AuthorizationCheck:
    authorization_id: int
    defects: tuple[Defect, ...]

    @property
    def valid(self) -> bool:
        return not self.defects

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(d.element for d in self.defects if d.element)


def get_authorization(session: Session, authorization_id: int) -> AuthorizationRow:
    row = session.get(AuthorizationRow, authorization_id)
    if row is None:
        raise NotFoundError(f"no authorization {authorization_id}")
    return row


def authorization_for_document(session: Session, document_id: str) -> AuthorizationRow | None:
    return session.scalars(
        select(AuthorizationRow).where(AuthorizationRow.document_id == document_id).limit(1)
    ).first()


def register_authorization(
    session: Session, source: ReleaseSource, document_id: str, *, patient_mrn: str, actor: str
) -> AuthorizationRow:
    """The authorization kept as document ``document_id``, registered once with every element its
    OCR'd text shows (unconfirmed); a document registered before is returned as it is."""
    document = source.document(document_id)
    if document.doc_type != "authorization":
        raise InvalidRequestError(
            f"document {document_id} is filed as {document.doc_type!r}, not as an authorization; "
            "file it as an authorization (review assign) or link the right document"
        )
    if document.patient_mrn != patient_mrn:
        raise InvalidRequestError(
            f"document {document_id} is not filed under the request's patient; "
            "an authorization must be the patient's own"
        )
    existing = authorization_for_document(session, document_id)
    if existing is not None:
        return existing
    text = source.text(document_id)
    found = extract_elements(text)
    row = AuthorizationRow(
        document_id=document_id,
        patient_mrn=patient_mrn,
        expiration_event="",
        categories="",
        compound=False,
        revocation_note="",
        created_by=actor,
    )
    expiration = found["expiration"].value
    row.expires_on = parse_date(expiration) if expiration else None
    signature = found["signature"].value
    row.signed_on = parse_date(signature) if signature else None
    representative = signed_by_representative(text)
    for name in ELEMENTS:
        if name in CONDITIONAL_ELEMENTS and not representative and not found[name].found:
            continue
        row.elements.append(
            AuthorizationElementRow(
                name=name, value=found[name].value, source="ocr", confirmed=False, defect=""
            )
        )
    session.add(row)
    session.flush()
    return row


def confirm_element(
    session: Session,
    authorization_id: int,
    name: str,
    *,
    actor: str,
    value: str | None = None,
    defect: str = "",
    expected_version: int | None = None,
) -> AuthorizationElementRow:
    """A clerk confirms (or fills in, or marks defective) one element. Confirming ``expiration``
    or ``signature`` also sets the expiry or signing date from the value."""
    if name not in ELEMENTS:
        raise InvalidRequestError(
            f"{name!r} is not an authorization element; use one of {', '.join(ELEMENTS)}"
        )
    row = get_authorization(session, authorization_id)
    check_version(row.version, expected_version, f"authorization {authorization_id}")
    element = row.element(name)
    if element is None:
        element = AuthorizationElementRow(name=name, value="", source="clerk", defect="")
        row.elements.append(element)
    if value is not None:
        element.value, element.source = value.strip(), "clerk"
    if not element.value and not defect:
        raise InvalidRequestError(
            f"authorization {authorization_id} shows no {name}; give its value to confirm it, "
            "or record the defect"
        )
    element.confirmed = True
    element.defect = defect.strip()
    element.confirmed_by, element.confirmed_at = actor, utcnow()
    if name == "expiration":
        row.expires_on = parse_date(element.value)
        row.expiration_event = "" if row.expires_on else element.value
    if name == "signature":
        row.signed_on = parse_date(element.value) or row.signed_on
    flag_modified(row, "expiration_event")  # an element change is a change of the authorization
    session.flush()
    return element


def name_categories(
    session: Session,
    authorization_id: int,
    codes: frozenset[str],
    *,
    compound: bool | None = None,
    expected_version: int | None = None,
) -> AuthorizationRow:
    """Record the sensitive categories the authorization names (security label codes). An
    authorization naming psychotherapy notes together with anything else is compound."""
    unknown = sorted(codes - set(SECURITY_LABELS))
    if unknown:
        raise InvalidRequestError(
            f"{', '.join(unknown)} not security labels; use {', '.join(SECURITY_LABELS)}"
        )
    row = get_authorization(session, authorization_id)
    check_version(row.version, expected_version, f"authorization {authorization_id}")
    row.categories = ",".join(sorted(codes))
    if compound is not None:
        row.compound = compound
    elif "PSYTHPN" in codes and len(codes) > 1:
        row.compound = True
    session.flush()
    return row


def check_authorization(
    row: AuthorizationRow, *, on: dt.date, needs_authority: bool = False
) -> AuthorizationCheck:
    """Every missing or defective element and every reason the authorization is not valid on
    ``on`` (164.508(b)(2)), in the order of HIPAA.md §1."""
    defects: list[Defect] = []
    for name, description in ELEMENTS.items():
        element = row.element(name)
        required = name not in CONDITIONAL_ELEMENTS or needs_authority or element is not None
        if not required:
            continue
        if element is None or (not element.value and not element.defect):
            defects.append(Defect(name, f"missing ({description})"))
        elif element.defect:
            defects.append(Defect(name, f"defective: {element.defect}"))
        elif not element.confirmed:
            defects.append(Defect(name, "found by OCR, not yet confirmed by a clerk"))
    if row.expires_on is not None and row.expires_on < on:
        defects.append(Defect("", f"expired on {row.expires_on.isoformat()}"))
    if row.signed_on is not None and row.signed_on > on:
        defects.append(Defect("", f"signed on {row.signed_on.isoformat()}, a date still to come"))
    if row.revoked_on is not None and row.revoked_on <= on:
        defects.append(Defect("", f"revoked on {row.revoked_on.isoformat()}"))
    if row.compound and "PSYTHPN" in row.category_codes:
        defects.append(
            Defect(
                "",
                "psychotherapy notes combined with other information in one authorization "
                "(compound, 45 CFR 164.508(b)(3)); they need an authorization of their own",
            )
        )
    return AuthorizationCheck(authorization_id=row.id, defects=tuple(defects))
