"""Who is asking: the session cookie, the CSRF token, and the role every route checks.

Each route names the roles that may use it with ``Depends(allow(...))``; the dependency resumes
the session (ending it after ``session_idle_minutes`` idle), refuses a missing role with 403,
checks the CSRF token on every unsafe method, and hands the route the signed-in ``Actor``.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from recordroom.core import AccessDeniedError
from recordroom.core.actor import ROLES, Actor
from recordroom.usecases.access import record_denial
from recordroom.usecases.users import WebSession, resume_session
from recordroom.wiring import Context

SESSION_COOKIE = "rr_session"
LOGIN_CSRF_COOKIE = "rr_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EVERYONE = ROLES  # any signed-in user


class NotSignedIn(Exception):
    """No valid session: pages send the browser to the sign-in page, the API answers 401."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("not signed in")
        self.expired = expired


class PasswordChangeRequired(Exception):
    """The user signed in with a password an admin handed out and must choose their own."""


class CsrfError(Exception):
    """An unsafe request without the session's CSRF token."""


def context_of(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def caller(request: Request) -> Actor:
    """The anonymous client: its door and network address, no user yet."""
    return Actor(
        user_id="anonymous",
        door="api" if is_api(request) else "web",
        network_address=request.client.host if request.client else None,
        host=request.url.hostname,
    )


def current_session(request: Request) -> WebSession | None:
    """The session of this request's cookie, resumed once per request."""
    if hasattr(request.state, "web_session"):
        found: WebSession | None = request.state.web_session
        return found
    token = request.cookies.get(SESSION_COOKIE)
    session = resume_session(context_of(request), caller(request), token) if token else None
    request.state.web_session = session
    request.state.session_expired = token is not None and session is None
    return session


async def _check_csrf(request: Request, session: WebSession) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent, session.csrf_token):
        raise CsrfError()


def allow(*roles: str) -> Callable[[Request], Awaitable[Actor]]:
    """A dependency: the signed-in actor, when they hold one of ``roles``."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    async def dependency(request: Request) -> Actor:
        session = current_session(request)
        if session is None:
            raise NotSignedIn(expired=bool(getattr(request.state, "session_expired", False)))
        if request.method not in SAFE_METHODS:
            await _check_csrf(request, session)
        actor = session.actor
        if not any(actor.has_role(role) for role in roles):
            record_denial(context_of(request), actor, f"{request.method} {request.url.path}")
            raise AccessDeniedError(
                f"this page needs the role {' or '.join(roles)}; your roles: "
                f"{', '.join(sorted(actor.roles)) or 'none'}"
            )
        if session.must_change_password and request.url.path not in PASSWORD_PATHS:
            raise PasswordChangeRequired()
        request.state.actor = actor
        return actor

    dependency.roles = roles  # type: ignore[attr-defined]  # read by the route matrix test
    return dependency


PASSWORD_PATHS = frozenset({"/account/password", "/api/me", "/logout"})


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def template_globals(request: Request) -> dict[str, Any]:
    """What every page template sees: the actor, the CSRF token, the idle limit."""
    session = current_session(request)
    ctx = context_of(request)
    return {
        "actor": session.actor if session else None,
        "csrf_token": session.csrf_token if session else "",
        "idle_seconds": ctx.settings.session_idle_minutes * 60,
        "roles": ROLES,
    }
