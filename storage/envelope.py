"""Envelope encryption: each object has its own data key; a master key wraps the data key.

An object is kept as two objects in the backend:

``KEY``
    the body: ``MAGIC`` (8 bytes) | data key id (16) | nonce (12) | AES-256-GCM ciphertext and
    tag. The associated data binds the body to its key, so an object copied over another fails
    its check instead of being read as the other.
``envelopes/KEY``
    a small JSON envelope: the data key id, the id of the master key that wraps the data key, the
    wrapped data key (AES-256-GCM under the master key) and the object's metadata (ids and hashes,
    never patient information).

A new object's data key is derived from the master key, the object's key and its content. Two
machines that store the same bytes under the same key at the same moment (two watchers handed the
same fax) may interleave their writes, leaving one's envelope beside the other's body; both hold
the same data key, so the pair still opens. The only thing this tells a reader of the bucket is
that one object was written twice with the same content, which a content-addressed key says
already.

Rotating the master key rewrites only the envelopes; bodies are never rewritten. A body names its
data key id, so a body and an envelope that do not belong together are told apart from a damaged
object.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from recordroom.core.errors import CorruptObjectError
from storage.keyring import Keyring, MasterKey

MAGIC = b"RRENC\x01\x00\x00"
DATA_KEY_ID_BYTES = 16
NONCE_BYTES = 12
HEADER_BYTES = len(MAGIC) + DATA_KEY_ID_BYTES + NONCE_BYTES
ENVELOPES = "envelopes/"
ENVELOPE_FORMAT = "recordroom-envelope-1"


def envelope_key(key: str) -> str:
    return ENVELOPES + key


def is_envelope_key(key: str) -> bool:
    return key.startswith(ENVELOPES)


def body_key(envelope: str) -> str:
    return envelope.removeprefix(ENVELOPES)


@dataclass(frozen=True, slots=True)
class DataKey:
    key_id: bytes
    material: bytes

    def __repr__(self) -> str:  # never print the key itself
        return f"DataKey({self.key_id.hex()})"


def content_data_key(master: MasterKey, object_key: str, plaintext: bytes) -> DataKey:
    """The data key of a new object: the same for the same master key, object key and content,
    unguessable without the master key (HMAC-SHA-256 under a key derived from it, so the master
    key itself only ever wraps)."""
    derivation = hmac.digest(master.material, b"recordroom data key derivation", "sha256")
    seed = object_key.encode("utf-8") + b"\0" + hashlib.sha256(plaintext).digest()
    material = hmac.digest(derivation, b"material\0" + seed, "sha256")
    key_id = hmac.digest(derivation, b"id\0" + seed, "sha256")[:DATA_KEY_ID_BYTES]
    return DataKey(key_id, material)


@dataclass(frozen=True, slots=True)
class Envelope:
    object_key: str
    data_key_id: str  # hex
    master_key_id: str
    nonce: bytes
    wrapped_key: bytes
    metadata: Mapping[str, str] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "format": ENVELOPE_FORMAT,
                "object_key": self.object_key,
                "data_key_id": self.data_key_id,
                "master_key_id": self.master_key_id,
                "nonce": base64.b64encode(self.nonce).decode("ascii"),
                "wrapped_key": base64.b64encode(self.wrapped_key).decode("ascii"),
                "metadata": dict(self.metadata),
            },
            sort_keys=True,
        ).encode("utf-8")


def parse_envelope(key: str, raw: bytes) -> Envelope:
    try:
        data = json.loads(raw)
        if data.get("format") != ENVELOPE_FORMAT or data.get("object_key") != key:
            raise ValueError("not an envelope of this object")
        return Envelope(
            object_key=key,
            data_key_id=str(data["data_key_id"]),
            master_key_id=str(data["master_key_id"]),
            nonce=base64.b64decode(data["nonce"]),
            wrapped_key=base64.b64decode(data["wrapped_key"]),
            metadata={str(k): str(v) for k, v in dict(data.get("metadata", {})).items()},
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise CorruptObjectError(
            f"the envelope of object {key} is damaged; its data key cannot be read"
        ) from exc


def _wrap_aad(object_key: str, data_key_id: str) -> bytes:
    return b"recordroom data key\0" + object_key.encode("utf-8") + b"\0" + data_key_id.encode()


def wrap(
    object_key: str, data_key: DataKey, master: MasterKey, metadata: Mapping[str, str]
) -> Envelope:
    nonce = secrets.token_bytes(NONCE_BYTES)
    data_key_id = data_key.key_id.hex()
    wrapped = AESGCM(master.material).encrypt(
        nonce, data_key.material, _wrap_aad(object_key, data_key_id)
    )
    return Envelope(object_key, data_key_id, master.key_id, nonce, wrapped, dict(metadata))


def unwrap(envelope: Envelope, keyring: Keyring) -> DataKey:
    what = f"the data key of object {envelope.object_key}"
    master = keyring.find(envelope.master_key_id, what=what)
    try:
        material = AESGCM(master.material).decrypt(
            envelope.nonce,
            envelope.wrapped_key,
            _wrap_aad(envelope.object_key, envelope.data_key_id),
        )
    except InvalidTag as exc:
        raise CorruptObjectError(
            f"{what} does not unwrap with master key {master.key_id}: the envelope was changed"
        ) from exc
    return DataKey(bytes.fromhex(envelope.data_key_id), material)


def rewrap(envelope: Envelope, keyring: Keyring) -> Envelope:
    """The same data key, wrapped with the keyring's current master key."""
    data_key = unwrap(envelope, keyring)
    return wrap(envelope.object_key, data_key, keyring.current, envelope.metadata)


def _body_aad(object_key: str, header: bytes) -> bytes:
    return header + object_key.encode("utf-8")


def seal(object_key: str, data_key: DataKey, plaintext: bytes) -> bytes:
    header = MAGIC + data_key.key_id + secrets.token_bytes(NONCE_BYTES)
    nonce = header[-NONCE_BYTES:]
    ciphertext = AESGCM(data_key.material).encrypt(nonce, plaintext, _body_aad(object_key, header))
    return header + ciphertext


def body_data_key_id(object_key: str, body: bytes) -> bytes:
    if len(body) < HEADER_BYTES or not body.startswith(MAGIC):
        raise CorruptObjectError(
            f"object {object_key} is not in recordroom's encrypted format (stored by a version "
            "without encryption at rest: run `recordroom storage encrypt`; or damaged)"
        )
    return body[len(MAGIC) : len(MAGIC) + DATA_KEY_ID_BYTES]


def open_sealed(object_key: str, data_key: DataKey, body: bytes) -> bytes:
    if body_data_key_id(object_key, body) != data_key.key_id:
        raise CorruptObjectError(
            f"object {object_key} and its envelope do not belong together "
            "(the body names another data key)"
        )
    header = body[:HEADER_BYTES]
    try:
        return AESGCM(data_key.material).decrypt(
            header[-NONCE_BYTES:], body[HEADER_BYTES:], _body_aad(object_key, header)
        )
    except InvalidTag as exc:
        raise CorruptObjectError(
            f"object {object_key} failed its integrity check: it was changed or damaged "
            "after it was written"
        ) from exc
