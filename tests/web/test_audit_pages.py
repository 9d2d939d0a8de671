"""The auditors' pages and ``/api/audit/…``: who accessed a patient, what a user did, events by
filter a page at a time, the exports (the command line's formats), the chain's status; reading
the trail is itself recorded."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.auditevent import AuditEvent as FhirAuditEvent

from audit.export import CSV_HEADER
from recordroom.usecases import audit as usecases
from recordroom.web import audit as audit_pages
from recordroom.wiring import Context
from tests.web.conftest import csrf_of
from tests.web.seed import ADMIN, Seeded

SEQ = re.compile(r'<td class="nowrap">(\d+)</td>')


@pytest.fixture
def clerk_opened_a_patient(as_role: dict[str, TestClient], seeded: Seeded) -> None:
    clerk = as_role["clerk"]
    assert clerk.get("/patients/MRN1002").status_code == 200
    assert clerk.get(f"/documents/{seeded.filed_id}").status_code == 200


@pytest.mark.usefixtures("clerk_opened_a_patient")
def test_auditor_finds_who_opened_a_patient(as_role: dict[str, TestClient]) -> None:
    auditor = as_role["auditor"]
    page = auditor.get("/audit/reports/patient", params={"mrn": "MRN1002"})
    assert page.status_code == 200
    assert "clerk-user" in page.text and "patient.read" in page.text
    assert "document.read" in page.text
    # The look-up itself is on the trail, naming the patient looked up.
    looked = auditor.get(
        "/api/audit/events", params={"kind": "audit.read", "user": "auditor-user"}
    ).json()
    assert any(
        "MRN1002" in e["patients"] and e["detail"] == "report patient" for e in looked["events"]
    )


@pytest.mark.usefixtures("clerk_opened_a_patient")
def test_what_a_user_did_and_denied_accesses(as_role: dict[str, TestClient]) -> None:
    as_role["clerk"].get("/inbox")  # refused: intake only
    auditor = as_role["auditor"]
    page = auditor.get("/audit/reports/user", params={"user": "clerk-user"})
    assert "patient.read" in page.text and "access.denied" in page.text
    denied = auditor.get("/audit/events", params={"kind": "access.denied"})
    assert "GET /inbox" in denied.text and "clerk-user" in denied.text
    assert "<code>patient.read</code>" not in denied.text


def test_the_events_page_is_paged_by_sequence(
    as_role: dict[str, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_pages, "PAGE_SIZE", 3)
    auditor = as_role["auditor"]
    first = auditor.get("/audit/events", params={"kind": "user.update"}).text
    assert "Next page" in first and "First page" not in first
    cursor = re.search(r"cursor=(\d+)", first)
    assert cursor is not None
    second = auditor.get(
        "/audit/events", params={"kind": "user.update", "cursor": cursor.group(1)}
    ).text
    assert "First page" in second
    pages = [[int(seq) for seq in SEQ.findall(text)] for text in (first, second)]
    assert len(pages[0]) == 3 and pages[1]
    seqs = pages[0] + pages[1]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) == len(set(seqs))


@pytest.mark.usefixtures("clerk_opened_a_patient")
def test_export_csv_and_ndjson_as_the_command_line_writes_them(
    as_role: dict[str, TestClient],
) -> None:
    auditor = as_role["auditor"]
    answer = auditor.get("/audit/export.csv", params={"patient": "MRN1002"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert tuple(rows[0]) == CSV_HEADER
    kinds = {(row[2], row[7]) for row in rows[1:]}
    assert ("patient.read", "clerk-user") in kinds
    assert all("MRN1002" in row[13].split() for row in rows[1:])
    ndjson = auditor.get("/api/audit/export", params={"patient": "MRN1002", "format": "ndjson"})
    assert ndjson.headers["content-type"].startswith("application/x-ndjson")
    lines = ndjson.text.splitlines()
    assert len(lines) >= len(rows) - 1  # the CSV export itself is now on the trail too
    for line in lines:
        FhirAuditEvent.model_validate(json.loads(line))
    assert auditor.get("/audit/export.xml").status_code == 404


def test_failed_sign_ins_are_recorded_as_failures(
    client: TestClient, as_role: dict[str, TestClient]
) -> None:
    page = client.get("/login")
    client.post(
        "/login",
        data={"username": "clerk-user", "password": "wrong", "csrf_token": csrf_of(page.text)},
    )
    failed = (
        as_role["auditor"]
        .get("/api/audit/events", params={"kind": "login", "outcome": "minor"})
        .json()["events"]
    )
    assert [e["detail"] for e in failed] == ["clerk-user: wrong password"]


def test_reports_render_and_answer_as_json(as_role: dict[str, TestClient]) -> None:
    auditor = as_role["auditor"]
    for path in ("after-hours", "many-patients?threshold=0", "disclosures"):
        assert auditor.get(f"/audit/reports/{path}").status_code == 200, path
    readers = auditor.get("/api/audit/reports/many-patients", params={"threshold": 0}).json()
    assert isinstance(readers, list)
    assert auditor.get("/api/audit/reports/after-hours").status_code == 200
    assert auditor.get("/api/audit/reports/disclosures").json() == []
    who = auditor.get("/api/audit/reports/user/admin-user", params={"since": "2000-01-01"})
    assert who.status_code == 200
    assert auditor.get("/api/audit/reports/patient/MRN1002").status_code == 200
    bad = auditor.get("/api/audit/events", params={"since": "last tuesday"})
    assert bad.status_code == 422


def test_chain_status_intact_then_broken(as_role: dict[str, TestClient], ctx: Context) -> None:
    auditor = as_role["auditor"]
    page = auditor.get("/audit/chain")
    assert "The audit trail is intact" in page.text and "No checkpoint yet" in page.text
    made = usecases.checkpoint_trail(ctx, ADMIN)
    assert made is not None
    chain = auditor.get("/api/audit/chain").json()
    assert chain["ok"] is True and chain["checkpoints"] == 1
    assert [(c["number"], c["seq"]) for c in chain["latest_checkpoints"]] == [(1, made.seq)]
    page = auditor.get("/audit/chain")
    assert f"<td>1</td><td>{made.seq}</td>" in page.text
    with ctx.database.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER audit_events_no_update")
        connection.exec_driver_sql("UPDATE audit_events SET user_id = 'forger' WHERE seq = 2")
    page = auditor.get("/audit/chain")
    assert "BROKEN" in page.text and "event 2 was modified" in page.text
    chain = auditor.get("/api/audit/chain").json()
    assert chain["ok"] is False and chain["problems"][0]["seq"] == 2


def test_the_auditor_home_links_every_query(as_role: dict[str, TestClient]) -> None:
    home = as_role["auditor"].get("/audit").text
    for link in (
        "/audit/events",
        "/audit/reports/patient",
        "/audit/reports/user",
        "kind=access.denied",
        "/audit/reports/disclosures",
        "/audit/chain",
    ):
        assert link in home
    assert 'href="/audit"' in as_role["auditor"].get("/").text
