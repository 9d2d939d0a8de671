"""Intake splits a waiting document in two at a page and merges the parts back, from the review
page and the API: the page images follow the original file's pages, search follows the text,
both decisions are on the audit trail and in the documents' history."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from recordroom.usecases.audit import EventFilter, audit_events
from recordroom.wiring import Context
from storage import derivative_key
from tests.web.conftest import csrf_of
from tests.web.seed import ADMIN, Seeded


def test_intake_splits_and_merges_from_the_review_page(
    as_role: dict[str, TestClient], seeded: Seeded, ctx: Context
) -> None:
    intake = as_role["intake"]
    page = intake.get(f"/review/{seeded.review_id}")
    assert "Split before page" in page.text
    assert "nothing to merge with" in page.text
    split = intake.post(
        f"/review/{seeded.review_id}/split",
        data={"at_page": "2", "csrf_token": csrf_of(page.text)},
    )
    assert split.status_code == 200 and "Split in two" in split.text
    found = re.search(r'href="/review/([0-9a-f]{32})"', split.text)
    assert found is not None
    new_id = found.group(1)
    assert "One page: nothing to split." in split.text
    queue = intake.get("/api/review").json()
    assert {item["document_id"] for item in queue} == {seeded.review_id, new_id}
    part = intake.get(f"/api/documents/{new_id}").json()
    assert [p["number"] for p in part["pages"]] == [1]
    assert "Hemoglobin A1c" in part["pages"][0]["text"]
    image = intake.get(f"/documents/{new_id}/pages/1.png").content
    sha = part["sha256"]
    assert image == ctx.store.get(derivative_key(sha, "page-2.png"))
    hits = intake.get("/api/search", params={"q": "hemoglobin"}).json()
    assert [hit["document_id"] for hit in hits] == [new_id]

    page = intake.get(f"/review/{seeded.review_id}")
    assert f'name="other" value="{new_id}"' in page.text
    merged = intake.post(
        f"/review/{seeded.review_id}/merge",
        data={"other": new_id, "csrf_token": csrf_of(page.text)},
    )
    assert merged.status_code == 200 and "Merged" in merged.text
    whole = intake.get(f"/api/documents/{seeded.review_id}").json()
    assert [p["number"] for p in whole["pages"]] == [1, 2]
    assert "Glucose" in whole["pages"][0]["text"] and "Hemoglobin" in whole["pages"][1]["text"]
    assert intake.get(f"/api/documents/{new_id}").status_code == 404

    events = audit_events(ctx, ADMIN, EventFilter(document=new_id)).events
    kinds = [event.kind for event in events]
    assert "document.split" in kinds and "document.merge" in kinds
    history = intake.get(f"/api/documents/{seeded.review_id}/history").json()
    assert [e["what"] for e in history if e["what"] in ("split", "merged")] == ["merged", "split"]


def test_the_api_splits_and_refuses_what_cannot_be_done(
    as_role: dict[str, TestClient], seeded: Seeded
) -> None:
    intake = as_role["intake"]
    csrf = csrf_of(intake.get("/account/password").text)
    headers = {"X-CSRF-Token": csrf}
    too_far = intake.post(
        f"/api/review/{seeded.review_id}/split", json={"at_page": 3}, headers=headers
    )
    assert too_far.status_code == 400 and "split it before a page from 2 to 2" in too_far.text
    filed = intake.post(
        f"/api/review/{seeded.filed_id}/split", json={"at_page": 2}, headers=headers
    )
    assert filed.status_code == 400 and "is filed" in filed.text
    other_file = intake.post(
        f"/api/review/{seeded.review_id}/merge",
        json={"other_document_id": seeded.filed_id},
        headers=headers,
    )
    assert other_file.status_code == 400 and "different files" in other_file.text
    done = intake.post(
        f"/api/review/{seeded.review_id}/split", json={"at_page": 2}, headers=headers
    ).json()
    assert done["document_id"] == seeded.review_id and len(done["new_document_id"]) == 32
    clerk = as_role["clerk"]
    refused = clerk.post(
        f"/api/review/{seeded.review_id}/split",
        json={"at_page": 2},
        headers={"X-CSRF-Token": csrf_of(clerk.get("/account/password").text)},
    )
    assert refused.status_code == 403
