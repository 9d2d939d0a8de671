"""The inbox as intake staff see it: waiting, processing, done today, quarantined (with reasons);
a quarantined file tried again or discarded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from indexer.browse import JobSummary, count_jobs, jobs
from intake import quarantine
from intake.files import inbox_files
from intake.quarantine import QuarantinedFile
from recordroom.core.actor import Actor
from recordroom.usecases.access import require_role
from recordroom.wiring import Context

WAITING_SHOWN = 200


@dataclass(frozen=True, slots=True)
class InboxOverview:
    waiting: tuple[str, ...]  # files in the inbox not yet taken (relative paths), first 200
    waiting_count: int
    processing: tuple[JobSummary, ...]
    done_today: tuple[JobSummary, ...]
    done_today_count: int
    quarantined: tuple[QuarantinedFile, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "waiting": list(self.waiting),
            "waiting_count": self.waiting_count,
            "processing": [job.as_json() for job in self.processing],
            "done_today": [job.as_json() for job in self.done_today],
            "done_today_count": self.done_today_count,
            "quarantined": [item.as_json() for item in self.quarantined],
        }


def inbox_overview(
    ctx: Context, actor: Actor, *, offset: int = 0, limit: int = 50
) -> InboxOverview:
    """What the inbox holds now; ``offset``/``limit`` page the files done today."""
    require_role(actor, "intake")
    settings = ctx.settings
    waiting = (
        sorted(str(path.relative_to(settings.inbox)) for path in inbox_files(settings.inbox))
        if settings.inbox.is_dir()
        else []
    )
    midnight = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    done = ("stored", "duplicate", "near_duplicate", "quarantined")
    with ctx.unit_of_work(actor) as unit:
        processing = jobs(unit.session, statuses=("queued",), limit=200)  # waiting or worked on
        done_today = jobs(
            unit.session, statuses=done, finished_since=midnight, offset=offset, limit=limit
        )
        done_count = count_jobs(unit.session, statuses=done, finished_since=midnight)
        unit.record(
            "search",
            documents=[d for job in done_today for d in job.document_ids],
            detail="inbox",
        )
    return InboxOverview(
        waiting=tuple(waiting[:WAITING_SHOWN]),
        waiting_count=len(waiting),
        processing=tuple(processing),
        done_today=tuple(done_today),
        done_today_count=done_count,
        quarantined=tuple(quarantine.quarantined_files(settings.quarantine_dir)),
    )


def retry_quarantined(ctx: Context, actor: Actor, name: str) -> str:
    """Send a quarantined file back to the inbox; returns the name it has there."""
    require_role(actor, "intake")
    with ctx.unit_of_work(actor) as unit:
        sha256 = quarantine.quarantined_sha256(ctx.settings.quarantine_dir, name)
        target = quarantine.retry(ctx.settings.quarantine_dir, ctx.settings.inbox, name)
        unit.record("document.update", detail=f"quarantined file {sha256} back to the inbox")
    return target.name


def discard_quarantined(ctx: Context, actor: Actor, name: str) -> None:
    """Delete a quarantined file for good (it is not a record)."""
    require_role(actor, "intake")
    with ctx.unit_of_work(actor) as unit:
        sha256 = quarantine.quarantined_sha256(ctx.settings.quarantine_dir, name)
        quarantine.discard(ctx.settings.quarantine_dir, name)
        unit.record("document.delete", detail=f"quarantined file {sha256} discarded")
