"""The real program in a subprocess: watch an inbox, drop files, find them; kill it mid-work."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from synthetic import files as samples
from tests.queue import wait_until

pytestmark = pytest.mark.slow


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECORDROOM_")}
    env.update(
        RECORDROOM_HOME=str(tmp_path / "var"),
        RECORDROOM_INBOX=str(tmp_path / "inbox"),
        RECORDROOM_SETTLE_SECONDS="0.5",
        RECORDROOM_POLL_SECONDS="1",
    )
    return env


def recordroom(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "recordroom.cli", *args],
        env=environment(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )


def json_lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.fixture
def watcher(tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start() -> subprocess.Popen[str]:
        log = (tmp_path / "watch.log").open("a")
        process = subprocess.Popen(
            [sys.executable, "-m", "recordroom.cli", "watch"],
            env=environment(tmp_path),
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def drop(path: Path, inbox: Path) -> None:
    """As a scanner does: write the file in the inbox in several pieces."""
    data = path.read_bytes()
    target = inbox / path.name
    with target.open("wb") as handle:
        for start in range(0, len(data), max(1, len(data) // 3)):
            handle.write(data[start : start + max(1, len(data) // 3)])
            handle.flush()
            time.sleep(0.05)


def test_init_watch_drop_and_search(
    tmp_path: Path, watcher: Callable[[], subprocess.Popen[str]]
) -> None:
    init = recordroom(tmp_path, "init")
    assert init.returncode == 0, init.stderr
    inbox = tmp_path / "inbox"
    process = watcher()
    made = tmp_path / "made"
    made.mkdir()
    kinds = {
        "cardiology": samples.write_text_pdf(
            made / "letter.pdf", [("Consultation letter", "Referred for cardiology review.")]
        ),
        "potassium": samples.write_image_pdf(
            made / "scan.pdf",
            [samples.render_page(("LAB RESULTS", "Potassium 4.2"), point_size=14)],
        ),
        "cardiomegaly": samples.write_fax_tiff(
            made / "fax.tif",
            [samples.render_page(("RADIOLOGY", "Mild cardiomegaly."), point_size=14)] * 2,
        ),
        "XQZ44812": samples.write_png(
            made / "card.png", samples.render_page(("INSURANCE CARD", "Member ID XQZ44812"))
        ),
    }
    (inbox / "Front desk").mkdir(parents=True)
    for word, path in kinds.items():
        drop(path, inbox / "Front desk" if word == "XQZ44812" else inbox)

    def all_found() -> bool:
        return all(
            json_lines(recordroom(tmp_path, "search", word, "--json").stdout) for word in kinds
        )

    assert wait_until(all_found, 240), (tmp_path / "watch.log").read_text()[-3000:]
    assert process.poll() is None
    assert not [p for p in inbox.rglob("*") if p.is_file() and ".recordroom" not in p.parts]
    hit = json_lines(recordroom(tmp_path, "search", "cardiomegaly", "--json").stdout)[0]
    shown = recordroom(tmp_path, "documents", "show", str(hit["document_id"]), "--json")
    document = json.loads(shown.stdout)
    assert len(document["pages"]) == 2 and document["file"] == "fax.tif"


def test_ingest_prints_one_json_line_per_file(tmp_path: Path) -> None:
    letter = samples.write_text_pdf(tmp_path / "letter.pdf", [("Referral", "Dermatology consult")])
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = recordroom(tmp_path, "ingest", str(letter), str(letter), str(empty), "--json")
    lines = json_lines(result.stdout)
    assert result.returncode == 3  # a file was quarantined
    assert [line["status"] for line in lines] == ["stored", "duplicate", "quarantined"]
    assert set(lines[0]) == {"file", "document_id", "pages", "status", "duplicate_of", "reason"}
    assert lines[0]["pages"] == 1 and lines[1]["duplicate_of"] == lines[0]["document_id"]
    assert "empty" in str(lines[2]["reason"])


def queued_jobs(tmp_path: Path) -> int:
    import sqlite3

    with contextlib.closing(sqlite3.connect(tmp_path / "var" / "recordroom.db")) as database:
        row = database.execute("SELECT count(*) FROM jobs WHERE status = 'queued'").fetchone()
    return int(row[0])


def test_killed_mid_work_every_file_is_processed_exactly_once(
    tmp_path: Path, watcher: Callable[[], subprocess.Popen[str]]
) -> None:
    assert recordroom(tmp_path, "init").returncode == 0
    inbox = tmp_path / "inbox"
    processing = inbox / ".recordroom" / "processing"
    names = []
    markers = ("walrus", "penguin", "giraffe", "kangaroo", "flamingo")
    for i, marker in enumerate(markers):
        page = samples.render_page((f"PROGRESS NOTE {i}", f"Marker word {marker}"), point_size=14)
        names.append(samples.write_image_pdf(tmp_path / f"note{i}.pdf", [page]).name)
    for name in names:
        (tmp_path / name).rename(inbox / name)
    process = watcher()

    # A file is in processing only while it is handed off; then its job waits in the queue.
    def taken() -> bool:
        return (processing.is_dir() and any(processing.iterdir())) or queued_jobs(tmp_path) > 0

    assert wait_until(taken, 60)
    time.sleep(0.3)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    left = [p.name for p in inbox.glob("*.pdf")] + [p.name for p in processing.iterdir()]
    assert left or queued_jobs(tmp_path), "the kill came after all the work was done"
    rerun = recordroom(tmp_path, "watch", "--once")
    assert rerun.returncode == 0, rerun.stderr
    assert not list(inbox.glob("*.pdf")) and not any(processing.iterdir())
    for i, marker in enumerate(markers):
        hits = json_lines(recordroom(tmp_path, "search", marker, "--json").stdout)
        assert len(hits) == 1, f"note{i}.pdf was stored {len(hits)} times"
