"""The data folder: created private, its master key made, its database brought up to date."""

from __future__ import annotations

from pathlib import Path

from recordroom.core.actor import Actor
from recordroom.core.private import make_private_dir, readable_by_others
from recordroom.core.settings import Settings
from recordroom.wiring import Context


def init_home(ctx: Context, actor: Actor) -> list[str]:
    """Create the data folder (0700), the quarantine, the object folder, the master key (0600,
    unless ``RECORDROOM_MASTER_KEY`` gives it), the audit signing key (0600) and the inbox;
    migrate the database. Safe to run
    again. Returns warnings about folders other users can read."""
    settings = ctx.settings
    for folder in (settings.home, settings.quarantine_dir, settings.objects_dir, settings.work_dir):
        make_private_dir(folder)
    if not settings.inbox.exists():
        settings.inbox.mkdir(parents=True)
        settings.inbox.chmod(0o770)  # shared with the staff's group, never with everyone
    ctx.store  # noqa: B018 - opening the store makes the first master key
    ctx.database  # noqa: B018 - opening the database migrates it
    ctx.audit  # noqa: B018 - opening the trail creates its signing key
    return privacy_warnings(settings)


def privacy_warnings(settings: Settings) -> list[str]:
    """What is readable by users other than recordroom's own (and its group)."""
    warnings = []
    folders: list[tuple[str, Path]] = [("RECORDROOM_HOME", settings.home)]
    folders.append(("RECORDROOM_INBOX", settings.inbox))
    for name, folder in folders:
        if readable_by_others(folder):
            warnings.append(
                f"{name} {folder} can be read by every user of this machine; it holds "
                f"patients' records: chmod o-rwx {folder}"
            )
    return warnings
