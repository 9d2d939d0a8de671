"""Release of information in the web app: a clerk walks a request from logging to the packet;
overdue requests are marked; a denial gives its letter; the recipient's link downloads."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient

from tests.web.conftest import csrf_of
from tests.web.seed import Seeded

PATIENT_OWN = {
    "request_type": "right_of_access",
    "requester_type": "patient",
    "requester_name": "James Okafor",
    "requester_address": "4 Oak Lane, Springfield",
    "patient_mrn": "MRN1002",
    "delivery": "link",
    "complete_record": "yes",
}


def _log(clerk: TestClient, **changes: str) -> str:
    form = clerk.get("/requests/new")
    data = {**PATIENT_OWN, "received_on": dt.date.today().isoformat(), **changes}
    answer = clerk.post("/requests", data={**data, "csrf_token": csrf_of(form.text)})
    assert answer.status_code == 200 and "Request logged" in answer.text, answer.text
    return str(answer.url.path).rsplit("/", 1)[-1]


def _version(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found
    return found.group(1)


def test_a_clerk_walks_a_request_to_the_packet(
    as_role: dict[str, TestClient], seeded: Seeded, client: TestClient
) -> None:
    clerk = as_role["clerk"]
    request_id = _log(clerk)
    page = clerk.get(f"/requests/{request_id}")
    token = csrf_of(page.text)
    page = clerk.post(f"/requests/{request_id}/check", data={"csrf_token": token})
    assert "identity" in page.text and "Approve" in page.text
    page = clerk.post(
        f"/requests/{request_id}/identity",
        data={"method": "photo_id", "note": "driver's licence", "csrf_token": token},
    )
    assert "Nothing stands in the way of approval" in page.text
    page = clerk.post(
        f"/requests/{request_id}/approve",
        data={"version": _version(page.text), "csrf_token": token},
    )
    assert "Request approved" in page.text and "$6.50" in page.text
    released = clerk.post(
        f"/requests/{request_id}/fulfil",
        data={"version": _version(page.text), "csrf_token": token},
    )
    assert "fulfilled" in released.text
    packet = clerk.get(f"/requests/{request_id}/packet")
    assert packet.content.startswith(b"%PDF")
    link = re.search(r"roi/download/([\w.\-]+)", released.text)
    assert link, released.text
    download = client.get(f"/roi/download/{link.group(1)}")  # the recipient, signed out
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    listing = clerk.get("/requests", params={"status": "fulfilled"})
    assert request_id in listing.text


def test_overdue_requests_are_marked(as_role: dict[str, TestClient], seeded: Seeded) -> None:
    clerk = as_role["clerk"]
    late = (dt.date.today() - dt.timedelta(days=45)).isoformat()
    request_id = _log(clerk, received_on=late)
    _log(clerk)
    overdue = clerk.get("/requests", params={"overdue": 1})
    assert request_id in overdue.text and "overdue" in overdue.text
    assert overdue.text.count('<tr class="overdue">') == 1


def test_a_denial_gives_its_letter(as_role: dict[str, TestClient], seeded: Seeded) -> None:
    clerk = as_role["clerk"]
    request_id = _log(clerk)
    token = csrf_of(clerk.get(f"/requests/{request_id}").text)
    page = clerk.post(f"/requests/{request_id}/check", data={"csrf_token": token})
    letter = clerk.post(
        f"/requests/{request_id}/deny",
        data={
            "ground": "endanger_life",
            "reason": "clinician's judgement",
            "version": _version(page.text),
            "csrf_token": token,
        },
    )
    assert letter.headers["content-type"] == "application/pdf"
    assert "denial-letter" in letter.headers["content-disposition"]
    assert "denied" in clerk.get(f"/requests/{request_id}").text


def test_the_patient_page_gives_the_accounting(
    as_role: dict[str, TestClient], seeded: Seeded
) -> None:
    clerk = as_role["clerk"]
    page = clerk.get("/patients/MRN1002")
    assert "Accounting of disclosures" in page.text
    assert "Accounting of disclosures" not in as_role["intake"].get("/patients/MRN1002").text
    csv = clerk.get("/patients/MRN1002/accounting.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    pdf = clerk.get("/patients/MRN1002/accounting.pdf")
    assert pdf.content.startswith(b"%PDF")


def test_a_bad_link_is_refused(client: TestClient, seeded: Seeded) -> None:
    answer = client.get("/roi/download/forged.token")
    assert answer.status_code in (400, 403, 404)
