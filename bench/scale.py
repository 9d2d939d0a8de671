"""Ingest throughput with 1, 2 and 3 ``recordroom worker`` processes on one PostgreSQL queue.

Run as ``python -m bench.scale [--documents N] [--store local|s3]``. Each run gets a fresh
database on a throwaway PostgreSQL server on 127.0.0.1 and, with ``--store s3``, a fresh bucket on
a throwaway SeaweedFS S3 server (``weed mini``) on 127.0.0.1; N text-layer letters of one to three
pages are handed off first (originals in the object store, jobs queued, as the watcher leaves
them), then the workers
are started with ``--drain`` and work the queue empty, classifier included. Throughput is taken
over the span in which every worker was working (process start-up, model loading and the tail
are left out). While they run, ``pg_locks`` is sampled every 20 ms for lock waits (a backend
waiting on a lock another holds); ``SKIP LOCKED`` itself never waits, so a contended queue shows
as extra transactions, not waits: transactions per job are reported beside it, and the
database's own busy time per job (``pg_stat_database.active_time``), the part of a job the
workers share.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import select

from indexer.database import Database
from indexer.models import DocumentRow, JobRow
from tests.queue import queue_letters, start_worker, stop_workers, worker_environment
from tests.services import PostgresServer, new_bucket_name, running_postgres, running_s3


@dataclass(frozen=True, slots=True)
class Run:
    workers: int
    documents: int
    pages: int
    seconds: float
    lock_wait_samples: int
    samples: int
    transactions_per_job: float
    database_ms_per_job: float

    @property
    def documents_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    @property
    def pages_per_second(self) -> float:
        return self.documents_per_second * self.pages / self.documents


class LockSampler:
    """Counts, every 20 ms, whether any backend of the database waits on a lock."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.samples = 0
        self.waiting = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as connection:
            while not self.stop.wait(0.02):
                row = connection.execute(
                    "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                    "WHERE NOT l.granted AND d.datname = current_database()"
                ).fetchone()
                self.samples += 1
                self.waiting += 1 if row and row[0] else 0

    def __enter__(self) -> LockSampler:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()


def database_counters(dsn: str) -> tuple[int, float]:
    """Transactions so far, and milliseconds spent executing statements, in this database."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        row = connection.execute(
            "SELECT xact_commit + xact_rollback, active_time FROM pg_stat_database "
            "WHERE datname = current_database()"
        ).fetchone()
    return (int(row[0]), float(row[1])) if row else (0, 0.0)


def busy_window(url: str) -> tuple[float, int, int]:
    """The span in which every worker was working (from the last worker's first finished job to
    the first worker's last one, so start-up and the tail are left out), the jobs finished in it
    and their pages."""
    database = Database(url)
    with database.session() as session:
        rows = session.execute(
            select(JobRow.leased_by, JobRow.finished_at, JobRow.document_ids)
            .where(JobRow.status.in_(("stored", "near_duplicate")))
            .order_by(JobRow.finished_at)
        ).all()
        pages = dict(session.execute(select(DocumentRow.id, DocumentRow.page_count)).all())
    database.dispose()
    by_worker: dict[str, list[dt.datetime]] = {}
    for token, finished, _ in rows:
        if finished is not None:
            by_worker.setdefault(str(token).split("/")[0], []).append(finished)
    start = max(times[0] for times in by_worker.values())
    end = min(times[-1] for times in by_worker.values())
    inside = [row for row in rows if row[1] is not None and start < row[1] <= end]
    page_count = sum(pages[i] for row in inside for i in row[2].split(",") if i)
    return (end - start).total_seconds(), len(inside), page_count


def run(
    server: PostgresServer, workers: int, count: int, store: Mapping[str, str] | None = None
) -> Run:
    url = server.create_database()
    dsn = server.dsn(url.rsplit("/", 1)[-1])
    try:
        with tempfile.TemporaryDirectory(prefix="recordroom-bench-scale-") as folder:
            home = Path(folder)
            queue_letters(home, url, count, most_pages=3, store=store)
            before = database_counters(dsn)
            with LockSampler(dsn) as sampler:
                env = worker_environment(home, url, store=store)
                processes = [start_worker(home, env, "--drain") for _ in range(workers)]
                try:
                    for process in processes:
                        if process.wait(timeout=3600) != 0:
                            raise SystemExit((home / "workers.log").read_text()[-2000:])
                finally:
                    stop_workers()  # the others, when one failed
            after = database_counters(dsn)
            seconds, finished, pages_done = busy_window(url)
            if finished < count // 4:
                raise SystemExit("the workers overlapped too little: queue more documents")
            return Run(
                workers=workers,
                documents=finished,
                pages=pages_done,
                seconds=seconds,
                lock_wait_samples=sampler.waiting,
                samples=sampler.samples,
                transactions_per_job=(after[0] - before[0]) / count,
                database_ms_per_job=(after[1] - before[1]) / count,
            )
    finally:
        server.drop_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--store", choices=("local", "s3"), default="s3")
    args = parser.parse_args()
    where = "S3 (weed mini)" if args.store == "s3" else "local store"
    print(f"ingest throughput, {args.documents} text-layer letters, PostgreSQL, {where}")
    print(f"this machine: {os.cpu_count()} cores (shared)\n")
    print(
        "| workers | documents/s | pages/s | speed-up | lock-wait samples | txns/job "
        "| database ms/job |"
    )
    print("|---|---|---|---|---|---|---|")
    with running_postgres() as server, contextlib.ExitStack() as services:
        s3 = services.enter_context(running_s3()) if args.store == "s3" else None
        base = None
        for workers in args.workers:
            store = s3.environ(new_bucket_name()) if s3 else None
            result = run(server, workers, args.documents, store)
            base = base or result.documents_per_second
            print(
                f"| {workers} | {result.documents_per_second:.2f} | "
                f"{result.pages_per_second:.2f} | {result.documents_per_second / base:.2f}× | "
                f"{result.lock_wait_samples}/{result.samples} | "
                f"{result.transactions_per_job:.1f} | {result.database_ms_per_job:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
