"""Complete releases walked through the stage, on a real SQLite database and real PDFs."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recordroom.core.errors import InvalidRequestError, NotFoundError, ReleaseRefusedError
from release_of_information.authorizations import (
    check_authorization,
    confirm_element,
    name_categories,
)
from release_of_information.fulfilment import fulfil, preview
from release_of_information.letters import denial_letter, extension_notice
from release_of_information.models import (
    AuthorizationRow,
    DisclosureRow,
    RequestRow,
    TransitionRow,
)
from release_of_information.policy import ReleasePolicy
from release_of_information.requests import (
    approve,
    check_request,
    deny,
    extend,
    list_requests,
    revoke_authorization,
    verify_identity,
)
from tests.release_of_information.conftest import OTHER_PATIENT, TODAY, MemorySource
from tests.release_of_information.helpers import (
    ATTORNEY,
    CLERK,
    PATIENT_OWN,
    confirm_all,
    new_request,
    page_texts,
    pdf_text,
)

STAMP = re.compile(
    r"Released to (?P<to>.+?) · Request (?P<id>\S+) · (?P<date>\d{4}-\d{2}-\d{2}) · "
    r"page (?P<i>\d+) of (?P<n>\d+) · Confidential"
)


def assert_stamped(pages: list[str], recipient: str, request_id: str) -> None:
    for number, text in enumerate(pages, start=1):
        match = STAMP.search(" ".join(text.split()))
        assert match, f"page {number} carries no stamp: {text[-200:]!r}"
        assert match["to"] == recipient
        assert match["id"] == request_id
        assert match["date"] == TODAY.isoformat()
        assert (int(match["i"]), int(match["n"])) == (number, len(pages))


def test_a_patients_own_request(
    session: Session, source: MemorySource, policy: ReleasePolicy
) -> None:
    source.add("psy1", "progress_note", dt.date(2025, 10, 1), labels=frozenset({"PSYTHPN"}))
    request = new_request(session, source, policy, PATIENT_OWN)
    assert request.status == "received"
    assert request.due_on == PATIENT_OWN.received_on + dt.timedelta(days=30)
    assert request.authorization_id is None

    check = check_request(session, request.id, on=TODAY)
    assert [p.split(":")[0] for p in check.problems] == ["identity"]
    with pytest.raises(ReleaseRefusedError, match="identity"):
        approve(session, source, request.id, actor=CLERK, on=TODAY, policy=policy)
    session.rollback()

    verify_identity(session, request.id, "photo_id", actor=CLERK, note="driver's licence")
    approve(session, source, request.id, actor=CLERK, on=TODAY, policy=policy)
    session.commit()
    assert request.status == "approved"
    assert (request.fee_cents, "flat fee" in request.fee_basis) == (650, True)

    done = fulfil(session, source, request.id, actor=CLERK, on=TODAY, policy=policy)
    session.commit()
    assert request.status == "fulfilled"
    # the complete record, less psychotherapy notes (not part of the right of access)
    assert "psy1" in {w.document.id for w in done.selection.withheld}
    assert "other1" not in {d.id for d in done.selection.included}
    assert {"lab1", "hiv1", "sud1"} <= {d.id for d in done.selection.included}
    pages = page_texts(done.packet.data)
    assert len(pages) == done.packet.pages
    assert_stamped(pages, "Maria Lopez", request.id)
    assert "psychotherapy notes are not part of the right of access" in pdf_text(done.packet.data)
    assert request.packet_sha256 == done.packet.sha256 == done.disclosure.packet_sha256
    assert [t.to_status for t in request.transitions] == [
        "received",
        "in_review",
        "approved",
        "fulfilled",
    ]
    assert all(t.actor == CLERK for t in request.transitions)


def test_an_attorney_with_a_valid_authorization(
    session: Session, source: MemorySource, policy: ReleasePolicy
) -> None:
    request = new_request(session, source, policy, ATTORNEY)
    auth = request.authorization
    assert auth is not None and auth.document_id == "auth1"
    assert auth.expires_on == dt.date(2027, 12, 31)
    first = check_request(session, request.id, on=TODAY)
    assert any("found by OCR, not yet confirmed" in p for p in first.problems)

    confirm_all(session, auth.id)
    verify_identity(session, request.id, "call_back", actor=CLERK)
    assert check_request(session, request.id, on=TODAY).ready
    selection, fee = preview(session, source, request.id, policy=policy)
    assert fee.cents == 650  # shown before fulfilment
    assert [d.id for d in selection.included] == ["lab1", "note1"]
    approve(session, source, request.id, actor=CLERK, on=TODAY, policy=policy)
    session.commit()

    done = fulfil(session, source, request.id, actor=CLERK, on=TODAY, policy=policy)
    session.commit()
    # exactly the types and date range asked for and authorized
    assert [d.id for d in done.selection.included] == ["lab1", "note1"]
    withheld = {w.document.id: w.reason for w in done.selection.withheld}
    assert set(withheld) == {"hiv1", "sud1"}
    assert "HIV" in withheld["hiv1"] and "42 CFR 2.31" in withheld["sud1"]
    # encrypted (the delivery asks for it): the password opens it, and every page is stamped
    assert done.packet.password
    pages = page_texts(done.packet.data, done.packet.password)
    assert len(pages) == 2 + 3  # cover letter, index, lab1 (2 pages), note1
    assert_stamped(pages, "Smith & Jones LLP", request.id)
    assert "Document lab1 page 2" in pages[3]
    cover = " ".join(pages[0].split())
    assert "Withheld from this release" in cover and "hiv1" in cover and "sud1" in cover
    assert "42 CFR 2.32" not in cover  # nothing of Part 2 went out
    assert done.disclosure.request_type == "authorization"
    assert done.disclosure.recipient_name == "Smith & Jones LLP"


def test_a_defective_authorization_is_refused_with_its_missing_elements_named(
    session: Session, source: MemorySource, policy: ReleasePolicy
) -> None:
    request = new_request(session, source, policy, ATTORNEY, authorization_document_id="auth-bad")
    auth = request.authorization
    assert auth is not None
    confirm_all_found(session, auth)
    verify_identity(session, request.id, "call_back", actor=CLERK)
    session.commit()
    version = request.version

    with pytest.raises(ReleaseRefusedError) as refused:
        approve(session, source, request.id, actor=CLERK, on=TODAY, policy=policy)
    session.rollback()
    message = str(refused.value)
    for element in ("purpose", "expiration", "redisclosure_statement"):
        assert f"authorization {element}: missing" in message
    assert "revocation_statement" not in message
    # nothing was written: no transition, no fee, same version
    session.expire_all()
    again = session.get(RequestRow, request.id)
    assert again is not None
    assert (again.status, again.fee_cents, again.version) == ("received", None, version)
    # a denial in writing names the ground and what to do
    deny(session, request.id, "defective_authorization", actor=CLERK)
    session.commit()
    letter = pdf_text(denial_letter(again, policy, TODAY))
    assert "authorization we received is not valid" in letter
    assert "How to complain" in letter and "Office for Civil Rights" in letter


def confirm_all_found(session: Session, auth: AuthorizationRow) -> None:
    for element in auth.elements:
        if element.value:
            confirm_element(session, auth.id, element.name, actor=CLERK)


def test_a_part2_document_is_withheld_and_listed_unless_the_authorization_names_it(
    session: Session, source: MemorySource, policy: ReleasePolicy
) -> None:
    source.add("sud2", "lab_report", dt.date(2025, 4, 1), labels=frozenset({"SUD"}))
    request = new_request(session, source, policy, ATTORNEY, delivery="link")
    assert request.authorization is not None
    confirm_all(session, request.authorization.id)
    verify_identity(session, request.id, "call_back", actor=CLERK)
    approve(session, source, request.id, actor=CLERK, on=TODAY, policy=policy)
    done = fulfil(session, source, request.id, actor=CLERK, on=TODAY, policy=policy)
    session.commit()
    cover = " ".join(page_texts(done.packet.data)[0].split())
    assert "sud2" in cover and "Part 2 records need a consent that names them" in cover
    assert done.packet.part2_notice_version is None

    # a second request under an authorization that names the Part 2 category
    second = new_request(session, source, policy, ATTORNEY, delivery="link")
    assert second.authorization is not None and second.authorization.id == request.authorization.id
    name_categories(session, second.authorization.id, frozenset({"ETH"}))
    verify_identity(session, second.id, "call_back", actor=CLERK)
    approve(session, source, second.id, actor=CLERK, on=TODAY, policy=policy)
    done = fulfil(session, source, second.id, actor=CLERK, on=TODAY, policy=policy)
    session.commit()
    assert "sud2" in {d.id for d in done.selection.included}
    assert done.packet.part2_notice_version == "2024"
    assert done.disclosure.part2_notice_version == "2024"
    text = pdf_text(done.packet.data)
    assert "Notice of 42 CFR 2.32 (version 2024)" in text
    assert "protected by federal confidentiality rules (42 CFR part 2)" in text


def test_psychotherapy_notes_with_other_categories_make_a_compound_authorization(
    session: Session, source: MemorySource, policy: ReleasePolicy
) -> None:
    request = new_request(session, source, policy, ATTORNEY)
    assert request.authorization is not None
    confirm_all(session, request.authorization.id)
    name_categories(session, request.authorization.id, frozenset({"PSYTHPN", "HIV"}))
    check = check_authorization(request.authorization, on=TODAY)
    assert not check.valid
    assert "compound" in str(check.defects[0])


def test_an_overdue_request_and_its_one_extension(
    session: Session, source: MemorySource, policy: ReleasePolicy
) -> None:
    late = new_request(session, source, policy, PATIENT_OWN, received_on=TODAY - dt.timedelta(40))
    on_time = new_request(session, source, policy, PATIENT_OWN)
    overdue = [r.id for r in list_requests(session, overdue_on=TODAY)]
    assert overdue == [late.id]
    assert on_time.id not in overdue

    with pytest.raises(InvalidRequestError, match="1 to 30 days"):
        extend(session, on_time.id, "records off site", actor=CLERK, days=45, policy=policy)
    extend(session, on_time.id, "records are in off-site storage", actor=CLERK, policy=policy)
    session.commit()
    assert on_time.due == on_time.due_on + dt.timedelta(days=30)
    notice = pdf_text(extension_notice(on_time, policy, TODAY))
    assert "records are in off-site storage" in notice
    assert on_time.due.isoformat() in notice
    with pytest.raises(InvalidRequestError, match="extended once already"):
        extend(session, on_time.id, "again", actor=CLERK, policy=policy)
    assert list_requests(session, overdue_on=on_time.due_on + dt.timedelta(days=5)) == [late]


def test_revocation_stops_pending_releases_and_keeps_released_ones(
    session: Session, source: MemorySource, policy: ReleasePolicy
) -> None:
    released = new_request(session, source, policy, ATTORNEY)
    assert released.authorization is not None
    auth_id = released.authorization.id
    confirm_all(session, auth_id)
    verify_identity(session, released.id, "call_back", actor=CLERK)
    approve(session, source, released.id, actor=CLERK, on=TODAY, policy=policy)
    fulfil(session, source, released.id, actor=CLERK, on=TODAY, policy=policy)
    pending = new_request(session, source, policy, ATTORNEY)
    verify_identity(session, pending.id, "call_back", actor=CLERK)
    approve(session, source, pending.id, actor=CLERK, on=TODAY, policy=policy)
    session.commit()

    cancelled = revoke_authorization(session, auth_id, received_on=TODAY, actor=CLERK)
    session.commit()
    assert cancelled == [pending.id]
    assert (pending.status, released.status) == ("cancelled", "fulfilled")
    assert "revoked" in pending.transitions[-1].reason
    assert session.scalar(select(func.count()).select_from(DisclosureRow)) == 1
    with pytest.raises(InvalidRequestError, match="only an approved request"):
        fulfil(session, source, pending.id, actor=CLERK, on=TODAY, policy=policy)
    later = new_request(session, source, policy, ATTORNEY)
    assert any("revoked on" in p for p in check_request(session, later.id, on=TODAY).problems)


def test_an_expired_authorization_is_refused(
    session: Session, source: MemorySource, policy: ReleasePolicy
) -> None:
    request = new_request(session, source, policy, ATTORNEY)
    assert request.authorization is not None
    confirm_all(session, request.authorization.id)
    verify_identity(session, request.id, "call_back", actor=CLERK)
    with pytest.raises(ReleaseRefusedError, match="expired on 2027-12-31"):
        approve(session, source, request.id, actor=CLERK, on=dt.date(2028, 1, 5), policy=policy)


def count_rows(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count()).select_from(RequestRow)) or 0,
        session.scalar(select(func.count()).select_from(AuthorizationRow)) or 0,
        session.scalar(select(func.count()).select_from(TransitionRow)) or 0,
    )


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"patient_mrn": "99999"}, NotFoundError, "no patient with MRN 99999"),
        (
            {"date_from": dt.date(2026, 1, 1), "date_to": dt.date(2025, 1, 1)},
            InvalidRequestError,
            "date range is reversed",
        ),
        ({"authorization_document_id": "lab1"}, InvalidRequestError, "not as an authorization"),
        ({"authorization_document_id": "other-auth"}, InvalidRequestError, "patient's own"),
        ({"document_ids": ("lab1", "other1")}, InvalidRequestError, "other1 is not filed under"),
        ({"authorization_document_id": "nope"}, NotFoundError, "no document nope"),
        ({"delivery": "pigeon"}, InvalidRequestError, "not a delivery"),
        (
            {"doc_types": (), "date_from": None, "date_to": None},
            InvalidRequestError,
            "say what is asked for",
        ),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(
    session: Session,
    source: MemorySource,
    policy: ReleasePolicy,
    changes: dict[str, object],
    error: type[Exception],
    words: str,
) -> None:
    with pytest.raises(error, match=words):
        new_request(session, source, policy, ATTORNEY, **changes)
    session.rollback()
    assert count_rows(session) == (0, 0, 0)


def test_fulfilling_an_unapproved_request_is_refused(
    session: Session, source: MemorySource, policy: ReleasePolicy
) -> None:
    request = new_request(session, source, policy, PATIENT_OWN)
    with pytest.raises(InvalidRequestError, match="only an approved request is fulfilled"):
        fulfil(session, source, request.id, actor=CLERK, on=TODAY, policy=policy)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(DisclosureRow)) == 0


def test_a_document_of_another_patient_slipped_into_the_index_is_never_released(
    session: Session, source: MemorySource, policy: ReleasePolicy
) -> None:
    request = new_request(session, source, policy, PATIENT_OWN, document_ids=("lab1",))
    verify_identity(session, request.id, "photo_id", actor=CLERK)
    approve(session, source, request.id, actor=CLERK, on=TODAY, policy=policy)
    session.commit()
    source.add("lab1", "lab_report", dt.date(2025, 3, 1), mrn=OTHER_PATIENT)  # refiled since
    with pytest.raises(InvalidRequestError, match="lab1 is not filed under the patient"):
        fulfil(session, source, request.id, actor=CLERK, on=TODAY, policy=policy)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(DisclosureRow)) == 0


def test_fees_follow_the_settings_and_never_charge_for_treatment(
    session: Session, source: MemorySource
) -> None:
    per_page = ReleasePolicy(fee_mode="per_page", per_page_cents=25, postage_cents=180)
    directive = ReleasePolicy(directive_flat_cents=900, directive_per_page_cents=40)
    mailed = new_request(session, source, per_page, PATIENT_OWN, delivery="mail")
    sent_on = new_request(
        session,
        source,
        directive,
        PATIENT_OWN,
        request_type="third_party_directive",
        recipient_name="Dr. Chen",
        delivery="mail",
    )
    for row, policy in ((mailed, per_page), (sent_on, directive)):
        verify_identity(session, row.id, "photo_id", actor=CLERK)
        approve(session, source, row.id, actor=CLERK, on=TODAY, policy=policy)
    pages = preview(session, source, mailed.id, policy=per_page)[0].pages
    assert mailed.fee_cents == pages * 25 + 180 and "postage" in mailed.fee_basis
    assert sent_on.fee_cents == pages * 40 and "third-party directive" in sent_on.fee_basis
    assert sent_on.recipient_name == "Dr. Chen"
    treatment = new_request(
        session,
        source,
        per_page,
        PATIENT_OWN,
        request_type="treatment",
        requester_type="provider",
        requester_name="Dr. Chen",
    )
    verify_identity(session, treatment.id, "provider_credentials", actor=CLERK)
    approve(session, source, treatment.id, actor=CLERK, on=TODAY, policy=per_page)
    assert treatment.fee_cents == 0


def test_a_reviewable_denial_names_the_review_right(
    session: Session, source: MemorySource, policy: ReleasePolicy
) -> None:
    request = new_request(session, source, policy, PATIENT_OWN)
    deny(session, request.id, "endanger_life", actor=CLERK, reason="clinician's judgment")
    session.commit()
    letter = pdf_text(denial_letter(request, policy, TODAY))
    assert "endanger your life" in letter and "164.524(a)(3)(i)" in letter
    assert "took no part in the decision" in letter
    other = new_request(session, source, policy, PATIENT_OWN)
    deny(session, other.id, "psychotherapy_notes", actor=CLERK)
    assert "cannot be reviewed" in pdf_text(denial_letter(other, policy, TODAY))
