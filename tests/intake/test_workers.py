"""Several ``recordroom worker`` processes on one PostgreSQL queue: every file exactly once, a
killed worker costs the file nothing, the database going away loses nothing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from indexer.database import Database
from indexer.models import DocumentRow, JobRow
from recordroom.core.settings import Settings
from synthetic import files as samples
from tests import queue
from tests.queue import start_worker, stop_workers, wait_until, worker_environment
from tests.services import PostgresServer

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def no_worker_outlives_its_test() -> Iterator[None]:
    """A test that fails half-way must not leave its workers running into the next tests."""
    yield
    stop_workers()


def environment(tmp_path: Path, database_url: str, lease_seconds: float) -> dict[str, str]:
    return worker_environment(tmp_path, database_url, lease_seconds)


def queue_letters(tmp_path: Path, database_url: str, count: int) -> tuple[Settings, set[str]]:
    settings, hashes, _ = queue.queue_letters(tmp_path, database_url, count)
    return settings, hashes


def queue_state(database_url: str) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Documents per SHA-256, jobs per status, and file-caused failures per job status."""
    database = Database(database_url)
    try:
        with database.session() as session:
            documents = dict(
                session.execute(
                    select(DocumentRow.sha256, func.count()).group_by(DocumentRow.sha256)
                ).all()
            )
            statuses = dict(
                session.execute(select(JobRow.status, func.count()).group_by(JobRow.status)).all()
            )
            failures = dict(
                session.execute(
                    select(JobRow.status, func.sum(JobRow.failures)).group_by(JobRow.status)
                ).all()
            )
    finally:
        database.dispose()
    return documents, statuses, failures


def wait_for(processes: list[subprocess.Popen[bytes]], tmp_path: Path) -> None:
    for process in processes:
        code = process.wait(timeout=900)
        assert code == 0, (tmp_path / "workers.log").read_text(errors="replace")[-3000:]


def test_three_workers_process_300_files_each_exactly_once(
    tmp_path: Path, postgres_url: str
) -> None:
    settings, hashes = queue_letters(tmp_path, postgres_url, 300)
    env = environment(tmp_path, postgres_url, 30)
    workers = [start_worker(tmp_path, env, "--drain") for _ in range(3)]
    wait_for(workers, tmp_path)
    documents, statuses, _ = queue_state(postgres_url)
    assert statuses == {"stored": 300}
    assert set(documents) == hashes and set(documents.values()) == {1}
    log = (tmp_path / "workers.log").read_text(errors="replace")
    takers = {line.split(" INFO ")[0] for line in log.splitlines() if ": stored," in line}
    assert takers, "the workers log what they finish"
    assert not any(settings.processing_dir.iterdir())
    assert not any((settings.home / "work").iterdir())


@pytest.mark.timeout(1800)  # a bound on a hang: 21 worker processes, started one after another
def test_workers_killed_at_20_random_points_lose_and_repeat_nothing(
    tmp_path: Path, postgres_url: str
) -> None:
    _, hashes = queue_letters(tmp_path, postgres_url, 100)
    env = environment(tmp_path, postgres_url, 2)
    # No document-type model: each of the 21 workers starts in a second or two instead of
    # loading spaCy first (the queue, not the classifier, is under test; documents wait for
    # review, which changes nothing here).
    (tmp_path / "no-model").mkdir()
    env["RECORDROOM_MODEL_DIR"] = str(tmp_path / "no-model")
    chance = random.Random(16)
    kills = 0
    for _ in range(20):
        if queue_state(postgres_url)[1].get("queued", 0) == 0:
            break  # the workers got through everything between the kills
        before = taken(postgres_url)
        worker = start_worker(tmp_path, env)
        # Once it works (start-up takes seconds), at a random point: mid-take, mid-OCR,
        # mid-commit, or between two jobs.
        wait_until(lambda: taken(postgres_url) > before or worker.poll() is not None, 120)  # noqa: B023
        time.sleep(chance.uniform(0.0, 1.0))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        kills += 1
    documents, statuses, failures = queue_state(postgres_url)
    killed_holding = taken(postgres_url) - statuses.get("stored", 0)
    print(f"after {kills} kills: {statuses}; {killed_holding} job(s) taken, then the worker killed")
    assert set(documents.values()) <= {1}, "nothing stored twice"
    assert "quarantined" not in statuses
    assert statuses.get("stored", 0) == len(documents)
    assert statuses.get("stored", 0) + statuses.get("queued", 0) == 100  # done, or waiting
    wait_for([start_worker(tmp_path, env, "--drain")], tmp_path)  # leases run out; all finish
    documents, statuses, failures = queue_state(postgres_url)
    assert statuses == {"stored": 100} and set(documents) == hashes
    assert set(documents.values()) == {1}
    assert failures == {"stored": 0}, "a killed worker is not the file's fault"


