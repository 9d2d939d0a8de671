"""Any S3 service (AWS S3, MinIO, SeaweedFS, …) through the ``minio`` SDK.

Keys are the same content-addressed keys as in the local folder. The bucket is created when it is
missing, with object lock where the service supports it (only a new bucket can have it), and
versioning is turned on, so an overwritten or deleted object can still be recovered from the
bucket. ``put_retained`` (the audit checkpoints) locks an object in compliance mode: no one, root
account included, can delete or overwrite that version before its date.

A failure of the service itself (down, timing out, overloaded) is retried with a growing pause for
up to ``retry_seconds``; after that a ``StorageError`` tells the caller to try again later (intake
leaves the file queued), and a refusal (wrong keys, no such bucket permission) is reported at once.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

import urllib3
from minio import Minio
from minio.commonconfig import COMPLIANCE, ENABLED
from minio.error import MinioException, S3Error, ServerError
from minio.retention import Retention
from minio.versioningconfig import VersioningConfig

from recordroom.core import ConfigurationError, NotFoundError, StorageError
from storage.reading import read_for_storing

log = logging.getLogger("recordroom.storage")

T = TypeVar("T")

RETRIED_CODES = frozenset(
    {"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "OperationAborted"}
)
NOT_FOUND_CODES = frozenset({"NoSuchKey", "NoSuchObject", "NoSuchVersion"})
META_PREFIX = "X-Amz-Meta-Recordroom-"
# Asking an object that is not locked for its retention: AWS and MinIO, then SeaweedFS.
NO_RETENTION_CODES = frozenset(
    {"NoSuchObjectLockConfiguration", "ObjectLockConfigurationNotFoundError"}
)


def parse_bucket(storage: str) -> str:
    """The bucket of ``RECORDROOM_STORAGE=s3://BUCKET``."""
    bucket = storage.removeprefix("s3://").strip("/")
    if not bucket or "/" in bucket:
        raise ConfigurationError(
            f"RECORDROOM_STORAGE is {storage!r}; it must be 's3://BUCKET' (a bucket name only)"
        )
    return bucket


def _is_transient(error: BaseException) -> bool:
    if isinstance(error, S3Error):
        return error.code in RETRIED_CODES
    return isinstance(error, ServerError | urllib3.exceptions.HTTPError | OSError)


