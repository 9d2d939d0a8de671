"""Accounts: adding, disabling and resetting users (admins), signing in and out, sessions.

A signed-in person becomes an ``Actor`` with their roles, at the door they came in by (``web`` or
``api``) and their network address; every other use-case receives that actor.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from recordroom.accounts import (
    UserRow,
    WebSessionRow,
    aware,
    dummy_hash,
    hash_password,
    needs_rehash,
    new_password,
    new_token,
    password_matches,
    roles_of,
    roles_text,
    token_hash,
)
from recordroom.core import AuthenticationError, ConflictError, NotFoundError, RecordroomError
from recordroom.core.actor import ROLES, Actor
from recordroom.core.sql import utcnow
from recordroom.usecases.access import require_role
from recordroom.wiring import Context

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 12
FIRST_ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class User:
    username: str
    display_name: str
    roles: tuple[str, ...]
    disabled: bool
    locked: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None

    def as_json(self) -> dict[str, object]:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "roles": list(self.roles),
            "disabled": self.disabled,
            "locked": self.locked,
            "created_at": self.created_at.isoformat(),
            "last_login_at": self.last_login_at.isoformat() if self.last_login_at else None,
        }


@dataclass(frozen=True, slots=True)
class Password:
    """A password handed out once (new account, reset): shown to the admin, never stored."""

    username: str
    password: str


@dataclass(frozen=True, slots=True)
class WebSession:
    """A signed-in client: the token its cookie holds, its CSRF token, and who it is."""

    token: str
    csrf_token: str
    actor: Actor
    must_change_password: bool


def _user(row: UserRow, now: dt.datetime) -> User:
    return User(
        username=row.username,
        display_name=row.display_name,
        roles=tuple(sorted(roles_of(row))),
        disabled=row.disabled,
        locked=row.locked_until is not None and aware(row.locked_until) > now,
        created_at=aware(row.created_at),
        last_login_at=aware(row.last_login_at) if row.last_login_at else None,
    )


def _checked_roles(roles: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(r.strip() for r in roles if r.strip())
    unknown = sorted(chosen - set(ROLES))
    if unknown:
        raise RecordroomError(
            f"unknown role(s) {', '.join(unknown)}; roles are: {', '.join(ROLES)}"
        )
    if not chosen:
        raise RecordroomError(f"a user needs at least one role: {', '.join(ROLES)}")
    return chosen


def _get(session: Session, username: str) -> UserRow:
    row = session.get(UserRow, username)
    if row is None:
        raise NotFoundError(f"there is no user {username!r}; `recordroom users list` shows them")
    return row


def _new_user(
    username: str, display_name: str, roles: frozenset[str], password: str, *, must_change: bool
) -> UserRow:
    return UserRow(
        username=username,
        display_name=display_name.strip()[:128],
        roles=roles_text(roles),
        password_hash=hash_password(password),
        disabled=False,
        failed_logins=0,
        must_change_password=must_change,
    )


def _end_sessions(session: Session, username: str) -> None:
    session.execute(delete(WebSessionRow).where(WebSessionRow.username == username))


# -- administration (admins) -----------------------------------------------------------------------


def list_users(ctx: Context, actor: Actor) -> list[User]:
    require_role(actor, "admin")
    now = utcnow()
    with ctx.unit_of_work(actor) as unit:
        rows = unit.session.scalars(select(UserRow).order_by(UserRow.username)).all()
        return [_user(row, now) for row in rows]


def add_user(
    ctx: Context, actor: Actor, username: str, roles: Iterable[str], *, display_name: str = ""
) -> Password:
    """A new account with these roles and a password to hand over once."""
    require_role(actor, "admin")
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise RecordroomError(
            f"{username!r} is not a valid user name: 2 to 64 characters, lower-case letters, "
            "digits, '.', '_' or '-', starting with a letter or digit"
        )
    chosen = _checked_roles(roles)
    password = new_password()
    with ctx.unit_of_work(actor) as unit:
        if unit.session.get(UserRow, username) is not None:
            raise ConflictError(f"user {username!r} exists already")
        unit.session.add(_new_user(username, display_name, chosen, password, must_change=True))
        unit.record("user.update", detail=f"{username} roles={roles_text(chosen)}")
    return Password(username, password)


def set_roles(ctx: Context, actor: Actor, username: str, roles: Iterable[str]) -> User:
    require_role(actor, "admin")
    chosen = _checked_roles(roles)
    with ctx.unit_of_work(actor) as unit:
        row = _get(unit.session, username)
        if "admin" not in chosen and row.username == actor.user_id:
            raise RecordroomError("you cannot take the admin role from yourself")
        row.roles = roles_text(chosen)
        _end_sessions(unit.session, username)  # new roles take effect at the next sign-in
        unit.record("user.update", detail=f"{username} roles={row.roles}")
        return _user(row, utcnow())


def disable_user(ctx: Context, actor: Actor, username: str, *, disabled: bool = True) -> User:
    """Disable (or enable again) an account; a disabled account's sessions end at once."""
    require_role(actor, "admin")
    with ctx.unit_of_work(actor) as unit:
        row = _get(unit.session, username)
        if disabled and row.username == actor.user_id:
            raise RecordroomError("you cannot disable your own account")
        row.disabled = disabled
        if disabled:
            _end_sessions(unit.session, username)
        unit.record("user.update", detail=f"{'disabled' if disabled else 'enabled'} {username}")
        return _user(row, utcnow())


