"""The web app over a real SQLite database and object folder, with seeded records."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from recordroom import accounts
from recordroom.core.settings import Settings
from recordroom.web import create_app
from recordroom.wiring import Context, open_context
from tests.web.seed import PASSWORD, Seeded, seed_records

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def quick_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still argon2id, with the smallest cost: the default (64 MiB, 3 passes) takes most of a
    second a hash on a busy two-core machine, and these tests hash dozens of passwords."""
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    with open_context(settings) as context:
        yield context


@pytest.fixture
def seeded(ctx: Context, tmp_path: Path) -> Seeded:
    return seed_records(ctx, tmp_path / "samples")


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    page = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


@pytest.fixture
def client(ctx: Context) -> TestClient:
    return TestClient(create_app(ctx))


@pytest.fixture
def as_role(ctx: Context, seeded: Seeded) -> Iterator[dict[str, TestClient]]:
    """A signed-in client for each role."""
    clients = {
        role: sign_in(TestClient(create_app(ctx)), name) for role, name in seeded.passwords.items()
    }
    yield clients
    for c in clients.values():
        c.close()
