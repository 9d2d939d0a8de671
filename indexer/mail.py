"""The mail ledger: which message of which mailbox was fetched, and what became of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from indexer.database import Database
from indexer.models import MailMessageRow
from recordroom.core import MailMessageState, NotFoundError
from recordroom.core.sql import utcnow

FETCHING, PROCESSED, FAILED = "fetching", "processed", "failed"


@dataclass(frozen=True, slots=True)
class MailStatusLine:
    mailbox: str
    uid: int
    message_id: str | None
    from_address: str
    status: str
    reason: str | None
    document_ids: tuple[str, ...]
    moved_to: str | None
    updated_at: str

    def as_json(self) -> dict[str, object]:
        return {
            "mailbox": self.mailbox,
            "uid": self.uid,
            "message_id": self.message_id,
            "from": self.from_address,
            "status": self.status,
            "reason": self.reason,
            "document_ids": list(self.document_ids),
            "moved_to": self.moved_to,
            "updated_at": self.updated_at,
        }


def message_row(session: Session, mailbox: str, message_key: str) -> MailMessageRow | None:
    return session.scalars(
        select(MailMessageRow)
        .where(MailMessageRow.mailbox == mailbox)
        .where(MailMessageRow.message_key == message_key)
    ).first()


def start_message(
    session: Session,
    *,
    mailbox: str,
    message_key: str,
    uidvalidity: int,
    uid: int,
    message_id: str | None,
    size: int,
) -> MailMessageRow:
    """The ledger row of a message, created on first sight, its place (UIDVALIDITY, UID) brought
    up to date; each call counts one attempt. Committed."""
    row = message_row(session, mailbox, message_key)
    if row is None:
        row = MailMessageRow(
            mailbox=mailbox,
            message_key=message_key,
            status=FETCHING,
            attempts=0,
            attachment_sha256s="",
            document_ids="",
            from_address="",
        )
        session.add(row)
    row.uidvalidity, row.uid = uidvalidity, uid
    row.message_id = message_id
    row.size = size
    if row.status == FETCHING:
        row.attempts += 1
    row.updated_at = utcnow()
    session.commit()
    return row


def finish_message(
    row: MailMessageRow,
    status: str,
    *,
    reason: str | None = None,
    attachment_sha256s: Sequence[str] = (),
    document_ids: Sequence[str] = (),
) -> None:
    """Processed or failed; the caller commits."""
    row.status = status
    row.reason = reason
    row.attachment_sha256s = ",".join(attachment_sha256s)
    row.document_ids = ",".join(document_ids)
    row.updated_at = utcnow()


def mark_moved(row: MailMessageRow, folder: str) -> None:
    row.moved_to = folder
    row.updated_at = utcnow()


def mail_status(session: Session, *, limit: int = 100) -> list[MailStatusLine]:
    """The latest messages, newest first."""
    rows = session.scalars(
        select(MailMessageRow).order_by(MailMessageRow.updated_at.desc()).limit(limit)
    ).all()
    return [
        MailStatusLine(
            mailbox=row.mailbox,
            uid=row.uid,
            message_id=row.message_id,
            from_address=row.from_address,
            status=row.status,
            reason=row.reason,
            document_ids=tuple(i for i in row.document_ids.split(",") if i),
            moved_to=row.moved_to,
            updated_at=row.updated_at.isoformat(timespec="seconds"),
        )
        for row in rows
    ]


class SqlMailLedger:
    """``MailLedger`` over the SQL database: each call its own short, committed transaction."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def begin_message(
        self,
        mailbox: str,
        message_key: str,
        *,
        uidvalidity: int,
        uid: int,
        message_id: str | None,
        size: int,
    ) -> MailMessageState:
        with self.database.session() as session:
            row = start_message(
                session,
                mailbox=mailbox,
                message_key=message_key,
                uidvalidity=uidvalidity,
                uid=uid,
                message_id=message_id,
                size=size,
            )
            return MailMessageState(
                status=row.status,
                attempts=row.attempts,
                reason=row.reason,
                document_ids=tuple(i for i in row.document_ids.split(",") if i),
            )

    def finish_message(
        self,
        mailbox: str,
        message_key: str,
        status: str,
        *,
        from_address: str = "",
        reason: str | None = None,
        attachment_sha256s: Sequence[str] = (),
        document_ids: Sequence[str] = (),
    ) -> None:
        with self.database.session() as session:
            row = message_row(session, mailbox, message_key)
            if row is None:
                raise NotFoundError(f"the mail ledger has no message {message_key} of {mailbox}")
            if from_address:
                row.from_address = from_address[:320]
            finish_message(
                row,
                status,
                reason=reason,
                attachment_sha256s=attachment_sha256s,
                document_ids=document_ids,
            )
            session.commit()

    def mark_moved(self, mailbox: str, message_key: str, folder: str) -> None:
        with self.database.session() as session:
            row = message_row(session, mailbox, message_key)
            if row is not None:
                mark_moved(row, folder)
                session.commit()
