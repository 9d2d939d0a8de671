"""Verification: walk the chain and the checkpoints and name the first place where they disagree.

The walk recomputes each event's hash and checks that it links to the one before. At the first
event that does not, it looks at a few events on either side to say what happened there:

- **modified**: the event's content no longer matches its hash (or an event was rewritten with a
  new hash, so the next one no longer links to it);
- **deleted**: sequence numbers are missing, or later events were renumbered to close the gap (they
  match their hashes only at their old, higher places), or the chain ends before its head;
- **inserted**: an event that was never recorded sits in the chain (the events after it match their
  hashes only at their old, lower places);
- **reordered**: two events swapped places (each matches its hash only at the other's place).

Checkpoints are checked on their own (signature, link to the previous checkpoint, the copy in the
object store against the copy in the database) and against the chain (the event they name must
have the hash they signed), which catches a chain rewritten from some point on with fresh hashes.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from hashlib import sha256
from itertools import islice
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, Engine, create_engine, select

from audit.chain import HASHED_COLUMNS, canonical, canonical_event, event_hash, sha256_hex
from audit.checkpoints import (
    Checkpoint,
    key_id,
    object_key,
    parse_document,
    row_checkpoint,
    signature_valid,
)
from audit.models import (
    CHECKPOINTS,
    CHECKPOINTS_HEAD,
    EVENTS_HEAD,
    GENESIS,
    HEADS,
)
from recordroom.core import NotFoundError, ObjectStore, StorageError

Problem = Literal["modified", "deleted", "inserted", "reordered", "checkpoint"]
LOOK = 64  # how far around the first broken link verify looks to tell what happened
PARALLEL_FROM = 200_000  # chains this long are first checked in ranges, side by side
WORKERS: int | None = None  # processes for that; None: one per core, at most four


@dataclass(frozen=True, slots=True)
class Finding:
    problem: Problem
    seq: int | None  # the first event concerned (None for a checkpoint-only problem)
    message: str


@dataclass
class VerifyReport:
    events: int = 0  # events checked
    checkpoints: int = 0  # checkpoints checked
    head_seq: int = 0
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        return self.findings[0] if self.findings else None


@dataclass(frozen=True, slots=True)
class _Row:
    values: tuple[Any, ...]  # HASHED_COLUMNS
    entities: tuple[tuple[str, str], ...]
    hash: str

    @property
    def seq(self) -> int:
        return int(self.values[0])

    @property
    def prev(self) -> str:
        return str(self.values[-1])

    def hash_at(self, seq: int) -> str:
        return event_hash(self.values, self.entities, seq=seq)

    def origin(self) -> int | None:
        """The sequence number at which this row matches its own hash, if any nearby."""
        if self.hash_at(self.seq) == self.hash:
            return self.seq
        for distance in range(1, LOOK + 1):
            for candidate in (self.seq - distance, self.seq + distance):
                if candidate > 0 and self.hash_at(candidate) == self.hash:
                    return candidate
        return None


def verify(
    engine: Engine,
    store: ObjectStore | None,
    keys: Sequence[Ed25519PublicKey] = (),
    *,
    workers: int | None = None,
    parallel_from: int | None = None,
) -> VerifyReport:
    """Check the whole chain and every checkpoint; ``keys`` are the trusted signing keys.

    A chain of ``parallel_from`` events or more is first checked in ranges by ``workers``
    processes (default: one per core, at most four); the first range that is not intact, and the
    one before it, are then walked again in order to say exactly what happened there."""
    started = time.perf_counter()
    report = VerifyReport()
    trusted = {key_id(key): key for key in keys}
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        checkpoints = _check_checkpoints(connection, store, trusted, report)
        heads = {row.name: (row.seq, row.hash) for row in connection.execute(select(HEADS))}
        head_seq, head_hash = heads.get(EVENTS_HEAD, (0, GENESIS))
        report.head_seq = head_seq
        expected = {checkpoint.seq: checkpoint for checkpoint in checkpoints}
        start = _Start()
        count = workers or WORKERS or min(4, os.cpu_count() or 1)
        threshold = PARALLEL_FROM if parallel_from is None else parallel_from
        in_memory = engine.url.database in (None, "", ":memory:")
        if count > 1 and head_seq >= threshold and not in_memory:
            start = _scan_in_parallel(engine, head_seq, expected, count)
        _walk(_rows(connection, head_seq, start.seq), head_seq, head_hash, expected, report, start)
    report.seconds = time.perf_counter() - started
    return report


@dataclass(frozen=True, slots=True)
class _Start:
    """Where the ordered walk begins: the first event to read, the hash it must link to, and the
    last checkpointed event before it."""

    seq: int = 1
    prev_hash: str = GENESIS
    last_checkpoint: int = 0


@dataclass(frozen=True, slots=True)
class _Range:
    lo: int
    hi: int
    intact: bool  # every event lo..hi present, matching its hash and linked to the one before
    first_prev: str  # the hash event lo links to
    last_hash: str


def _scan_in_parallel(
    engine: Engine, head_seq: int, checkpoints: dict[int, Checkpoint], workers: int
) -> _Start:
    """Check ranges of the chain side by side; where the ordered walk must start."""
    size = -(-head_seq // workers)
    bounds = [(lo, min(head_seq, lo + size - 1)) for lo in range(1, head_seq + 1, size)]
    url = engine.url.render_as_string(hide_password=False)
    signed = {seq: checkpoint.event_hash for seq, checkpoint in checkpoints.items()}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(bounds), mp_context=context) as pool:
        ranges = list(
            pool.map(
                _scan_range,
                [url] * len(bounds),
                [lo for lo, _ in bounds],
                [hi for _, hi in bounds],
                [{s: h for s, h in signed.items() if lo <= s <= hi} for lo, hi in bounds],
            )
        )
    previous_hash = GENESIS
    for index, checked in enumerate(ranges):
        if not checked.intact or checked.first_prev != previous_hash:
            if index == 0:
                return _Start()
            # Walk again from the range before: a swap or a gap may straddle the boundary.
            before = ranges[index - 1]
            prev = ranges[index - 2].last_hash if index >= 2 else GENESIS
            return _Start(before.lo, prev, max((s for s in signed if s < before.lo), default=0))
        previous_hash = checked.last_hash
    last = ranges[-1]
    return _Start(last.hi + 1, last.last_hash, max(signed, default=0))


def _scan_range(url: str, lo: int, hi: int, signed: dict[int, str]) -> _Range:
    """One worker's range: intact or not (what went wrong is for the ordered walk to say)."""
    engine = create_engine(url)
    width = len(HASHED_COLUMNS)
    expected_seq, first_prev, prev = lo, "", ""
    try:
        with engine.connect() as connection:
            for row, entities in _rows(connection, hi, lo):
                seq, stored = row[0], row[width]
                if seq == lo:
                    first_prev = prev = row[width - 1]
                if (
                    seq != expected_seq
                    or row[width - 1] != prev
                    or sha256(canonical_event(row, entities, seq=seq)).hexdigest() != stored
                    or signed.get(seq, stored) != stored
                ):
                    return _Range(lo, hi, False, first_prev, prev)
                prev = stored
                expected_seq = seq + 1
    finally:
        engine.dispose()
    return _Range(lo, hi, expected_seq == hi + 1, first_prev, prev)


