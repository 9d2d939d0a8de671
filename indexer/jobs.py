"""The intake job queue: one row per claimed file, taken by workers under a lease and finished in
the same commit as its documents.

A job is ``queued`` once its original is safe in the object store. A worker takes it by writing a
lease token of its own and an expiry into the row: on PostgreSQL the row is chosen with
``SELECT … FOR UPDATE SKIP LOCKED`` (workers never wait on each other's rows), on SQLite, which
has one writer at a time, by a conditional ``UPDATE`` that only one taker can win. Every later
write by the worker (renewal, release, finish) names its token, so a worker whose lease ran out
and was taken over can change nothing any more: a job is finished exactly once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from indexer.models import JobRow
from recordroom.core.sql import utcnow

QUEUED = "queued"
FINISHED = ("stored", "duplicate", "near_duplicate", "quarantined")


def job_for_claim(session: Session, claim_name: str) -> JobRow | None:
    return session.scalars(select(JobRow).where(JobRow.claim_name == claim_name)).first()


def enqueue(
    session: Session,
    claim_name: str,
    source_name: str,
    sha256: str,
    original_key: str,
    origin: str | None = None,
) -> JobRow:
    """The job of a claimed file whose original is stored (``origin``: the e-mail it came in, as
    JSON), created on first sight (a claim handed off again after a crash finds its job,
    finished or not). The caller commits."""
    job = job_for_claim(session, claim_name)
    if job is None:
        job = JobRow(
            claim_name=claim_name,
            source_name=source_name,
            status=QUEUED,
            attempts=0,
            failures=0,
        )
        session.add(job)
    if job.status == QUEUED:
        job.sha256 = sha256
        job.original_key = original_key
        job.origin = origin
    session.flush()
    return job


def _takeable(now: dt.datetime) -> list[object]:
    return [
        JobRow.status == QUEUED,
        JobRow.original_key.is_not(None),
        or_(JobRow.lease_expires_at.is_(None), JobRow.lease_expires_at < now),
    ]


def take(
    session: Session, worker: str, lease_seconds: float, *, job_id: int | None = None
) -> tuple[JobRow, str] | None:
    """Lease the oldest queued job nobody holds (or ``job_id``, if nobody holds it) and commit;
    the job and the lease token, or None when there is nothing to take."""
    postgres = session.get_bind().dialect.name == "postgresql"
    for _ in range(20):  # on SQLite another taker may win the row we chose: choose again
        now = utcnow()
        choose = select(JobRow.id).where(*_takeable(now)).order_by(JobRow.id).limit(1)  # type: ignore[arg-type]
        if job_id is not None:
            choose = choose.where(JobRow.id == job_id)
        if postgres:
            choose = choose.with_for_update(skip_locked=True)
        chosen = session.scalar(choose)
        if chosen is None:
            session.rollback()
            return None
        token = f"{worker}/{uuid.uuid4().hex[:12]}"
        taken = session.execute(
            update(JobRow)
            .where(JobRow.id == chosen, *_takeable(now))  # type: ignore[arg-type]
            .values(
                leased_by=token,
                lease_expires_at=now + dt.timedelta(seconds=lease_seconds),
                attempts=JobRow.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        session.commit()
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return session.get_one(JobRow, chosen, populate_existing=True), token
    return None


def _held(job_id: int, token: str) -> list[object]:
    return [JobRow.id == job_id, JobRow.leased_by == token, JobRow.status == QUEUED]


def renew(session: Session, job_id: int, token: str, lease_seconds: float) -> bool:
    """Push the lease's expiry on; False if the lease is no longer this worker's."""
    renewed = session.execute(
        update(JobRow)
        .where(*_held(job_id, token))  # type: ignore[arg-type]
        .values(lease_expires_at=utcnow() + dt.timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return bool(renewed.rowcount == 1)  # type: ignore[attr-defined]


def release(
    session: Session,
    job_id: int,
    token: str,
    *,
    retry_in_seconds: float = 0.0,
    failure: str | None = None,
) -> bool:
    """Give the job back to the queue, to be taken again after ``retry_in_seconds``; a
    ``failure`` the file caused is counted against it (and kept as its last reason)."""
    values: dict[str, object] = {
        "leased_by": None,
        "lease_expires_at": utcnow() + dt.timedelta(seconds=retry_in_seconds),
    }
    if failure is not None:
        values["failures"] = JobRow.failures + 1
        values["reason"] = failure
    released = session.execute(
        update(JobRow)
        .where(*_held(job_id, token))  # type: ignore[arg-type]
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return bool(released.rowcount == 1)  # type: ignore[attr-defined]


def finish(
    session: Session,
    job_id: int,
    token: str | None,
    status: str,
    *,
    sha256: str | None = None,
    document_ids: Sequence[str] = (),
    duplicate_of: str | None = None,
    reason: str | None = None,
) -> bool:
    """Mark the job finished if the lease ``token`` still holds it (None: a job finished where it
    was handed off, never leased); False if not. The caller commits it together with the
    documents it made, or rolls all back."""
    if status not in FINISHED:
        raise ValueError(f"unknown job status {status}")
    held = (
        _held(job_id, token)
        if token is not None
        else [JobRow.id == job_id, JobRow.status == QUEUED, JobRow.leased_by.is_(None)]
    )
    finished = session.execute(
        update(JobRow)
        .where(*held)  # type: ignore[arg-type]
        .values(
            status=status,
            sha256=sha256,
            document_ids=",".join(document_ids),
            duplicate_of=duplicate_of,
            reason=reason,
            finished_at=utcnow(),
            lease_expires_at=None,  # leased_by stays: the lease of the worker that finished it
        )
        .execution_options(synchronize_session=False)
    )
    return bool(finished.rowcount == 1)  # type: ignore[attr-defined]


def held_leases(session: Session) -> list[tuple[int, str]]:
    """(job id, lease token) of every job a worker holds now."""
    rows = session.execute(
        select(JobRow.id, JobRow.leased_by).where(
            JobRow.status == QUEUED,
            JobRow.leased_by.is_not(None),
            JobRow.lease_expires_at >= utcnow(),
        )
    )
    return [(job_id, token) for job_id, token in rows if token]


def unfinished(session: Session) -> int:
    """How many jobs are queued (leased or not)."""
    return session.scalar(select(func.count()).where(JobRow.status == QUEUED)) or 0
