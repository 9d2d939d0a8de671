"""Accounts: argon2id hashes, lockout, disable, reset, roles, sessions and their idle end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import update

from recordroom.accounts import UserRow, WebSessionRow
from recordroom.core import AccessDeniedError, AuthenticationError, RecordroomError
from recordroom.core.actor import Actor
from recordroom.core.settings import load_settings
from recordroom.usecases import users
from recordroom.wiring import Context, open_context
from tests.web.seed import ADMIN

WEB = Actor("anonymous", door="web", network_address="127.0.0.1")


def _new(ctx: Context, name: str = "jane", roles: tuple[str, ...] = ("clerk",)) -> str:
    return users.add_user(ctx, ADMIN, name, roles, display_name="Jane Roe").password


def test_passwords_are_stored_as_argon2id_hashes(ctx: Context) -> None:
    password = _new(ctx)
    with ctx.database.session() as session:
        row = session.get(UserRow, "jane")
        assert row is not None
        assert row.password_hash.startswith("$argon2id$")
        assert password not in row.password_hash


def test_sign_in_makes_an_actor_with_the_users_roles(ctx: Context) -> None:
    password = _new(ctx, roles=("clerk", "intake"))
    session = users.sign_in(ctx, WEB, "Jane", password)
    assert session.actor.user_id == "jane"
    assert session.actor.roles == frozenset({"clerk", "intake"})
    assert session.actor.door == "web"
    assert session.actor.network_address == "127.0.0.1"
    assert session.must_change_password
    resumed = users.resume_session(ctx, WEB, session.token)
    assert resumed is not None and resumed.actor == session.actor
    with ctx.database.session() as db:
        stored = db.get(WebSessionRow, session.token)
        assert stored is None  # only the token's hash is kept


def test_lockout_after_repeated_failures_and_reset_lifts_it(ctx: Context) -> None:
    password = _new(ctx)
    for _ in range(ctx.settings.login_max_failures):
        with pytest.raises(AuthenticationError):
            users.sign_in(ctx, WEB, "jane", "wrong password")
    with pytest.raises(AuthenticationError):
        users.sign_in(ctx, WEB, "jane", password)  # the right password, but locked
    assert [u.locked for u in users.list_users(ctx, ADMIN) if u.username == "jane"] == [True]
    fresh = users.reset_password(ctx, ADMIN, "jane").password
    assert users.sign_in(ctx, WEB, "jane", fresh).actor.user_id == "jane"


def test_one_message_for_every_failure(ctx: Context) -> None:
    _new(ctx)
    messages = set()
    for name, password in (("nobody", "x"), ("jane", "wrong")):
        with pytest.raises(AuthenticationError) as error:
            users.sign_in(ctx, WEB, name, password)
        messages.add(str(error.value))
    assert len(messages) == 1


def test_disabling_ends_sessions_and_refuses_sign_in(ctx: Context) -> None:
    password = _new(ctx)
    session = users.sign_in(ctx, WEB, "jane", password)
    users.disable_user(ctx, ADMIN, "jane")
    assert users.resume_session(ctx, WEB, session.token) is None
    with pytest.raises(AuthenticationError):
        users.sign_in(ctx, WEB, "jane", password)
    users.disable_user(ctx, ADMIN, "jane", disabled=False)
    assert users.sign_in(ctx, WEB, "jane", password)


def test_idle_session_ends(ctx: Context) -> None:
    password = _new(ctx)
    session = users.sign_in(ctx, WEB, "jane", password)
    idle = dt.timedelta(minutes=ctx.settings.session_idle_minutes, seconds=1)
    with ctx.database.session() as db:
        db.execute(update(WebSessionRow).values(last_seen_at=dt.datetime.now(dt.UTC) - idle))
        db.commit()
    assert users.resume_session(ctx, WEB, session.token) is None


def test_first_admin_only_when_there_is_none(ctx: Context) -> None:
    first = users.create_first_admin(ctx, ADMIN)
    assert first is not None and first.username == "admin"
    assert users.create_first_admin(ctx, ADMIN) is None
    admin = users.sign_in(ctx, WEB, "admin", first.password)
    assert admin.actor.roles == frozenset({"admin"})
    assert not admin.must_change_password


def test_only_admins_manage_users(ctx: Context) -> None:
    clerk = Actor("clerk1", frozenset({"clerk"}), door="web")
    with pytest.raises(AccessDeniedError):
        users.add_user(ctx, clerk, "mallory", ["admin"])
    with pytest.raises(AccessDeniedError):
        users.list_users(ctx, clerk)


@pytest.mark.parametrize(
    ("name", "roles"),
    [("Bad Name", ["clerk"]), ("x", ["clerk"]), ("ok-name", []), ("ok-name", ["root"])],
)
def test_bad_names_and_roles_are_refused(ctx: Context, name: str, roles: list[str]) -> None:
    with pytest.raises(RecordroomError):
        users.add_user(ctx, ADMIN, name, roles)


def test_a_user_changes_their_password(ctx: Context) -> None:
    password = _new(ctx)
    jane = Actor("jane", frozenset({"clerk"}), door="web")
    with pytest.raises(RecordroomError):
        users.change_password(ctx, jane, password, "short")
    with pytest.raises(AuthenticationError):
        users.change_password(ctx, jane, "not it", "a long enough password")
    users.change_password(ctx, jane, password, "a long enough password")
    assert not users.sign_in(ctx, WEB, "jane", "a long enough password").must_change_password


def test_accounts_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    """The same accounts, sessions and lockout on a real PostgreSQL server."""
    settings = load_settings(
        environ={"RECORDROOM_HOME": str(tmp_path / "pg"), "RECORDROOM_DATABASE_URL": postgres_url},
        cwd=tmp_path,
    )
    with open_context(settings) as ctx:
        password = _new(ctx, roles=("clerk", "auditor"))
        session = users.sign_in(ctx, WEB, "jane", password)
        assert users.resume_session(ctx, WEB, session.token) is not None
        for _ in range(settings.login_max_failures):
            with pytest.raises(AuthenticationError):
                users.sign_in(ctx, WEB, "jane", "wrong")
        assert [u.locked for u in users.list_users(ctx, ADMIN)] == [True]
        users.disable_user(ctx, ADMIN, "jane")
        assert users.resume_session(ctx, WEB, session.token) is None