def reset_password(ctx: Context, actor: Actor, username: str) -> Password:
    """A new password for ``username`` (shown once), which also lifts a lockout and ends the
    user's sessions; they choose their own at the next sign-in."""
    require_role(actor, "admin")
    password = new_password()
    with ctx.unit_of_work(actor) as unit:
        row = _get(unit.session, username)
        row.password_hash = hash_password(password)
        row.failed_logins = 0
        row.locked_until = None
        row.must_change_password = True
        _end_sessions(unit.session, username)
        unit.record("user.update", detail=f"password reset for {username}")
    return Password(username, password)


def create_first_admin(ctx: Context, actor: Actor) -> Password | None:
    """The first admin account (``admin``) with a new password, when no enabled admin exists
    yet; None otherwise. ``recordroom init`` prints the password once."""
    with ctx.unit_of_work(actor) as unit:
        rows = unit.session.scalars(select(UserRow).where(UserRow.disabled.is_(False))).all()
        if any("admin" in roles_of(row) for row in rows):
            return None
        username = FIRST_ADMIN
        taken = set(unit.session.scalars(select(UserRow.username)).all())
        counter = 1
        while username in taken:
            counter += 1
            username = f"{FIRST_ADMIN}{counter}"
        password = new_password()
        unit.session.add(
            _new_user(username, "Administrator", frozenset({"admin"}), password, must_change=False)
        )
        unit.record("user.update", detail=f"{username} roles=admin (first admin)")
    return Password(username, password)


# -- signing in and out ----------------------------------------------------------------------------


def sign_in(ctx: Context, caller: Actor, username: str, password: str) -> WebSession:
    """Check a name and password and open a session. ``caller`` is the anonymous client (its
    door and network address). Raises ``AuthenticationError`` with one message for every
    failure; after ``login_max_failures`` failures in a row the account is locked for
    ``login_lockout_minutes``."""
    settings = ctx.settings
    username = username.strip().lower()
    now = utcnow()
    failure: str | None = None
    with ctx.unit_of_work(caller) as unit:
        row = unit.session.get(UserRow, username)
        if row is None:
            password_matches(dummy_hash(), password)  # same time as a wrong password
            failure = "unknown user"
        elif row.disabled:
            failure = "account disabled"
        elif row.locked_until is not None and aware(row.locked_until) > now:
            failure = "account locked"
        elif not password_matches(row.password_hash, password):
            row.failed_logins += 1
            failure = "wrong password"
            if row.failed_logins >= settings.login_max_failures:
                row.locked_until = now + dt.timedelta(minutes=settings.login_lockout_minutes)
                row.failed_logins = 0
                failure = "wrong password; account locked"
        if failure is not None:
            unit.record("login", outcome="minor", detail=f"{username}: {failure}")
        else:
            assert row is not None
            row.failed_logins = 0
            row.locked_until = None
            row.last_login_at = now
            if needs_rehash(row.password_hash):
                row.password_hash = hash_password(password)
            token = new_token()
            csrf = new_token()
            unit.session.add(
                WebSessionRow(
                    token_hash=token_hash(token),
                    username=row.username,
                    csrf_token=csrf,
                    network_address=caller.network_address,
                    created_at=now,
                    last_seen_at=now,
                )
            )
            actor = dataclasses.replace(
                caller, user_id=row.username, roles=roles_of(row), display_name=row.display_name
            )
            unit.record("login", detail=row.username)
            return WebSession(token, csrf, actor, row.must_change_password)
    raise AuthenticationError(
        "the user name or password is wrong, or the account is locked or disabled; "
        "ask an admin to reset it if this goes on"
    )


def resume_session(ctx: Context, caller: Actor, token: str) -> WebSession | None:
    """The session this token opened, or None when there is none, the account is disabled, or
    it was idle longer than ``session_idle_minutes`` (then it is ended). Touches the session."""
    now = utcnow()
    idle = dt.timedelta(minutes=ctx.settings.session_idle_minutes)
    with ctx.unit_of_work(caller) as unit:
        row = unit.session.get(WebSessionRow, token_hash(token))
        if row is None:
            return None
        user = unit.session.get(UserRow, row.username)
        if user is None or user.disabled or now - aware(row.last_seen_at) > idle:
            unit.session.delete(row)
            if user is not None and not user.disabled:
                unit.record("logout", detail=f"{user.username}: idle timeout")
            return None
        # One write a minute at most: the idle clock needs no finer grain.
        if now - aware(row.last_seen_at) > dt.timedelta(seconds=60):
            row.last_seen_at = now
        actor = dataclasses.replace(
            caller, user_id=user.username, roles=roles_of(user), display_name=user.display_name
        )
        return WebSession(token, row.csrf_token, actor, user.must_change_password)


def sign_out(ctx: Context, actor: Actor, token: str) -> None:
    with ctx.unit_of_work(actor) as unit:
        row = unit.session.get(WebSessionRow, token_hash(token))
        if row is not None:
            unit.session.delete(row)
            unit.record("logout", detail=actor.user_id)


def change_password(ctx: Context, actor: Actor, current: str, new: str) -> None:
    """A signed-in user sets their own password (at least 12 characters)."""
    if len(new) < MIN_PASSWORD_LENGTH:
        raise RecordroomError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    with ctx.unit_of_work(actor) as unit:
        row = _get(unit.session, actor.user_id)
        if not password_matches(row.password_hash, current):
            raise AuthenticationError("the current password is wrong")
        if current == new:
            raise RecordroomError("the new password must differ from the current one")
        row.password_hash = hash_password(new)
        row.must_change_password = False
        unit.record("user.update", detail=f"{actor.user_id} changed their password")
