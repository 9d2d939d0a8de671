"""Who may do what: the role check every use-case that needs a role makes first."""

from __future__ import annotations

from recordroom.core import AccessDeniedError
from recordroom.core.actor import Actor
from recordroom.wiring import Context


def require_role(actor: Actor, *roles: str) -> None:
    """Raise ``AccessDeniedError`` unless ``actor`` holds one of ``roles``."""
    if not any(actor.has_role(role) for role in roles):
        raise AccessDeniedError(
            f"{actor.user_id} may not do this: it needs the role {' or '.join(roles)}"
        )


def record_denial(ctx: Context, actor: Actor, what: str) -> None:
    """A door refused ``actor`` something for want of a role: the audit trail keeps it."""
    with ctx.unit_of_work(actor) as unit:
        unit.record("access.denied", outcome="minor", detail=what)
