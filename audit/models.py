"""The audit trail's tables, on the one shared base; migration ``0004_audit`` creates them.

``audit_events`` and ``audit_entities`` (the ids an event names, one row each, so that a patient's
or a document's history is an index lookup) and ``audit_checkpoints`` are append-only: database
triggers refuse UPDATE and DELETE. ``audit_heads`` holds the two chain heads (the last event, the
last checkpoint); its rows are the locks that serialise writers, and are the only rows updated.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from recordroom.core.sql import Base

# SQLite makes an INTEGER PRIMARY KEY the rowid (the table's own order); BIGINT it would not.
SEQ = BigInteger().with_variant(Integer(), "sqlite")
GENESIS = "0" * 64  # the "previous hash" of the first event and of the first checkpoint
EVENTS_HEAD = "events"
CHECKPOINTS_HEAD = "checkpoints"


class AuditEventRow(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_user_recorded", "user_id", "recorded"),
        Index("ix_audit_events_recorded", "recorded"),
        Index("ix_audit_events_network_address", "network_address"),
        Index("ix_audit_events_kind", "kind"),
    )

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=False)
    recorded: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(32))
    type_code: Mapped[str] = mapped_column(String(16))
    subtype_code: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(1))
    outcome: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[str] = mapped_column(String(128))
    roles: Mapped[str] = mapped_column(String(256))  # comma-separated, sorted
    door: Mapped[str] = mapped_column(String(16))
    network_address: Mapped[str | None] = mapped_column(String(64))
    site: Mapped[str] = mapped_column(String(128))
    host: Mapped[str | None] = mapped_column(String(256))
    system: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str | None] = mapped_column(String(64))
    query: Mapped[str | None] = mapped_column(Text)
    recipient: Mapped[str | None] = mapped_column(String(256))
    detail: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditEntityRow(Base):
    __tablename__ = "audit_entities"
    __table_args__ = (Index("ix_audit_entities_lookup", "kind", "value", "seq"),)

    seq: Mapped[int] = mapped_column(ForeignKey("audit_events.seq"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(128))


class AuditCheckpointRow(Base):
    __tablename__ = "audit_checkpoints"

    number: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)  # the last event it covers
    event_hash: Mapped[str] = mapped_column(String(64))
    previous: Mapped[str] = mapped_column(String(64))  # the previous checkpoint's hash
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(16))
    key_id: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    object_key: Mapped[str] = mapped_column(String(256))


class AuditHeadRow(Base):
    __tablename__ = "audit_heads"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


# The tables themselves, for the Core statements that recording and verifying use (fast paths).
EVENTS = cast(Table, AuditEventRow.__table__)
ENTITIES = cast(Table, AuditEntityRow.__table__)
CHECKPOINTS = cast(Table, AuditCheckpointRow.__table__)
HEADS = cast(Table, AuditHeadRow.__table__)