def taken(database_url: str) -> int:
    """How many times jobs were taken by a worker, all told."""
    database = Database(database_url)
    try:
        with database.session() as session:
            return session.scalar(select(func.sum(JobRow.attempts))) or 0
    finally:
        database.dispose()


def test_the_database_stopped_and_restarted_mid_run_loses_nothing(
    tmp_path: Path, postgres_server: PostgresServer, postgres_url: str
) -> None:
    # Enough letters that the workers are far from done when the database goes away (on a quiet
    # machine two workers finish 40 in about three seconds).
    count = 160
    _, hashes = queue_letters(tmp_path, postgres_url, count)
    env = environment(tmp_path, postgres_url, 5)
    workers = [start_worker(tmp_path, env, "--drain") for _ in range(2)]

    def stored() -> int:
        try:
            return queue_state(postgres_url)[1].get("stored", 0)
        except Exception:
            return 0

    assert wait_until(lambda: stored() >= 5, 300)
    postgres_server.stop()
    try:
        time.sleep(3)
        assert stored() == 0, "the database is down"
        assert all(worker.poll() is None for worker in workers), "workers wait for the database"
    finally:
        postgres_server.start()  # the server is shared by the tests that follow
    wait_for(workers, tmp_path)
    documents, statuses, failures = queue_state(postgres_url)
    assert statuses == {"stored": count} and set(documents) == hashes
    assert set(documents.values()) == {1} and failures == {"stored": 0}


def test_two_watchers_on_one_inbox_take_each_file_once(tmp_path: Path) -> None:
    """Two ``watch`` processes (with their in-process workers) on one inbox and one home: each
    file claimed by one of them, stored once."""
    env = environment(tmp_path, f"sqlite:///{tmp_path / 'var' / 'recordroom.db'}", 30)
    env.update(RECORDROOM_SETTLE_SECONDS="0.3", RECORDROOM_POLL_SECONDS="0.5")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    log = (tmp_path / "workers.log").open("ab")
    watchers = [
        subprocess.Popen(
            [sys.executable, "-m", "recordroom.cli", "watch"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        for _ in range(2)
    ]
    try:
        made = tmp_path / "made"
        made.mkdir()
        for n in range(30):
            letter = samples.write_text_pdf(
                made / f"letter-{n:02d}.pdf", [("REFERRAL", f"Referral number {n}.")]
            )
            os.rename(letter, inbox / letter.name)
        url = env["RECORDROOM_DATABASE_URL"]

        def finished() -> bool:
            try:
                return queue_state(url)[1].get("stored", 0) >= 30
            except Exception:
                return False

        assert wait_until(finished, 600), (tmp_path / "workers.log").read_text()[-3000:]
    finally:
        for watcher in watchers:
            watcher.terminate()
            watcher.wait(timeout=60)
    documents, statuses, _ = queue_state(url)
    assert statuses == {"stored": 30} and set(documents.values()) == {1}
    assert not list(inbox.glob("*.pdf"))
    assert not any((inbox / ".recordroom" / "processing").iterdir())
