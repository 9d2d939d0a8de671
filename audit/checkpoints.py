"""Signed checkpoints: every N events and at shutdown, the chain's position and hash, signed with
Ed25519 and written to object storage where it cannot be rewritten.

Like AWS CloudTrail's digest files, each checkpoint names the last event's hash and the previous
checkpoint's hash, so a copy of the checkpoints alone proves the log up to there intact. The
object is written through ``RetainingObjectStore.put_retained`` when the store has it (S3 object
lock in compliance mode; write-once files locally), else with a plain write-once ``put``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.orm import Session

from audit.chain import canonical, sha256_hex
from audit.events import iso_utc
from audit.models import CHECKPOINTS, CHECKPOINTS_HEAD, EVENTS, HEADS
from recordroom.core import ConfigurationError, ObjectStore, StorageError
from recordroom.core.private import PRIVATE_DIR, create_private
from recordroom.core.protocols import RetainingObjectStore
from recordroom.core.sql import utcnow

log = logging.getLogger("recordroom.audit")

PREFIX = "audit/checkpoints/"


def object_key(number: int) -> str:
    return f"{PREFIX}{number:012d}.json"


def create_key(path: Path) -> Ed25519PrivateKey:
    """A new Ed25519 signing key in ``path`` (PEM, mode 0600; the folder 0700). Refuses to replace
    an existing key (``FileExistsError``): checkpoints signed with it could no longer be checked.
    The key is written beside ``path`` and linked into place whole, so a process starting at the
    same moment never reads half a key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, PRIVATE_DIR)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    create_private(path, pem)
    return key


def load_key(path: Path) -> Ed25519PrivateKey:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigurationError(
            f"the audit signing key {path} does not exist; run `recordroom init`"
        ) from exc
    if path.stat().st_mode & 0o077:
        log.warning("the audit signing key %s can be read by other users; chmod 600 it", path)
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"{path} is not an Ed25519 private key")
    return key


