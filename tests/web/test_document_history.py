"""A document's history on its page and in the API, read from the audit trail: filed, viewed,
downloaded; the page images a view loads are not listed one by one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import csrf_of
from tests.web.seed import Seeded


def test_the_document_page_shows_what_happened_to_it(
    as_role: dict[str, TestClient], seeded: Seeded
) -> None:
    intake, clerk = as_role["intake"], as_role["clerk"]
    page = intake.get(f"/review/{seeded.review_id}")
    filed = intake.post(
        f"/review/{seeded.review_id}",
        data={
            "patient_mrn": "MRN1001",
            "doc_type": "lab_report",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert filed.status_code == 200
    clerk.get(f"/documents/{seeded.review_id}/pages/1.png")
    clerk.get(f"/documents/{seeded.review_id}/original")
    shown = clerk.get(f"/documents/{seeded.review_id}").text
    history = shown.split('id="history-h"')[1].split("</section>")[0]
    assert "Filed</strong> by intake-user" in history
    assert "filed from review as lab_report" in history
    assert "Downloaded</strong> by clerk-user" in history and "the original file" in history
    assert "Viewed</strong> by clerk-user" in history  # this very view, first
    assert history.index("Viewed") < history.index("Downloaded") < history.index("Filed")
    assert "page 1" not in history
    entries = clerk.get(f"/api/documents/{seeded.review_id}/history").json()
    assert [e["what"] for e in entries][:3] == ["viewed", "viewed", "downloaded"]
    assert entries[-1]["what"] == "viewed" and entries[-1]["user"] == "intake-user"
    assert any(e["what"] == "filed" and e["user"] == "intake-user" for e in entries)


def test_history_needs_a_reader(as_role: dict[str, TestClient], seeded: Seeded) -> None:
    answer = as_role["auditor"].get(f"/api/documents/{seeded.filed_id}/history")
    assert answer.status_code == 403
