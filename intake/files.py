"""Files in the inbox: which are ready, claiming one, hashing, and quarantining what can't be read.

Nothing here deletes an original before its copy is safely somewhere else.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from recordroom.core import MailOrigin
from recordroom.core.errors import NotAFileError
from recordroom.core.files import fsync_dir, not_a_plain_file
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
        """The files ready to take, oldest first (by modification time, then name): the fax
        that came in first is filed first, whatever the names a scanner or fax server gives."""
        now = time.monotonic() if now is None else now
        ready: list[Path] = []
        written: dict[Path, int] = {}
        present: set[Path] = set()
        for path in paths:
            try:
                info = path.lstat()  # a link's own times: its target is never looked at
            except FileNotFoundError:
                continue
            present.add(path)
            written[path] = info.st_mtime_ns
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
        return sorted(ready, key=lambda path: (written[path], path))

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


def process_identity() -> str:
    """This process as the owner of claim slots: host, process id and the process's start time
    (so a later process that reuses the id is not mistaken for it)."""
    return f"{_host()}.{os.getpid()}.{_start_time(os.getpid())}"


def _host() -> str:
    return socket.gethostname().replace(".", "-").replace("/", "-")[:60] or "host"


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or ``-``
    where there is no such process (or no /proc)."""
    try:
        line = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return "-"
    return line.rsplit(")", 1)[1].split()[19]


def owner_gone(owner: str, stale_after: float, age: float) -> bool:
    """Whether the process ``owner`` (a ``process_identity``) that made a slot or holds a lease is
    provably gone: on this host, no process with its id and start time runs; on another host (a
    shared inbox), what it left is older than ``stale_after`` seconds. A slot of an older
    version names no owner: it is recovered."""
    parts = owner.split(".")
    if len(parts) != 3:
        return True
    host, pid, started = parts
    if host != _host():
        return age > stale_after
    if not pid.isdigit():
        return True
    return _start_time(int(pid)) != started


def claim_slot(processing_dir: Path, source_name: str) -> Path:
    """A fresh folder in processing for one claimed file, which keeps its own name inside it (so
    messages about the file name it as the sender did). The folder's name is the claim's id and
    its owner: ``ID.HOST.PID.START``."""
    make_private_dir(processing_dir)
    slot = processing_dir / f"{uuid.uuid4().hex[:16]}.{process_identity()}"
    slot.mkdir(mode=PRIVATE_DIR)
    os.chmod(slot, PRIVATE_DIR)
    name = Path(source_name).name or "unnamed"
    return slot / name.encode("utf-8")[:200].decode("utf-8", "ignore")


def claim_name(claimed: Path) -> str:
    """The claim's identity in the job table: its slot's id (not its owner, which changes when a
    watcher recovers a dead one's slot) and file name."""
    return f"{claimed.parent.name.split('.', 1)[0]}/{claimed.name}"


def _slots(processing_dir: Path) -> list[Path]:
    if not processing_dir.is_dir():
        return []
    return sorted(slot for slot in processing_dir.iterdir() if slot.is_dir())


def _files_in(slot: Path) -> list[Path]:
    try:
        return sorted(
            p
            for p in slot.iterdir()
            if not p.name.startswith(".") and (p.is_symlink() or not p.is_dir())
        )
    except FileNotFoundError:
        return []


def claimed_files(processing_dir: Path) -> list[Path]:
    """The files sitting in processing (left by a crash, or being worked on)."""
    return [path for slot in _slots(processing_dir) for path in _files_in(slot)]


def orphaned_slots(processing_dir: Path, stale_after: float) -> list[Path]:
    """Slots whose owner is gone (see ``owner_gone``), and this process's own."""
    now = time.time()
    orphaned = []
    for slot in _slots(processing_dir):
        owner = slot.name.split(".", 1)[1] if "." in slot.name else ""
        try:
            age = now - slot.stat().st_mtime
        except FileNotFoundError:
            continue
        if owner == process_identity() or owner_gone(owner, stale_after, age):
            orphaned.append(slot)
    return orphaned


def adopt(slot: Path) -> list[Path]:
    """Make a gone owner's slot this process's by renaming it (atomic: of several watchers
    recovering at once, one wins); its files, or none if another watcher won. A slot left empty
    or holding only a half-copied file (whose source remains) is removed."""
    mine = slot.with_name(f"{slot.name.split('.', 1)[0]}.{process_identity()}")
    if mine != slot:
        try:
            os.rename(slot, mine)
        except OSError:  # gone: another watcher adopted it first
            return []
        fsync_dir(slot.parent)
    found = _files_in(mine)
    if not found:
        for partial in mine.iterdir():
            partial.unlink()
        with contextlib.suppress(OSError):
            mine.rmdir()
    return found


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
        write_private(target.parent / ORIGIN_NAME, origin.to_json().encode())
    write_private(target, data)
    fsync_dir(target.parent)
    return target


def read_origin(claimed: Path) -> MailOrigin | None:
    """The e-mail a claimed file came in, if it came by e-mail."""
    try:
        return MailOrigin.from_json((claimed.parent / ORIGIN_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError):
        return None


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
