"""Helpers for tests and benches of the job queue: a queue of handed-off letters, as the watcher
leaves it, and ``recordroom worker`` processes over it."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from indexer.database import Database
from indexer.intake_index import SqlIntakeIndex
from intake import files
from intake.pipeline import Pipeline
from ocr import TesseractEngine
from recordroom.core.settings import Settings, load_settings
from storage import open_store
from synthetic import files as samples


def worker_environment(
    home: Path,
    database_url: str,
    lease_seconds: float = 30,
    store: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a worker over ``home`` and the database; the object store is the
    home's local folder unless ``store`` gives other storage settings (an S3 server's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECORDROOM_")}
    env.update(
        RECORDROOM_HOME=str(home / "var"),
        RECORDROOM_INBOX=str(home / "inbox"),
        RECORDROOM_DATABASE_URL=database_url,
        RECORDROOM_OCR_WORKERS="1",
        RECORDROOM_JOB_LEASE_SECONDS=str(lease_seconds),
    )
    env.update(store or {})
    return env


def handing_off(settings: Settings, database: Database) -> Pipeline:
    """A pipeline to hand files off with, as a watcher does (its OCR engine never starts)."""
    return Pipeline(
        settings, SqlIntakeIndex(database), open_store(settings), TesseractEngine(settings), None
    )


def queue_letters(
    home: Path,
    database_url: str,
    count: int,
    *,
    most_pages: int = 1,
    store: Mapping[str, str] | None = None,
) -> tuple[Settings, set[str], int]:
    """``count`` different text-layer letters of 1 to ``most_pages`` pages handed off (originals
    stored, jobs queued); the settings, their SHA-256s and how many pages they have."""
    environ = worker_environment(home, database_url, store=store)
    settings = load_settings(environ=environ, cwd=home)
    database = Database(database_url)
    database.migrate()
    pipeline = handing_off(settings, database)
    made = home / "made"
    made.mkdir()
    hashes, pages = set(), 0
    for n in range(count):
        body = [
            ("CONSULTATION LETTER", *_sentences(random.Random(n * 10 + p)), f"Page {p}.")
            for p in range(1, 2 + n % most_pages)
        ]
        pages += len(body)
        letter = samples.write_text_pdf(made / f"letter-{n:04d}.pdf", body)
        job = pipeline.hand_off(files.copy_in(letter, settings.processing_dir), letter.name)
        hashes.add(job.sha256 or "")
    database.dispose()
    return settings, hashes, pages


_WORDS = (
    "patient seen today follow visit cardiology review chest pain shortness breath blood "
    "pressure medication dose daily tablet history exam normal murmur rhythm echo stress test "
    "result advised return weeks clinic referral plan lipid panel glucose weight diet exercise "
    "palpitations dizziness fatigue edema ankle swelling aspirin statin beta blocker monitor"
)


def _sentences(rng: random.Random) -> list[str]:
    """Eight lines of words drawn at random: letters that share no more than chance does, so
    the near-duplicate check takes none of them for a re-sent copy of another."""
    words = _WORDS.split()
    return [" ".join(rng.choice(words) for _ in range(9)).capitalize() + "." for _ in range(8)]


_started: list[subprocess.Popen[bytes]] = []


def start_worker(home: Path, env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    """``recordroom worker ARGS`` in the background, logging to ``home/workers.log``; the
    process is remembered for ``stop_workers``."""
    with (home / "workers.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "recordroom.cli", "worker", *args],
            env=env,
            cwd=home,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    _started.append(process)
    return process


def stop_workers() -> None:
    """Kills every worker ``start_worker`` started that is still running (a test that failed
    half-way leaves them working its queue)."""
    for process in _started:
        if process.poll() is None:
            process.kill()
            process.wait()
    _started.clear()


def wait_until(condition: Callable[[], bool], seconds: float, *, every: float = 0.2) -> bool:
    """Whether ``condition`` came true within ``seconds``, looked at ``every`` seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()
