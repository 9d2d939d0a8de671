"""The S3 store against a real S3 server (SeaweedFS ``weed mini`` on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from minio import Minio

from recordroom.core import NotFoundError, StorageError
from recordroom.core.settings import Settings, load_settings
from storage import EncryptedObjectStore, open_store, original_key
from storage.s3 import S3ObjectStore
from tests.services import S3Server

WORD = b"Cholecystectomy"


def s3_settings(server: S3Server, bucket: str, tmp_path: Path, **extra: str) -> Settings:
    environ = {"RECORDROOM_HOME": str(tmp_path / "var"), **server.environ(bucket), **extra}
    return load_settings(environ=environ, cwd=tmp_path)


def raw_client(server: S3Server) -> Minio:
    return Minio(
        server.endpoint, access_key=server.access_key, secret_key=server.secret_key, secure=False
    )


def test_bucket_is_created_with_versioning_and_objects_round_trip(
    s3_server: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    store = open_store(s3_settings(s3_server, s3_bucket, tmp_path))
    assert isinstance(store.backend, S3ObjectStore)
    key = original_key("ab" * 32)
    assert not store.exists(key)
    store.put(key, WORD * 1000, {"sha256": "ab" * 32, "document-ids": "d1"})
    assert store.exists(key)
    assert store.get(key) == WORD * 1000
    client = raw_client(s3_server)
    assert client.bucket_exists(s3_bucket)
    assert client.get_bucket_versioning(s3_bucket).status == "Enabled"
    assert store.backend.metadata(key) == {"sha256": "ab" * 32, "document-ids": "d1"}
    assert sorted(store.keys()) == [key]
    store.delete(key)
    assert not store.exists(key)
    with pytest.raises(NotFoundError):
        store.get(key)


def test_nothing_readable_lands_in_the_bucket(
    s3_server: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    store = open_store(s3_settings(s3_server, s3_bucket, tmp_path))
    store.put("originals/aa/bb/x", b"Procedure: " + WORD + b" without complication.")
    client = raw_client(s3_server)
    names = [o.object_name for o in client.list_objects(s3_bucket, recursive=True)]
    assert sorted(str(n) for n in names) == ["envelopes/originals/aa/bb/x", "originals/aa/bb/x"]
    for name in names:
        response = client.get_object(s3_bucket, str(name))
        try:
            assert WORD.lower() not in response.read().lower()
        finally:
            response.close()
            response.release_conn()


def test_a_flipped_byte_in_the_bucket_is_caught(
    s3_server: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    store = open_store(s3_settings(s3_server, s3_bucket, tmp_path))
    store.put("k", b"x" * 5000)
    body = bytearray(store.backend.get("k"))
    body[100] ^= 0x80
    store.backend.put("k", bytes(body))
    with pytest.raises(StorageError, match="integrity"):
        store.get("k")


def test_wrong_keys_fail_at_once_with_a_clear_message(
    s3_server: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    settings = s3_settings(
        s3_server, s3_bucket, tmp_path, RECORDROOM_S3_SECRET_KEY="not-the-secret"
    )
    with pytest.raises(StorageError, match="refused"):
        open_store(settings).put("k", b"x")


def test_an_outage_raises_storage_error_then_work_resumes(
    own_s3_server: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    settings = s3_settings(own_s3_server, s3_bucket, tmp_path, RECORDROOM_S3_RETRY_SECONDS="1")
    store: EncryptedObjectStore = open_store(settings)
    store.put("before", b"kept")
    own_s3_server.stop()
    with pytest.raises(StorageError, match="did not answer"):
        store.put("during", b"queued")
    with pytest.raises(StorageError, match="did not answer"):
        store.get("before")
    own_s3_server.start()
    store.put("during", b"queued")
    assert store.get("before") == b"kept"
    assert store.get("during") == b"queued"
