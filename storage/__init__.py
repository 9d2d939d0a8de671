"""Object storage: originals and derivatives by content-addressed key."""

from __future__ import annotations

from recordroom.core import ConfigurationError, ObjectStore
from recordroom.core.keys import derivative_key, original_key
from recordroom.core.settings import Settings
from storage.local import LocalObjectStore

__all__ = ["LocalObjectStore", "derivative_key", "open_store", "original_key"]


def open_store(settings: Settings) -> ObjectStore:
    """The object store the settings name."""
    if settings.storage == "local":
        return LocalObjectStore(settings.objects_dir)
    if settings.storage.startswith("s3://"):
        raise ConfigurationError(
            "RECORDROOM_STORAGE=s3://… is not available in this version; use 'local'"
        )
    raise ConfigurationError(
        f"RECORDROOM_STORAGE is {settings.storage!r}; it must be 'local' or 's3://BUCKET'"
    )
