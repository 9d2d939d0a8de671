"""The consumer: one claimed file through every stage, as a sequence of small named steps.

    check the file → hash it → known? (duplicate) → OCR → classify and split → re-sent fax?
    → store original and searchable PDF → index documents and finish the job in one commit
    → only then remove the claimed file

A crash at any point leaves the file in the processing folder; ``recover`` runs it again, and a
file whose job was already committed is only removed, so every file is processed exactly once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session

from indexer import documents as doc_index
from indexer import jobs
from indexer.database import Database
from indexer.models import JobRow
from indexer.patients import SqlPatientRegistry
from intake import dedupe, files
from ocr import sniff_media_type
from recordroom.core import (
    Classification,
    Document,
    DocumentClassifier,
    EmptyFileError,
    FileTooLargeError,
    IngestOutcome,
    IngestStatus,
    ObjectStore,
    OcrEngine,
    OcrResult,
    PatientMatch,
    QuarantineError,
    Segment,
)
from recordroom.core.hashing import file_sha256
from recordroom.core.settings import Settings
from storage.keys import derivative_key, original_key

log = logging.getLogger("recordroom.intake")

MAX_ATTEMPTS = 3
NEAR_DUPLICATE_WINDOW = dt.timedelta(days=30)


@dataclass(frozen=True, slots=True)
class _Prepared:
    """What the steps before storage found out about one file."""

    sha256: str
    size: int
    media_type: str
    ocr: OcrResult
    classification: Classification
    fingerprint: int | None
    near_duplicate_of: str | None


class Pipeline:
    """The stages, wired together. Built once per process by ``recordroom.wiring``."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        store: ObjectStore,
        ocr: OcrEngine,
        classifier: DocumentClassifier | None,
    ) -> None:
        self.settings = settings
        self.database = database
        self.store = store
        self.ocr = ocr
        self.classifier = classifier
        self._locks: dict[str, tuple[threading.Lock, int]] = {}
        self._locks_guard = threading.Lock()

    # -- entry points -------------------------------------------------------------------------

    def ingest_paths(self, paths: list[Path]) -> list[IngestOutcome]:
        """Copy files from anywhere into processing and run each through (the sources stay)."""
        outcomes = []
        for path in paths:
            claimed = files.copy_in(path, self.settings.processing_dir)
            outcomes.append(replace(self.process(claimed), file=str(path)))
        return outcomes

    def take_from_inbox(self, path: Path) -> IngestOutcome | None:
        """Claim a settled inbox file and process it; None if another worker claimed it first."""
        source_name = str(path.relative_to(self.settings.inbox))
        claimed = files.claim(path, self.settings.processing_dir, source_name)
        return None if claimed is None else self.process(claimed, source_name)

    def recover(self) -> list[IngestOutcome]:
        """Finish the files a crash left in the processing folder."""
        files.sweep_slots(self.settings.processing_dir)
        leftovers = files.claimed_files(self.settings.processing_dir)
        if leftovers:
            log.info(
                "recovering %d file(s) left in processing by an interrupted run", len(leftovers)
            )
        return [self.process(path) for path in leftovers]

    def classify_file(self, path: Path) -> tuple[OcrResult, Classification]:
        """OCR and classify one file where it lies, storing nothing (``recordroom classify``)."""
        ocr = self.ocr.extract(path, make_searchable_pdf=False)
        with self.database.session() as session:
            return ocr, self._classify(session, ocr)

    # -- one file -----------------------------------------------------------------------------

    def process(self, claimed: Path, source_name: str | None = None) -> IngestOutcome:
        """Run one claimed file through; ``source_name`` is where it came from in the inbox."""
        with self.database.session() as session:
            job = jobs.open_job(session, files.claim_name(claimed), source_name or claimed.name)
            source_name = job.source_name
            if job.status != jobs.CLAIMED:
                # Committed before a crash that came before the file was removed.
                files.remove_claimed(claimed)
                return _outcome_of(job)
            try:
                if job.attempts > MAX_ATTEMPTS:
                    raise QuarantineError(
                        f"{source_name} could not be finished {MAX_ATTEMPTS} times in a row "
                        "(the program was interrupted or the OCR engine failed each time); "
                        "check the file and drop it in the inbox again"
                    )
                outcome = self._process_job(session, job, claimed, source_name)
            except QuarantineError as error:
                outcome = self._quarantine(session, job, claimed, source_name, str(error))
        files.remove_claimed(claimed)
        log.info(
            "job %s: %s, %d page(s), document %s",
            job.id,
            outcome.status,
            outcome.pages,
            outcome.document_id,
        )
        return outcome

    def _process_job(
        self, session: Session, job: JobRow, claimed: Path, source: str
    ) -> IngestOutcome:
        size = _check_size(claimed, source, self.settings)
        sha256 = file_sha256(claimed)
        with self._hash_lock(sha256):
            return self._process_new(session, job, claimed, source, sha256, size)

    @contextlib.contextmanager
    def _hash_lock(self, sha256: str) -> Iterator[None]:
        """Two copies of one file taken at once by two threads: the second waits, then sees the
        first as stored and records itself as a duplicate."""
        with self._locks_guard:
            lock, users = self._locks.get(sha256, (threading.Lock(), 0))
            self._locks[sha256] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._locks_guard:
                lock, users = self._locks[sha256]
                if users == 1:
                    del self._locks[sha256]
                else:
                    self._locks[sha256] = (lock, users - 1)

    def _process_new(
        self, session: Session, job: JobRow, claimed: Path, source: str, sha256: str, size: int
    ) -> IngestOutcome:
        known = doc_index.document_for_sha256(session, sha256)
        if known is not None:
            jobs.finish_job(job, "duplicate", sha256=sha256, duplicate_of=known)
            session.commit()
            return IngestOutcome(file=source, status="duplicate", duplicate_of=known)
        prepared = self._prepare(session, claimed, sha256, size)
        documents = self._documents(source, prepared)
        self._store(claimed, prepared, documents)
        for document in documents:
            doc_index.add_document(
                session,
                document,
                fingerprint=prepared.fingerprint,
                duplicate_of=prepared.near_duplicate_of,
            )
        status: IngestStatus = "near_duplicate" if prepared.near_duplicate_of else "stored"
        ids = [d.id for d in documents]
        jobs.finish_job(
            job, status, sha256=sha256, document_ids=ids, duplicate_of=prepared.near_duplicate_of
        )
        session.commit()
        return IngestOutcome(
            file=source,
            status=status,
            document_id=ids[0],
            pages=len(prepared.ocr.pages),
            duplicate_of=prepared.near_duplicate_of,
            document_ids=tuple(ids),
        )

    def _prepare(self, session: Session, claimed: Path, sha256: str, size: int) -> _Prepared:
        ocr = self.ocr.extract(claimed, make_searchable_pdf=True)
        if not ocr.pages:
            raise EmptyFileError(f"{claimed.name} has no pages")
        classification = self._classify(session, ocr)
        fingerprint = dedupe.fingerprint(ocr.text)
        near = None
        if fingerprint is not None:
            since = dt.datetime.now(dt.UTC) - NEAR_DUPLICATE_WINDOW
            for doc_id, other in doc_index.recent_fingerprints(
                session, page_count=len(ocr.pages), since=since
            ):
                if dedupe.is_near(fingerprint, other):
                    near = doc_id
                    break
        return _Prepared(
            sha256=sha256,
            size=size,
            media_type=sniff_media_type(claimed),
            ocr=ocr,
            classification=classification,
            fingerprint=fingerprint,
            near_duplicate_of=near,
        )

    def _classify(self, session: Session, ocr: OcrResult) -> Classification:
        texts = [page.text for page in ocr.pages]
        if self.classifier is None:
            return unclassified(len(texts), "no classification model is installed")
        classification = self.classifier.classify(texts, SqlPatientRegistry(session))
        if not classification.segments:  # nothing but cover pages: keep the file whole
            return unclassified(len(texts), "no document found besides a cover sheet")
        return classification

    def _documents(self, source: str, prepared: _Prepared) -> list[Document]:
        received = dt.datetime.now(dt.UTC)
        reasons_for_all: tuple[str, ...] = ()
        if prepared.ocr.low_confidence_pages:
            low = ", ".join(str(n) for n in prepared.ocr.low_confidence_pages)
            reasons_for_all += (f"OCR confidence is low on page(s) {low}",)
        if prepared.near_duplicate_of:
            reasons_for_all += (
                f"looks like a re-sent copy of document {prepared.near_duplicate_of}",
            )
        documents = []
        for segment in prepared.classification.segments:
            numbers = range(segment.first_page, segment.last_page + 1)
            pages = tuple(
                replace(prepared.ocr.pages[n - 1], number=i) for i, n in enumerate(numbers, 1)
            )
            reasons = segment.review_reasons + reasons_for_all
            documents.append(
                Document(
                    id=uuid.uuid4().hex,
                    source_name=source,
                    sha256=prepared.sha256,
                    media_type=prepared.media_type,
                    size=prepared.size,
                    received_at=received,
                    pages=pages,
                    doc_type=segment.doc_type,
                    doc_type_confidence=segment.doc_type_confidence,
                    patient_mrn=segment.patient.mrn,
                    patient_confidence=segment.patient.confidence,
                    needs_review=segment.needs_review or bool(reasons_for_all),
                    review_reasons=reasons,
                    sender_name=prepared.classification.sender_name,
                    sender_fax=prepared.classification.sender_fax,
                    original_key=original_key(prepared.sha256),
                    searchable_pdf_key=_searchable_key(prepared),
                    source_pages=tuple(numbers),
                )
            )
        return documents

    def _store(self, claimed: Path, prepared: _Prepared, documents: list[Document]) -> None:
        key = original_key(prepared.sha256)
        if not self.store.exists(key):
            self.store.put_file(key, claimed)
        # Upright page images (OCR'd pages only; a text-layer page was never rasterised).
        for number, png in enumerate(prepared.ocr.page_images, start=1):
            if png:
                self.store.put(page_image_key(prepared.sha256, number), png)
        searchable = _searchable_key(prepared)
        if prepared.ocr.searchable_pdf and searchable and searchable != key:
            self.store.put(searchable, prepared.ocr.searchable_pdf)

    def _quarantine(
        self, session: Session, job: JobRow, claimed: Path, source: str, reason: str
    ) -> IngestOutcome:
        session.rollback()
        files.quarantine(claimed, self.settings.quarantine_dir, source, reason)
        jobs.finish_job(job, "quarantined", reason=reason)
        session.commit()
        return IngestOutcome(file=source, status="quarantined", reason=reason)


