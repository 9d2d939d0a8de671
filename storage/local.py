"""The local object store: one file per object under a folder, written atomically."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from recordroom.core import NotFoundError, StorageError
from recordroom.core.files import fsync_dir
from recordroom.core.private import make_private_dir


class LocalObjectStore:
    """Objects as files under ``root``; a key's slashes become folders.

    A write goes to a temporary file in the same folder, is fsync'd, then renamed over the key, and
    the folder is fsync'd: after ``put`` returns, the object survives a power cut, and a crash
    midway leaves either the old object or none, never half of one. Folders are 0700 and files
    0600. ``metadata`` has no place in a folder and is not kept (the encrypted store keeps it in
    the object's envelope).
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        parts = key.split("/")
        if not key or any(part in ("", ".", "..") for part in parts):
            raise StorageError(f"object key {key!r} is not valid")
        return self.root.joinpath(*parts)

    def put(self, key: str, data: bytes, metadata: Mapping[str, str] | None = None) -> None:
        self._write(key, lambda handle: handle.write(data))

    def put_file(self, key: str, path: Path, metadata: Mapping[str, str] | None = None) -> None:
        def copy(handle: BinaryIO) -> None:
            with path.open("rb") as source:
                shutil.copyfileobj(source, handle)

        self._write(key, copy)

    def _write(self, key: str, write: Callable[[BinaryIO], object]) -> None:
        target = self._path(key)
        try:
            make_private_dir(target.parent)
            fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    write(handle)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp_name, target)
            except BaseException:
                Path(temp_name).unlink(missing_ok=True)
                raise
            fsync_dir(target.parent)
        except OSError as exc:
            raise StorageError(
                f"could not write object {key} under {self.root}: {exc.strerror}"
            ) from exc

    def put_retained(
        self, key: str, data: bytes, *, retain_until: dt.datetime, replace: bool = False
    ) -> None:
        """Write once, read-only: a local folder cannot enforce a retention date the way S3 object
        lock does, but it refuses to replace the object (unless ``replace``) and leaves the file
        mode 0444."""
        if not replace and self.exists(key):
            raise StorageError(f"object {key} is retained and cannot be replaced")
        self.put(key, data)
        try:
            self._path(key).chmod(0o444)
        except OSError as exc:
            raise StorageError(f"could not make object {key} read-only: {exc.strerror}") from exc

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise NotFoundError(f"object {key} is not in the store at {self.root}") from exc
        except OSError as exc:
            raise StorageError(f"could not read object {key}: {exc.strerror}") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every object's key starting with ``prefix``, in no particular order."""
        if not self.root.is_dir():
            return
        for folder, dirs, names in os.walk(self.root):
            dirs.sort()
            relative = Path(folder).relative_to(self.root)
            for name in sorted(names):
                if name.startswith(".tmp-"):
                    continue  # a write that a crash interrupted
                key = (relative / name).as_posix().removeprefix("./")
                if key.startswith(prefix):
                    yield key

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"could not delete object {key}: {exc.strerror}") from exc
