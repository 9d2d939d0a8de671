"""The S3 store against a real S3 server (SeaweedFS ``weed mini`` on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt
import io
import logging
from pathlib import Path

import pytest
from minio import Minio
from minio.commonconfig import COMPLIANCE
from minio.error import S3Error
from minio.retention import Retention

from recordroom.core import NotFoundError, StorageError
from recordroom.core.settings import Settings, load_settings
from storage import EncryptedObjectStore, open_store, original_key
from storage.envelope import ENVELOPES, envelope_key
from storage.keyring import load_keyring, new_key_file
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


CHECKPOINT = "audit/checkpoints/000000000001.json"


def test_a_retained_object_is_locked_in_compliance_mode_body_and_envelope(
    s3_server: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    """``weed mini`` implements S3 object lock: the bucket is made with it, both halves of a
    retained object carry a compliance lock, and the server itself refuses to delete them."""
    settings = s3_settings(s3_server, s3_bucket, tmp_path)
    store = open_store(settings)
    backend = store.backend
    assert isinstance(backend, S3ObjectStore)
    until = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=2)
    store.put_retained(CHECKPOINT, b"checkpoint 1", retain_until=until)
    assert store.get(CHECKPOINT) == b"checkpoint 1"
    client = raw_client(s3_server)
    assert client.get_object_lock_config(s3_bucket) is not None  # the bucket has object lock
    for name in (CHECKPOINT, envelope_key(CHECKPOINT)):
        retention = client.get_object_retention(s3_bucket, name)
        assert retention is not None, name
        assert (retention.mode, retention.retain_until_date) == (COMPLIANCE, until), name
        version = client.stat_object(s3_bucket, name).version_id
        with pytest.raises(S3Error) as refused:
            client.remove_object(s3_bucket, name, version_id=version)
        assert refused.value.code == "AccessDenied"
        assert backend.retained_until(name, version) == until
    with pytest.raises(StorageError, match="retained"):
        store.put_retained(CHECKPOINT, b"forged", retain_until=until)
    # An ordinary object in the same bucket is not locked, and its old versions can go.
    store.put("plain", b"one")
    store.put("plain", b"two")
    assert backend.retained_until("plain") is None

    # Rotation re-wraps the envelope as a new locked version; the old version stays locked.
    new_key_file(settings.keys_dir)
    rotated = EncryptedObjectStore(store.backend, load_keyring(settings.keys_dir))
    assert rotated.rewrap_all().rewrapped == 2
    assert rotated.get(CHECKPOINT) == b"checkpoint 1"
    retention = client.get_object_retention(s3_bucket, envelope_key(CHECKPOINT))
    assert retention is not None and retention.mode == COMPLIANCE
    assert backend.purge_old_versions(ENVELOPES) == 1  # the plain object's envelope only
    versions = [
        obj.version_id
        for obj in client.list_objects(
            s3_bucket, prefix=envelope_key(CHECKPOINT), include_version=True
        )
    ]
    assert len(versions) == 2


def test_a_bucket_made_without_object_lock_gets_a_plain_write_and_a_warning(
    s3_server: S3Server, s3_bucket: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = raw_client(s3_server)
    client.make_bucket(s3_bucket)  # as an older recordroom made it
    store = open_store(s3_settings(s3_server, s3_bucket, tmp_path))
    until = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    with caplog.at_level(logging.WARNING, logger="recordroom.storage"):
        store.put_retained(CHECKPOINT, b"checkpoint 1", retain_until=until)
    assert store.get(CHECKPOINT) == b"checkpoint 1"
    assert f"bucket {s3_bucket} has no object lock" in caplog.text
    # What the server answers when asked to lock an object in such a bucket:
    with pytest.raises(S3Error) as refused:
        client.put_object(
            s3_bucket, "x", io.BytesIO(b"x"), 1, retention=Retention(COMPLIANCE, until)
        )
    assert refused.value.code == "InvalidRequest"
