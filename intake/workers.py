"""Pipeline workers: threads that take jobs from the queue and work them, in the watcher's
process (``watch``, ``serve``) or alone (``recordroom worker`` on extra machines)."""

from __future__ import annotations

import logging
import threading

from intake.pipeline import Pipeline

log = logging.getLogger("recordroom.worker")

IDLE_SECONDS = 1.0  # how often an idle worker looks for a job (the watcher wakes it sooner)
BACKOFF_SECONDS = 5.0  # the pause after a failure that was not the file's (database, storage)


class Workers:
    """``count`` threads taking jobs until ``stop`` is set, or, with ``drain``, until no job is
    left unfinished (jobs a dead worker holds are waited for: their leases run out)."""

    def __init__(
        self, pipeline: Pipeline, count: int, stop: threading.Event, *, drain: bool = False
    ) -> None:
        self.pipeline = pipeline
        self.count = max(1, count)
        self.stop = stop
        self.drain = drain
        self.wake = threading.Event()  # set by the watcher when it queued a job
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self.pipeline.sweep_work_dir()
        self.pipeline.reclaim_dead_leases()
        for number in range(self.count):
            thread = threading.Thread(target=self._run, name=f"worker-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("%d worker(s) taking jobs", self.count)

    def join(self) -> None:
        for thread in self._threads:
            thread.join()

    def run(self) -> None:
        """Start the workers and wait for them to end."""
        self.start()
        self.join()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                if self.pipeline.work_next():
                    continue
                if self.drain and self.pipeline.index.unfinished_jobs() == 0:
                    return
            except Exception as error:  # not the file's fault; its text may hold PHI
                log.error("worker: %s; trying again shortly", type(error).__name__)
                self.stop.wait(BACKOFF_SECONDS)
                continue
            self.wake.wait(IDLE_SECONDS)
            self.wake.clear()
