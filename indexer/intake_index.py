"""The index as intake sees it (``IntakeIndex``): the job queue, duplicates, the registry, saving
documents. Each call opens and closes its own session, so none stays open while a file is OCR'd."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indexer import documents as doc_index
from indexer import jobs
from indexer.database import Database
from indexer.models import JobRow
from indexer.patients import SqlPatientRegistry
from recordroom.core import (
    Document,
    DocumentKeys,
    IngestOutcome,
    Job,
    LeaseLostError,
    MailOrigin,
    NearDuplicateCandidate,
    PatientRegistry,
)

# Called with a file's documents inside the transaction that saves them (the audit event).
SavedHook = Callable[[Session, Sequence[Document]], None]


class SqlIntakeIndex:
    """``IntakeIndex`` over the SQL database; ``on_saved`` runs in the commit that saves a
    file's documents."""

    def __init__(self, database: Database, *, on_saved: SavedHook | None = None) -> None:
        self.database = database
        self.on_saved = on_saved

    def enqueue(
        self,
        claim_name: str,
        source_name: str,
        sha256: str,
        original_key: str,
        origin: MailOrigin | None = None,
    ) -> Job:
        with self.database.write_session() as session:
            origin_json = origin.to_json() if origin is not None else None
            row = jobs.enqueue(session, claim_name, source_name, sha256, original_key, origin_json)
            session.commit()
            return job_of(row)

    def record_outcome(self, claim_name: str, source_name: str, outcome: IngestOutcome) -> Job:
        with self.database.write_session() as session:
            row = jobs.job_for_claim(session, claim_name)
            if row is None:
                row = JobRow(claim_name=claim_name, source_name=source_name, status=jobs.QUEUED)
                session.add(row)
                session.flush()
            if row.status == jobs.QUEUED:
                jobs.finish(session, row.id, None, outcome.status, reason=outcome.reason)
            session.commit()
            session.refresh(row)
            return job_of(row)

    def take_job(
        self, worker: str, lease_seconds: float, *, job_id: int | None = None
    ) -> Job | None:
        with self.database.write_session() as session:
            taken = jobs.take(session, worker, lease_seconds, job_id=job_id)
            return None if taken is None else job_of(taken[0], lease=taken[1])

    def renew_lease(self, job: Job, lease_seconds: float) -> bool:
        with self.database.write_session() as session:
            return jobs.renew(session, job.id, job.lease or "", lease_seconds)

    def release_job(
        self, job: Job, *, retry_in_seconds: float = 0.0, failure: str | None = None
    ) -> None:
        with self.database.write_session() as session:
            jobs.release(
                session,
                job.id,
                job.lease or "",
                retry_in_seconds=retry_in_seconds,
                failure=failure,
            )

    def held_leases(self) -> Sequence[tuple[int, str]]:
        with self.database.session() as session:
            return jobs.held_leases(session)

    def job_outcome(self, job_id: int) -> IngestOutcome | None:
        with self.database.session() as session:
            row = session.get_one(JobRow, job_id)
            return None if row.status == jobs.QUEUED else outcome_of(row)

    def unfinished_jobs(self) -> int:
        with self.database.session() as session:
            return jobs.unfinished(session)

    def find_duplicate(self, sha256: str) -> str | None:
        with self.database.session() as session:
            return doc_index.document_for_sha256(session, sha256)

    def near_duplicate_candidates(
        self, bands: Sequence[tuple[int, int]], *, since: dt.datetime
    ) -> Sequence[NearDuplicateCandidate]:
        with self.database.session() as session:
            return doc_index.near_duplicate_candidates(session, bands, since=since)

    @contextmanager
    def registry(self) -> Iterator[PatientRegistry]:
        with self.database.session() as session:
            yield SqlPatientRegistry(session)

    def finish_job(
        self,
        job: Job,
        outcome: IngestOutcome,
        *,
        sha256: str | None = None,
        documents: Sequence[Document] = (),
        keys: Mapping[str, DocumentKeys] | None = None,
    ) -> IngestOutcome:
        with self.database.write_session() as session:
            if documents:
                outcome = _stored_meanwhile(session, outcome, sha256 or "") or outcome
            if outcome.status == "duplicate":
                documents = ()
            for document in documents:
                doc_index.add_document(session, document, keys=(keys or {}).get(document.id))
            finished = jobs.finish(
                session,
                job.id,
                job.lease,
                outcome.status,
                sha256=sha256,
                document_ids=outcome.document_ids,
                duplicate_of=outcome.duplicate_of,
                reason=outcome.reason,
            )
            if not finished:
                session.rollback()
                raise LeaseLostError(
                    f"job {job.id} was taken over by another worker after this one's lease ran "
                    "out; this worker's result is dropped"
                )
            if documents and self.on_saved is not None:
                self.on_saved(session, documents)
            session.commit()
            return outcome


def _stored_meanwhile(
    session: Session, outcome: IngestOutcome, sha256: str
) -> IngestOutcome | None:
    """A duplicate outcome when another job stored this file since the duplicate check (two
    copies worked at once on two machines); the lock makes the second committer wait and see."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(int(sha256[:15], 16))))
    known = doc_index.document_for_sha256(session, sha256)
    if known is None:
        return None
    return IngestOutcome(file=outcome.file, status="duplicate", duplicate_of=known)


def job_of(row: JobRow, lease: str | None = None) -> Job:
    return Job(
        id=row.id,
        source_name=row.source_name,
        sha256=row.sha256,
        original_key=row.original_key,
        lease=lease,
        failures=row.failures,
        outcome=None if row.status == jobs.QUEUED else outcome_of(row),
        origin=MailOrigin.from_json(row.origin) if row.origin else None,
    )


def outcome_of(row: JobRow) -> IngestOutcome:
    """What a finished job did, as ``ingest`` reports it."""
    ids = tuple(i for i in row.document_ids.split(",") if i)
    return IngestOutcome(
        file=row.source_name,
        status=row.status,  # type: ignore[arg-type]
        document_id=ids[0] if ids else None,
        duplicate_of=row.duplicate_of,
        reason=row.reason,
        document_ids=ids,
    )
