"""Files and folders only their owner can read: everything under ``RECORDROOM_HOME`` is made with
these, 0700 folders and 0600 files whatever the process umask, because each of them may hold a
patient's records (page text in the database, scans in quarantine, keys)."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from recordroom.core.files import fsync_dir

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700 folders; an existing folder is left as it
    is (``readable_by_others`` tells whether to warn about it)."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue
        os.chmod(folder, PRIVATE_DIR)  # mkdir's mode is filtered by the umask; chmod is not
    return path


def open_private(path: Path) -> int:
    """A new file opened for writing with mode 0600 (fails if it exists)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
    os.fchmod(fd, PRIVATE_FILE)
    return fd


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (0600) atomically and durably: a temporary file, fsync, rename."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.unlink(missing_ok=True)
    fd = open_private(temp)
    try:
        _write_durably(fd, data)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def create_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new 0600 file ``path``, never replacing one (``FileExistsError``).
    The file is written beside ``path`` and linked into place whole: processes or threads
    creating it at the same moment never read half of it, and only one of them creates it."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # 0600
    try:
        _write_durably(fd, data)
        os.link(temp, path)
    finally:
        os.unlink(temp)
    fsync_dir(path.parent)


def _write_durably(fd: int, data: bytes) -> None:
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def copy_private(source: Path, target: Path) -> None:
    """Copy ``source`` to a new 0600 file ``target`` and fsync it."""
    fd = open_private(target)
    with os.fdopen(fd, "wb") as out, source.open("rb") as handle:
        shutil.copyfileobj(handle, out)
        out.flush()
        os.fsync(out.fileno())


def ensure_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist (before a library such as SQLite
    creates it with the umask's mode)."""
    with contextlib.suppress(FileExistsError):
        os.close(open_private(path))


def readable_by_others(path: Path) -> bool:
    """Whether users other than the owner (and its group) can read or enter ``path``."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return False
    return bool(stat.S_IMODE(mode) & 0o007)


OCR_SCRATCH_PREFIX = "recordroom-ocr-"  # under the work folder: page images and text being read


@contextlib.contextmanager
def scratch_dir(work_dir: Path | None, prefix: str = OCR_SCRATCH_PREFIX) -> Iterator[Path]:
    """A private scratch folder in ``work_dir`` (the system's when None), removed afterwards. It
    is named ``PREFIX<pid>-…`` after this process, so that ``sweep_work_dirs`` tells a folder a
    killed process left behind from one in use."""
    folder = None if work_dir is None else make_private_dir(work_dir)
    # Left behind only if it cannot be removed; the next start sweeps it.
    with tempfile.TemporaryDirectory(
        prefix=f"{prefix}{os.getpid()}-", dir=folder, ignore_cleanup_errors=True
    ) as scratch:
        yield Path(scratch)


def sweep_work_dirs(work_dir: Path, prefix: str = OCR_SCRATCH_PREFIX) -> int:
    """Remove scratch folders (``PREFIX<pid>-…``) left by processes that no longer run, e.g.
    killed mid-page; returns how many were removed. Folders of live processes are kept."""
    if not work_dir.is_dir():
        return 0
    removed = 0
    for folder in work_dir.glob(prefix + "*"):
        pid_text = folder.name.removeprefix(prefix).split("-", 1)[0]
        if pid_text.isdigit() and process_alive(int(pid_text)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a zombie not yet reaped counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