def ensure_key(path: Path) -> Ed25519PrivateKey:
    """The signing key in ``path``, created on first use (``recordroom init`` calls this). Two
    processes starting together in a new home (two workers) both find no key: one creates it,
    the other reads it."""
    if path.exists():
        return load_key(path)
    try:
        return create_key(path)
    except FileExistsError:
        return load_key(path)


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key."""
    return sha256_hex(public_bytes(key))[:16]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    number: int
    seq: int
    event_hash: str
    previous: str
    created: dt.datetime
    reason: str
    key_id: str
    hash: str
    signature: str  # base64

    def payload(self) -> dict[str, Any]:
        """What is signed and hashed."""
        return {
            "number": self.number,
            "seq": self.seq,
            "event_hash": self.event_hash,
            "previous": self.previous,
            "created": iso_utc(self.created),
            "reason": self.reason,
            "key_id": self.key_id,
        }

    def document(self, public_key: Ed25519PublicKey) -> bytes:
        """The object written to the store: the payload, its hash, signature and public key."""
        return canonical(
            {
                "checkpoint": self.payload(),
                "hash": self.hash,
                "signature": self.signature,
                "public_key": base64.b64encode(public_bytes(public_key)).decode(),
            }
        )


def parse_document(data: bytes) -> Checkpoint:
    """A checkpoint read back from the store (``ValueError`` when it is not one)."""
    try:
        document = json.loads(data)
        payload = document["checkpoint"]
        return Checkpoint(
            number=int(payload["number"]),
            seq=int(payload["seq"]),
            event_hash=str(payload["event_hash"]),
            previous=str(payload["previous"]),
            created=dt.datetime.strptime(payload["created"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                tzinfo=dt.UTC
            ),
            reason=str(payload["reason"]),
            key_id=str(payload["key_id"]),
            hash=str(document["hash"]),
            signature=str(document["signature"]),
        )
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a checkpoint: {exc}") from exc


def signature_valid(checkpoint: Checkpoint, keys: dict[str, Ed25519PublicKey]) -> bool:
    key = keys.get(checkpoint.key_id)
    if key is None:
        return False
    try:
        key.verify(base64.b64decode(checkpoint.signature), canonical(checkpoint.payload()))
    except (InvalidSignature, ValueError):
        return False
    return True


def latest_checkpoints(session: Session, limit: int = 10) -> list[Checkpoint]:
    """The last ``limit`` checkpoints in the database, newest first (as recorded; ``verify``
    checks them against their stored copies and the chain)."""
    query = select(CHECKPOINTS).order_by(CHECKPOINTS.c.number.desc()).limit(limit)
    return [row_checkpoint(row) for row in session.execute(query)]


def row_checkpoint(row: Any) -> Checkpoint:
    return Checkpoint(
        number=row.number,
        seq=row.seq,
        event_hash=row.event_hash,
        previous=row.previous,
        created=row.created,
        reason=row.reason,
        key_id=row.key_id,
        hash=row.hash,
        signature=row.signature,
    )


class Checkpointer:
    """Writes signed checkpoints of the chain to the database and the object store."""

    def __init__(
        self, store: ObjectStore, key: Ed25519PrivateKey, *, retention_years: int = 6
    ) -> None:
        self.store = store
        self.key = key
        self.public_key = key.public_key()
        self.key_id = key_id(self.public_key)
        self.retention_years = retention_years

    def write(self, engine: Engine, reason: str) -> Checkpoint | None:
        """A checkpoint of the last committed event; None when the last checkpoint covers it."""
        with engine.begin() as connection:
            return self._write(connection, reason)

    def _write(self, connection: Connection, reason: str) -> Checkpoint | None:
        heads = HEADS
        # Touching the head row first takes the write lock (SQLite) or the row lock
        # (PostgreSQL), so two processes never write the same checkpoint number.
        number, previous = connection.execute(
            update(heads)
            .where(heads.c.name == CHECKPOINTS_HEAD)
            .values(seq=heads.c.seq)
            .returning(heads.c.seq, heads.c.hash)
        ).one()
        events = EVENTS
        last = connection.execute(
            select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()).limit(1)
        ).first()
        if last is None:
            return None
        checkpoints = CHECKPOINTS
        covered = connection.execute(
            select(checkpoints.c.seq).where(checkpoints.c.number == number)
        ).scalar()
        if covered is not None and covered >= last.seq:
            return None
        checkpoint = self._sign(number + 1, last.seq, last.hash, previous, reason)
        self._put(checkpoint)
        connection.execute(
            insert(checkpoints).values(
                number=checkpoint.number,
                seq=checkpoint.seq,
                event_hash=checkpoint.event_hash,
                previous=checkpoint.previous,
                created=checkpoint.created,
                reason=checkpoint.reason,
                key_id=checkpoint.key_id,
                hash=checkpoint.hash,
                signature=checkpoint.signature,
                object_key=object_key(checkpoint.number),
            )
        )
        connection.execute(
            update(heads)
            .where(heads.c.name == CHECKPOINTS_HEAD)
            .values(seq=checkpoint.number, hash=checkpoint.hash)
        )
        log.info("audit checkpoint %d at event %d", checkpoint.number, checkpoint.seq)
        return checkpoint

    def _sign(
        self, number: int, seq: int, event_hash: str, previous: str, reason: str
    ) -> Checkpoint:
        unsigned = Checkpoint(
            number, seq, event_hash, previous, utcnow(), reason, self.key_id, hash="", signature=""
        )
        body = canonical(unsigned.payload())
        signature = base64.b64encode(self.key.sign(body)).decode()
        return replace(unsigned, hash=sha256_hex(body), signature=signature)

    def _put(self, checkpoint: Checkpoint) -> None:
        key = object_key(checkpoint.number)
        data = checkpoint.document(self.public_key)
        if self.store.exists(key):
            # A checkpoint object is never replaced; one left by a crash between the write and
            # the commit is reported by verify rather than overwritten.
            raise StorageError(f"audit checkpoint object {key} already exists; run audit verify")
        if isinstance(self.store, RetainingObjectStore):
            until = checkpoint.created + dt.timedelta(days=366 * self.retention_years)
            self.store.put_retained(key, data, retain_until=until)
        else:
            self.store.put(key, data)
