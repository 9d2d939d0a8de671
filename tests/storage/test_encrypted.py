"""Encryption at rest over the local folder: nothing readable lands on disk, damage is caught,
and rotating the master key rewrites envelopes only."""

from __future__ import annotations

import base64
import datetime as dt
import os
import stat
from collections.abc import Mapping
from pathlib import Path

import pytest

from recordroom.core import ConfigurationError, NotFoundError, StorageError
from recordroom.core.errors import CorruptObjectError
from recordroom.core.settings import Settings, load_settings
from storage import EncryptedObjectStore, LocalObjectStore, open_store, original_key
from storage.envelope import envelope_key
from storage.keyring import load_keyring, new_key_file

WORD = b"Hyperlipidemia"
TEXT = b"Assessment: " + WORD + b" with a history of atrial fibrillation. " * 50


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_nothing_readable_lands_in_the_folder(settings: Settings) -> None:
    store = open_store(settings)
    key = original_key("ab" * 32)
    store.put(key, TEXT, {"sha256": "ab" * 32})
    assert store.get(key) == TEXT
    stored = files_under(settings.objects_dir)
    assert len(stored) == 2  # the body and its envelope
    for path in stored:
        content = path.read_bytes()
        assert WORD not in content and WORD.lower() not in content.lower()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_first_key_file_is_private(settings: Settings) -> None:
    open_store(settings)
    keys = list(settings.keys_dir.glob("master-*.key"))
    assert len(keys) == 1
    assert stat.S_IMODE(keys[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.keys_dir.stat().st_mode) == 0o700


def test_a_flipped_byte_is_caught(settings: Settings) -> None:
    store = open_store(settings)
    key = original_key("cd" * 32)
    store.put(key, TEXT)
    body = settings.objects_dir.joinpath(*key.split("/"))
    damaged = bytearray(body.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    body.write_bytes(bytes(damaged))
    with pytest.raises(CorruptObjectError, match="integrity"):
        store.get(key)


def test_an_object_copied_over_another_is_caught(settings: Settings) -> None:
    store = open_store(settings)
    one, two = original_key("01" * 32), original_key("02" * 32)
    store.put(one, b"first")
    store.put(two, b"second")
    path = settings.objects_dir.joinpath
    path(*two.split("/")).write_bytes(path(*one.split("/")).read_bytes())
    with pytest.raises(CorruptObjectError):
        store.get(two)


def test_a_lost_envelope_is_reported(settings: Settings) -> None:
    store = open_store(settings)
    key = original_key("ef" * 32)
    store.put(key, TEXT)
    store.backend.delete(envelope_key(key))
    assert not store.exists(key)
    with pytest.raises(CorruptObjectError, match="envelope"):
        store.get(key)


def test_overwriting_keeps_the_object_readable(settings: Settings) -> None:
    store = open_store(settings)
    store.put("a/b", b"first version", {"kind": "one"})
    store.put("a/b", b"2", {"kind": "two"})
    assert store.get("a/b") == b"2"
    assert store.envelope("a/b").metadata == {"kind": "two"}
    assert sorted(store.keys()) == ["a/b"]


class Recording(LocalObjectStore):
    """A folder that hides every envelope from reads (as when two machines both looked before
    either wrote) and keeps each write it is given."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.writes: list[tuple[str, bytes]] = []

    def get(self, key: str) -> bytes:
        if key.startswith(envelope_key("")):
            raise NotFoundError(f"object {key} not found")
        return super().get(key)

    def put(self, key: str, data: bytes, metadata: Mapping[str, str] | None = None) -> None:
        self.writes.append((key, data))
        super().put(key, data, metadata)


def test_two_machines_writing_one_object_at_once_leave_a_pair_that_opens(
    settings: Settings, tmp_path: Path
) -> None:
    keyring = load_keyring(settings.keys_dir, create=True)
    recording = Recording(tmp_path / "both")
    for _ in range(2):  # each finds no envelope and writes envelope, then body
        EncryptedObjectStore(recording, keyring).put("originals/ab/abc", TEXT, {"sha256": "abc"})
    keys = [key for key, _ in recording.writes]
    assert keys == [envelope_key("originals/ab/abc"), "originals/ab/abc"] * 2
    first_envelope, first_body, second_envelope, second_body = (d for _, d in recording.writes)
    assert first_body != second_body  # sealed twice, each with its own nonce
    # The interleaving that loses nothing only if both writers hold the same data key: the
    # first machine's envelope is written last, the second machine's body is.
    for n, (envelope, body) in enumerate(
        ((first_envelope, second_body), (second_envelope, first_body))
    ):
        mixed = LocalObjectStore(tmp_path / f"mixed-{n}")
        mixed.put(envelope_key("originals/ab/abc"), envelope)
        mixed.put("originals/ab/abc", body)
        assert EncryptedObjectStore(mixed, keyring).get("originals/ab/abc") == TEXT


def test_the_data_key_of_new_content_differs(settings: Settings) -> None:
    store = open_store(settings)
    store.put("a/one", TEXT)
    store.put("a/two", TEXT)
    store.put("a/three", TEXT + b".")
    ids = {store.envelope(key).data_key_id for key in ("a/one", "a/two", "a/three")}
    assert len(ids) == 3  # another object, or other bytes: another key


def test_rotation_rewraps_envelopes_and_leaves_bodies_alone(settings: Settings) -> None:
    store = open_store(settings)
    keys = [original_key(f"{n:02x}" * 32) for n in range(5)]
    for n, key in enumerate(keys):
        store.put(key, TEXT + bytes([n]))
    bodies = {key: store.backend.get(key) for key in keys}
    old = store.keyring.current
    new_key_file(settings.keys_dir)
    rotated = EncryptedObjectStore(store.backend, load_keyring(settings.keys_dir))
    report = rotated.rewrap_all()
    assert (report.rewrapped, report.already_current, report.failed) == (5, 0, ())
    assert rotated.rewrap_all().already_current == 5
    for n, key in enumerate(keys):
        assert rotated.backend.get(key) == bodies[key]  # bodies never rewritten
        assert rotated.envelope(key).master_key_id == rotated.keyring.current.key_id
        assert rotated.envelope(key).master_key_id != old.key_id
        assert rotated.get(key) == TEXT + bytes([n])


def test_a_key_from_the_environment(tmp_path: Path) -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    settings = load_settings(
        environ={"RECORDROOM_HOME": str(tmp_path / "var"), "RECORDROOM_MASTER_KEY": key},
        cwd=tmp_path,
    )
    store = open_store(settings)
    store.put("x/y", b"secret")
    assert not settings.keys_dir.exists()  # no key file when the environment gives the key
    assert store.get("x/y") == b"secret"
    other = load_settings(
        environ={
            "RECORDROOM_HOME": str(tmp_path / "var"),
            "RECORDROOM_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
        },
        cwd=tmp_path,
    )
    with pytest.raises(StorageError, match="master key"):
        open_store(other).get("x/y")


def test_a_malformed_key_is_refused(tmp_path: Path) -> None:
    settings = load_settings(
        environ={"RECORDROOM_HOME": str(tmp_path / "var"), "RECORDROOM_MASTER_KEY": "c2hvcnQ="},
        cwd=tmp_path,
    )
    with pytest.raises(ConfigurationError, match="32 bytes"):
        open_store(settings)


def test_the_key_never_shows_in_its_repr(settings: Settings) -> None:
    store = open_store(settings)
    material = store.keyring.current.material
    assert base64.b64encode(material).decode() not in repr(store.keyring)
    assert material.hex() not in repr(store.keyring)


def test_raw_local_store_lists_keys(store: LocalObjectStore) -> None:
    store.put("a/b/c", b"1")
    store.put("a/d", b"2")
    store.put("z", b"3")
    assert sorted(store.keys()) == ["a/b/c", "a/d", "z"]
    assert sorted(store.keys("a/")) == ["a/b/c", "a/d"]


def test_secrets_stay_out_of_the_settings_repr(tmp_path: Path) -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    settings = load_settings(
        environ={"RECORDROOM_MASTER_KEY": key, "RECORDROOM_S3_SECRET_KEY": "s3cr3t-value"},
        cwd=tmp_path,
    )
    assert key not in repr(settings) and "s3cr3t-value" not in repr(settings)


def test_objects_stored_before_encryption_are_sealed_once(settings: Settings) -> None:
    plain = LocalObjectStore(settings.objects_dir)  # as the version before this one stored them
    old_keys = [original_key(f"{n:02x}" * 32) for n in range(3)]
    for key in old_keys:
        plain.put(key, TEXT)
    store = open_store(settings)
    with pytest.raises(CorruptObjectError, match="storage encrypt"):
        store.get(old_keys[0])
    store.put("new/object", b"new")
    report = store.seal_plaintext_objects()
    assert (report.sealed, report.already_sealed) == (3, 1)
    for key in old_keys:
        assert store.get(key) == TEXT
        assert WORD not in plain.get(key)
    assert store.seal_plaintext_objects().sealed == 0


def test_a_retained_object_is_sealed_and_both_halves_are_read_only(settings: Settings) -> None:
    store = open_store(settings)
    until = dt.datetime(2032, 11, 29, tzinfo=dt.UTC)
    store.put_retained("audit/checkpoints/1.json", TEXT, retain_until=until)
    assert store.get("audit/checkpoints/1.json") == TEXT
    root = settings.objects_dir
    for key in ("audit/checkpoints/1.json", envelope_key("audit/checkpoints/1.json")):
        assert (root / key).stat().st_mode & 0o222 == 0, key
    assert WORD not in (root / "audit/checkpoints/1.json").read_bytes()
    with pytest.raises(StorageError, match="retained"):
        store.put_retained("audit/checkpoints/1.json", b"forged", retain_until=until)
    # A master-key rotation re-wraps the envelope and leaves it read-only; the body stays as is.
    body = store.backend.get("audit/checkpoints/1.json")
    new_key_file(settings.keys_dir)
    rotated = EncryptedObjectStore(store.backend, load_keyring(settings.keys_dir))
    assert rotated.rewrap_all().rewrapped == 1
    assert (
        rotated.envelope("audit/checkpoints/1.json").master_key_id == rotated.keyring.current.key_id
    )
    assert (root / envelope_key("audit/checkpoints/1.json")).stat().st_mode & 0o222 == 0
    assert rotated.backend.get("audit/checkpoints/1.json") == body
    assert rotated.get("audit/checkpoints/1.json") == TEXT


def test_a_retained_write_cut_short_after_its_envelope_finishes_with_the_same_key(
    settings: Settings,
) -> None:
    store = open_store(settings)
    until = dt.datetime(2032, 11, 29, tzinfo=dt.UTC)
    store.put_retained("audit/checkpoints/2.json", TEXT, retain_until=until)
    envelope = store.backend.get(envelope_key("audit/checkpoints/2.json"))
    (settings.objects_dir / "audit/checkpoints/2.json").unlink()  # the crash: no body
    store.put_retained("audit/checkpoints/2.json", TEXT, retain_until=until)
    assert store.backend.get(envelope_key("audit/checkpoints/2.json")) == envelope
    assert store.get("audit/checkpoints/2.json") == TEXT
