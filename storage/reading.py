"""Reading a file that is about to be stored."""

from __future__ import annotations

from pathlib import Path

from recordroom.core import StorageError


def read_for_storing(path: Path) -> bytes:
    """The whole file (objects are sealed or sent in one piece), or a ``StorageError``."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StorageError(f"could not read {path.name} to store it: {exc.strerror}") from exc
