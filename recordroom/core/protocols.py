"""The seams where a backend can be swapped. Each is a small ``typing.Protocol``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol, runtime_checkable

from recordroom.core.models import (
    Classification,
    Document,
    DocumentKeys,
    IngestOutcome,
    Job,
    MailMessageState,
    MailOrigin,
    NearDuplicateCandidate,
    OcrResult,
    Patient,
)


class ObjectStore(Protocol):
    """Where originals and derivatives are kept, by key.

    ``metadata`` names what an object is (document ids, type, SHA-256): ids and hashes only,
    never patient information, since a backend may keep it in the clear.
    """

    def put(self, key: str, data: bytes, metadata: Mapping[str, str] | None = None) -> None: ...

    def put_file(self, key: str, path: Path, metadata: Mapping[str, str] | None = None) -> None: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def keys(self, prefix: str = "") -> Iterator[str]: ...


@runtime_checkable
class RetainingObjectStore(Protocol):
    """A store that can keep an object unchangeable until a date (write once, read many).

    S3 with object lock: ``PutObject`` with ``ObjectLockMode=COMPLIANCE`` and
    ``ObjectLockRetainUntilDate=retain_until`` (the bucket must have been created with object
    lock enabled). The local store writes the object once, read-only. Either refuses to replace a
    retained object unless ``replace`` is given (a master-key rotation re-wraps a retained
    envelope): S3 then keeps the earlier version, locked until its date; the local folder can only
    swap the read-only file. The audit trail writes its checkpoints through this when the store has
    it.
    """

    def put_retained(
        self, key: str, data: bytes, *, retain_until: dt.datetime, replace: bool = False
    ) -> None: ...


class OcrEngine(Protocol):
    """Text from every page of a file."""

    def extract(self, path: Path, *, make_searchable_pdf: bool = True) -> OcrResult: ...


class DocTypeClassifier(Protocol):
    """Document type from text: ``(doc_type, confidence 0..1)``."""

    def predict(self, text: str) -> tuple[str, float]: ...


class PatientRegistry(Protocol):
    """The practice's patients, searched by the identifiers found on a page."""

    def candidates(
        self,
        *,
        last_names: Iterable[str] = (),
        birth_dates: Iterable[object] = (),
        mrns: Iterable[str] = (),
        phones: Iterable[str] = (),
        member_ids: Iterable[str] = (),
    ) -> Sequence[Patient]: ...


class DocumentClassifier(Protocol):
    """Types and patients for the pages of one file."""

    def classify(self, page_texts: Sequence[str], registry: PatientRegistry) -> Classification: ...


class IntakeIndex(Protocol):
    """What intake asks of the index. Each call is its own short transaction, so no database
    session stays open while a file is OCR'd."""

    def enqueue(
        self,
        claim_name: str,
        source_name: str,
        sha256: str,
        original_key: str,
        origin: MailOrigin | None = None,
    ) -> Job:
        """Queue a claimed file whose original is in the store (durably committed), with the
        e-mail it came in, if any; a claim handed off again after a crash gets its existing job
        (with its outcome, if finished)."""
        ...

    def record_outcome(self, claim_name: str, source_name: str, outcome: IngestOutcome) -> Job:
        """A file finished where it was handed off (quarantined before it was queued)."""
        ...

    def take_job(
        self, worker: str, lease_seconds: float, *, job_id: int | None = None
    ) -> Job | None:
        """Lease the oldest queued job no live lease holds (or job ``job_id``); None if none."""
        ...

    def renew_lease(self, job: Job, lease_seconds: float) -> bool:
        """Keep the lease on ``job``; False if another worker has taken it over."""
        ...

    def release_job(
        self, job: Job, *, retry_in_seconds: float = 0.0, failure: str | None = None
    ) -> None:
        """Give the job back; ``failure``, a failure the file caused, counts against it."""
        ...

    def held_leases(self) -> Sequence[tuple[int, str]]:
        """(job id, lease token) of the jobs workers hold now."""
        ...

    def job_outcome(self, job_id: int) -> IngestOutcome | None:
        """What a finished job did; None while it waits."""
        ...

    def unfinished_jobs(self) -> int:
        """How many jobs wait or are being worked on."""
        ...

    def find_duplicate(self, sha256: str) -> str | None:
        """The id of the first document stored from a file with this hash."""
        ...

    def near_duplicate_candidates(
        self, bands: Sequence[tuple[int, int]], *, since: dt.datetime
    ) -> Sequence[NearDuplicateCandidate]:
        """Originals received since ``since`` sharing an LSH band with ``bands``, most first."""
        ...

    def registry(self) -> AbstractContextManager[PatientRegistry]:
        """The patient registry, open for the length of the ``with`` block."""
        ...

    def finish_job(
        self,
        job: Job,
        outcome: IngestOutcome,
        *,
        sha256: str | None = None,
        documents: Sequence[Document] = (),
        keys: Mapping[str, DocumentKeys] | None = None,
    ) -> IngestOutcome:
        """Save the documents (with the near-duplicate keys of each, by document id) and mark the
        job finished, in one durable commit, if the job's lease is still this worker's
        (``LeaseLostError`` if not). Documents of a file another job stored meanwhile are not
        saved: the outcome says ``duplicate`` instead."""
        ...


class MailLedger(Protocol):
    """What the mail fetcher asks of the index: which message was fetched and what became of it.
    A message is known by (mailbox, message key): its Message-ID, or the hash of its bytes."""

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
        """The message's state, its row created on first sight and its place brought up to date;
        each call while it is still being fetched counts one attempt."""
        ...

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
        """Processed or failed, durably."""
        ...

    def mark_moved(self, mailbox: str, message_key: str, folder: str) -> None: ...