def unclassified(page_count: int, reason: str) -> Classification:
    """One document of type ``other`` waiting for review: used when no classifier is available."""
    segment = Segment(
        first_page=1,
        last_page=page_count,
        doc_type="other",
        doc_type_confidence=0.0,
        patient=PatientMatch(mrn=None, confidence=0.0),
        needs_review=True,
        review_reasons=(reason,),
    )
    return Classification(segments=(segment,))


def page_image_key(sha256: str, page: int) -> str:
    """Where the upright image of a page of the original file is kept."""
    return derivative_key(sha256, f"page-{page}.png")


def _searchable_key(prepared: _Prepared) -> str | None:
    """Where the searchable PDF is kept. A PDF whose every page has a real text layer already is
    one, and the OCR stage hands it back unchanged: the original serves, stored once."""
    if not prepared.ocr.searchable_pdf:
        return None
    if prepared.media_type == "application/pdf" and all(
        page.method == "text_layer" for page in prepared.ocr.pages
    ):
        return original_key(prepared.sha256)
    return derivative_key(prepared.sha256, "searchable.pdf")


def _check_size(path: Path, source: str, settings: Settings) -> int:
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(f"{source} is empty (0 bytes); scan or send it again")
    limit = settings.max_file_mb * 1024 * 1024
    if size > limit:
        raise FileTooLargeError(
            f"{source} is {size / 1024 / 1024:.0f} MB, more than the {settings.max_file_mb} MB "
            "limit (RECORDROOM_MAX_FILE_MB); split it or raise the limit"
        )
    return size


def _outcome_of(job: JobRow) -> IngestOutcome:
    ids = tuple(i for i in job.document_ids.split(",") if i)
    return IngestOutcome(
        file=job.source_name,
        status=job.status,  # type: ignore[arg-type]
        document_id=ids[0] if ids else None,
        duplicate_of=job.duplicate_of,
        reason=job.reason,
        document_ids=ids,
    )
