"""The hash chain: each event's SHA-256 over its canonical form, which holds the previous hash.

The canonical form is JSON with sorted keys, no spaces, UTF-8, the time as ``iso_utc`` and the
entities as a list of ``[kind, id]`` pairs in the order recorded. The sequence number is part of
it, so an event moved to another place in the chain no longer matches its hash there; verify uses
that to tell an insertion, a deletion and a reordering apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from audit.events import AuditEvent, as_utc, iso_utc

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
    return sha256_hex(canonical_event(columns, entities, seq=seq))


def canonical_event(
    columns: Sequence[Any], entities: Sequence[tuple[str, str]], *, seq: int
) -> bytes:
    """``canonical(event_form(…))``, written out field by field: the same bytes (a test holds
    them equal), several times faster, which is what lets verify walk a million events in
    seconds. ``columns`` may carry more values after ``HASHED_COLUMNS`` (verify's rows end with
    the stored hash); they are ignored."""
    (
        _seq, recorded, kind, type_code, subtype_code, action, outcome, user_id, roles, door,
        network_address, site, host, system, purpose, query, recipient, detail, prev_hash,
    ) = columns[:19]  # fmt: skip
    enc = encode_basestring
    entity_list = ",".join(f"[{enc(k)},{enc(v)}]" for k, v in entities)
    return (
        f'{{"action":{enc(action)},'
        f'"detail":{"null" if detail is None else enc(detail)},'
        f'"door":{enc(door)},'
        f'"entities":[{entity_list}],'
        f'"host":{"null" if host is None else enc(host)},'
        f'"kind":{enc(kind)},'
        f'"network_address":{"null" if network_address is None else enc(network_address)},'
        f'"outcome":{enc(outcome)},'
        f'"prev_hash":{enc(prev_hash)},'
        f'"purpose":{"null" if purpose is None else enc(purpose)},'
        f'"query":{"null" if query is None else enc(query)},'
        f'"recipient":{"null" if recipient is None else enc(recipient)},'
        f'"recorded":"{recorded_text(recorded)}",'
        f'"roles":{enc(roles)},'
        f'"seq":{int(seq)},'
        f'"site":{enc(site)},'
        f'"subtype_code":{"null" if subtype_code is None else enc(subtype_code)},'
        f'"system":{enc(system)},'
        f'"type_code":{enc(type_code)},'
        f'"user_id":{enc(user_id)}}}'
    ).encode()


def event_form(
    columns: Sequence[Any], entities: Sequence[tuple[str, str]], *, seq: int
) -> dict[str, Any]:
    """The event as the dictionary whose ``canonical`` JSON is hashed (the definition)."""
    form = dict(zip(HASHED_COLUMNS, columns, strict=True))
    form["seq"] = seq
    form["recorded"] = recorded_text(form["recorded"])
    form["entities"] = [list(entity) for entity in entities]
    return form


def recorded_text(value: dt.datetime | str) -> str:
    """The time as ``iso_utc`` spells it, from a datetime or from SQLite's stored text
    (``2026-11-29 18:16:25.123456``, UTC), which verify reads without parsing."""
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " " and value[19] == ".":
            return f"{value[:10]}T{value[11:]}Z"
        value = dt.datetime.fromisoformat(value)
    return iso_utc(value)


def event_from_values(
    values: Sequence[Any], entities: Sequence[tuple[str, str]], digest: str
) -> AuditEvent:
    """The event record from its ``HASHED_COLUMNS`` values as stored."""
    form = dict(zip(HASHED_COLUMNS, values, strict=True))
    return AuditEvent(
        seq=form["seq"],
        recorded=as_utc(form["recorded"]),
        kind=form["kind"],
        type_code=form["type_code"],
        subtype_code=form["subtype_code"],
        action=form["action"],
        outcome=form["outcome"],
        user_id=form["user_id"],
        roles=tuple(role for role in form["roles"].split(",") if role),
        door=form["door"],
        network_address=form["network_address"],
        site=form["site"],
        host=form["host"],
        system=form["system"],
        purpose=form["purpose"],
        query=form["query"],
        recipient=form["recipient"],
        detail=form["detail"],
        entities=tuple(entities),
        prev_hash=form["prev_hash"],
        hash=digest,
    )