def _rows(
    connection: Connection, head_seq: int, first: int = 1
) -> Iterator[tuple[tuple[Any, ...], list[tuple[str, str]]]]:
    """Events up to the head (later ones committed while verify runs), with their entities.

    Read through the driver's own cursors, events and entities side by side in sequence order
    (a join would repeat every event's columns for each of its entities, and a million rows
    through SQLAlchemy's result objects, SQLite's times parsed into datetimes, would take most of
    verify's time)."""
    columns = ", ".join([*HASHED_COLUMNS, "hash"])
    events = _cursor(
        connection,
        "events",
        f"SELECT {columns} FROM audit_events "
        f"WHERE seq >= {int(first)} AND seq <= {int(head_seq)} ORDER BY seq",
    )
    entities = _cursor(
        connection,
        "entities",
        "SELECT seq, kind, value FROM audit_entities "
        f"WHERE seq >= {int(first)} AND seq <= {int(head_seq)} ORDER BY seq, position",
    )
    pending = next(entities, None)
    for row in events:
        seq = row[0]
        found: list[tuple[str, str]] = []
        while pending is not None and pending[0] <= seq:
            if pending[0] == seq:
                found.append((pending[1], pending[2]))
            pending = next(entities, None)
        yield row, found


def _cursor(connection: Connection, name: str, sql: str) -> Iterator[tuple[Any, ...]]:
    driver = connection.connection.driver_connection
    assert driver is not None
    if connection.dialect.name == "postgresql":
        cursor = driver.cursor(name=f"recordroom_audit_{name}")  # server side: streamed
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(sql)
        while True:
            batch = cursor.fetchmany(10000)
            if not batch:
                return
            yield from batch
    finally:
        cursor.close()


