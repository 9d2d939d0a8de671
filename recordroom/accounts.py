"""Accounts of the web app and API: users with roles, their password hashes, their sessions.

The tables live on the one shared base (``recordroom.core.sql.Base``); the migration that makes
them is ``indexer/migrations/versions/0006_users.py``. Passwords are hashed with argon2id
(``argon2-cffi``'s defaults: memory-hard, salted); a session is kept server-side and the browser
holds only a random token whose SHA-256 is stored, so a copy of the database opens no session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from recordroom.core.sql import Base, utcnow

_hasher = PasswordHasher()  # argon2id


class UserRow(Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    roles: Mapped[str] = mapped_column(String(128), default="")  # "clerk,intake"
    password_hash: Mapped[str] = mapped_column(String(256))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class WebSessionRow(Base):
    """A signed-in browser or API client. Ended by logout, by idle time, or when the user is
    disabled or their password is reset."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(
        ForeignKey("users.username", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    network_address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def dummy_hash() -> str:
    """A hash of nothing anyone knows, checked when the user does not exist so that a wrong name
    takes as long as a wrong password. Made on the first sign-in, not at import: argon2 spends a
    fifth of a second on it, which every command would pay."""
    return _hasher.hash(secrets.token_urlsafe(16))


def new_password() -> str:
    """A password to hand out once: 16 characters from a URL-safe alphabet (about 96 bits)."""
    return secrets.token_urlsafe(12)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def roles_text(roles: frozenset[str] | set[str] | tuple[str, ...]) -> str:
    return ",".join(sorted(roles))


def roles_of(row: UserRow) -> frozenset[str]:
    return frozenset(r for r in row.roles.split(",") if r)


def aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
