"""The accounting of disclosures: what the rule counts, six years back, wrongful ones included."""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy.orm import Session

from release_of_information.accounting import CSV_HEADER, accounting, accounting_csv, accounting_pdf
from release_of_information.fulfilment import fulfil, record_disclosure, record_incident
from release_of_information.policy import ReleasePolicy
from release_of_information.requests import approve, verify_identity
from tests.release_of_information.conftest import PATIENT, TODAY, MemorySource
from tests.release_of_information.helpers import (
    ATTORNEY,
    CLERK,
    PATIENT_OWN,
    confirm_all,
    new_request,
    pdf_text,
)


def release(
    session: Session, source: MemorySource, policy: ReleasePolicy, **changes: object
) -> int:
    base = ATTORNEY if changes.pop("attorney", False) else PATIENT_OWN
    request = new_request(session, source, policy, base, **changes)
    if request.authorization is not None:
        confirm_all(session, request.authorization.id)
    verify_identity(session, request.id, "call_back", actor=CLERK)
    approve(session, source, request.id, actor=CLERK, on=TODAY, policy=policy)
    done = fulfil(session, source, request.id, actor=CLERK, on=TODAY, policy=policy)
    session.commit()
    return done.disclosure.id


def test_the_accounting_of_disclosures(
    session: Session, source: MemorySource, policy: ReleasePolicy
) -> None:
    # left out: to the patient, and under an authorization
    release(session, source, policy)
    authorized = release(session, source, policy, attorney=True)
    # counted: a disclosure required by law (a court order), made through recordroom
    release(
        session,
        source,
        policy,
        request_type="required_by_law",
        requester_type="government_agency",
        requester_name="County Court Clerk",
        requester_address="100 Court Plaza",
        purpose="court order 2026-CV-118",
        delivery="mail",
    )
    # counted: a public health report made by phone, and not counted: one seven years old
    record_disclosure(
        session,
        source,
        patient_mrn=PATIENT,
        disclosed_on=dt.date(2024, 2, 10),
        recipient_name="State Health Department",
        description="reportable condition",
        purpose="public health reporting",
        request_type="required_by_law",
        actor=CLERK,
    )
    record_disclosure(
        session,
        source,
        patient_mrn=PATIENT,
        disclosed_on=dt.date(2019, 11, 1),
        recipient_name="Old Recipient",
        description="old report",
        purpose="public health reporting",
        request_type="required_by_law",
        actor=CLERK,
    )
    # counted whatever its kind: the attorney's packet was also faxed to a wrong number
    record_incident(
        session,
        authorized,
        occurred_on=TODAY,
        recipient_name="Unknown fax 555-0100",
        description="packet faxed to a wrong number",
        actor=CLERK,
    )
    session.commit()

    entries = accounting(session, PATIENT, as_of=TODAY)
    recipients = [entry.recipient_name for entry in entries]
    assert recipients == ["State Health Department", "County Court Clerk", "Unknown fax 555-0100"]
    assert [entry.wrongful for entry in entries] == [False, False, True]

    rows = list(csv.reader(io.StringIO(accounting_csv(entries))))
    assert tuple(rows[0]) == CSV_HEADER
    assert rows[2][:2] == [TODAY.isoformat(), "County Court Clerk"]
    assert rows[2][4] == "court order 2026-CV-118"
    assert rows[3][6] == "yes" and "wrong number" in rows[3][3]

    text = pdf_text(accounting_pdf(entries, patient_mrn=PATIENT, as_of=TODAY, policy=policy))
    assert "Accounting of disclosures" in text
    assert "County Court Clerk" in text and "State Health Department" in text
    assert "NOT PERMITTED" in text
    assert "Old Recipient" not in text and "Smith & Jones" not in text.split("NOT PERMITTED")[0]
    assert "2020-11-29" in text  # six years back
