"""The intake job queue: one row per claimed file, finished in the same commit as its documents."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from indexer.models import JobRow
from recordroom.core.sql import utcnow

CLAIMED = "claimed"
FINISHED = ("stored", "duplicate", "near_duplicate", "quarantined")


def job_for_claim(session: Session, claim_name: str) -> JobRow | None:
    return session.scalars(select(JobRow).where(JobRow.claim_name == claim_name)).first()


def open_job(session: Session, claim_name: str, source_name: str) -> JobRow:
    """The job for a claimed file, created on first sight; each call counts one attempt."""
    job = job_for_claim(session, claim_name)
    if job is None:
        job = JobRow(claim_name=claim_name, source_name=source_name, status=CLAIMED, attempts=0)
        session.add(job)
    job.attempts += 1
    session.commit()
    return job


def uncount_attempt(session: Session, job: JobRow) -> None:
    """Take back the attempt ``open_job`` counted, for a failure that was not the file's."""
    job.attempts = max(0, job.attempts - 1)
    session.commit()


def finish_job(
    job: JobRow,
    status: str,
    *,
    sha256: str | None = None,
    document_ids: Sequence[str] = (),
    duplicate_of: str | None = None,
    reason: str | None = None,
) -> None:
    """Mark the job finished; the caller commits it together with the documents it made."""
    if status not in FINISHED:
        raise ValueError(f"unknown job status {status}")
    job.status = status
    job.sha256 = sha256
    job.document_ids = ",".join(document_ids)
    job.duplicate_of = duplicate_of
    job.reason = reason
    job.finished_at = utcnow()
