"""Files on disk: the one size check every stage applies, what is a plain file of its own, and
making a write durable."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from recordroom.core.errors import EmptyFileError, FileTooLargeError

MB = 1024 * 1024


def check_size(path: Path, name: str, max_file_mb: int) -> int:
    """The size of ``path`` in bytes, once known to be neither empty nor over ``max_file_mb``;
    ``name`` is how messages call the file (as it arrived, not where it lies)."""
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(f"{name} is empty (0 bytes); ask the sender to send it again")
    if size > max_file_mb * MB:
        raise FileTooLargeError(
            f"{name} is {size / MB:.0f} MB, more than the limit of {max_file_mb} MB; "
            "split it into smaller files or raise RECORDROOM_MAX_FILE_MB"
        )
    return size


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


def fsync_file(path: Path) -> None:
    """Flush a written file's content to disk."""
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename or a new file in it) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
