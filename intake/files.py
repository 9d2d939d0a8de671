"""Files in the inbox: which are ready, claiming one, hashing, and quarantining what can't be read.

Nothing here deletes an original before its copy is safely somewhere else.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from recordroom.core.files import fsync_dir, fsync_file

IGNORED_SUFFIXES = (".part", ".partial", ".crdownload", ".tmp", ".swp", ".download")


def is_candidate(relative: Path) -> bool:
    """Whether a file under the inbox is one to take (not hidden, not a half-written download)."""
    if any(part.startswith(".") or part.startswith("~$") for part in relative.parts):
        return False
    return not relative.name.lower().endswith(IGNORED_SUFFIXES)


def inbox_files(inbox: Path) -> Iterator[Path]:
    """Every candidate file below the inbox, subfolders included."""
    for folder, dirs, names in os.walk(inbox):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            path = Path(folder, name)
            if is_candidate(path.relative_to(inbox)) and path.is_file():
                yield path


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    stable_since: float


class SettleTracker:
    """Remembers each file's size and modification time: a file is ready once neither has changed
    for ``settle_seconds`` (a scanner or a copy over SMB writes a file in several goes)."""

    def __init__(self, settle_seconds: float) -> None:
        self.settle_seconds = settle_seconds
        self._seen: dict[Path, _Seen] = {}

    def ready(self, paths: Iterator[Path] | list[Path], now: float | None = None) -> list[Path]:
        now = time.monotonic() if now is None else now
        ready: list[Path] = []
        present: set[Path] = set()
        for path in paths:
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            present.add(path)
            seen = self._seen.get(path)
            if seen is None or (seen.size, seen.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                self._seen[path] = _Seen(stat.st_size, stat.st_mtime_ns, now)
                # Untouched for longer than the settle time (there before we started): ready.
                if time.time() - stat.st_mtime < self.settle_seconds:
                    continue
            elif now - seen.stable_since < self.settle_seconds:
                continue
            ready.append(path)
        for gone in set(self._seen) - present:
            del self._seen[gone]
        return sorted(ready)

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)

    @property
    def waiting(self) -> int:
        return len(self._seen)


def claim_slot(processing_dir: Path, source_name: str) -> Path:
    """A fresh folder in processing for one claimed file, which keeps its own name inside it (so
    messages about the file name it as the sender did)."""
    slot = processing_dir / uuid.uuid4().hex[:16]
    slot.mkdir(parents=True)
    name = Path(source_name).name or "unnamed"
    return slot / name.encode("utf-8")[:200].decode("utf-8", "ignore")


def claim_name(claimed: Path) -> str:
    """The claim's identity in the job table: its slot and file name."""
    return f"{claimed.parent.name}/{claimed.name}"


def claimed_files(processing_dir: Path) -> list[Path]:
    """The files sitting in processing (left by a crash, or being worked on)."""
    if not processing_dir.is_dir():
        return []
    return sorted(
        path
        for slot in processing_dir.iterdir()
        if slot.is_dir()
        for path in slot.iterdir()
        if path.is_file() and not path.name.startswith(".")
    )


def sweep_slots(processing_dir: Path) -> None:
    """Remove slots a crash left empty or holding only a half-copied file (its source remains)."""
    if not processing_dir.is_dir():
        return
    for slot in processing_dir.iterdir():
        if slot.is_dir() and not any(not p.name.startswith(".") for p in slot.iterdir()):
            for partial in slot.iterdir():
                partial.unlink()
            slot.rmdir()


def claim(path: Path, processing_dir: Path, source_name: str) -> Path | None:
    """Move a file into the processing folder by an atomic rename; None if another worker won."""
    target = claim_slot(processing_dir, source_name)
    try:
        os.rename(path, target)
    except FileNotFoundError:
        target.parent.rmdir()
        return None
    fsync_dir(target.parent)
    return target


def copy_in(path: Path, processing_dir: Path) -> Path:
    """Copy a file from outside the inbox into the processing folder (the source is left alone)."""
    target = claim_slot(processing_dir, path.name)
    temp = target.with_name("." + target.name + ".copying")
    shutil.copyfile(path, temp)
    fsync_file(temp)
    os.rename(temp, target)
    fsync_dir(target.parent)
    return target


def quarantine(path: Path, quarantine_dir: Path, source_name: str, reason: str) -> Path:
    """Copy the file into quarantine beside ``NAME.reason.txt`` (both fsync'd), then remove it."""
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    base = Path(source_name).name or "unnamed"
    target = quarantine_dir / base
    counter = 1
    while target.exists() or target.with_name(target.name + ".reason.txt").exists():
        target = quarantine_dir / f"{Path(base).stem}-{counter}{Path(base).suffix}"
        counter += 1
    temp = quarantine_dir / f".{target.name}.copying"
    shutil.copyfile(path, temp)
    fsync_file(temp)
    reason_file = target.with_name(target.name + ".reason.txt")
    reason_file.write_text(reason.rstrip() + "\n", encoding="utf-8")
    fsync_file(reason_file)
    os.rename(temp, target)
    fsync_dir(quarantine_dir)
    return target


def remove_claimed(claimed: Path) -> None:
    """Remove a claimed file and its slot in processing."""
    claimed.unlink(missing_ok=True)
    for leftover in claimed.parent.glob(".*.copying"):
        leftover.unlink()
    with contextlib.suppress(OSError):
        claimed.parent.rmdir()
    fsync_dir(claimed.parent.parent)
