"""The S3 server goes down while files arrive: nothing is lost, nothing is quarantined, and the
watcher finishes the files by itself once the server is back."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

import intake.pipeline
import intake.watcher
import intake.workers
from indexer.database import Database
from indexer.intake_index import SqlIntakeIndex
from indexer.models import JobRow
from intake import files
from intake.pipeline import Pipeline
from intake.watcher import InboxWatcher
from intake.workers import Workers
from ocr import TesseractEngine
from recordroom.core.settings import Settings, load_settings
from storage import open_store, original_key
from synthetic import files as samples
from tests.services import S3Server

WAIT = 120.0  # generous: a bound on a hang, not a timing assertion


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)


def jobs_by_name(database: Database) -> dict[str, JobRow]:
    with database.session() as session:
        return {job.source_name: job for job in session.scalars(select(JobRow))}


@pytest.mark.slow
def test_files_wait_out_an_s3_outage_and_finish_by_themselves(
    own_s3_server: S3Server,
    s3_bucket: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    environ = {
        "RECORDROOM_HOME": str(tmp_path / "var"),
        "RECORDROOM_INBOX": str(tmp_path / "inbox"),
        "RECORDROOM_SETTLE_SECONDS": "0.3",
        "RECORDROOM_POLL_SECONDS": "0.5",
        "RECORDROOM_S3_RETRY_SECONDS": "1",
        "RECORDROOM_OCR_WORKERS": "1",
        **own_s3_server.environ(s3_bucket),
    }
    settings: Settings = load_settings(environ=environ, cwd=tmp_path)
    monkeypatch.setattr(intake.watcher, "RETRY_SECONDS", 1.0)
    database = Database(settings.database)
    database.migrate()
    engine = TesseractEngine(settings)
    pipeline = Pipeline(settings, SqlIntakeIndex(database), open_store(settings), engine, None)
    watcher = InboxWatcher(settings.with_changes(watch_mode="poll"), pipeline.take_from_inbox,
                           pipeline.recover)  # fmt: skip
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    workers = Workers(pipeline, 1, stop)
    try:
        pipeline.store.put("before-the-outage", b"x")  # the bucket exists
        own_s3_server.stop()
        settings.inbox.mkdir(parents=True, exist_ok=True)
        made = {
            name: samples.write_text_pdf(tmp_path / name, [["LAB REPORT", f"Sample {name}"]])
            for name in ("one.pdf", "two.pdf")
        }
        thread.start()
        for name, path in made.items():
            (settings.inbox / name).write_bytes(path.read_bytes())

        def both_waiting() -> bool:
            claimed = files.claimed_files(settings.processing_dir)
            return len(claimed) == 2 and not any(settings.inbox.glob("*.pdf"))

        wait_for(both_waiting, "both files to be claimed while S3 is down")
        time.sleep(3)  # several hand-offs fail while the server is still down
        assert jobs_by_name(database) == {}  # not queued before its original is stored
        assert len(files.claimed_files(settings.processing_dir)) == 2

        own_s3_server.start()
        workers.start()
        wait_for(
            lambda: {j.status for j in jobs_by_name(database).values()} == {"stored"},
            "both files to be stored after S3 came back",
        )
    finally:
        stop.set()
        watcher.wake.set()
        thread.join(timeout=30)
        workers.join()
        engine.close()
    assert files.claimed_files(settings.processing_dir) == []
    assert not settings.quarantine_dir.exists() or not any(settings.quarantine_dir.iterdir())
    for job in jobs_by_name(database).values():
        assert job.sha256 is not None and job.failures == 0
        made_bytes = made[job.source_name].read_bytes()
        assert pipeline.store.get(original_key(job.sha256)) == made_bytes
    database.dispose()


@pytest.mark.slow
def test_queued_jobs_wait_out_an_s3_outage_uncounted_and_finish_by_themselves(
    own_s3_server: S3Server,
    s3_bucket: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The originals are safe in the bucket and their jobs queued when S3 goes away: workers
    cannot read them, give the jobs back uncounted, and finish them once S3 is back."""
    environ = {
        "RECORDROOM_HOME": str(tmp_path / "var"),
        "RECORDROOM_INBOX": str(tmp_path / "inbox"),
        "RECORDROOM_S3_RETRY_SECONDS": "1",
        "RECORDROOM_OCR_WORKERS": "1",
        **own_s3_server.environ(s3_bucket),
    }
    settings: Settings = load_settings(environ=environ, cwd=tmp_path)
    monkeypatch.setattr(intake.pipeline, "RETRY_SECONDS", 2.0)  # longer than the backoff, as in use
    monkeypatch.setattr(intake.workers, "BACKOFF_SECONDS", 0.5)
    database = Database(settings.database)
    database.migrate()
    engine = TesseractEngine(settings)
    pipeline = Pipeline(settings, SqlIntakeIndex(database), open_store(settings), engine, None)
    for name in ("one.pdf", "two.pdf"):
        made = samples.write_text_pdf(tmp_path / name, [["LAB REPORT", f"Sample {name}"]])
        pipeline.hand_off(files.copy_in(made, settings.processing_dir), name)
    stop = threading.Event()
    workers = Workers(pipeline, 1, stop)
    try:
        own_s3_server.stop()
        workers.start()
        wait_for(
            lambda: all(j.attempts >= 2 for j in jobs_by_name(database).values()),
            "workers to try both jobs while S3 is down",
        )
        assert {j.status for j in jobs_by_name(database).values()} == {"queued"}
        own_s3_server.start()
        wait_for(
            lambda: {j.status for j in jobs_by_name(database).values()} == {"stored"},
            "both jobs to finish after S3 came back",
        )
    finally:
        stop.set()
        workers.join()
        engine.close()
    assert all(job.failures == 0 for job in jobs_by_name(database).values())
    assert not settings.quarantine_dir.exists() or not any(settings.quarantine_dir.iterdir())
    database.dispose()
