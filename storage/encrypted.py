"""Encryption at rest over any backend: what reaches the folder or the bucket is ciphertext.

``EncryptedObjectStore`` keeps the ``ObjectStore`` protocol and stores each object as a sealed body
and a small envelope (``storage.envelope``) in a backend that keeps bytes as they are given
(``LocalObjectStore``, ``S3ObjectStore``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from recordroom.core import NotFoundError, ObjectStore, StorageError
from recordroom.core.errors import CorruptObjectError
from recordroom.core.protocols import RetainingObjectStore
from storage.envelope import (
    MAGIC,
    DataKey,
    Envelope,
    body_data_key_id,
    content_data_key,
    envelope_key,
    is_envelope_key,
    open_sealed,
    parse_envelope,
    rewrap,
    seal,
    unwrap,
    wrap,
)
from storage.keyring import Keyring
from storage.reading import read_for_storing

log = logging.getLogger("recordroom.storage")

RETAIN_UNTIL = "retain-until"  # envelope metadata of a retained object: when its lock ends


@dataclass(frozen=True, slots=True)
class SealReport:
    sealed: int
    already_sealed: int


@dataclass(frozen=True, slots=True)
class RotationReport:
    rewrapped: int
    already_current: int
    failed: tuple[str, ...]  # messages, one per envelope that could not be re-wrapped


class EncryptedObjectStore:
    """Seals every object with its own AES-256-GCM data key, wrapped by the keyring's master key.

    Writing a new object writes its envelope first, then its body, so a crash between the two
    leaves an envelope without a body (an unused key, reported as an orphan by ``verify``), never
    a body without its key. Overwriting an object keeps its data key, so the envelope on disk
    always opens the body beside it. A new object's data key comes from its content
    (``content_data_key``), so two machines writing the same object at once cannot leave a body
    and an envelope that do not belong together.

    ``put_retained`` (the audit checkpoints) locks both halves until the date when the backend can
    retain (S3 object lock, the local store's read-only files): a locked body is no use if its
    envelope can be deleted. The envelope records the date, so a key rotation re-wraps it under
    the same lock.
    """

    def __init__(
        self,
        backend: ObjectStore,
        keyring: Keyring,
        reload_keyring: Callable[[], Keyring] | None = None,
    ) -> None:
        self.backend = backend
        self.keyring = keyring
        # Read again before each new data key is wrapped, so that a process started before a
        # `storage rotate-key` wraps with the new master key from then on.
        self.reload_keyring = reload_keyring

    # -- the ObjectStore protocol -----------------------------------------------------------------

    def put(self, key: str, data: bytes, metadata: Mapping[str, str] | None = None) -> None:
        metadata = dict(metadata or {})
        if self.reload_keyring is not None:
            self.keyring = self.reload_keyring()
        data_key = self._data_key_for_writing(key, data, metadata)
        self.backend.put(key, seal(key, data_key, data), metadata)

    def put_file(self, key: str, path: Path, metadata: Mapping[str, str] | None = None) -> None:
        self.put(key, read_for_storing(path), metadata)

    def put_retained(
        self, key: str, data: bytes, *, retain_until: dt.datetime, replace: bool = False
    ) -> None:
        backend = self.backend
        if not isinstance(backend, RetainingObjectStore):
            log.warning("the object store cannot retain objects: %s is a plain write", key)
            self.put(key, data)
            return
        if not replace and backend.exists(key):
            raise StorageError(f"object {key} is retained and cannot be replaced")
        if self.reload_keyring is not None:
            self.keyring = self.reload_keyring()
        until = retain_until.astimezone(dt.UTC)
        try:
            # An envelope a crash left without its body is locked already: its key is reused.
            found = self.envelope(key)
            envelope: Envelope | None = found
            data_key = unwrap(found, self.keyring)
        except CorruptObjectError:
            envelope, data_key = None, content_data_key(self.keyring.current, key, data)
        if envelope is None or RETAIN_UNTIL not in envelope.metadata:
            metadata = {RETAIN_UNTIL: until.isoformat()}
            self._write_envelope(wrap(key, data_key, self.keyring.current, metadata))
        backend.put_retained(key, seal(key, data_key, data), retain_until=until, replace=replace)

    def get(self, key: str) -> bytes:
        body = self.backend.get(key)
        body_data_key_id(key, body)  # a plaintext object from an old version is named as such
        return open_sealed(key, self._data_key(key), body)

    def exists(self, key: str) -> bool:
        return self.backend.exists(key) and self.backend.exists(envelope_key(key))

    def delete(self, key: str) -> None:
        self.backend.delete(key)
        self.backend.delete(envelope_key(key))

    def keys(self, prefix: str = "") -> Iterator[str]:
        """The objects' keys (envelopes are not objects of their own)."""
        return (key for key in self.backend.keys(prefix) if not is_envelope_key(key))

    # -- envelopes --------------------------------------------------------------------------------

    def envelope(self, key: str) -> Envelope:
        try:
            raw = self.backend.get(envelope_key(key))
        except NotFoundError as exc:
            raise CorruptObjectError(
                f"object {key} has lost its envelope: its data key is gone and it cannot be "
                "decrypted"
            ) from exc
        return parse_envelope(key, raw)

    def envelope_keys(self) -> Iterator[str]:
        """The keys of the objects that have an envelope (whether or not their body exists)."""
        return (
            key.removeprefix(envelope_key(""))
            for key in self.backend.keys(envelope_key(""))
            if is_envelope_key(key)
        )

    def _data_key(self, key: str) -> DataKey:
        return unwrap(self.envelope(key), self.keyring)

    def _data_key_for_writing(self, key: str, data: bytes, metadata: Mapping[str, str]) -> DataKey:
        """The object's data key: the one in its envelope if it has one that opens, else one
        drawn from the content whose envelope is written now (before the body)."""
        try:
            envelope = self.envelope(key)
            data_key = unwrap(envelope, self.keyring)
        except CorruptObjectError:
            # No envelope, or a broken one: start afresh.
            data_key = content_data_key(self.keyring.current, key, data)
        else:
            if metadata and dict(envelope.metadata) != dict(metadata):
                merged = {**envelope.metadata, **metadata}
                self._write_envelope(wrap(key, data_key, self.keyring.current, merged))
            return data_key
        self._write_envelope(wrap(key, data_key, self.keyring.current, metadata))
        return data_key

    def _write_envelope(self, envelope: Envelope) -> None:
        key = envelope_key(envelope.object_key)
        until = envelope.metadata.get(RETAIN_UNTIL)
        if until and isinstance(self.backend, RetainingObjectStore):
            retain_until = dt.datetime.fromisoformat(until)
            self.backend.put_retained(
                key, envelope.to_bytes(), retain_until=retain_until, replace=True
            )
        else:
            self.backend.put(key, envelope.to_bytes())

    # -- rotation ---------------------------------------------------------------------------------

    def rewrap_all(self) -> RotationReport:
        """Wrap every data key with the current master key; bodies are not touched."""
        rewrapped = already = 0
        failed = []
        current = self.keyring.current.key_id
        for key in list(self.envelope_keys()):
            try:
                envelope = self.envelope(key)
                if envelope.master_key_id == current:
                    already += 1
                    continue
                self._write_envelope(rewrap(envelope, self.keyring))
                rewrapped += 1
            except StorageError as error:
                failed.append(str(error))
        log.info("re-wrapped %d data key(s); %d already current", rewrapped, already)
        return RotationReport(rewrapped, already, tuple(failed))

    # -- objects from before encryption at rest ---------------------------------------------------

    def seal_plaintext_objects(self) -> SealReport:
        """Encrypt the objects a version without encryption at rest left in the store.

        Such a body does not start with ``MAGIC`` (no PDF, image or text does). Safe to run again
        and after a crash: the envelope is written before the body, and a body still in plaintext
        beside an envelope is sealed with that envelope's data key.
        """
        sealed = already = 0
        for key in list(self.keys()):
            body = self.backend.get(key)
            if body.startswith(MAGIC):
                already += 1
                continue
            self.put(key, body, {"sealed-after-upgrade": "true"})
            sealed += 1
        log.info("sealed %d object(s) stored before encryption at rest", sealed)
        return SealReport(sealed, already)
