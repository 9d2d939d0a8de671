"""The consumer, in two halves joined by the job queue.

The hand-off (the watcher, ``ingest``, the mail fetcher): claim a file → check it → hash it → put
the original into the object store → enqueue a job (with the e-mail it came in) and commit → only
then remove the claimed file.

A worker (in the watcher's process, or ``recordroom worker`` on any machine): take a job under a
lease → copy its original from the store into a private working folder → known? (duplicate) → OCR
→ classify and split → re-sent fax? (marked, or skipped by setting) → store the derivatives →
index the documents and finish the job in one commit that also checks the lease is still this
worker's.

A crash before the hand-off's commit leaves the file in the processing folder (``recover`` hands
it off again); a worker killed mid-job leaves its job queued under a lease that runs out, and
another worker takes it. Neither counts against the file: only a failure the file caused (the
OCR engine crashed or timed out on it) does, and after ``max_file_failures`` of those it is
quarantined. So every file is processed exactly once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import math
import threading
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
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
    LeaseLostError,
    MailOrigin,
    NearDuplicateCandidate,
    ObjectStore,
    OcrEngine,
    OcrFailedOnFileError,
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
from recordroom.core.private import scratch_dir, sweep_work_dirs
from recordroom.core.settings import Settings

log = logging.getLogger("recordroom.intake")

NEAR_DUPLICATE_WINDOW = dt.timedelta(days=30)
RETRY_SECONDS = 30.0  # a job given back after a failure waits this long before it is taken again
JOB_COPY_PREFIX = "recordroom-job-"  # under the work folder: private copies of originals

# The files being handed off or worked on in this process, by SHA-256 (see ``_hash_lock``).
_LOCKS: dict[str, tuple[threading.Lock, int]] = {}
_LOCKS_GUARD = threading.Lock()
_FINISH_LOCK = threading.Lock()  # see ``Pipeline._finish``


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
        self.worker_name = files.process_identity()

    # -- entry points -------------------------------------------------------------------------

    def ingest_paths(self, paths: Sequence[Path]) -> list[IngestOutcome]:
        """Copy files from anywhere into processing and run them through (the sources stay)."""
        return list(self.ingest_each(paths))

    def ingest_each(self, paths: Sequence[Path]) -> Iterator[IngestOutcome]:
        """``ingest_paths`` one outcome at a time, in the order of ``paths``, while the files
        run several at once, their pages sharing the OCR workers, and finish in that order
        (``intake.burst``). Each is handed off (original stored, job queued), then its job is
        worked here. A failure that is not the file's (engine, storage) leaves its job queued for
        a worker and stops none of the others; it is raised once they are done."""
        return burst.run_in_order(
            paths, self._ingest_one, at_once=burst.files_at_once(self.settings)
        )

    def _ingest_one(self, path: Path, place: burst.Place) -> IngestOutcome:
        job = self.hand_off(files.copy_in(path, self.settings.processing_dir), path.name)
        return replace(self.finish_own(job, place=place), file=str(path))

    def ingest_claimed(self, claimed: Path, source_name: str, origin: MailOrigin) -> IngestOutcome:
        """Hand off a file written into processing (an e-mail attachment) and work its job to the
        end: the caller acts on the outcome (moves the message) only once it is committed."""
        return self.finish_own(self.hand_off(claimed, source_name, origin))

    def take_from_inbox(self, path: Path) -> Job | None:
        """Claim a settled inbox file and hand it off; None if another watcher claimed it first."""
        source_name = str(path.relative_to(self.settings.inbox))
        claimed = files.claim(path, self.settings.processing_dir, source_name)
        return None if claimed is None else self.hand_off(claimed, source_name)

    def recover(self) -> list[Job]:
        """Hand off again the files an interrupted hand-off left in processing: this process's
        own, and those of watchers that are provably gone (several may share the inbox)."""
        stale_after = 5 * self.settings.job_lease_seconds
        leftovers = [
            path
            for slot in files.orphaned_slots(self.settings.processing_dir, stale_after)
            for path in files.adopt(slot)
        ]
        if leftovers:
            log.info("handing off %d file(s) an interrupted run left in processing", len(leftovers))
        return [self.hand_off(path, path.name) for path in leftovers]

    def classify_file(self, path: Path) -> tuple[OcrResult, Classification]:
        """OCR and classify one file where it lies, storing nothing (``recordroom classify``)."""
        ocr = self.ocr.extract(path, make_searchable_pdf=False)
        return ocr, self._classify(ocr)

    def work_next(self) -> bool:
        """Take the oldest waiting job and work it; False if there was none to take. A failure
        that is not the file's (storage, database, a missing OCR engine) gives the job back and
        is raised."""
        job = self.index.take_job(self.worker_name, self.settings.job_lease_seconds)
        if job is None:
            return False
        with contextlib.suppress(OcrFailedOnFileError, LeaseLostError):  # counted, or dropped
            self.run_job(job)
        return True

    def work_until_idle(self, taking: threading.Event | None = None) -> None:
        """Work jobs until none is left to take (``watch --once``), as many at once as a running
        watcher's workers do, so a burst keeps every OCR worker busy. While ``taking`` is not
        set, files are still being taken from the inbox: an empty queue then means wait for the
        next job, not stop."""
        self.reclaim_dead_leases()

        done_taking = taking or threading.Event()
        if taking is None:
            done_taking.set()

        def drain() -> None:
            while True:
                last_round = done_taking.is_set()  # read before the queue is
                while self.work_next():
                    pass
                if last_round:
                    return
                done_taking.wait(0.1)

        at_once = burst.files_at_once(self.settings)
        with ThreadPoolExecutor(at_once, thread_name_prefix="worker") as pool:
            for running in [pool.submit(drain) for _ in range(at_once)]:
                running.result()

    def reclaim_dead_leases(self) -> None:
        """Give back the jobs held by workers of this host that are provably gone (killed, or
        the machine restarted), without waiting for their leases to run out; not counted against
        the files. Another host's leases are left to run out."""
        for job_id, token in self.index.held_leases():
            owner = token.split("/", 1)[0]
            if owner != self.worker_name and files.owner_gone(owner, math.inf, 0.0):
                log.info("job %s: its worker is gone; back to the queue", job_id)
                self.index.release_job(Job(id=job_id, source_name="", lease=token))

    def finish_own(self, job: Job, *, place: burst.Place | None = None) -> IngestOutcome:
        """Work one's own job to its end (``ingest``, mail); if another worker holds it, wait.
        ``place``, in a burst: the file is read in its place, and checked against what is
        stored in its turn."""
        while job.outcome is None:
            taken = self.index.take_job(
                self.worker_name, self.settings.job_lease_seconds, job_id=job.id
            )
            outcome = None
            if taken is not None:
                with contextlib.suppress(LeaseLostError):
                    outcome = self.run_job(taken, place=place)
                place = None  # a turn is entered once
            else:
                threading.Event().wait(0.2)
            job = replace(job, outcome=outcome or self.index.job_outcome(job.id))
        return job.outcome

    def sweep_work_dir(self) -> None:
        """Remove private copies of originals left by killed processes of this host."""
        swept = sweep_work_dirs(self.settings.work_dir, JOB_COPY_PREFIX)
        if swept:
            log.info("removed %d job working folder(s) left by an interrupted run", swept)

    # -- the hand-off -------------------------------------------------------------------------

    def hand_off(self, claimed: Path, source_name: str, origin: MailOrigin | None = None) -> Job:
        """Put a claimed file's original into the store and queue its job (one commit), then
        remove the claimed copy. A link, or a file too large to take, is quarantined here.
        ``origin``: the e-mail it came in (else read from beside the claimed file)."""
        origin = origin or files.read_origin(claimed)
        claim = files.claim_name(claimed)
        try:
            files.check_plain_file(claimed, source_name)
            check_size(claimed, source_name, self.settings.max_file_mb)
        except QuarantineError as error:
            files.quarantine(claimed, self.settings.quarantine_dir, source_name, str(error))
            outcome = IngestOutcome(file=source_name, status="quarantined", reason=str(error))
            job = self.index.record_outcome(claim, source_name, outcome)
        else:
            sha256 = file_sha256(claimed)
            key = original_key(sha256)
            with self._hash_lock(sha256):  # two copies handed off at once: one put
                if not self.store.exists(key):
                    self.store.put_file(key, claimed, {"kind": "original", "sha256": sha256})
            job = self.index.enqueue(claim, source_name, sha256, key, origin)
        files.remove_claimed(claimed)
        log.info("job %s: queued", job.id)
        return job

    # -- one job ------------------------------------------------------------------------------

    def run_job(self, job: Job, *, place: burst.Place | None = None) -> IngestOutcome:
        """Work one leased job to its outcome. The lease is renewed while the file is worked on.
        A failure the file caused is counted and raised (``OcrFailedOnFileError``); any other
        failure gives the job back uncounted (to be taken again in ``RETRY_SECONDS``) and is
        raised."""
        try:
            with self._lease_kept(job), self._private_copy(job) as path:
                try:
                    outcome = self._process_job(job, path, place)
                except QuarantineError as error:
                    outcome = self._quarantine(job, path, str(error))
                except OcrFailedOnFileError as error:
                    outcome = self._file_failed(job, path, error)
        except LeaseLostError:
            log.warning("job %s: lease taken over by another worker; result dropped", job.id)
            raise
        except OcrFailedOnFileError:
            raise
        except BaseException as error:
            log.error("job %s: %s; it goes back to the queue", job.id, type(error).__name__)
            with contextlib.suppress(Exception):
                self.index.release_job(job, retry_in_seconds=RETRY_SECONDS)
            raise
        log.info(
            "job %s: %s, %d page(s), document %s",
            job.id,
            outcome.status,
            outcome.pages,
            outcome.document_id,
        )
        return outcome

    @contextlib.contextmanager
    def _lease_kept(self, job: Job) -> Iterator[None]:
        """Renew the job's lease every third of its length while the block runs."""
        done = threading.Event()
        seconds = self.settings.job_lease_seconds

        def renew() -> None:
            while not done.wait(seconds / 3):
                try:
                    if not self.index.renew_lease(job, seconds) and not done.is_set():
                        log.warning("job %s: lease lost to another worker", job.id)
                        return
                except Exception as error:  # the database is away: try again next time
                    log.warning("job %s: lease not renewed (%s)", job.id, type(error).__name__)

        renewer = threading.Thread(target=renew, name=f"lease-{job.id}", daemon=True)
        renewer.start()
        try:
            yield
        finally:
            done.set()
            renewer.join()

    @contextlib.contextmanager
    def _private_copy(self, job: Job) -> Iterator[Path]:
        """The job's original, read from the store into a private folder under the home (named
        after this process, so a later start can sweep what a killed one left)."""
        with scratch_dir(self.settings.work_dir, JOB_COPY_PREFIX) as folder:
            path = folder / (Path(job.source_name).name or "unnamed")
            path.write_bytes(self.store.get(job.original_key or ""))
            if file_sha256(path) != job.sha256:
                raise StorageError(
                    f"the stored original of job {job.id} ({job.original_key}) does not match "
                    "its SHA-256; run `recordroom storage verify`"
                )
            yield path

    def _file_failed(self, job: Job, path: Path, error: OcrFailedOnFileError) -> IngestOutcome:
        """The OCR engine crashed or timed out on this file: count it; quarantine the file once
        it has failed ``max_file_failures`` times, else give the job back and raise."""
        failures = job.failures + 1
        if failures >= self.settings.max_file_failures:
            reason = (
                f"{job.source_name} could not be read: the OCR engine failed on it {failures} "
                f"times (last: {error}); check the file and drop it in the inbox again"
            )
            return self._quarantine(job, path, reason)
        self.index.release_job(job, retry_in_seconds=RETRY_SECONDS, failure=str(error))
        raise error

    def _process_job(self, job: Job, path: Path, place: burst.Place | None) -> IngestOutcome:
        source = job.source_name
        size = check_size(path, source, self.settings.max_file_mb)
        sha256 = job.sha256 or file_sha256(path)
        if place is not None:
            # In a burst the hash lock is taken in the file's turn, for its last step: held while
            # the file is read, it could make a copy wait on a later one waiting for its turn.
            return self._process_new(job, path, source, sha256, size, place)
        with self._hash_lock(sha256):
            return self._process_new(job, path, source, sha256, size, None)

    @contextlib.contextmanager
    def _hash_lock(self, sha256: str) -> Iterator[None]:
        """Two copies of one file taken at once by two threads (of any pipeline of this process:
        the watcher's workers, the mail fetchers): the second waits, then sees the first as
        stored and records itself as a duplicate (or, handing off, does not put it again)."""
        with _LOCKS_GUARD:
            lock, users = _LOCKS.get(sha256, (threading.Lock(), 0))
            _LOCKS[sha256] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with _LOCKS_GUARD:
                lock, users = _LOCKS[sha256]
                if users == 1:
                    del _LOCKS[sha256]
                else:
                    _LOCKS[sha256] = (lock, users - 1)

    def _process_new(
        self,
        job: Job,
        path: Path,
        source: str,
        sha256: str,
        size: int,
        place: burst.Place | None,
    ) -> IngestOutcome:
        known = self.index.find_duplicate(sha256)
        if known is not None:
            return self._duplicate(job, source, sha256, known)
        prepared = self._prepare(path, sha256, size, place)
        if place is None:
            return self._finish(job, source, prepared)
        with place.turn(), self._hash_lock(sha256):
            known = self.index.find_duplicate(sha256)  # a copy stored while this one was read
            if known is not None:
                return self._duplicate(job, source, sha256, known)
            return self._finish(job, source, prepared)

    def _duplicate(self, job: Job, source: str, sha256: str, known: str) -> IngestOutcome:
        outcome = IngestOutcome(file=source, status="duplicate", duplicate_of=known)
        return self.index.finish_job(job, outcome, sha256=sha256)

    def _finish(self, job: Job, source: str, prepared: _Prepared) -> IngestOutcome:
        """Mark re-sent copies, store the derivatives and index the documents."""
        sha256 = prepared.sha256
        read = self._documents(source, prepared, job.origin)
        # One file at a time from the look-up of earlier copies to the commit: two workers of
        # this process finishing a fax and its re-sent copy at once would each miss the other.
        with _FINISH_LOCK:
            found = [self._near_duplicate(document, prepared) for document in read]
            copy_of = next((d.duplicate_of for d, _ in found if d.duplicate_of), None)
            if self.settings.near_duplicates == "skip":
                found = [(d, keys) for d, keys in found if d.duplicate_of is None]
            documents = [d for d, _ in found]
            if documents:
                self._store_derivatives(prepared, documents)
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
            return self.index.finish_job(
                job, outcome, sha256=sha256, documents=documents, keys={d.id: k for d, k in found}
            )

    def _prepare(self, path: Path, sha256: str, size: int, place: burst.Place | None) -> _Prepared:
        # In a burst, the file gives up its place once read: waiting for the classifier (still
        # loading at the start) it lets the next file's pages go to the OCR workers.
        with place.reading() if place is not None else contextlib.nullcontext():
            ocr = self.ocr.extract(path, make_searchable_pdf=True)
        if not ocr.pages:
            raise EmptyFileError(f"{path.name} has no pages")
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

    def _store_derivatives(self, prepared: _Prepared, documents: list[Document]) -> None:
        """The original is in the store since the hand-off; what OCR made is added beside it."""
        key = original_key(prepared.sha256)
        # Upright page images (OCR'd pages only; a text-layer page was never rasterised).
        for number, png in enumerate(prepared.ocr.page_images, start=1):
            if png:
                metadata = object_metadata(prepared, documents, f"page-{number}")
                self.store.put(page_image_key(prepared.sha256, number), png, metadata)
        searchable = _searchable_key(prepared)
        if prepared.ocr.searchable_pdf and searchable and searchable != key:
            metadata = object_metadata(prepared, documents, "searchable-pdf")
            self.store.put(searchable, prepared.ocr.searchable_pdf, metadata)

    def _quarantine(self, job: Job, path: Path, reason: str) -> IngestOutcome:
        """Copy the file (the private copy of its stored original) into quarantine beside its
        reason, then finish the job."""
        files.quarantine(path, self.settings.quarantine_dir, job.source_name, reason)
        outcome = IngestOutcome(file=job.source_name, status="quarantined", reason=reason)
        return self.index.finish_job(job, outcome)


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
