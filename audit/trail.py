"""Recording: one event per read or change of PHI, written in the caller's transaction.

``AuditTrail.record(session, actor, kind, …)`` adds the event to the session's transaction: it
commits with the action it describes or not at all. The first statement moves the chain head,
which takes SQLite's write lock or PostgreSQL's row lock on the head, so concurrent writers take
turns and the chain stays one line. Every ``checkpoint_interval`` events, once that transaction
has committed, a signed checkpoint is written (``Checkpointer``); ``close()`` writes one more.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Engine, event, insert, update
from sqlalchemy.orm import Session

from audit.chain import HASHED_COLUMNS, event_from_values, event_hash
from audit.checkpoints import Checkpoint, Checkpointer
from audit.events import (
    ENTITY_KINDS,
    EVENT_KINDS,
    OUTCOME_CODES,
    Action,
    AuditEvent,
    Outcome,
    as_utc,
)
from audit.models import ENTITIES, EVENTS, EVENTS_HEAD, HEADS
from recordroom.core.actor import Actor
from recordroom.core.sql import utcnow

log = logging.getLogger("recordroom.audit")

_ADVANCE_HEAD = (
    update(HEADS)
    .where(HEADS.c.name == EVENTS_HEAD)
    .values(seq=HEADS.c.seq + 1)
    .returning(HEADS.c.seq, HEADS.c.hash)
)
_INSERT_EVENT = insert(EVENTS)
_INSERT_ENTITY = insert(ENTITIES)


class AuditTrail:
    """The audit trail of one process: who records, where checkpoints go.

    ``site`` names the office (FHIR ``source.site``); ``checkpointer`` is None where no
    checkpoint should be written (a read-only tool)."""

    def __init__(
        self,
        *,
        site: str = "",
        checkpointer: Checkpointer | None = None,
        checkpoint_interval: int = 1000,
        system: str = "recordroom",
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.site = site or socket.gethostname()
        self.checkpointer = checkpointer
        self.checkpoint_interval = max(1, checkpoint_interval)
        self.system = system
        self.clock = clock

    def record(
        self,
        session: Session,
        actor: Actor,
        kind: str,
        *,
        outcome: Outcome = "success",
        patients: Iterable[str] = (),
        documents: Iterable[str] = (),
        requests: Iterable[str] = (),
        users: Iterable[str] = (),
        files: Iterable[str] = (),
        query: str | None = None,
        purpose: str | None = None,
        recipient: str | None = None,
        detail: str | None = None,
        action: Action | None = None,
    ) -> AuditEvent:
        """Write one event into ``session``'s transaction and return it.

        ``kind`` is a name from ``EVENT_KINDS`` (``document.read``, ``search``, ``disclosure``,
        ``login`` …). Entities are ids only (MRNs, document ids, request ids, user ids, file
        hashes), never names. ``detail`` says what happened in words that carry no PHI.
        """
        spec = EVENT_KINDS.get(kind)
        if spec is None:
            raise ValueError(f"unknown audit event kind {kind!r}")
        if outcome not in OUTCOME_CODES:
            raise ValueError(f"unknown audit outcome {outcome!r}")
        entities = _entities(
            (("patient", patients), ("document", documents), ("request", requests),
             ("user", users), ("file", files))
        )  # fmt: skip
        # Core statements on the session's own connection: same transaction, no ORM overhead.
        # Moving the head first takes the lock that makes concurrent writers take turns; a
        # trigger moves the head's hash to the new event when it is inserted.
        connection = session.connection()
        seq, prev_hash = connection.execute(_ADVANCE_HEAD).one()
        values = (  # HASHED_COLUMNS, in order
            seq,
            as_utc(self.clock()),
            kind,
            spec.type.code,
            spec.subtype.code if spec.subtype else None,
            action or spec.action,
            outcome,
            actor.user_id,
            ",".join(sorted(actor.roles)),
            actor.door,
            actor.network_address,
            self.site,
            actor.host,
            self.system,
            purpose,
            query,
            recipient,
            detail,
            prev_hash,
        )
        digest = event_hash(values, entities, seq=seq)
        connection.execute(_INSERT_EVENT, _row(values, digest))
        if entities:
            connection.execute(
                _INSERT_ENTITY,
                [
                    {"seq": seq, "position": position, "kind": entity_kind, "value": value}
                    for position, (entity_kind, value) in enumerate(entities)
                ],
            )
        if self.checkpointer is not None and seq % self.checkpoint_interval == 0:
            self._checkpoint_after_commit(session)
        return event_from_values(values, entities, digest)

    def checkpoint(self, engine: Engine, reason: str = "manual") -> Checkpoint | None:
        """A signed checkpoint of the last committed event now (None if already covered)."""
        if self.checkpointer is None:
            return None
        return self.checkpointer.write(engine, reason)

    def close(self, engine: Engine) -> None:
        """At shutdown: a checkpoint of whatever was recorded since the last one."""
        try:
            self.checkpoint(engine, "shutdown")
        except Exception:
            log.exception("could not write the audit checkpoint at shutdown")

    def _checkpoint_after_commit(self, session: Session) -> None:
        engine = session.get_bind()

        def write(_session: Session) -> None:
            # After the commit, in its own transaction: a checkpoint must never name an event
            # that a rollback could still take back. A failure here cannot undo the action.
            try:
                if isinstance(engine, Engine):
                    self.checkpoint(engine, "interval")
            except Exception:
                log.exception("could not write an audit checkpoint")

        event.listen(session, "after_commit", write, once=True)


def _entities(groups: Iterable[tuple[str, Iterable[str]]]) -> tuple[tuple[str, str], ...]:
    seen: set[tuple[str, str]] = set()
    entities: list[tuple[str, str]] = []
    for kind, values in groups:
        assert kind in ENTITY_KINDS
        for value in values:
            if value and (kind, value) not in seen:
                seen.add((kind, value))
                entities.append((kind, str(value)))
    return tuple(entities)


def _row(values: tuple[Any, ...], digest: str) -> dict[str, Any]:
    return {**dict(zip(HASHED_COLUMNS, values, strict=True)), "hash": digest}