class S3ObjectStore:
    """Objects in one bucket of an S3 service, kept exactly as given (encryption is the job of
    ``EncryptedObjectStore`` above it)."""

    def __init__(
        self,
        *,
        endpoint: str,
        bucket: str,
        access_key: str,
        secret_key: str,
        secure: bool = True,
        retry_seconds: float = 30.0,
        timeout_seconds: float = 20.0,
    ) -> None:
        if not endpoint:
            raise ConfigurationError(
                "RECORDROOM_STORAGE is s3://… but RECORDROOM_S3_ENDPOINT is empty"
            )
        self.bucket = bucket
        self.endpoint = endpoint
        self.retry_seconds = retry_seconds
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=min(5.0, timeout_seconds), read=timeout_seconds),
            retries=False,  # retried here, with a pause that grows, for the whole request
            maxsize=8,
        )
        try:
            self.client = Minio(
                endpoint.removeprefix("https://").removeprefix("http://"),
                access_key=access_key or None,
                secret_key=secret_key or None,
                secure=secure,
                region="us-east-1",
                http_client=http,
            )
        except ValueError as exc:
            raise ConfigurationError(f"RECORDROOM_S3_ENDPOINT {endpoint!r}: {exc}") from exc
        self._bucket_ready = False
        self._bucket_lock = threading.Lock()
        self._object_lock: bool | None = None  # whether the bucket has object lock; asked once

    # -- retries ----------------------------------------------------------------------------------

    def _call(self, what: str, action: Callable[[], T]) -> T:
        """Run one request, retrying transient failures with backoff for ``retry_seconds``."""
        deadline = time.monotonic() + self.retry_seconds
        pause = 0.25
        attempt = 0
        while True:
            attempt += 1
            try:
                self._ensure_bucket()
                return action()
            except S3Error as error:
                if error.code in NOT_FOUND_CODES:
                    raise NotFoundError(f"{what}: not in bucket {self.bucket}") from error
                if error.code not in RETRIED_CODES:
                    raise StorageError(
                        f"{what}: the S3 service at {self.endpoint} refused ({error.code}); "
                        "check RECORDROOM_S3_ACCESS_KEY, RECORDROOM_S3_SECRET_KEY and the "
                        "bucket's permissions"
                    ) from error
                failure: Exception = error
            except (MinioException, urllib3.exceptions.HTTPError, OSError) as error:
                if not _is_transient(error):
                    raise StorageError(f"{what}: {type(error).__name__}") from error
                failure = error
            if time.monotonic() + pause > deadline:
                raise StorageError(
                    f"{what}: the S3 service at {self.endpoint} did not answer after "
                    f"{attempt} tries ({type(failure).__name__}); the work stays queued and is "
                    "tried again later"
                ) from failure
            log.warning("%s: S3 unavailable (%s); retrying", what, type(failure).__name__)
            time.sleep(pause)
            pause = min(pause * 2, 5.0)

    def _ensure_bucket(self) -> None:
        if self._bucket_ready:
            return
        with self._bucket_lock:
            if self._bucket_ready:
                return
            if not self.client.bucket_exists(self.bucket):
                self._make_bucket()
            self._enable_versioning()
            self._bucket_ready = True

    def _make_bucket(self) -> None:
        """The bucket, with object lock when the service has it (it cannot be added later)."""
        for object_lock in (True, False):
            try:
                self.client.make_bucket(self.bucket, object_lock=object_lock)
            except S3Error as error:
                if error.code in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    return
                if object_lock and error.code not in RETRIED_CODES:
                    log.warning(
                        "bucket %s: object lock refused (%s); creating it without",
                        self.bucket,
                        error.code,
                    )
                    continue
                raise
            log.info("created bucket %s (object lock: %s)", self.bucket, object_lock)
            return

    def _enable_versioning(self) -> None:
        try:
            if self.client.get_bucket_versioning(self.bucket).status != ENABLED:
                self.client.set_bucket_versioning(self.bucket, VersioningConfig(ENABLED))
        except S3Error as error:  # a service without versioning still stores objects
            log.warning("bucket %s: versioning not available (%s)", self.bucket, error.code)

    # -- the ObjectStore protocol -----------------------------------------------------------------

    def put(self, key: str, data: bytes, metadata: Mapping[str, str] | None = None) -> None:
        headers: dict[str, str | list[str] | tuple[str]] = {
            META_PREFIX + name: value for name, value in (metadata or {}).items()
        }

        def upload() -> None:
            self.client.put_object(
                self.bucket, key, io.BytesIO(data), len(data), metadata=headers or None
            )

        self._call(f"storing object {key}", upload)

    def put_file(self, key: str, path: Path, metadata: Mapping[str, str] | None = None) -> None:
        self.put(key, read_for_storing(path), metadata)

    def put_retained(
        self, key: str, data: bytes, *, retain_until: dt.datetime, replace: bool = False
    ) -> None:
        """Store ``key`` locked in compliance mode until ``retain_until``. Without ``replace`` an
        existing object is not replaced; with it, a new version is locked and the earlier one
        stays, locked until its own date. A bucket made without object lock (before this version,
        or by a service without it) gets a plain write and a warning: its objects can be
        rewritten by whoever holds the bucket's keys."""
        if not replace and self.exists(key):
            raise StorageError(f"object {key} is retained and cannot be replaced")
        if not self.has_object_lock():
            log.warning(
                "bucket %s has no object lock: object %s is stored without retention "
                "(a bucket created with object lock would protect it)",
                self.bucket,
                key,
            )
            self.put(key, data)
            return
        retention = Retention(COMPLIANCE, retain_until.astimezone(dt.UTC))

        def upload() -> None:
            self.client.put_object(
                self.bucket, key, io.BytesIO(data), len(data), retention=retention
            )

        self._call(f"storing object {key} under retention", upload)

    def has_object_lock(self) -> bool:
        if self._object_lock is None:

            def ask() -> bool:
                try:
                    self.client.get_object_lock_config(self.bucket)
                except S3Error as error:
                    if error.code == "ObjectLockConfigurationNotFoundError":
                        return False
                    raise
                return True

            self._object_lock = self._call(f"asking bucket {self.bucket} for object lock", ask)
        return self._object_lock

    def retained_until(self, key: str, version_id: str | None = None) -> dt.datetime | None:
        """The compliance or governance date that locks ``key`` (a version of it), or None."""

        def ask() -> Retention | None:
            try:
                return self.client.get_object_retention(self.bucket, key, version_id=version_id)
            except S3Error as error:
                if error.code in NO_RETENTION_CODES:
                    return None
                raise

        retention = self._call(f"asking object {key} for its retention", ask)
        if retention is None or retention.retain_until_date is None:
            return None
        return retention.retain_until_date

    def get(self, key: str) -> bytes:
        def download() -> bytes:
            response = self.client.get_object(self.bucket, key)
            try:
                return bytes(response.read())
            finally:
                response.close()
                response.release_conn()

        return self._call(f"reading object {key}", download)

    def exists(self, key: str) -> bool:
        try:
            self._call(
                f"looking for object {key}", lambda: self.client.stat_object(self.bucket, key)
            )
        except NotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        self._call(f"deleting object {key}", lambda: self.client.remove_object(self.bucket, key))

    def keys(self, prefix: str = "") -> Iterator[str]:
        names = self._call(
            f"listing bucket {self.bucket}",
            lambda: [
                obj.object_name
                for obj in self.client.list_objects(self.bucket, prefix=prefix, recursive=True)
                if obj.object_name is not None and not obj.is_dir
            ],
        )
        return iter(names)

    def metadata(self, key: str) -> dict[str, str]:
        """The recordroom metadata the object was stored with (names in lower case)."""
        stat = self._call(
            f"looking at object {key}", lambda: self.client.stat_object(self.bucket, key)
        )
        prefix = META_PREFIX.lower()
        return {
            name.lower().removeprefix(prefix): str(value)
            for name, value in (stat.metadata or {}).items()
            if name.lower().startswith(prefix)
        }

    def purge_old_versions(self, prefix: str) -> int:
        """Delete every noncurrent version under ``prefix`` (e.g. envelopes wrapped with a
        retired master key, which versioning would otherwise keep); returns how many. Versions
        still under object lock are kept."""

        def old_versions() -> list[tuple[str, str]]:
            return [
                (str(obj.object_name), str(obj.version_id))
                for obj in self.client.list_objects(
                    self.bucket, prefix=prefix, recursive=True, include_version=True
                )
                # minio reports IsLatest as the XML's text, "true" or "false"
                if obj.version_id
                and str(obj.is_latest).lower() != "true"
                and obj.object_name is not None
            ]

        versions = self._call(f"listing old versions in bucket {self.bucket}", old_versions)
        removed = kept = 0
        for name, version in versions:
            if self._remove_version(name, version):
                removed += 1
            else:
                kept += 1
        if kept:
            log.info("kept %d old version(s) under %s: retained by object lock", kept, prefix)
        return removed

    def _remove_version(self, name: str, version: str) -> bool:
        """Delete one version; False when the service refuses because it is still locked (an
        audit checkpoint's envelope), which is asked only then."""

        def remove() -> bool:
            try:
                self.client.remove_object(self.bucket, name, version_id=version)
            except S3Error as error:
                if error.code != "AccessDenied":
                    raise
                return False
            return True

        if self._call(f"deleting an old version of {name}", remove):
            return True
        until = self.retained_until(name, version)
        if until is None or until <= dt.datetime.now(dt.UTC):
            raise StorageError(
                f"deleting an old version of {name}: the S3 service at {self.endpoint} refused "
                "(AccessDenied); check the bucket's permissions"
            )
        return False
