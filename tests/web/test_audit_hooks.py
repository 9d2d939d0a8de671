"""Every page or file that shows patient information reports its access through its use-case
(where the audit trail writes its event), and so do sign-ins, failures and denials."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from audit import AuditEvent
from recordroom.wiring import UnitOfWork
from tests.web.conftest import csrf_of
from tests.web.seed import Seeded


class Reported(list[tuple[str, str]]):
    """(action, user id) of every event the use-cases report, and each one's outcome."""

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: dict[tuple[str, str], str] = {}


@pytest.fixture
def reported(monkeypatch: pytest.MonkeyPatch) -> Reported:
    """(action, user id) of every event the use-cases report."""
    events = Reported()
    record = UnitOfWork.record

    def keep(unit: UnitOfWork, action: str, **what: Any) -> AuditEvent:
        event = record(unit, action, **what)
        events.append((action, unit.actor.user_id))
        events.outcomes[(action, unit.actor.user_id)] = str(what.get("outcome", "success"))
        return event

    monkeypatch.setattr(UnitOfWork, "record", keep)
    return events


def test_each_page_showing_phi_reports_its_access(
    as_role: dict[str, TestClient], seeded: Seeded, reported: list[tuple[str, str]]
) -> None:
    pages = {
        "/review": "review.list",
        f"/review/{seeded.review_id}": "document.read",
        f"/documents/{seeded.filed_id}": "document.read",
        f"/documents/{seeded.filed_id}/pages/1.png": "document.export",
        f"/documents/{seeded.filed_id}/original": "document.export",
        "/patients?q=garcia": "search",
        "/patients/MRN1002": "patient.read",
        "/search?q=metformin": "search",
        "/inbox": "search",
        "/api/documents/" + seeded.filed_id: "document.read",
        "/api/patients/MRN1002": "patient.read",
    }
    for url, action in pages.items():
        reported.clear()
        assert as_role["intake"].get(url).status_code == 200, url
        assert (action, "intake-user") in reported, url


def test_sign_in_failure_and_denial_are_reported(
    client: TestClient,
    as_role: dict[str, TestClient],
    seeded: Seeded,
    reported: Reported,
) -> None:
    page = client.get("/login")
    client.post(
        "/login",
        data={"username": "intake-user", "password": "wrong", "csrf_token": csrf_of(page.text)},
    )
    assert ("login", "anonymous") in reported
    as_role["clerk"].get("/inbox")
    assert ("access.denied", "clerk-user") in reported
    assert reported.outcomes[("login", "anonymous")] == "minor"
    assert reported.outcomes[("access.denied", "clerk-user")] == "minor"