def _walk(
    rows: Iterator[tuple[tuple[Any, ...], list[tuple[str, str]]]],
    head_seq: int,
    head_hash: str,
    checkpoints: dict[int, Checkpoint],
    report: VerifyReport,
    start: _Start,
) -> None:
    width = len(HASHED_COLUMNS)  # each row: the hashed columns, then the stored hash
    expected_seq, prev_hash = start.seq, start.prev_hash
    last_good_checkpoint = start.last_checkpoint
    for row, entities in rows:
        seq = row[0]
        stored = row[width]
        if (
            seq != expected_seq
            or row[width - 1] != prev_hash
            or sha256(canonical_event(row, entities, seq=seq)).hexdigest() != stored
        ):
            ahead = [_Row(r[:width], tuple(e), r[width]) for r, e in islice(rows, LOOK)]
            current = _Row(row[:width], tuple(entities), stored)
            report.events = expected_seq - 1
            report.findings.insert(0, _classify(current, ahead, expected_seq))
            return
        if seq in checkpoints:
            checkpoint = checkpoints[seq]
            if checkpoint.event_hash != stored:
                report.events = expected_seq - 1
                report.findings.insert(
                    0,
                    Finding(
                        "modified",
                        last_good_checkpoint + 1,
                        f"the chain was rewritten between events {last_good_checkpoint + 1} and "
                        f"{seq}: checkpoint {checkpoint.number} signed hash "
                        f"{checkpoint.event_hash[:16]}… for event {seq}, the database has "
                        f"{stored[:16]}…",
                    ),
                )
                return
            last_good_checkpoint = seq
        prev_hash = stored
        expected_seq = seq + 1
    report.events = expected_seq - 1
    last_seq = expected_seq - 1
    if last_seq < head_seq:
        report.findings.insert(
            0,
            Finding(
                "deleted",
                last_seq + 1,
                f"events {last_seq + 1} to {head_seq} were deleted: the chain ends at event "
                f"{last_seq}, its head records event {head_seq}",
            ),
        )
    elif prev_hash != head_hash:
        report.findings.insert(
            0,
            Finding(
                "modified",
                last_seq,
                f"event {last_seq} was rewritten: its hash differs from the one the chain head "
                "recorded",
            ),
        )
    beyond = sorted(seq for seq in checkpoints if seq > last_seq)
    if beyond and not report.findings:
        report.findings.append(
            Finding(
                "deleted",
                last_seq + 1,
                f"checkpoint {checkpoints[beyond[0]].number} covers event {beyond[0]}, but the "
                f"chain ends at event {last_seq}: events were deleted",
            )
        )


