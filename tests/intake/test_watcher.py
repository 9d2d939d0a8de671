from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
import warnings
from pathlib import Path

import pytest

from intake.watcher import InboxWatcher
from recordroom.core import IngestOutcome
from recordroom.core.settings import Settings


@pytest.mark.parametrize("mode", ["inotify", "poll"])
def test_watcher_hands_over_settled_files_once(settings: Settings, mode: str) -> None:
    settings = settings.with_changes(watch_mode=mode)
    settings.inbox.mkdir(parents=True)
    taken: list[tuple[str, bytes]] = []

    def take(path: Path) -> IngestOutcome | None:
        taken.append((path.name, path.read_bytes()))
        path.unlink()
        return None

    watcher = InboxWatcher(settings, take)
    assert watcher.mode() == mode
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,))
    thread.start()
    try:
        (settings.inbox / "sub").mkdir()
        target = settings.inbox / "sub" / "scan.tif"
        with target.open("wb") as handle:  # written slowly, like a scanner over SMB
            for _ in range(4):
                handle.write(b"page data ")
                handle.flush()
                time.sleep(0.15)
        (settings.inbox / ".hidden.pdf").write_bytes(b"x")
        deadline = time.monotonic() + 20
        while not taken and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
    finally:
        stop.set()
        watcher.wake.set()
        thread.join(timeout=20)
    assert taken == [("scan.tif", b"page data " * 4)]
    assert (settings.inbox / ".hidden.pdf").exists()


def test_auto_mode_uses_inotify_on_a_local_disk(settings: Settings) -> None:
    assert InboxWatcher(settings, lambda path: None).mode() == "inotify"


def test_a_failure_that_is_not_the_files_fault_does_not_stop_the_watcher(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    from recordroom.core import OcrEngineError

    settings.inbox.mkdir(parents=True)
    for name in ("a.pdf", "b.pdf"):
        (settings.inbox / name).write_bytes(b"x")
        old = time.time() - 60
        os.utime(settings.inbox / name, (old, old))
    taken: list[str] = []

    def take(path: Path) -> IngestOutcome | None:
        if path.name == "a.pdf":
            raise OcrEngineError("tesseract timed out on a.pdf")
        taken.append(path.name)
        path.unlink()
        return None

    watcher = InboxWatcher(settings.with_changes(ocr_workers=1), take)
    watcher.run_once()  # returns although a.pdf failed and is still in the inbox
    assert taken == ["b.pdf"]
    assert (settings.inbox / "a.pdf").exists()
    assert "tesseract timed out on a.pdf; it will be retried" in caplog.text


def test_the_watcher_does_not_watch_its_own_working_folders(settings: Settings) -> None:
    """Watching ``.recordroom/processing`` made watchdog warn ("Callback with id … already
    exists") as slots came and went; only the inbox and its visible subfolders are watched."""
    settings = settings.with_changes(watch_mode="inotify")
    (settings.inbox / "fax" / "2026").mkdir(parents=True)
    watcher = InboxWatcher(settings, lambda path: None)
    stop = threading.Event()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        thread = threading.Thread(target=watcher.run, args=(stop,))
        thread.start()
        try:
            for _ in range(300):  # claims: a slot folder under a folder that comes and goes
                slot = settings.processing_dir / uuid.uuid4().hex[:16]
                slot.mkdir(parents=True)
                (slot / "scan.pdf").write_bytes(b"x")
                shutil.rmtree(settings.inbox / ".recordroom")
            time.sleep(1.0)
            (settings.inbox / "scans").mkdir()
            deadline = time.monotonic() + 10
            while len(watcher.watched_folders) < 2 and time.monotonic() < deadline:
                watcher.wake.set()
                time.sleep(0.1)
        finally:
            stop.set()
            watcher.wake.set()
            thread.join(timeout=20)
    assert [w.message for w in caught if issubclass(w.category, RuntimeWarning)] == []
    assert watcher.watched_folders == [settings.inbox / "fax", settings.inbox / "scans"]


def test_inotify_takes_a_file_once_it_is_closed_or_moved_in_without_the_settle_wait(
    settings: Settings, tmp_path: Path
) -> None:
    # Settling would take ten minutes: only the kernel's word that a file is whole gets these
    # files taken in this test. A file still open for writing is left alone.
    settings = settings.with_changes(watch_mode="inotify", settle_seconds=600.0)
    settings.inbox.mkdir(parents=True)
    taken: list[str] = []

    def take(path: Path) -> IngestOutcome | None:
        taken.append(path.name)
        path.unlink()
        return None

    watcher = InboxWatcher(settings, take)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,))
    thread.start()
    still_open = (settings.inbox / "scanning.pdf").open("wb")
    try:
        time.sleep(0.5)  # the observer is watching
        still_open.write(b"first half of a scan")
        still_open.flush()
        staged = tmp_path / "fax.tif"
        staged.write_bytes(b"a whole fax")
        staged.rename(settings.inbox / "fax.tif")  # dropped by a rename, as fax servers do
        (settings.inbox / "letter.pdf").write_bytes(b"written and closed")
        deadline = time.monotonic() + 20
        while len(taken) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)
    finally:
        still_open.close()
        stop.set()
        watcher.wake.set()
        thread.join(timeout=20)
    assert sorted(taken) == ["fax.tif", "letter.pdf"]
