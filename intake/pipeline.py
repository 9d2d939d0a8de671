"""The consumer: one claimed file through every stage, as a sequence of small named steps.

    check the file → hash it → known? (duplicate) → OCR → classify and split → re-sent fax?
    → store original and searchable PDF (a re-sent copy: marked, or skipped by setting)
    → index documents and finish the job in one commit
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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from intake import burst, dedupe, files
from recordroom.core import (
    Classification,
    Document,
    DocumentClassifier,
    DocumentKeys,
    EmptyFileError,
    IngestOutcome,
    IngestStatus,
    IntakeIndex,
    Job,
    MailOrigin,
    NearDuplicateCandidate,
    ObjectStore,
    OcrEngine,
    OcrResult,
    PatientMatch,
    QuarantineError,
    Segment,
    StorageError,
)
from recordroom.core.files import check_size
from recordroom.core.hashing import file_sha256
from recordroom.core.keys import derivative_key, original_key
from recordroom.core.models import RESENT_REASON
from recordroom.core.settings import Settings

log = logging.getLogger("recordroom.intake")

MAX_ATTEMPTS = 3
NEAR_DUPLICATE_WINDOW = dt.timedelta(days=30)


@dataclass(frozen=True, slots=True)
class _Prepared:
    """What the steps before storage found out about one file."""

    sha256: str
    size: int
    ocr: OcrResult
    classification: Classification


class Pipeline:
    """The stages, wired together. Built once per process by ``recordroom.wiring``."""

    def __init__(
        self,
        settings: Settings,
        index: IntakeIndex,
        store: ObjectStore,
        ocr: OcrEngine,
        classifier: DocumentClassifier | None,
    ) -> None:
        self.settings = settings
        self.index = index
        self.store = store
        self.ocr = ocr
        self.classifier = classifier
        self._locks: dict[str, tuple[threading.Lock, int]] = {}
        self._locks_guard = threading.Lock()

    # -- entry points -------------------------------------------------------------------------

    def ingest_paths(self, paths: Sequence[Path]) -> list[IngestOutcome]:
        """Copy files from anywhere into processing and run them through (the sources stay)."""
        return list(self.ingest_each(paths))

    def ingest_each(self, paths: Sequence[Path]) -> Iterator[IngestOutcome]:
        """``ingest_paths`` one outcome at a time, in the order of ``paths``, while the files
        run several at once, their pages sharing the OCR workers, and finish in that order
        (``intake.burst``). A failure that is not the file's (engine, storage) leaves it in
        processing for ``recover`` and stops none of the others; it is raised once they are done."""
        return burst.run_in_order(
            paths, self._ingest_one, at_once=burst.files_at_once(self.settings)
        )

    def _ingest_one(self, path: Path, turn: burst.Turn) -> IngestOutcome:
        claimed = files.copy_in(path, self.settings.processing_dir)
        return replace(self.process(claimed, turn=turn), file=str(path))

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
        return ocr, self._classify(ocr)

    # -- one file -----------------------------------------------------------------------------

    def process(
        self,
        claimed: Path,
        source_name: str | None = None,
        origin: MailOrigin | None = None,
        *,
        turn: burst.Turn | None = None,
    ) -> IngestOutcome:
        """Run one claimed file through; ``source_name`` is where it came from in the inbox,
        ``origin`` the e-mail it came in (also read from beside the claimed file, for a file a
        crash left in processing). ``turn``, in a burst, is entered before the file is checked
        against what is stored and stored."""
        origin = origin or files.read_origin(claimed)
        job = self.index.open_job(files.claim_name(claimed), source_name or claimed.name)
        if job.outcome is not None:
            # Committed before a crash that came before the file was removed.
            files.remove_claimed(claimed)
            return job.outcome
        source_name = job.source_name
        try:
            files.check_plain_file(claimed, source_name)
            if job.attempts > MAX_ATTEMPTS:
                raise QuarantineError(
                    f"{source_name} could not be finished {MAX_ATTEMPTS} times in a row "
                    "(the program was interrupted or the OCR engine failed each time); "
                    "check the file and drop it in the inbox again"
                )
            outcome = self._process_job(job, claimed, source_name, origin, turn)
        except QuarantineError as error:
            outcome = self._quarantine(job, claimed, source_name, str(error))
        except StorageError:
            # The object store is down or refusing: not the file's fault, so this attempt does
            # not count towards quarantine; the file waits in processing for a retry.
            self.index.release_attempt(job)
            raise
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
        self,
        job: Job,
        claimed: Path,
        source: str,
        origin: MailOrigin | None,
        turn: burst.Turn | None,
    ) -> IngestOutcome:
        size = check_size(claimed, source, self.settings.max_file_mb)
        sha256 = file_sha256(claimed)
        if turn is not None:
            # In a burst the hash lock is taken in the file's turn, for its last step: held while
            # the file is read, it could make a copy wait on a later one waiting for its turn.
            return self._process_new(job, claimed, source, sha256, size, origin, turn)
        with self._hash_lock(sha256):
            return self._process_new(job, claimed, source, sha256, size, origin, None)

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
        self,
        job: Job,
        claimed: Path,
        source: str,
        sha256: str,
        size: int,
        origin: MailOrigin | None,
        turn: burst.Turn | None,
    ) -> IngestOutcome:
        known = self.index.find_duplicate(sha256)
        if known is not None:
            return self._duplicate(job, source, sha256, known)
        prepared = self._prepare(claimed, sha256, size)
        if turn is None:
            return self._finish(job, claimed, source, prepared, origin)
        with turn, self._hash_lock(sha256):
            known = self.index.find_duplicate(sha256)  # a copy stored while this one was read
            if known is not None:
                return self._duplicate(job, source, sha256, known)
            return self._finish(job, claimed, source, prepared, origin)

    def _duplicate(self, job: Job, source: str, sha256: str, known: str) -> IngestOutcome:
        outcome = IngestOutcome(file=source, status="duplicate", duplicate_of=known)
        self.index.finish_job(job, outcome, sha256=sha256)
        return outcome

    def _finish(
        self,
        job: Job,
        claimed: Path,
        source: str,
        prepared: _Prepared,
        origin: MailOrigin | None,
    ) -> IngestOutcome:
        """Mark re-sent copies, store the file and index its documents."""
        sha256 = prepared.sha256
        found = [
            self._near_duplicate(document, prepared)
            for document in self._documents(source, prepared, origin)
        ]
        copy_of = next((d.duplicate_of for d, _ in found if d.duplicate_of), None)
        if self.settings.near_duplicates == "skip":
            found = [(d, keys) for d, keys in found if d.duplicate_of is None]
        documents = [d for d, _ in found]
        if documents:
            self._store(claimed, prepared, documents)
        ids = tuple(d.id for d in documents)
        status: IngestStatus = "near_duplicate" if copy_of else "stored"
        outcome = IngestOutcome(
            file=source,
            status=status,
            document_id=ids[0] if ids else None,
            pages=len(prepared.ocr.pages),
            duplicate_of=copy_of,
            document_ids=ids,
        )
        self.index.finish_job(
            job, outcome, sha256=sha256, documents=documents, keys={d.id: k for d, k in found}
        )
        return outcome

    def _prepare(self, claimed: Path, sha256: str, size: int) -> _Prepared:
        ocr = self.ocr.extract(claimed, make_searchable_pdf=True)
        if not ocr.pages:
            raise EmptyFileError(f"{claimed.name} has no pages")
        return _Prepared(sha256=sha256, size=size, ocr=ocr, classification=self._classify(ocr))

    def _near_duplicate(
        self, document: Document, prepared: _Prepared
    ) -> tuple[Document, DocumentKeys]:
        """The document, marked ``duplicate_of`` an earlier one if it is a re-sent copy of it,
        and the keys a later copy of it will be recognised by."""
        first = document.source_pages[0] - 1 if document.source_pages else 0
        images = prepared.ocr.page_images
        image = images[first] if first < len(images) else None
        fingerprint = dedupe.fingerprint(
            [page.text for page in document.pages], image, document.patient_mrn
        )
        keys = DocumentKeys(
            minhash=fingerprint.minhash,
            image_hash=fingerprint.image_hash,
            identifiers=dedupe.identifiers_json(fingerprint.identifiers),
            bands=tuple(fingerprint.bands()),
        )
        since = dt.datetime.now(dt.UTC) - NEAR_DUPLICATE_WINDOW
        best: tuple[float, str] | None = None
        for earlier in self.index.near_duplicate_candidates(keys.bands, since=since):
            if (
                dedupe.likeness(
                    fingerprint.minhash, fingerprint.image_hash, earlier.minhash, earlier.image_hash
                )
                is None
            ):
                continue  # not even the words agree: no need to read its identifying values
            score = dedupe.similarity(fingerprint, _stored_fingerprint(earlier))
            if score is not None and (best is None or score > best[0]):
                best = (score, earlier.document_id)
        if best is None:
            return document, keys
        score, original = best
        marked = replace(
            document,
            duplicate_of=original,
            duplicate_similarity=score,
            needs_review=True,
            review_reasons=(*document.review_reasons, f"{RESENT_REASON} {original} ({score:.2f})"),
        )
        return marked, keys

    def _classify(self, ocr: OcrResult) -> Classification:
        texts = [page.text for page in ocr.pages]
        if self.classifier is None:
            return unclassified(len(texts), "no classification model is installed")
        with self.index.registry() as registry:
            classification = self.classifier.classify(texts, registry)
        if not classification.segments:  # nothing but cover pages: keep the file whole
            return unclassified(len(texts), "no document found besides a cover sheet")
        return classification

    def _documents(
        self, source: str, prepared: _Prepared, origin: MailOrigin | None
    ) -> list[Document]:
        received = dt.datetime.now(dt.UTC)
        reasons_for_all: tuple[str, ...] = ()
        if prepared.ocr.low_confidence_pages:
            low = ", ".join(str(n) for n in prepared.ocr.low_confidence_pages)
            reasons_for_all += (f"OCR confidence is low on page(s) {low}",)
        sender_fax = prepared.classification.sender_fax or (origin.fax_number if origin else None)
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
                    media_type=prepared.ocr.media_type,
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
                    sender_fax=sender_fax,
                    original_key=original_key(prepared.sha256),
                    searchable_pdf_key=_searchable_key(prepared),
                    source_pages=tuple(numbers),
                    mail=origin,
                )
            )
        return documents

    def _store(self, claimed: Path, prepared: _Prepared, documents: list[Document]) -> None:
        key = original_key(prepared.sha256)
        if not self.store.exists(key):
            self.store.put_file(key, claimed, object_metadata(prepared, documents, "original"))
        # Upright page images (OCR'd pages only; a text-layer page was never rasterised).
        for number, png in enumerate(prepared.ocr.page_images, start=1):
            if png:
                metadata = object_metadata(prepared, documents, f"page-{number}")
                self.store.put(page_image_key(prepared.sha256, number), png, metadata)
        searchable = _searchable_key(prepared)
        if prepared.ocr.searchable_pdf and searchable and searchable != key:
            metadata = object_metadata(prepared, documents, "searchable-pdf")
            self.store.put(searchable, prepared.ocr.searchable_pdf, metadata)

    def _quarantine(self, job: Job, claimed: Path, source: str, reason: str) -> IngestOutcome:
        files.quarantine(claimed, self.settings.quarantine_dir, source, reason)
        outcome = IngestOutcome(file=source, status="quarantined", reason=reason)
        self.index.finish_job(job, outcome)
        return outcome


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


def object_metadata(prepared: _Prepared, documents: list[Document], kind: str) -> dict[str, str]:
    """What a stored object is, for whoever looks in the bucket: ids, types and the hash only.

    The patient's MRN is left out on purpose: it is PHI, an S3 service keeps metadata in the
    clear (and in its access logs), and a review can move a document to another patient while the
    object, shared by every copy of the file, stays as written. The index holds the patient.
    """
    return {
        "kind": kind,
        "sha256": prepared.sha256,
        "document-ids": ",".join(d.id for d in documents),
        "doc-types": ",".join(sorted({d.doc_type for d in documents})),
    }


def _stored_fingerprint(stored: NearDuplicateCandidate) -> dedupe.Fingerprint:
    return dedupe.Fingerprint(
        minhash=stored.minhash,
        image_hash=stored.image_hash,
        identifiers=dedupe.identifiers_from_json(stored.identifiers),
        patient_mrn=stored.patient_mrn,
    )


def page_image_key(sha256: str, page: int) -> str:
    """Where the upright image of a page of the original file is kept."""
    return derivative_key(sha256, f"page-{page}.png")


def _searchable_key(prepared: _Prepared) -> str | None:
    """Where the searchable PDF is kept. A PDF whose every page has a real text layer already is
    one, and the OCR stage hands it back unchanged: the original serves, stored once."""
    if not prepared.ocr.searchable_pdf:
        return None
    if prepared.ocr.original_is_searchable:
        return original_key(prepared.sha256)
    return derivative_key(prepared.sha256, "searchable.pdf")
