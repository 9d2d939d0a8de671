"""``init``, ``storage verify`` and ``storage rotate-key`` as a user runs them."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from recordroom.core.settings import load_settings
from storage import open_store
from storage.envelope import envelope_key
from storage.s3 import S3ObjectStore
from synthetic import files as samples
from tests.recordroom.test_cli import run
from tests.services import S3Server


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("RECORDROOM_HOME", "RECORDROOM_INBOX", "RECORDROOM_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("RECORDROOM_MASTER_KEY", raising=False)
    monkeypatch.setenv("RECORDROOM_OCR_WORKERS", "1")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def object_path(home: Path, key: str) -> Path:
    return home.joinpath("var", "objects", *key.split("/"))


def test_init_makes_a_private_home_and_key(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "init")
    assert code == 0 and "warning" not in err
    keys = list((home / "var" / "keys").glob("master-*.key"))
    assert len(keys) == 1 and stat.S_IMODE(keys[0].stat().st_mode) == 0o600
    for folder in ("var", "var/keys", "var/quarantine", "var/objects"):
        assert stat.S_IMODE((home / folder).stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "var" / "recordroom.db").stat().st_mode) == 0o600
    assert run(capsys, "init")[0] == 0
    assert len(list((home / "var" / "keys").glob("master-*.key"))) == 1  # not made twice


def test_init_warns_about_a_folder_everyone_can_read(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / "inbox").mkdir(mode=0o755)
    (home / "inbox").chmod(0o755)
    code, _, err = run(capsys, "init")
    assert code == 0
    assert "RECORDROOM_INBOX" in err and "chmod o-rwx" in err


def ingest_letter(home: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    letter = samples.write_text_pdf(home / "letter.pdf", [["CONSULTATION", "Dear colleague"]])
    code, out, _ = run(capsys, "ingest", "--json", str(letter))
    assert code == 0
    outcome: dict[str, object] = json.loads(out)
    code, out, _ = run(capsys, "documents", "show", "--json", str(outcome["document_id"]))
    return dict(json.loads(out))


def test_verify_finds_a_flipped_byte_a_missing_object_and_an_orphan(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = ingest_letter(home, capsys)
    code, out, _ = run(capsys, "storage", "verify")
    assert code == 0, out
    assert "0 missing, 0 corrupt, 0 orphan" in out

    sha = str(document["sha256"])
    original = f"originals/{sha[:2]}/{sha[2:4]}/{sha}"
    body = object_path(home, original)
    damaged = bytearray(body.read_bytes())
    damaged[-40] ^= 0x04
    body.write_bytes(bytes(damaged))
    store = open_store(load_settings())
    store.put("derived/00/00/unknown.page-1.png", b"left by a crash")
    code, out, _ = run(capsys, "storage", "verify", "--json")
    assert code == 5
    problems = {(p["kind"], p["key"]) for p in map(json.loads, out.splitlines())}
    assert problems == {("corrupt", original), ("orphan", "derived/00/00/unknown.page-1.png")}

    store.delete(original)
    code, out, _ = run(capsys, "storage", "verify")
    assert code == 5 and f"missing  {original}" in out


def test_rotate_key_rewraps_envelopes_and_keeps_bodies(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = ingest_letter(home, capsys)
    sha = str(document["sha256"])
    original = f"originals/{sha[:2]}/{sha[2:4]}/{sha}"
    body_before = object_path(home, original).read_bytes()
    envelope_before = object_path(home, envelope_key(original)).read_bytes()
    old_keys = set((home / "var" / "keys").glob("master-*.key"))

    code, out, _ = run(capsys, "storage", "rotate-key")
    assert code == 0, out
    assert "1 data key(s) re-wrapped" in out
    (old,) = old_keys
    assert f"no object needs {old}" in out
    assert object_path(home, original).read_bytes() == body_before
    assert object_path(home, envelope_key(original)).read_bytes() != envelope_before
    old.unlink()  # the operator deletes the old key: everything still reads
    code, out, _ = run(capsys, "storage", "verify")
    assert code == 0, out


def test_verify_on_postgresql_and_s3(
    home: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    postgres_url: str,
    s3_server: S3Server,
    s3_bucket: str,
) -> None:
    """The scale-out setup: the index on PostgreSQL, the objects in an S3 bucket."""
    monkeypatch.setenv("RECORDROOM_DATABASE_URL", postgres_url)
    for name, value in s3_server.environ(s3_bucket).items():
        monkeypatch.setenv(name, value)
    assert run(capsys, "init")[0] == 0
    document = ingest_letter(home, capsys)
    code, out, _ = run(capsys, "storage", "verify")
    assert code == 0, out
    sha = str(document["sha256"])
    original = f"originals/{sha[:2]}/{sha[2:4]}/{sha}"
    store = open_store(load_settings())
    assert isinstance(store.backend, S3ObjectStore)
    body = bytearray(store.backend.get(original))
    body[len(body) // 3] ^= 0x10
    store.backend.put(original, bytes(body))
    code, out, _ = run(capsys, "storage", "verify")
    assert code == 5 and f"corrupt  {original}" in out
    code, out, _ = run(capsys, "storage", "rotate-key")
    assert code == 0 and "1 data key(s) re-wrapped" in out
    assert "earlier version(s) of envelopes removed" in out
    versions = store.backend.client.list_objects(
        s3_bucket, prefix="envelopes/", recursive=True, include_version=True
    )
    assert {str(v.is_latest).lower() for v in versions} == {"true"}
