"""Reading the trail: events by filter, sorted by sequence, a page at a time.

A patient's or a document's history starts from ``audit_entities`` (index kind, value, seq); a
user's period from ``audit_events`` (index user_id, recorded); paging is by sequence number
(``after``/``before``), so the thousandth page costs what the first does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from audit.chain import HASHED_COLUMNS, event_from_values
from audit.events import AuditEvent, EventFilter, as_utc
from audit.models import ENTITIES, EVENTS

Order = Literal["newest", "oldest"]
ALL = EventFilter()

_COLUMNS = [column for column in EVENTS.c]


@dataclass(frozen=True, slots=True)
class Page:
    events: list[AuditEvent]
    next_cursor: int | None  # pass as ``cursor`` for the next page; None when this was the last


def find_events(
    session: Session,
    where: EventFilter = ALL,
    *,
    order: Order = "newest",
    limit: int = 100,
    cursor: int | None = None,
) -> Page:
    """One page of the events ``where`` selects; ``cursor`` is the ``next_cursor`` of the page
    before."""
    query = _select(where)
    seq = EVENTS.c.seq
    if cursor is not None:
        query = query.where(seq < cursor if order == "newest" else seq > cursor)
    query = query.order_by(seq.desc() if order == "newest" else seq).limit(limit + 1)
    rows = list(session.execute(query))
    more = len(rows) > limit
    events = _with_entities(session, rows[:limit])
    return Page(events, events[-1].seq if more and events else None)


def iter_events(
    session: Session, where: EventFilter = ALL, *, batch: int = 5000
) -> Iterator[AuditEvent]:
    """Every event ``where`` selects, oldest first, read a batch at a time (for reports and
    exports)."""
    cursor: int | None = None
    while True:
        page = find_events(session, where, order="oldest", limit=batch, cursor=cursor)
        yield from page.events
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _select(where: EventFilter) -> Select[Any]:
    query = select(*_COLUMNS)
    for kind, value in (
        ("patient", where.patient),
        ("document", where.document),
        ("request", where.request),
    ):
        if value:
            entity = ENTITIES.alias(f"entity_{kind}")
            query = query.join(
                entity,
                and_(entity.c.seq == EVENTS.c.seq, entity.c.kind == kind, entity.c.value == value),
            )
    conditions: list[ColumnElement[bool]] = []
    for column, value in (
        (EVENTS.c.user_id, where.user_id),
        (EVENTS.c.kind, where.kind),
        (EVENTS.c.action, where.action),
        (EVENTS.c.outcome, where.outcome),
        (EVENTS.c.network_address, where.network_address),
    ):
        if value:
            conditions.append(column == value)
    if where.since is not None:
        conditions.append(EVENTS.c.recorded >= _db_time(where.since))
    if where.until is not None:
        conditions.append(EVENTS.c.recorded < _db_time(where.until))
    return query.where(*conditions) if conditions else query


def _db_time(moment: Any) -> Any:
    # SQLite keeps times as UTC text without an offset: compare in UTC.
    return as_utc(moment)


def _with_entities(session: Session, rows: Sequence[Any]) -> list[AuditEvent]:
    if not rows:
        return []
    seqs = [row.seq for row in rows]
    entities: dict[int, list[tuple[str, str]]] = {seq: [] for seq in seqs}
    for seq, kind, value in session.execute(
        select(ENTITIES.c.seq, ENTITIES.c.kind, ENTITIES.c.value)
        .where(ENTITIES.c.seq.in_(seqs))
        .order_by(ENTITIES.c.seq, ENTITIES.c.position)
    ):
        entities[seq].append((kind, value))
    return [
        event_from_values(
            [row._mapping[name] for name in HASHED_COLUMNS], entities[row.seq], row.hash
        )
        for row in rows
    ]
