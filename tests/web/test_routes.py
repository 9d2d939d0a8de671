"""Every route against every role: the allowed/denied matrix, checked server-side; the denied
page; sign-in required; CSRF on every unsafe method; cookie flags."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from recordroom.core.actor import ROLES
from recordroom.web import api_routes, create_app
from recordroom.wiring import Context
from tests.web.conftest import csrf_of
from tests.web.seed import PASSWORD, Seeded

EVERYONE = frozenset(ROLES)
INTAKE = frozenset({"intake"})
READERS = frozenset({"intake", "clerk"})
ADMIN = frozenset({"admin"})
CLERK = frozenset({"clerk"})
AUDITOR = frozenset({"auditor"})

# Routes anyone may call without signing in.
PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/api/login"),
    ("GET", "/roi/download/{token}"),  # the recipient's link: the signed token is the key
}
# Who may call each route once signed in. A new route must be added here, or the test fails.
MATRIX: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/"): EVERYONE,
    ("POST", "/logout"): EVERYONE,
    ("GET", "/account/password"): EVERYONE,
    ("POST", "/account/password"): EVERYONE,
    ("GET", "/inbox"): INTAKE,
    ("POST", "/inbox/quarantine/{name}/retry"): INTAKE,
    ("POST", "/inbox/quarantine/{name}/discard"): INTAKE,
    ("GET", "/review"): INTAKE,
    ("GET", "/review/{document_id}"): INTAKE,
    ("POST", "/review/{document_id}"): INTAKE,
    ("POST", "/review/{document_id}/split"): INTAKE,
    ("POST", "/review/{document_id}/merge"): INTAKE,
    ("GET", "/documents/{document_id}"): READERS,
    ("GET", "/documents/{document_id}/pages/{page}.png"): READERS,
    ("GET", "/documents/{document_id}/original"): READERS,
    ("GET", "/patients"): READERS,
    ("GET", "/patients/{mrn}"): READERS,
    ("GET", "/search"): READERS,
    ("GET", "/requests"): CLERK,
    ("GET", "/requests/new"): CLERK,
    ("POST", "/requests"): CLERK,
    ("GET", "/requests/{request_id}"): CLERK,
    ("POST", "/requests/{request_id}/check"): CLERK,
    ("POST", "/requests/{request_id}/elements/{element}"): CLERK,
    ("POST", "/requests/{request_id}/identity"): CLERK,
    ("POST", "/requests/{request_id}/approve"): CLERK,
    ("POST", "/requests/{request_id}/deny"): CLERK,
    ("POST", "/requests/{request_id}/extend"): CLERK,
    ("POST", "/requests/{request_id}/fulfil"): CLERK,
    ("GET", "/requests/{request_id}/packet"): CLERK,
    ("POST", "/requests/{request_id}/close"): CLERK,
    ("POST", "/requests/{request_id}/cancel"): CLERK,
    ("GET", "/patients/{mrn}/accounting.{kind}"): CLERK,
    ("GET", "/audit"): AUDITOR,
    ("GET", "/audit/events"): AUDITOR,
    ("GET", "/audit/reports/patient"): AUDITOR,
    ("GET", "/audit/reports/user"): AUDITOR,
    ("GET", "/audit/reports/after-hours"): AUDITOR,
    ("GET", "/audit/reports/many-patients"): AUDITOR,
    ("GET", "/audit/reports/disclosures"): AUDITOR,
    ("GET", "/audit/chain"): AUDITOR,
    ("GET", "/audit/export.{fmt}"): AUDITOR,
    ("GET", "/users"): ADMIN,
    ("POST", "/users"): ADMIN,
    ("POST", "/users/{username}/roles"): ADMIN,
    ("POST", "/users/{username}/disable"): ADMIN,
    ("POST", "/users/{username}/enable"): ADMIN,
    ("POST", "/users/{username}/reset-password"): ADMIN,
    ("POST", "/api/logout"): EVERYONE,
    ("GET", "/api/me"): EVERYONE,
    ("GET", "/api/search"): READERS,
    ("GET", "/api/documents/{document_id}"): READERS,
    ("GET", "/api/documents/{document_id}/history"): READERS,
    ("GET", "/api/patients"): READERS,
    ("GET", "/api/patients/{mrn}"): READERS,
    ("GET", "/api/review"): INTAKE,
    ("POST", "/api/review/{document_id}"): INTAKE,
    ("POST", "/api/review/{document_id}/split"): INTAKE,
    ("POST", "/api/review/{document_id}/merge"): INTAKE,
    ("GET", "/api/inbox"): INTAKE,
    ("POST", "/api/inbox/quarantine/{name}/retry"): INTAKE,
    ("POST", "/api/inbox/quarantine/{name}/discard"): INTAKE,
    ("GET", "/api/audit/events"): AUDITOR,
    ("GET", "/api/audit/reports/patient/{mrn}"): AUDITOR,
    ("GET", "/api/audit/reports/user/{user_id}"): AUDITOR,
    ("GET", "/api/audit/reports/after-hours"): AUDITOR,
    ("GET", "/api/audit/reports/many-patients"): AUDITOR,
    ("GET", "/api/audit/reports/disclosures"): AUDITOR,
    ("GET", "/api/audit/chain"): AUDITOR,
    ("GET", "/api/audit/export"): AUDITOR,
    ("GET", "/api/users"): ADMIN,
    ("POST", "/api/users"): ADMIN,
    ("POST", "/api/users/{username}/roles"): ADMIN,
    ("POST", "/api/users/{username}/disable"): ADMIN,
    ("POST", "/api/users/{username}/enable"): ADMIN,
    ("POST", "/api/users/{username}/reset-password"): ADMIN,
}
# Routes that only log out or act on the caller's own session are tried last.
LAST = {("POST", "/logout"), ("POST", "/api/logout")}


def app_routes(ctx: Context) -> list[tuple[str, str]]:
    return [
        (method, path)
        for path, route in api_routes(create_app(ctx).routes)
        for method in sorted(route.methods or ())
    ]


def concrete(path: str, seeded: Seeded) -> str:
    values = {
        "document_id": seeded.review_id,
        "page": "1",
        "mrn": "MRN1002",
        "name": "no-such-file.pdf",  # retry/discard must not use up the seeded file here
        "username": "matrix-target",
        "request_id": "no-such-request",
        "element": "signature",
        "kind": "csv",
        "fmt": "csv",
        "user_id": "clerk-user",
        "token": "not-a-token",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def test_every_route_is_in_the_matrix(ctx: Context) -> None:
    routes = set(app_routes(ctx))
    assert routes - PUBLIC - set(MATRIX) == set(), "add the new route to MATRIX or PUBLIC"
    assert set(MATRIX) | PUBLIC == routes, "MATRIX names a route the app does not have"


def test_declared_roles_match_the_matrix(ctx: Context) -> None:
    """The roles each route's dependency declares are the ones the matrix expects."""
    for path, route in api_routes(create_app(ctx).routes):
        declared = {
            role
            for dependency in route.dependant.dependencies
            for role in getattr(dependency.call, "roles", ())
        }
        for method in route.methods or ():
            expected = MATRIX.get((method, path), frozenset())
            assert declared == expected, f"{method} {path}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_allowed_or_denied_on_every_route(
    ctx: Context, seeded: Seeded, as_role: dict[str, TestClient], role: str
) -> None:
    from recordroom.usecases import users
    from tests.web.seed import ADMIN as CLI

    users.add_user(ctx, CLI, "matrix-target", ["clerk"])
    client = as_role[role]
    csrf = csrf_of(client.get("/account/password").text)
    wrong = []
    for method, path in sorted(MATRIX, key=lambda key: (key in LAST, key[1] == "/logout")):
        url = concrete(path, seeded)
        answer = client.request(method, url, headers={"X-CSRF-Token": csrf}, follow_redirects=False)
        allowed = role in MATRIX[(method, path)]
        if allowed and answer.status_code in (401, 403):
            wrong.append(f"{method} {url}: {answer.status_code}, expected to be allowed")
        if not allowed and (answer.status_code != 403 or "needs the role" not in answer.text):
            wrong.append(f"{method} {url}: {answer.status_code}, expected 403 (role)")
    assert wrong == []


