"""The data folder: created, and its database brought up to date."""

from __future__ import annotations

from recordroom.core.actor import Actor
from recordroom.wiring import Context


def init_home(ctx: Context, actor: Actor) -> None:
    """Create the data folder, the quarantine, the object folder and the inbox; migrate the
    database. Safe to run again."""
    settings = ctx.settings
    for folder in (settings.home, settings.quarantine_dir, settings.objects_dir, settings.inbox):
        folder.mkdir(parents=True, exist_ok=True)
    ctx.database  # noqa: B018 - opening the database migrates it
