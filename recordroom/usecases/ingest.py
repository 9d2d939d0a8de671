"""Files through the whole pipeline: named files now, or whatever arrives in the inbox."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from intake.watcher import InboxWatcher
from recordroom.core import IngestOutcome, RecordroomError
from recordroom.core.actor import Actor
from recordroom.usecases.home import privacy_warnings
from recordroom.wiring import Context

log = logging.getLogger("recordroom")


def ingest_files(
    ctx: Context,
    actor: Actor,
    paths: Sequence[Path],
    *,
    each: Callable[[IngestOutcome], object] | None = None,
) -> list[IngestOutcome]:
    """Run files from anywhere through the pipeline (the sources stay where they are), several
    at once; ``each`` sees every outcome as soon as it and those before it are done, in the order
    of ``paths``. A file that fails for a reason not its own (engine, storage) stops none of the
    others; its error is raised once they are done."""
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise RecordroomError(f"no such file: {', '.join(missing)}")
    outcomes = []
    # Each file's documents and their ``document.create`` event commit together.
    for outcome in ctx.pipeline_for(actor).ingest_each(list(paths)):
        outcomes.append(outcome)
        if each is not None:
            each(outcome)
    return outcomes


def watch_inbox(
    ctx: Context, actor: Actor, *, once: bool = False, stop: threading.Event | None = None
) -> None:
    """Finish what a crash left in processing, then take what arrives in the inbox until ``stop``
    is set (or, with ``once``, what is there now)."""
    for warning in privacy_warnings(ctx.settings):
        log.warning("%s", warning)
    pipeline = ctx.pipeline_for(actor)
    pipeline.recover()
    watcher = InboxWatcher(ctx.settings, pipeline.take_from_inbox, pipeline.recover)
    try:
        if once:
            watcher.run_once()
        else:
            watcher.run(stop or threading.Event())
    finally:
        # The signed checkpoint at shutdown covers what this process recorded.
        ctx.audit.close(ctx.database.engine)
