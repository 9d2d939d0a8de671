"""The audit trail: every read and change of PHI, hash-chained, checkpointed, queried, exported.

Other parts of recordroom call ``AuditTrail.record(session, actor, kind, …)`` inside the
transaction of the action it records; ``open_trail`` builds the trail for a process.
"""

from __future__ import annotations

from pathlib import Path

from audit.checkpoints import Checkpoint, Checkpointer, ensure_key, load_key
from audit.events import EVENT_KINDS, AuditEvent, EventFilter, EventKind
from audit.queries import Page, find_events, iter_events
from audit.reports import Person, WorkingHours
from audit.trail import AuditTrail
from audit.verify import Finding, VerifyReport, verify
from recordroom.core import ObjectStore

__all__ = [
    "EVENT_KINDS",
    "AuditEvent",
    "AuditTrail",
    "Checkpoint",
    "Checkpointer",
    "EventFilter",
    "EventKind",
    "Finding",
    "Page",
    "Person",
    "VerifyReport",
    "WorkingHours",
    "ensure_key",
    "find_events",
    "iter_events",
    "load_key",
    "open_trail",
    "verify",
]


def open_trail(
    store: ObjectStore,
    key_path: Path,
    *,
    site: str = "",
    checkpoint_interval: int = 1000,
    retention_years: int = 6,
) -> AuditTrail:
    """The trail of one process: events signed into checkpoints with the key in ``key_path``
    (created when missing), checkpoints written to ``store``."""
    checkpointer = Checkpointer(store, ensure_key(key_path), retention_years=retention_years)
    return AuditTrail(site=site, checkpointer=checkpointer, checkpoint_interval=checkpoint_interval)
