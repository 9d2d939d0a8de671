"""The JSON API: signing in, the same use-cases as the pages, and schemathesis against the
OpenAPI document with a signed-in session (no 500s, no answer outside its schema)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from recordroom.core.actor import ROLES, Actor
from recordroom.usecases import users
from recordroom.web import create_app
from recordroom.wiring import Context
from tests.web.seed import ADMIN, PASSWORD, Seeded


def api_sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    answer = client.post("/api/login", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["csrf_token"]
    return token


def test_api_sign_in_and_use(
    as_role: dict[str, TestClient], seeded: Seeded, client: TestClient
) -> None:
    csrf = api_sign_in(client, seeded.passwords["intake"])
    assert client.get("/api/me").json()["roles"] == ["intake"]
    queue = client.get("/api/review").json()
    assert [item["document_id"] for item in queue] == [seeded.review_id]
    refused = client.post(
        f"/api/review/{seeded.review_id}", json={"patient_mrn": "MRN1001", "doc_type": "lab_report"}
    )
    assert refused.status_code == 403  # no CSRF header
    filed = client.post(
        f"/api/review/{seeded.review_id}",
        json={"patient_mrn": "MRN1001", "doc_type": "lab_report"},
        headers={"X-CSRF-Token": csrf},
    )
    assert filed.status_code == 200
    document = client.get(f"/api/documents/{seeded.review_id}").json()
    assert document["patient_mrn"] == "MRN1001" and not document["needs_review"]
    assert client.get("/api/users").status_code == 403
    hits = client.get("/api/search", params={"q": "metformin"}).json()
    assert [hit["document_id"] for hit in hits] == [seeded.filed_id]
    patients = client.get("/api/patients", params={"q": "garcia"}).json()
    assert {p["mrn"] for p in patients} == {"MRN1001", "MRN1003"}
    assert client.get("/api/inbox").json()["quarantined"][0]["name"] == seeded.quarantined
    client.post("/api/logout", headers={"X-CSRF-Token": csrf})
    assert client.get("/api/me").status_code == 401


def test_api_refuses_a_wrong_password(client: TestClient, seeded: Seeded) -> None:
    answer = client.post(
        "/api/login", json={"username": seeded.passwords["admin"], "password": "nope"}
    )
    assert answer.status_code == 401


def test_openapi_describes_the_api_only(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert paths and all(path.startswith("/api/") for path in paths)


@pytest.fixture
def signed_in(ctx: Context, seeded: Seeded) -> Iterator[dict[str, str]]:
    """A session holding every role, as the headers a client sends."""
    made = users.add_user(ctx, ADMIN, "schema-tester", ROLES)
    users.change_password(ctx, Actor("schema-tester", frozenset(ROLES)), made.password, PASSWORD)
    with TestClient(create_app(ctx)) as client:
        csrf = api_sign_in(client, "schema-tester")
        yield {"X-CSRF-Token": csrf, "Cookie": f"rr_session={client.cookies['rr_session']}"}


# The operations, read from the app's own OpenAPI document (it needs no database to describe).
OPERATIONS = sorted(
    f"{method.upper()} {path}"
    for path, methods in create_app(None).openapi()["paths"].items()  # type: ignore[arg-type]
    for method in methods
    if path != "/api/logout"  # it ends the session the other calls use; tested above
)


@pytest.mark.slow
@pytest.mark.parametrize("label", OPERATIONS)
def test_api_against_its_openapi_document(
    ctx: Context, signed_in: dict[str, str], label: str
) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(ctx))
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label

    @given(case=operation.as_strategy())
    @settings(
        max_examples=6,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def call(case: Any) -> None:
        case.call_and_validate(headers=signed_in)

    call()
