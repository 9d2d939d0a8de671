"""Watching the inbox: inotify events where the kernel sees the writes, polling where it doesn't
(SMB and NFS shares written by other machines emit no inotify events), and a full scan every
``poll_seconds`` either way, so a missed event only delays a file, never loses it."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from intake.burst import files_at_once
from intake.files import QUIET_SECONDS, SettleTracker, inbox_files, is_candidate
from recordroom.core import RecordroomError
from recordroom.core.settings import Settings

log = logging.getLogger("recordroom.watch")

RETRY_SECONDS = 300.0  # how often files a failed hand-off left in processing are tried again
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "davfs", "vboxsf"}
)


def filesystem_type(path: Path, mounts: str | None = None) -> str:
    """The type of the filesystem ``path`` lives on, from /proc/mounts (longest mount prefix)."""
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8")
        except OSError:
            return ""
    target = os.path.realpath(path)
    best, best_type = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, fields[2]
    return best_type


def needs_polling(path: Path, mounts: str | None = None) -> bool:
    kind = filesystem_type(path, mounts)
    return kind in NETWORK_FILESYSTEMS or kind.startswith("fuse.")


class _Wake(FileSystemEventHandler):
    """Wakes the watcher on any change, and tells its tracker which files the kernel saw whole."""

    def __init__(self, wake: threading.Event, tracker: SettleTracker | None) -> None:
        self.wake = wake
        self.tracker = tracker  # None when polling: a snapshot's "created" says nothing of writes

    def on_any_event(self, event: FileSystemEvent) -> None:
        if self.tracker is not None and not event.is_directory:
            if isinstance(event, FileClosedEvent | FileCreatedEvent):
                # A file moved in from elsewhere arrives as "created" and nothing more; one being
                # written is "created", then opened and modified, then "closed".
                self.tracker.heard(Path(os.fsdecode(event.src_path)), whole=True)
            elif isinstance(event, FileMovedEvent) and event.dest_path:
                self.tracker.heard(Path(os.fsdecode(event.dest_path)), whole=True)
            elif isinstance(event, FileModifiedEvent | FileOpenedEvent):
                self.tracker.heard(Path(os.fsdecode(event.src_path)), whole=False)
        self.wake.set()


class InboxWatcher:
    """Hands each settled inbox file to ``take`` until ``stop`` is set."""

    def __init__(
        self,
        settings: Settings,
        take: Callable[[Path], object],
        retry: Callable[[], object] | None = None,
    ) -> None:
        self.settings = settings
        self.take = take
        self.retry = retry  # runs every RETRY_SECONDS: files a failure left in processing
        self.last_retry = time.monotonic()
        self.tracker = SettleTracker(settings.settle_seconds)
        self.wake = threading.Event()
        self._heard: SettleTracker | None = None  # the tracker, while inotify feeds it

    def mode(self) -> str:
        if self.settings.watch_mode != "auto":
            return self.settings.watch_mode
        return "poll" if needs_polling(self.settings.inbox) else "inotify"

    def _start_observer(self) -> BaseObserver:
        mode = self.mode()
        observer: BaseObserver
        if mode == "poll":
            observer = PollingObserver(timeout=self.settings.poll_seconds)
        else:
            observer = Observer()
        # Only inotify's events tell when a file is whole; a polling snapshot's do not.
        self._heard = self.tracker if mode == "inotify" else None
        try:
            self._schedule(observer)
            observer.start()
        except OSError as exc:  # inotify watch limit reached, or no inotify at all
            log.warning("inotify unavailable (%s); polling the inbox instead", exc.strerror)
            observer = PollingObserver(timeout=self.settings.poll_seconds)
            self._heard = None
            self._schedule(observer)
            observer.start()
            mode = "poll"
        log.info("watching %s (%s)", self.settings.inbox, mode)
        return observer

    def _schedule(self, observer: BaseObserver) -> None:
        """The inbox itself, then each of its visible subfolders with everything below it. Never
        a hidden folder: the watcher's own working folders (``.recordroom/processing``) churn
        with every file taken, and watching them only costs watches and races."""
        self._watches: dict[Path, ObservedWatch] = {}
        observer.schedule(_Wake(self.wake, self._heard), str(self.settings.inbox), recursive=False)
        self._watch_subfolders(observer)

    def _watch_subfolders(self, observer: BaseObserver) -> None:
        """Bring the subfolder watches in line with the visible subfolders there are now."""
        try:
            present = {
                entry
                for entry in self.settings.inbox.iterdir()
                if entry.is_dir() and is_candidate(Path(entry.name))
            }
        except FileNotFoundError:
            present = set()
        for gone in set(self._watches) - present:
            with contextlib.suppress(KeyError):
                observer.unschedule(self._watches.pop(gone))
        for folder in sorted(present - set(self._watches)):
            try:
                self._watches[folder] = observer.schedule(
                    _Wake(self.wake, self._heard), str(folder), recursive=True
                )
            except OSError as exc:
                if not folder.is_dir():  # removed before its watch was added
                    continue
                raise exc

    @property
    def watched_folders(self) -> list[Path]:
        """The subfolders watched with everything below them (the inbox itself is watched too)."""
        return sorted(getattr(self, "_watches", {}))

    def run(self, stop: threading.Event) -> None:
        self.settings.inbox.mkdir(parents=True, exist_ok=True)
        observer = self._start_observer()
        try:
            while not stop.is_set():
                self.wake.clear()
                self._watch_subfolders(observer)
                self.process_ready()
                # Re-check sooner while files are settling; otherwise wait for an event or a scan.
                timeout = self.settings.poll_seconds
                if self.tracker.waiting:
                    timeout = QUIET_SECONDS if self.tracker.whole else 0.5
                self.wake.wait(timeout)
        finally:
            observer.stop()
            observer.join(timeout=10)

    def process_ready(self) -> int:
        """Take every file that has settled, several at once (a one-page scan keeps only one core
        busy); returns how many files are still settling."""
        ready = self.tracker.ready(list(inbox_files(self.settings.inbox)))
        for path in ready:
            self.tracker.forget(path)
        workers = min(files_at_once(self.settings), len(ready))
        if workers <= 1:
            for path in ready:
                self._take_safely(path)
        else:
            with ThreadPoolExecutor(workers, thread_name_prefix="intake") as pool:
                list(pool.map(self._take_safely, ready))
        if self.retry is not None and time.monotonic() - self.last_retry > RETRY_SECONDS:
            self.last_retry = time.monotonic()
            self._safely(self.retry, "retrying files left in processing")
        return self.tracker.waiting

    def _take_safely(self, path: Path) -> None:
        self._safely(lambda: self.take(path), path.name)

    @staticmethod
    def _safely(action: Callable[[], object], what: str) -> None:
        """Hand one file off; a failure (storage, database) leaves the file in processing to be
        handed off again, and the watcher goes on."""
        try:
            action()
        except RecordroomError as error:
            log.error("%s: %s; it will be retried", what, error)
        except Exception as error:  # a bug must not stop the watcher; its text may hold PHI
            log.error("%s: unexpected %s; it will be retried", what, type(error).__name__)

    def run_once(self) -> None:
        """Take everything in the inbox now, waiting for files still being written, then return."""
        pause = threading.Event()
        # Every file is tried once; one that failed stays in the inbox for the next run.
        while self.process_ready():
            pause.wait(min(0.5, self.settings.settle_seconds))
