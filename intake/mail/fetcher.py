"""Fetching an e-fax mailbox into intake, exactly once.

    look at each message's size and Message-ID → the ledger knows it? (done: only move it)
    → over the size cap? (failed) → download → its document attachments, each through the same
    pipeline as a file dropped in the inbox → ledger: processed or failed, with the reason
    → only then move the message to the processed or failed folder

A crash at any point leaves the message in the mailbox; the next run fetches it again, and either
the ledger already says it was done, or each attachment is known by its SHA-256 and yields no
second document. The ledger knows a message by its Message-ID (or its bytes' hash), not by its
UID, so a UIDVALIDITY change renumbers nothing that matters. Messages are never deleted.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field

from intake import files
from intake.mail.address import MailAddress
from intake.mail.imap import MailSession
from intake.mail.message import parse_message
from intake.pipeline import Pipeline
from recordroom.core import IngestOutcome, MailError, MailLedger, RecordroomError
from recordroom.core.settings import Settings

log = logging.getLogger("recordroom.mail")

MAX_ATTEMPTS = 3
FETCHING, PROCESSED, FAILED = "fetching", "processed", "failed"
FIRST_PAUSE_SECONDS = 1.0
LONGEST_PAUSE_SECONDS = 300.0


@dataclass
class MailRun:
    """What one pass over the mailbox did."""

    processed: int = 0
    failed: int = 0
    already_done: int = 0
    left: int = 0  # left in the mailbox by an error not of the message's making; tried again
    documents: list[str] = field(default_factory=list)


class MailFetcher:
    def __init__(
        self, address: MailAddress, settings: Settings, pipeline: Pipeline, ledger: MailLedger
    ) -> None:
        self.address = address
        self.settings = settings
        self.pipeline = pipeline
        self.ledger = ledger

    def run_once(self) -> MailRun:
        """Connect, bring in every message there is, disconnect. Raises ``MailError``."""
        with MailSession(self.address) as session:
            folders = session.prepare()
            return self.drain(session, folders)

    def run(self, stop: threading.Event) -> None:
        """Until ``stop``: bring in what arrives, waiting with IDLE (or polling) between passes;
        on a failure, one line in the log and another try after a pause that doubles each time
        (up to five minutes). Never raises."""
        pause = FIRST_PAUSE_SECONDS
        while not stop.is_set():
            try:
                with MailSession(self.address) as session:
                    folders = session.prepare()
                    log.info("%s: connected", self.address.label)
                    pause = FIRST_PAUSE_SECONDS
                    while not stop.is_set():
                        self.drain(session, folders)
                        session.wait(stop, self.settings.mail_poll_seconds)
            except MailError as error:
                log.error("%s; trying again in %.0f s", error, pause)
            except Exception as error:  # a bug must not stop serve; its text may hold PHI
                log.error(
                    "%s: unexpected %s; trying again in %.0f s",
                    self.address.label,
                    type(error).__name__,
                    pause,
                )
            stop.wait(pause)
            pause = min(pause * 2, LONGEST_PAUSE_SECONDS)

    def drain(self, session: MailSession, folders: tuple[str, str]) -> MailRun:
        run = MailRun()
        uidvalidity = session.open_folder()
        for uid in session.uids():
            try:
                self._take(session, folders, uidvalidity, uid, run)
            except MailError:
                raise  # the connection is gone: the caller reconnects
            except RecordroomError as error:  # OCR engine, storage, database: not the message
                run.left += 1
                log.error(
                    "%s: message %d: %s; it stays in the mailbox and is tried again",
                    self.address.label,
                    uid,
                    error,
                )
        return run

    def _take(
        self,
        session: MailSession,
        folders: tuple[str, str],
        uidvalidity: int,
        uid: int,
        run: MailRun,
    ) -> None:
        processed_folder, failed_folder = folders
        size, message_id = session.summary(uid)
        too_large = size > self.settings.mail_max_mb * 1024 * 1024
        raw = b"" if too_large else session.fetch(uid)
        if message_id:
            key = message_id
        elif raw:
            key = "sha256:" + hashlib.sha256(raw).hexdigest()
        else:
            key = f"uid:{uidvalidity}:{uid}"
        mailbox = self.address.label
        state = self.ledger.begin_message(
            mailbox,
            key,
            uidvalidity=uidvalidity,
            uid=uid,
            message_id=message_id,
            size=size,
        )
        handled_now = state.status == FETCHING
        if not handled_now:
            run.already_done += 1  # done before a crash that came before the move
            status = state.status
        elif too_large:
            status, reason = (
                FAILED,
                (
                    f"the message is {size / 1024 / 1024:.0f} MB, more than the "
                    f"{self.settings.mail_max_mb} MB limit (RECORDROOM_MAIL_MAX_MB); "
                    "save its attachments into the inbox by hand"
                ),
            )
            self.ledger.finish_message(mailbox, key, status, reason=reason)
        elif state.attempts > MAX_ATTEMPTS:
            status, reason = (
                FAILED,
                (
                    f"the message could not be finished {MAX_ATTEMPTS} times in a row; "
                    "save its attachments into the inbox by hand"
                ),
            )
            self.ledger.finish_message(mailbox, key, status, reason=reason)
        else:
            status, documents = self._bring_in(key, raw)
            if status == PROCESSED:
                run.documents.extend(documents)
        if handled_now:
            run.processed += status == PROCESSED
            run.failed += status == FAILED
        folder = processed_folder if status == PROCESSED else failed_folder
        session.move(uid, folder)
        self.ledger.mark_moved(mailbox, key, folder)
        log.info("%s: message %d %s, moved to %s", mailbox, uid, status, folder)

    def _bring_in(self, key: str, raw: bytes) -> tuple[str, list[str]]:
        """Every document attachment through intake, then the ledger: (status, document ids)."""
        parsed = parse_message(raw, self.address.label)
        sender = parsed.origin.from_address
        if not parsed.documents:
            left_out = (
                f" ({parsed.skipped_images} small inline image(s) left out)"
                if parsed.skipped_images
                else ""
            )
            reason = f"the message has no PDF, TIFF, PNG or JPEG attachment{left_out}"
            self.ledger.finish_message(
                self.address.label, key, FAILED, from_address=sender, reason=reason
            )
            return FAILED, []
        outcomes = []
        for attachment in parsed.documents:
            claimed = files.write_in(
                attachment.data, self.settings.processing_dir, attachment.name, parsed.origin
            )
            outcomes.append(self.pipeline.ingest_claimed(claimed, attachment.name, parsed.origin))
        quarantined = [o for o in outcomes if o.status == "quarantined"]
        status = FAILED if quarantined else PROCESSED
        documents = [i for o in outcomes for i in _documents_of(o)]
        self.ledger.finish_message(
            self.address.label,
            key,
            status,
            from_address=sender,
            reason="; ".join(f"{o.file}: {o.reason}" for o in quarantined) or None,
            attachment_sha256s=[a.sha256 for a in parsed.documents],
            document_ids=documents,
        )
        return status, documents


def _documents_of(outcome: IngestOutcome) -> tuple[str, ...]:
    if outcome.document_ids:
        return outcome.document_ids
    return (outcome.duplicate_of,) if outcome.duplicate_of else ()
