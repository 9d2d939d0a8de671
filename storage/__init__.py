"""Object storage: originals and derivatives by content-addressed key, encrypted at rest."""

from __future__ import annotations

from recordroom.core import ConfigurationError, ObjectStore
from recordroom.core.keys import derivative_key, original_key
from recordroom.core.settings import Settings
from storage.encrypted import EncryptedObjectStore
from storage.keyring import load_keyring
from storage.local import LocalObjectStore

__all__ = [
    "EncryptedObjectStore",
    "LocalObjectStore",
    "derivative_key",
    "open_backend",
    "open_store",
    "original_key",
]


def open_backend(settings: Settings) -> ObjectStore:
    """The folder or bucket the settings name, bytes kept as given (no encryption)."""
    if settings.storage == "local":
        return LocalObjectStore(settings.objects_dir)
    if settings.storage.startswith("s3://"):
        from storage.s3 import S3ObjectStore, parse_bucket

        return S3ObjectStore(
            endpoint=settings.s3_endpoint,
            bucket=parse_bucket(settings.storage),
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            secure=settings.s3_secure,
            retry_seconds=settings.s3_retry_seconds,
        )
    raise ConfigurationError(
        f"RECORDROOM_STORAGE is {settings.storage!r}; it must be 'local' or 's3://BUCKET'"
    )


def open_store(settings: Settings) -> EncryptedObjectStore:
    """The object store the settings name, every object encrypted with the master key (a first
    key file is made under ``RECORDROOM_HOME/keys`` when there is no key at all)."""
    keyring = load_keyring(settings.keys_dir, settings.master_key, create=True)
    return EncryptedObjectStore(
        open_backend(settings),
        keyring,
        lambda: load_keyring(settings.keys_dir, settings.master_key),
    )
