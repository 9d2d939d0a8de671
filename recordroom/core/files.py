"""Files on disk: the one size check every stage applies, and making a write durable."""

from __future__ import annotations

import os
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
