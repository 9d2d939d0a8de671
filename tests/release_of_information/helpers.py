"""Steps the release tests share: a request drafted, an authorization confirmed, a packet read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any

from pypdf import PdfReader
from sqlalchemy.orm import Session

from release_of_information.authorizations import confirm_element
from release_of_information.elements import ELEMENTS
from release_of_information.models import RequestRow
from release_of_information.policy import ReleasePolicy
from release_of_information.records import RequestDraft
from release_of_information.requests import create_request
from tests.release_of_information.conftest import PATIENT, TODAY, MemorySource

CLERK = "os:clerk"

ATTORNEY = RequestDraft(
    request_type="authorization",
    requester_type="attorney",
    requester_name="Smith & Jones LLP",
    requester_address="12 Main Street, Springfield",
    patient_mrn=PATIENT,
    delivery="encrypted_pdf",
    received_on=TODAY - dt.timedelta(days=3),
    purpose="personal injury claim",
    doc_types=("lab_report", "progress_note"),
    date_from=dt.date(2025, 1, 1),
    date_to=dt.date(2026, 6, 30),
    authorization_document_id="auth1",
)

PATIENT_OWN = RequestDraft(
    request_type="right_of_access",
    requester_type="patient",
    requester_name="Maria Lopez",
    requester_address="4 Oak Lane, Springfield",
    patient_mrn=PATIENT,
    delivery="link",
    received_on=TODAY - dt.timedelta(days=1),
    complete_record=True,
)


def draft(base: RequestDraft, **changes: Any) -> RequestDraft:
    return dataclasses.replace(base, **changes)


def new_request(
    session: Session,
    source: MemorySource,
    policy: ReleasePolicy,
    base: RequestDraft,
    **changes: Any,
) -> RequestRow:
    row = create_request(session, source, draft(base, **changes), actor=CLERK, policy=policy)
    session.commit()
    return row


def confirm_all(session: Session, authorization_id: int) -> None:
    for name in ELEMENTS:
        if name == "authority":
            continue
        confirm_element(session, authorization_id, name, actor=CLERK)
    session.commit()


def page_texts(data: bytes, password: str | None = None) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        assert password is not None
        reader.decrypt(password)
    return [page.extract_text() for page in reader.pages]


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page_texts(data)).split())