def test_signed_out_pages_go_to_sign_in_and_the_api_answers_401(
    client: TestClient, seeded: Seeded
) -> None:
    for method, path in MATRIX:
        url = concrete(path, seeded)
        answer = client.request(method, url, follow_redirects=False)
        if path.startswith("/api/"):
            assert answer.status_code == 401, url
        elif method == "GET":
            assert answer.status_code == 303, url
            assert answer.headers["location"].startswith("/login?next="), url
        else:
            assert answer.status_code == 303, url


def test_denied_page_says_why(as_role: dict[str, TestClient]) -> None:
    answer = as_role["clerk"].get("/users")
    assert answer.status_code == 403
    assert "Not allowed" in answer.text and "admin" in answer.text
    assert "<nav" in answer.text  # the page keeps the navigation to go elsewhere


def test_unsafe_requests_need_the_csrf_token(
    as_role: dict[str, TestClient], seeded: Seeded
) -> None:
    admin = as_role["admin"]
    answer = admin.post("/users", data={"username": "eve", "role": "admin"})
    assert answer.status_code == 403 and "security token" in answer.text
    answer = admin.post("/users", data={"username": "eve", "role": "admin", "csrf_token": "forged"})
    assert answer.status_code == 403
    token = csrf_of(admin.get("/users").text)
    answer = admin.post("/users", data={"username": "eve", "role": "clerk", "csrf_token": token})
    assert answer.status_code == 200 and "eve" in answer.text


def test_login_form_needs_its_own_token(client: TestClient, seeded: Seeded) -> None:
    answer = client.post(
        "/login",
        data={"username": seeded.passwords["admin"], "password": "x", "csrf_token": "x"},
    )
    assert answer.status_code == 401 and "expired" in answer.text


def _sign_in_answer(client: TestClient, username: str, next_page: str = "/") -> Any:
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "username": username,
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": next_page,
        },
        follow_redirects=False,
    )


def test_session_cookie_is_httponly_and_samesite(client: TestClient, seeded: Seeded) -> None:
    cookie = _sign_in_answer(client, seeded.passwords["clerk"]).headers["set-cookie"]
    assert "rr_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP here; over TLS the cookie is Secure


def test_next_never_leaves_the_site(client: TestClient, seeded: Seeded) -> None:
    answer = _sign_in_answer(client, seeded.passwords["clerk"], "//evil.example/")
    assert answer.headers["location"] == "/"
