"""Files through the whole pipeline: named files now, whatever arrives in the inbox, or the jobs
watchers queued (``worker``)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from intake.burst import files_at_once
from intake.watcher import InboxWatcher
from intake.workers import Workers
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
    """Hand off what an interrupted run left in processing, then take what arrives in the inbox
    until ``stop`` is set, with workers in this process working the queue (with ``once``: what
    is there now, then the jobs waiting, then return)."""
    for warning in privacy_warnings(ctx.settings):
        log.warning("%s", warning)
    pipeline = ctx.pipeline_for(actor)
    try:
        pipeline.recover()
        if once:
            # The jobs are worked while the inbox is still being taken: the first file's pages
            # reach the OCR workers as soon as it is in processing.
            taken = threading.Event()
            with ThreadPoolExecutor(1, thread_name_prefix="once") as background:
                working = background.submit(pipeline.work_until_idle, taken)
                try:
                    InboxWatcher(
                        ctx.settings, pipeline.take_from_inbox, pipeline.recover
                    ).run_once()
                finally:
                    taken.set()
                working.result()
            return
        stop = stop or threading.Event()
        workers = Workers(pipeline, files_at_once(ctx.settings), stop)

        def take(path: Path) -> object:
            job = pipeline.take_from_inbox(path)
            workers.wake.set()
            return job

        workers.start()
        try:
            InboxWatcher(ctx.settings, take, pipeline.recover).run(stop)
        finally:
            stop.set()
            workers.join()
    finally:
        # The signed checkpoint at shutdown covers what this process recorded.
        ctx.audit.close(ctx.database.engine)


def work_queue(ctx: Context, actor: Actor, *, drain: bool, stop: threading.Event) -> None:
    """Work the jobs watchers queued, with no watcher (``recordroom worker``), until ``stop`` is
    set or, with ``drain``, until no job is left. Each job's documents and their
    ``document.create`` event commit together."""
    for warning in privacy_warnings(ctx.settings):
        log.warning("%s", warning)
    try:
        Workers(ctx.pipeline_for(actor), files_at_once(ctx.settings), stop, drain=drain).run()
    finally:
        ctx.audit.close(ctx.database.engine)