def _classify(row: _Row, ahead: list[_Row], expected_seq: int) -> Finding:
    """What happened at the first broken link, judged from the rows around it."""
    seq = row.seq
    if seq > expected_seq:
        return Finding(
            "deleted",
            expected_seq,
            f"event {expected_seq} was deleted: the chain goes from event {expected_seq - 1} "
            f"to event {seq}"
            if seq == expected_seq + 1
            else f"events {expected_seq} to {seq - 1} were deleted: the chain goes from event "
            f"{expected_seq - 1} to event {seq}",
        )
    origin = row.origin()
    if origin is None:
        if ahead and ahead[0].origin() == seq:
            return Finding(
                "inserted",
                seq,
                f"event {seq} was inserted: it was never part of the chain, and the events after "
                "it were renumbered to make room",
            )
        return Finding(
            "modified", seq, f"event {seq} was modified: its content no longer matches its hash"
        )
    if origin == seq:
        before = seq - 1
        return Finding(
            "modified",
            before,
            f"event {before} was rewritten with a new hash: event {seq} no longer links to it",
        )
    if origin < seq:
        first = origin
        count = seq - origin
        return Finding(
            "inserted",
            first,
            f"{_events(first, seq - 1)} {'was' if count == 1 else 'were'} inserted: event {seq} "
            f"was recorded as event {origin}",
        )
    belongs_here = next((other for other in ahead if other.origin() == seq), None)
    if belongs_here is not None:
        return Finding(
            "reordered",
            seq,
            f"events were reordered: event {seq} was recorded as event {origin}, and the event "
            f"recorded as {seq} now sits at {belongs_here.seq}",
        )
    count = origin - seq
    return Finding(
        "deleted",
        seq,
        f"{count} event{'s' if count > 1 else ''} after event {seq - 1} "
        f"{'were' if count > 1 else 'was'} deleted and the later events renumbered: "
        f"event {seq} was recorded as event {origin}",
    )


def _events(first: int, last: int) -> str:
    return f"event {first}" if first == last else f"events {first} to {last}"


def _check_checkpoints(
    connection: Connection,
    store: ObjectStore | None,
    trusted: dict[str, Ed25519PublicKey],
    report: VerifyReport,
) -> list[Checkpoint]:
    """Both copies of every checkpoint, checked on their own; returns those to hold the chain to."""
    stored = {
        row.number: row_checkpoint(row)
        for row in connection.execute(select(CHECKPOINTS).order_by(CHECKPOINTS.c.number))
    }
    head = connection.execute(select(HEADS.c.seq).where(HEADS.c.name == CHECKPOINTS_HEAD)).scalar()
    numbers = set(stored)
    copies: dict[int, Checkpoint] = {}
    if store is not None:
        number = 1
        while True:
            try:
                data = store.get(object_key(number))
            except NotFoundError:
                break
            except StorageError as error:
                report.findings.append(Finding("checkpoint", None, str(error)))
                break
            try:
                copies[number] = parse_document(data)
            except ValueError:
                report.findings.append(
                    Finding("checkpoint", None, f"checkpoint object {number} is not readable")
                )
            number += 1
        numbers |= set(copies)
    if head is not None and head > 0:
        numbers.add(int(head))
    checked: list[Checkpoint] = []
    previous = GENESIS
    for number in range(1, max(numbers, default=0) + 1):
        in_db, in_store = stored.get(number), copies.get(number)
        checkpoint = in_store or in_db
        if checkpoint is None:
            report.findings.append(
                Finding("checkpoint", None, f"checkpoint {number} is missing from both copies")
            )
            continue
        if store is not None and in_store is None:
            report.findings.append(
                Finding("checkpoint", None, f"checkpoint {number} is missing from object storage")
            )
        if in_db is None:
            report.findings.append(
                Finding("checkpoint", None, f"checkpoint {number} was deleted from the database")
            )
        elif in_store is not None and _differs(in_db, in_store):
            report.findings.append(
                Finding(
                    "checkpoint",
                    None,
                    f"checkpoint {number} in the database differs from its copy in object storage",
                )
            )
        if sha256_hex(canonical(checkpoint.payload())) != checkpoint.hash:
            report.findings.append(
                Finding("checkpoint", None, f"checkpoint {number} does not match its hash")
            )
        if not signature_valid(checkpoint, trusted):
            report.findings.append(
                Finding(
                    "checkpoint",
                    None,
                    f"checkpoint {number}'s signature does not verify with the audit key "
                    f"(key id {checkpoint.key_id})",
                )
            )
        if checkpoint.previous != previous:
            report.findings.append(
                Finding(
                    "checkpoint",
                    None,
                    f"checkpoint {number} does not link to checkpoint {number - 1}",
                )
            )
        previous = checkpoint.hash
        checked.append(checkpoint)
        report.checkpoints += 1
    return checked


def _differs(one: Checkpoint, other: Checkpoint) -> bool:
    return (one.payload(), one.hash, one.signature) != (
        other.payload(),
        other.hash,
        other.signature,
    )
