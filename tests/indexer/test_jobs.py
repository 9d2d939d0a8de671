"""The job queue on both backends: enqueue, take under a lease, renew, give back, finish once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import update

from indexer import jobs
from indexer.database import Database
from indexer.intake_index import SqlIntakeIndex
from indexer.models import DocumentRow, JobRow
from recordroom.core import Document, IngestOutcome, LeaseLostError, Page
from recordroom.core.keys import original_key
from recordroom.core.settings import Settings

SHA = "ab" * 32


@pytest.fixture(params=["sqlite", "postgresql"])
def index(request: pytest.FixtureRequest, settings: Settings) -> Iterator[SqlIntakeIndex]:
    if request.param == "sqlite":
        url = settings.database
    else:
        url = request.getfixturevalue("postgres_url")
    database = Database(url)
    database.migrate()
    yield SqlIntakeIndex(database)
    database.dispose()


def document(sha256: str = SHA) -> Document:
    return Document(
        id="d" * 32,
        source_name="scan.pdf",
        sha256=sha256,
        media_type="application/pdf",
        size=10,
        received_at=dt.datetime.now(dt.UTC),
        pages=(Page(number=1, text="hello", method="text_layer"),),
        doc_type="other",
        doc_type_confidence=0.0,
        original_key=original_key(sha256),
    )


def expire(index: SqlIntakeIndex, job_id: int) -> None:
    """As if the lease ran out (its worker was killed, or stalled)."""
    with index.database.session() as session:
        session.execute(
            update(JobRow)
            .where(JobRow.id == job_id)
            .values(lease_expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
        session.commit()


def test_a_claim_is_queued_once_and_taken_by_one_worker(index: SqlIntakeIndex) -> None:
    job = index.enqueue("abc/scan.pdf", "sub/scan.pdf", SHA, original_key(SHA))
    again = index.enqueue("abc/scan.pdf", "scan.pdf", SHA, original_key(SHA))
    assert again.id == job.id and again.source_name == "sub/scan.pdf" and again.outcome is None
    taken = index.take_job("a", 60)
    assert taken is not None and taken.id == job.id and taken.lease
    assert index.take_job("b", 60) is None  # leased
    assert index.renew_lease(taken, 60)
    index.release_job(taken)  # given back at once: not the file's fault, not counted
    retaken = index.take_job("b", 60)
    assert retaken is not None and retaken.failures == 0
    outcome = IngestOutcome(file="sub/scan.pdf", status="duplicate", duplicate_of="x")
    index.finish_job(retaken, outcome, sha256=SHA)
    assert index.job_outcome(job.id) == outcome
    assert index.enqueue("abc/scan.pdf", "scan.pdf", SHA, original_key(SHA)).outcome == outcome
    assert index.unfinished_jobs() == 0


def test_a_failure_the_file_caused_counts_and_an_expired_lease_does_not(
    index: SqlIntakeIndex,
) -> None:
    index.enqueue("abc/scan.pdf", "scan.pdf", SHA, original_key(SHA))
    first = index.take_job("a", 60)
    assert first is not None
    expire(index, first.id)  # its worker died
    second = index.take_job("b", 60)
    assert second is not None and second.failures == 0
    index.release_job(second, failure="tesseract took too long on a page of scan.pdf")
    third = index.take_job("c", 60)
    assert third is not None and third.failures == 1


def test_a_worker_whose_lease_was_taken_over_cannot_finish(index: SqlIntakeIndex) -> None:
    index.enqueue("abc/scan.pdf", "scan.pdf", SHA, original_key(SHA))
    late = index.take_job("late", 60)
    assert late is not None
    expire(index, late.id)
    other = index.take_job("other", 60)
    assert other is not None and other.lease != late.lease
    stored = IngestOutcome(file="scan.pdf", status="stored", document_id="d" * 32)
    assert not index.renew_lease(late, 60)
    with pytest.raises(LeaseLostError):
        index.finish_job(late, stored, sha256=SHA, documents=[document()])
    index.finish_job(other, stored, sha256=SHA, documents=[document()])
    with pytest.raises(LeaseLostError):  # nor after the other finished
        index.finish_job(late, stored, sha256=SHA, documents=[document()])
    with index.database.session() as session:
        assert session.query(DocumentRow).count() == 1
        row = session.get_one(JobRow, other.id)
        assert (row.status, row.attempts, row.failures) == ("stored", 2, 0)


def test_the_second_of_two_copies_finished_at_once_is_a_duplicate(index: SqlIntakeIndex) -> None:
    index.enqueue("one/scan.pdf", "scan.pdf", SHA, original_key(SHA))
    index.enqueue("two/scan.pdf", "copy.pdf", SHA, original_key(SHA))
    one, two = index.take_job("a", 60), index.take_job("b", 60)
    assert one is not None and two is not None
    stored = IngestOutcome(file="scan.pdf", status="stored", document_id="d" * 32)
    index.finish_job(one, stored, sha256=SHA, documents=[document()])
    late = index.finish_job(two, stored, sha256=SHA, documents=[document()])
    assert (late.status, late.duplicate_of) == ("duplicate", "d" * 32)


def test_jobs_left_claimed_by_an_older_version_are_queued(settings: Settings) -> None:
    from alembic import command
    from sqlalchemy import text

    from indexer.database import alembic_config

    database = Database(settings.database)
    config = alembic_config(settings.database)
    command.upgrade(config, "0014")
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO jobs (claim_name, source_name, status, document_ids, attempts,"
                " created_at) VALUES ('a/x.pdf', 'x.pdf', 'claimed', '', 2, '2026-11-01')"
            )
        )
    database.migrate()
    with database.session() as session:
        row = session.query(JobRow).one()
        assert (row.status, row.failures, row.original_key) == (jobs.QUEUED, 0, None)
    assert SqlIntakeIndex(database).take_job("a", 60) is None  # its file is handed off again
    command.downgrade(config, "0014")
    database.dispose()


def test_the_migration_matches_the_job_model(index: SqlIntakeIndex) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from recordroom.core.sql import Base

    with index.database.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in diffs if "jobs" in str(d)] == []
