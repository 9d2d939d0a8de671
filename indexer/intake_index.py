"""The index as intake sees it (``IntakeIndex``): jobs, duplicates, the registry, saving documents.
Each call opens and closes its own session, so none stays open while a file is OCR'd."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

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

    def open_job(self, claim_name: str, source_name: str) -> Job:
        with self.database.session() as session:
            row = jobs.open_job(session, claim_name, source_name)
            return Job(
                id=row.id,
                source_name=row.source_name,
                attempts=row.attempts,
                outcome=None if row.status == jobs.CLAIMED else outcome_of(row),
            )

    def release_attempt(self, job: Job) -> None:
        with self.database.session() as session:
            jobs.uncount_attempt(session, session.get_one(JobRow, job.id))

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
    ) -> None:
        with self.database.session() as session:
            for document in documents:
                doc_index.add_document(session, document, keys=(keys or {}).get(document.id))
            row = session.get_one(JobRow, job.id)
            jobs.finish_job(
                row,
                outcome.status,
                sha256=sha256,
                document_ids=outcome.document_ids,
                duplicate_of=outcome.duplicate_of,
                reason=outcome.reason,
            )
            if documents and self.on_saved is not None:
                self.on_saved(session, documents)
            session.commit()


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
