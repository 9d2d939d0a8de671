"""Files in the inbox: which are ready, claiming one, hashing, and quarantining what can't be read.

Nothing here deletes an original before its copy is safely somewhere else.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import stat
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from recordroom.core import MailOrigin
from recordroom.core.errors import NotAFileError
from recordroom.core.files import fsync_dir
from recordroom.core.private import (
    PRIVATE_DIR,
    copy_private,
    make_private_dir,
    write_private,
)

ORIGIN_NAME = ".origin.json"  # beside a claimed file that came by e-mail: the message it came in
IGNORED_SUFFIXES = (".part", ".partial", ".crdownload", ".tmp", ".swp", ".download")


def is_candidate(relative: Path) -> bool:
    """Whether a file under the inbox is one to take (not hidden, not a half-written download)."""
    if any(part.startswith(".") or part.startswith("~$") for part in relative.parts):
        return False
    return not relative.name.lower().endswith(IGNORED_SUFFIXES)


def inbox_files(inbox: Path) -> Iterator[Path]:
    """Every candidate entry below the inbox, subfolders included: files, and also links and
    special files (never followed: they are taken only to be quarantined)."""
    for folder, dirs, names in os.walk(inbox):  # does not descend into linked folders
        linked = [d for d in dirs if Path(folder, d).is_symlink()]
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in linked]
        for name in [*names, *linked]:
            path = Path(folder, name)
            if is_candidate(path.relative_to(inbox)):
                yield path


def not_a_plain_file(path: Path) -> str | None:
    """What ``path`` is when it is not a plain file of its own (read with lstat, so a link is
    never followed): "a link" or "a special file"; None for a plain file."""
    mode = path.lstat()
    if stat.S_ISLNK(mode.st_mode):
        return "a link"
    if not stat.S_ISREG(mode.st_mode):
        return "a special file"
    if mode.st_nlink > 1:
        return "a link"  # a hard link: the same file is also somewhere else
    return None


def check_plain_file(path: Path, source_name: str) -> None:
    """Refuse a link or special file (``NotAFileError``) before anything reads it."""
    kind = not_a_plain_file(path)
    if kind is not None:
        raise NotAFileError(
            f"{source_name} is {kind}, not a file; it was not followed or read. "
            "Put the file itself in the inbox"
        )


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    stable_since: float


QUIET_SECONDS = 0.25  # after the kernel saw a file closed or moved in, before it is taken


class SettleTracker:
    """Remembers each file's size and modification time: a file is ready once neither has changed
    for ``settle_seconds`` (a scanner or a copy over SMB writes a file in several goes).

    Where inotify sees the writes, it also says when a file is whole: closed after writing, or
    moved in by a rename (``heard``). Such a file is ready after ``QUIET_SECONDS`` without a
    further write, so a fax dropped alone does not wait out the settle time."""

    def __init__(self, settle_seconds: float) -> None:
        self.settle_seconds = settle_seconds
        self._seen: dict[Path, _Seen] = {}
        self._whole: dict[Path, float] = {}  # filled from the observer's thread

    def heard(self, path: Path, *, whole: bool, now: float | None = None) -> None:
        """What inotify said about ``path``: closed after writing or moved in (``whole``), or
        opened or written to again (not whole)."""
        if whole:
            self._whole[path] = time.monotonic() if now is None else now
        else:
            self._whole.pop(path, None)

    def ready(self, paths: Iterator[Path] | list[Path], now: float | None = None) -> list[Path]:
        now = time.monotonic() if now is None else now
        ready: list[Path] = []
        present: set[Path] = set()
        for path in paths:
            try:
                info = path.lstat()  # a link's own times: its target is never looked at
            except FileNotFoundError:
                continue
            present.add(path)
            whole_since = self._whole.get(path)
            if whole_since is not None and info.st_size > 0:
                if now - whole_since >= QUIET_SECONDS:
                    ready.append(path)
                else:
                    self._seen.setdefault(path, _Seen(info.st_size, info.st_mtime_ns, now))
                continue
            seen = self._seen.get(path)
            if seen is None or (seen.size, seen.mtime_ns) != (info.st_size, info.st_mtime_ns):
                self._seen[path] = _Seen(info.st_size, info.st_mtime_ns, now)
                # Untouched for longer than the settle time (there before we started): ready.
                if time.time() - info.st_mtime < self.settle_seconds:
                    continue
            elif now - seen.stable_since < self.settle_seconds:
                continue
            ready.append(path)
        for gone in set(self._seen) - present:
            del self._seen[gone]
        for gone in set(self._whole) - present:
            self._whole.pop(gone, None)
        return sorted(ready)

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)
        self._whole.pop(path, None)

    @property
    def whole(self) -> int:
        """Files inotify saw whole that are still waiting out ``QUIET_SECONDS``."""
        return len(self._whole)

    @property
    def waiting(self) -> int:
        return len(self._seen)


def claim_slot(processing_dir: Path, source_name: str) -> Path:
    """A fresh folder in processing for one claimed file, which keeps its own name inside it (so
    messages about the file name it as the sender did)."""
    make_private_dir(processing_dir)
    slot = processing_dir / uuid.uuid4().hex[:16]
    slot.mkdir(mode=PRIVATE_DIR)
    os.chmod(slot, PRIVATE_DIR)
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
        if not path.name.startswith(".") and (path.is_symlink() or not path.is_dir())
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
    copy_private(path, temp)
    os.rename(temp, target)
    fsync_dir(target.parent)
    return target


def write_in(data: bytes, processing_dir: Path, name: str, origin: MailOrigin | None) -> Path:
    """Put bytes (an e-mail attachment) into the processing folder as a claimed file, with the
    message it came in written beside it first, both durable before the claim is visible."""
    target = claim_slot(processing_dir, name)
    if origin is not None:
        write_private(target.parent / ORIGIN_NAME, _origin_json(origin).encode())
    write_private(target, data)
    fsync_dir(target.parent)
    return target


def read_origin(claimed: Path) -> MailOrigin | None:
    """The e-mail a claimed file came in, if it came by e-mail."""
    try:
        data = json.loads((claimed.parent / ORIGIN_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    received = data.get("received_at")
    return MailOrigin(
        mailbox=data["mailbox"],
        message_id=data["message_id"],
        from_address=data["from_address"],
        subject=data["subject"],
        received_at=dt.datetime.fromisoformat(received) if received else None,
        fax_number=data.get("fax_number"),
        csid=data.get("csid"),
        page_count=data.get("page_count"),
    )


def _origin_json(origin: MailOrigin) -> str:
    return json.dumps(
        {
            "mailbox": origin.mailbox,
            "message_id": origin.message_id,
            "from_address": origin.from_address,
            "subject": origin.subject,
            "received_at": origin.received_at.isoformat() if origin.received_at else None,
            "fax_number": origin.fax_number,
            "csid": origin.csid,
            "page_count": origin.page_count,
        }
    )


def quarantine(path: Path, quarantine_dir: Path, source_name: str, reason: str) -> Path:
    """Copy the file into quarantine beside ``NAME.reason.txt`` (both fsync'd, both 0600), then
    remove it. A link or special file is moved, not copied, so its target is never read."""
    make_private_dir(quarantine_dir)
    base = Path(source_name).name or "unnamed"
    target = quarantine_dir / base
    counter = 1
    while target.exists() or target.with_name(target.name + ".reason.txt").exists():
        target = quarantine_dir / f"{Path(base).stem}-{counter}{Path(base).suffix}"
        counter += 1
    reason_file = target.with_name(target.name + ".reason.txt")
    if not_a_plain_file(path) is not None:
        write_private(reason_file, (reason.rstrip() + "\n").encode("utf-8"))
        _move_without_reading(path, target)
        return target
    temp = quarantine_dir / f".{target.name}.copying"
    temp.unlink(missing_ok=True)
    copy_private(path, temp)
    write_private(reason_file, (reason.rstrip() + "\n").encode("utf-8"))
    os.rename(temp, target)
    fsync_dir(quarantine_dir)
    return target


def _move_without_reading(path: Path, target: Path) -> None:
    """Move a link or special file itself into quarantine; across filesystems it is removed
    instead (a link holds nothing of its own, and its target stays where it is)."""
    try:
        os.rename(path, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        path.unlink()
    fsync_dir(target.parent)


def remove_claimed(claimed: Path) -> None:
    """Remove a claimed file and its slot in processing."""
    claimed.unlink(missing_ok=True)
    for leftover in claimed.parent.glob(".*"):
        leftover.unlink()
    with contextlib.suppress(OSError):
        claimed.parent.rmdir()
    fsync_dir(claimed.parent.parent)
