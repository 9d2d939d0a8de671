"""The hash chain: each event's SHA-256 over its canonical form, which holds the previous hash.

The canonical form is JSON with sorted keys, no spaces, UTF-8, the time as ``iso_utc`` and the
entities as a list of ``[kind, id]`` pairs in the order recorded. The sequence number is part of
it, so an event moved to another place in the chain no longer matches its hash there; verify uses
that to tell an insertion, a deletion and a reordering apart.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from audit.events import AuditEvent, iso_utc

# The columns of audit_events that the hash covers, in the order the verifier selects them.
HASHED_COLUMNS = (
    "seq",
    "recorded",
    "kind",
    "type_code",
    "subtype_code",
    "action",
    "outcome",
    "user_id",
    "roles",
    "door",
    "network_address",
    "site",
    "host",
    "system",
    "purpose",
    "query",
    "recipient",
    "detail",
    "prev_hash",
)


def canonical(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def event_hash(columns: Sequence[Any], entities: Sequence[tuple[str, str]], *, seq: int) -> str:
    """The hash of an event given its ``HASHED_COLUMNS`` values (as stored) and its entities.

    ``seq`` replaces the stored sequence number, so the verifier can ask "would this row be
    intact at another place in the chain?"."""
    form = dict(zip(HASHED_COLUMNS, columns, strict=True))
    form["seq"] = seq
    form["recorded"] = iso_utc(form["recorded"])
    form["entities"] = [list(entity) for entity in entities]
    return sha256_hex(canonical(form))


def hashed_values(event: AuditEvent) -> tuple[Any, ...]:
    """An event's ``HASHED_COLUMNS`` values as they are stored."""
    return (
        event.seq,
        event.recorded,
        event.kind,
        event.type_code,
        event.subtype_code,
        event.action,
        event.outcome,
        event.user_id,
        ",".join(event.roles),
        event.door,
        event.network_address,
        event.site,
        event.host,
        event.system,
        event.purpose,
        event.query,
        event.recipient,
        event.detail,
        event.prev_hash,
    )
