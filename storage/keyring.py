"""Master keys: the keys that wrap each object's data key.

A master key is 32 random bytes. It lives either in a file under ``RECORDROOM_HOME/keys``
(``master-<id>.key``, mode 0600, created by ``recordroom init``; ``current`` names the one new
objects are wrapped with) or in ``RECORDROOM_MASTER_KEY`` (base64; several separated by commas, the
first wrapping new objects, the others still accepted for reading, as during a rotation).

A key's id is derived from the key itself, so an envelope names the key that wraps it without
revealing anything about it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from recordroom.core import ConfigurationError, StorageError
from recordroom.core.private import make_private_dir, write_private

KEY_BYTES = 32
CURRENT = "current"


@dataclass(frozen=True, slots=True)
class MasterKey:
    key_id: str
    material: bytes = b""

    def __repr__(self) -> str:  # never print the key itself
        return f"MasterKey({self.key_id})"


def key_id_of(material: bytes) -> str:
    return hashlib.sha256(b"recordroom master key id\0" + material).hexdigest()[:16]


def master_key(material: bytes) -> MasterKey:
    if len(material) != KEY_BYTES:
        raise ConfigurationError(
            f"a master key must be {KEY_BYTES} bytes (base64 of 32 random bytes); "
            f"this one is {len(material)}"
        )
    return MasterKey(key_id_of(material), material)


@dataclass(frozen=True, slots=True)
class Keyring:
    """The key new objects are wrapped with, and every key still accepted for reading."""

    current: MasterKey
    others: tuple[MasterKey, ...] = ()
    from_environment: bool = False

    def find(self, key_id: str, *, what: str) -> MasterKey:
        for key in (self.current, *self.others):
            if key.key_id == key_id:
                return key
        raise StorageError(
            f"{what} is wrapped with master key {key_id}, which is neither in "
            "RECORDROOM_MASTER_KEY nor under RECORDROOM_HOME/keys; restore that key to read it"
        )

    @property
    def retired(self) -> tuple[MasterKey, ...]:
        return tuple(key for key in self.others if key.key_id != self.current.key_id)


def _decode(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConfigurationError(f"{where} is not a base64 master key") from exc


def key_file(keys_dir: Path, key_id: str) -> Path:
    return keys_dir / f"master-{key_id}.key"


def _file_keys(keys_dir: Path) -> list[MasterKey]:
    if not keys_dir.is_dir():
        return []
    keys = []
    for path in sorted(keys_dir.glob("master-*.key")):
        key = master_key(_decode(path.read_text(encoding="ascii"), str(path)))
        keys.append(key)
    return keys


def load_keyring(keys_dir: Path, environment_keys: str = "", *, create: bool = False) -> Keyring:
    """The keyring from ``RECORDROOM_MASTER_KEY`` if set, else from the key files; with
    ``create``, a first key file is made when there is none."""
    files = _file_keys(keys_dir)
    if environment_keys.strip():
        given = [
            master_key(_decode(part, "RECORDROOM_MASTER_KEY"))
            for part in environment_keys.split(",")
            if part.strip()
        ]
        others = [*given[1:], *(key for key in files if key not in given)]
        return Keyring(given[0], tuple(others), from_environment=True)
    if not files:
        if not create:
            raise ConfigurationError(
                f"there is no master key under {keys_dir}: run `recordroom init`, "
                "or give one in RECORDROOM_MASTER_KEY"
            )
        return Keyring(new_key_file(keys_dir))
    current_id = _current_id(keys_dir)
    by_id = {key.key_id: key for key in files}
    if current_id not in by_id:
        raise ConfigurationError(
            f"{keys_dir / CURRENT} names master key {current_id!r}, which is not under {keys_dir}"
        )
    return Keyring(by_id[current_id], tuple(k for k in files if k.key_id != current_id))


def _current_id(keys_dir: Path) -> str:
    try:
        return (keys_dir / CURRENT).read_text(encoding="ascii").strip()
    except FileNotFoundError as exc:
        raise ConfigurationError(
            f"{keys_dir} holds master keys but no {CURRENT!r} file naming the one in use"
        ) from exc


def new_key_file(keys_dir: Path) -> MasterKey:
    """A new random master key, saved (0600) and made the current one."""
    make_private_dir(keys_dir)
    key = master_key(secrets.token_bytes(KEY_BYTES))
    write_private(key_file(keys_dir, key.key_id), base64.b64encode(key.material) + b"\n")
    write_private(keys_dir / CURRENT, key.key_id.encode("ascii") + b"\n")
    return key


def remove_key_files(keys_dir: Path, keys: tuple[MasterKey, ...]) -> None:
    """Delete retired master keys (after every envelope was re-wrapped with the current one)."""
    for key in keys:
        path = key_file(keys_dir, key.key_id)
        if path.exists():
            # Overwrite before unlinking: a best effort, filesystems may keep old blocks.
            path.write_bytes(os.urandom(len(path.read_bytes())))
            path.unlink()
