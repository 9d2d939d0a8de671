"""One stored document: its metadata, pages and text, and its history from the audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from audit import AuditEvent, EventFilter, find_events
from indexer.documents import get_document
from recordroom.core import Document
from recordroom.core.actor import Actor
from recordroom.usecases.access import require_role
from recordroom.wiring import Context

READERS = ("intake", "clerk")
# What happened to a document, by the kind of event that names it. Queries that merely list it
# (searches, the review queue, the auditors' look-ups) are not its history.
HISTORY = {
    "document.create": "received",
    "document.update": "changed",
    "document.not_duplicate": "changed",
    "document.delete": "deleted",
    "document.split": "split",
    "document.merge": "merged",
    "document.read": "viewed",
    "document.export": "downloaded",
    "disclosure": "released",
}


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    seq: int
    recorded: dt.datetime
    what: str  # received, filed, changed, split, merged, viewed, downloaded, released, deleted
    user_id: str
    door: str
    outcome: str
    detail: str

    def as_json(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "recorded": self.recorded,
            "what": self.what,
            "user": self.user_id,
            "door": self.door,
            "outcome": self.outcome,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class DocumentHistory:
    document: Document
    entries: tuple[HistoryEntry, ...]  # newest first
    more: bool  # older entries were left out


def show_document(ctx: Context, actor: Actor, document_id: str) -> Document:
    """The document with this id (``NotFoundError`` when there is none)."""
    with ctx.unit_of_work(actor) as unit:
        document = get_document(unit.session, document_id)
        unit.record("document.read", documents=[document.id], patients=[document.patient_mrn or ""])
    return document


def document_history(
    ctx: Context, actor: Actor, document_id: str, *, limit: int = 100
) -> DocumentHistory:
    """The document and, newest first, what happened to it as the audit trail tells: received,
    filed or changed, split or merged, viewed, downloaded, released. Showing it is a read of the
    document (``document.read``), recorded with the rest."""
    require_role(actor, *READERS)
    with ctx.unit_of_work(actor) as unit:
        document = get_document(unit.session, document_id)
        unit.record(
            "document.read",
            documents=[document.id],
            patients=[document.patient_mrn or ""],
            detail="with its history",
        )
        unit.session.flush()
        entries: list[HistoryEntry] = []
        cursor: int | None = None
        where = EventFilter(document=document.id)
        while len(entries) <= limit:
            page = find_events(unit.session, where, limit=500, cursor=cursor)
            entries.extend(_entry(e) for e in page.events if _is_history(e))
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    return DocumentHistory(document, tuple(entries[:limit]), len(entries) > limit)


def _is_history(event: AuditEvent) -> bool:
    # A page image served is part of a view already listed; the original's download is not.
    page_image = event.kind == "document.export" and (event.detail or "").startswith("page ")
    return event.kind in HISTORY and not page_image


def _entry(event: AuditEvent) -> HistoryEntry:
    what = HISTORY[event.kind]
    detail = event.detail or ""
    if event.kind == "document.update":
        what = "filed" if detail.startswith("filed") else what
    if event.kind == "disclosure" and event.recipient:
        detail = f"to {event.recipient}" + (f" ({event.purpose})" if event.purpose else "")
    if event.kind == "document.export" and not detail:
        detail = "the original file"
    return HistoryEntry(
        event.seq, event.recorded, what, event.user_id, event.door, event.outcome, detail
    )
