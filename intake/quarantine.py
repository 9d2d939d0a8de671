"""The quarantine folder as people see it: what is there and why; a file sent back to the inbox
to be tried again, or discarded for good."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from recordroom.core import NotFoundError
from recordroom.core.files import fsync_dir
from recordroom.core.hashing import file_sha256

REASON_SUFFIX = ".reason.txt"


@dataclass(frozen=True, slots=True)
class QuarantinedFile:
    name: str
    reason: str
    size: int
    quarantined_at: dt.datetime

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "reason": self.reason,
            "size": self.size,
            "quarantined_at": self.quarantined_at.isoformat(),
        }


def quarantined_files(quarantine_dir: Path) -> list[QuarantinedFile]:
    """Every quarantined file with its reason, newest first."""
    if not quarantine_dir.is_dir():
        return []
    found = []
    for path in quarantine_dir.iterdir():
        if path.name.startswith(".") or path.name.endswith(REASON_SUFFIX) or not path.is_file():
            continue
        reason_file = path.with_name(path.name + REASON_SUFFIX)
        reason = reason_file.read_text(encoding="utf-8").strip() if reason_file.is_file() else ""
        stat = path.stat()
        found.append(
            QuarantinedFile(
                name=path.name,
                reason=reason,
                size=stat.st_size,
                quarantined_at=dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC),
            )
        )
    return sorted(found, key=lambda f: (f.quarantined_at, f.name), reverse=True)


def _quarantined(quarantine_dir: Path, name: str) -> Path:
    path = quarantine_dir / name
    if Path(name).name != name or name.startswith(".") or not path.is_file():
        raise NotFoundError(f"there is no quarantined file named {name!r}")
    return path


def quarantined_sha256(quarantine_dir: Path, name: str) -> str:
    """The SHA-256 of a quarantined file: what the audit trail names it by (its name may hold
    a patient's name)."""
    return file_sha256(_quarantined(quarantine_dir, name))


def retry(quarantine_dir: Path, inbox: Path, name: str) -> Path:
    """Move a quarantined file back into the inbox (under a name not taken there) so the watcher
    tries it again; its reason file goes."""
    path = _quarantined(quarantine_dir, name)
    inbox.mkdir(parents=True, exist_ok=True)
    target = inbox / name
    counter = 1
    while target.exists():
        target = inbox / f"{Path(name).stem}-retry{counter}{Path(name).suffix}"
        counter += 1
    if path.stat().st_dev == inbox.stat().st_dev:
        os.replace(path, target)
    else:
        _copy(path, target)
    fsync_dir(inbox)
    path.with_name(name + REASON_SUFFIX).unlink(missing_ok=True)
    fsync_dir(quarantine_dir)
    return target


def _copy(path: Path, target: Path) -> None:
    temp = target.with_name(f".{target.name}.copying")
    temp.write_bytes(path.read_bytes())
    with temp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.rename(temp, target)
    path.unlink()


def discard(quarantine_dir: Path, name: str) -> None:
    """Delete a quarantined file and its reason: a person decided it is not a record."""
    path = _quarantined(quarantine_dir, name)
    path.unlink()
    path.with_name(name + REASON_SUFFIX).unlink(missing_ok=True)
    fsync_dir(quarantine_dir)
