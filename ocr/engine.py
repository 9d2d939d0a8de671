"""``TesseractEngine``: the OCR stage as a sequence of small steps.

check the file → plan its pages (text layer or OCR) → OCR the pages in parallel → assemble the
result and the searchable PDF. Each worker process of the pool loads tesseract once (through
tesserocr, or the command as a fallback: ``ocr.tesseract``) and reads every page it is given with
it. A long-running caller (``watch``, ``serve``, ``ingest``) calls ``start()`` so the workers start
while it gets ready and every file, one page or many, shares the pool; a one-off ``ocr`` of a
one-page scan or a born-digital PDF never pays the pool's start-up. The workers end with the
process that started them, even when it is killed (``ocr.workers``).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from PIL import Image

from ocr import images, messages, pdf, searchable, tesseract, workers
from ocr.pages import OcrOptions, PageJob, PageOutcome, ocr_page, plan_pdf
from ocr.sniff import PDF, READABLE, sniff_media_type
from recordroom.core import (
    OcrEngineError,
    OcrFailedOnFileError,
    OcrResult,
    Page,
    QuarantineError,
)
from recordroom.core.files import check_size, not_a_plain_file
from recordroom.core.hashing import file_sha256
from recordroom.core.private import scratch_dir, sweep_work_dirs
from recordroom.core.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")


def check_file(path: Path, settings: Settings) -> str:
    """The file's media type, once known to be non-empty, not too big and of a kind we read."""
    name = path.name
    check_size(path, name, settings.max_file_mb)
    media_type = sniff_media_type(path)
    if media_type not in READABLE:
        raise messages.unsupported(name, media_type)
    return media_type


def count_image_pages(path: Path, settings: Settings) -> int:
    name = path.name
    with images.pixel_limit(settings.max_image_pixels, name):
        try:
            with Image.open(path) as source:
                images.check_pixels(source, name=name, max_pixels=settings.max_image_pixels)
                count = images.count_frames(source)
        except (OSError, ValueError, EOFError, SyntaxError) as exc:
            raise messages.corrupt_image(name) from exc
    if count == 0:
        raise messages.no_pages(name)
    if count > settings.max_pages:
        raise messages.too_many_pages(name, count, settings.max_pages)
    return count


def _result_unless_worker_died(future: Future[T]) -> T | None:
    """The task's result, or None when a worker of the pool died before it was done."""
    try:
        return future.result()
    except BrokenProcessPool:
        return None


def _text_page(number: int, text: str, seconds: float) -> Page:
    return Page(number=number, text=text, method="text_layer", seconds=round(seconds, 4))


class TesseractEngine:
    """Text from every page of a PDF, TIFF, PNG or JPEG file (satisfies ``OcrEngine``)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        swept = sweep_work_dirs(settings.work_dir)
        if swept:
            log.info("removed %d OCR working folder(s) left by an interrupted run", swept)
        self._engine = tesseract.engine_config(
            settings.ocr_engine,
            settings.ocr_languages,
            settings.ocr_tessdata,
            settings.ocr_timeout_seconds,
        )
        self._pool: ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._isolation_lock = threading.Lock()
        self._warm = False
        self._warming: threading.Thread | None = None
        self._reading_ahead: ThreadPoolExecutor | None = None
        self._read_ahead: dict[str, Future[OcrResult | None]] = {}  # by the file's SHA-256
        self._read_ahead_lock = threading.Lock()

    @property
    def backend(self) -> tesseract.Backend:
        """The engine that reads the pages: ``tesserocr`` or ``pytesseract``."""
        return self._engine.backend

    def __enter__(self) -> TesseractEngine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def started(self) -> bool:
        """Whether ``start()`` was called: the workers start, and every page goes to them."""
        return self._warm

    def start(self, *, load_engine: bool = True) -> None:
        """Start the worker processes in the background and send every later page to them.

        With ``load_engine`` each worker loads tesseract at once, so the first fax to arrive
        finds it loaded. Without, when the first files are already being read, each worker loads
        it at its first page that needs OCR: born-digital PDFs never do, and loading costs a
        fifth of a CPU second a worker. The first call decides."""
        self._warm = True
        if self._settings.ocr_worker_count > 1 and self._warming is None:
            self._warming = threading.Thread(
                target=self._start_workers, args=(load_engine,), name="ocr-start"
            )
            self._warming.start()

    def _start_workers(self, load_engine: bool) -> None:
        # The pool starts a worker for each task waiting when no worker is idle.
        config = self._engine if load_engine else None
        try:
            for future in [
                self._submit(tesseract.prepare_worker, config)
                for _ in range(self._settings.ocr_worker_count)
            ]:
                future.result()
        except OcrEngineError as error:  # said again by each page that needs OCR
            log.error("%s", error)
        except BrokenProcessPool:
            log.error(
                "an OCR worker process died while starting; they start again for the next file"
            )

    def read_ahead(self, paths: Sequence[Path]) -> None:
        """Start reading ``paths`` (with their searchable PDF) in the background. From now on, an
        ``extract`` of a file with the same content takes what was read instead of reading it
        again. ``ingest`` names its first files, and a watcher finds its first ones waiting,
        before the rest of recordroom is imported: their pages go to the workers at once, not
        seconds later, and the classifier loads while they are read.

        Each file is read from a private copy (a watcher moves the file away as it takes it). A
        link, or what is not a file, is not read ahead (intake refuses it). A read that failed,
        or a file that changed meanwhile, is not handed out: ``extract`` reads the file itself.
        An empty file, or one over the size limit, is left to intake to refuse."""
        files: dict[str, Path] = {}
        for path in paths:
            try:
                if not_a_plain_file(path) is not None:
                    continue
                check_size(path, path.name, self._settings.max_file_mb)
                files.setdefault(file_sha256(path), path)
            except (OSError, QuarantineError):
                continue  # gone, unreadable, empty or too big: intake will say so when it takes it
        if not files:
            return
        self.start(load_engine=False)
        with self._read_ahead_lock:
            if self._reading_ahead is None:
                self._reading_ahead = ThreadPoolExecutor(len(files), thread_name_prefix="ahead")
            for sha256, path in files.items():
                read: Future[OcrResult | None] = Future()
                self._read_ahead[sha256] = read
                self._reading_ahead.submit(self._read_one_ahead, path, sha256, read)

    def _read_one_ahead(self, path: Path, sha256: str, read: Future[OcrResult | None]) -> None:
        result = None
        try:
            with scratch_dir(self._settings.work_dir) as folder:
                copy = folder / path.name
                shutil.copyfile(path, copy)
                if file_sha256(copy) == sha256:
                    result = self._extract(copy, make_searchable_pdf=True)
        except Exception as error:  # the file is read again, and fails again, where it is taken
            log.info("reading ahead: %s; read again when taken", type(error).__name__)
        read.set_result(result)

    def _take_read_ahead(self, path: Path) -> OcrResult | None:
        with self._read_ahead_lock:
            if not self._read_ahead:
                return None
        try:
            sha256 = file_sha256(path)
        except OSError:
            return None
        with self._read_ahead_lock:
            read = self._read_ahead.pop(sha256, None)
            if read is None and all(left.done() for left in self._read_ahead.values()):
                # A file past the first ones: what was read ahead and not taken (a file found
                # already stored) is dropped, so no later file is hashed here for nothing.
                self._read_ahead.clear()
        return None if read is None else read.result()

    def close(self) -> None:
        """Stop the worker processes (they start again on the next file that needs them)."""
        if self._reading_ahead is not None:
            self._reading_ahead.shutdown(wait=True)
            self._reading_ahead = None
            self._read_ahead.clear()
        if self._warming is not None:
            self._warming.join()
            self._warming = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def extract(self, path: Path, *, make_searchable_pdf: bool = True) -> OcrResult:
        read = self._take_read_ahead(path) if make_searchable_pdf else None
        if read is not None:
            return read
        return self._extract(path, make_searchable_pdf=make_searchable_pdf)

    def _extract(self, path: Path, *, make_searchable_pdf: bool) -> OcrResult:
        media_type = check_file(path, self._settings)
        options = OcrOptions(
            engine=self._engine,
            max_pixels=self._settings.max_image_pixels,
            want_pdf=make_searchable_pdf,
            work_dir=self._settings.work_dir,
        )
        if media_type == PDF:
            return self._extract_pdf(path, options)
        return replace(self._extract_image(path, options), media_type=media_type)

    def _extract_image(self, path: Path, options: OcrOptions) -> OcrResult:
        count = count_image_pages(path, self._settings)
        jobs = [PageJob(path, path.name, "image", index, options) for index in range(count)]
        outcomes = self._run(jobs)
        pdf_pages: list[bytes | int] = [o.pdf for o in outcomes if o.pdf is not None]
        return self._result(
            [o.page for o in outcomes],
            [o.png for o in outcomes],
            searchable.merge_pages(pdf_pages, None) if options.want_pdf else None,
        )

    def _extract_pdf(self, path: Path, options: OcrOptions) -> OcrResult:
        started = time.perf_counter()
        plans = self._plan_pdf(path)
        planning = (time.perf_counter() - started) / len(plans)
        jobs = [
            PageJob(path, path.name, "pdf", plan.index, options, plan)
            for plan in plans
            if plan.text is None
        ]
        outcomes = {job.index: outcome for job, outcome in zip(jobs, self._run(jobs), strict=True)}
        pages: list[Page] = []
        pngs: list[bytes] = []
        pdf_pages: list[bytes | int] = []
        for plan in plans:
            outcome = outcomes.get(plan.index)
            if outcome is None:
                pages.append(_text_page(plan.index + 1, plan.text or "", planning))
                pngs.append(b"")  # born-digital pages are never rasterised
                pdf_pages.append(plan.index)
            else:
                pages.append(outcome.page)
                pngs.append(outcome.png)
                pdf_pages.append(outcome.pdf if outcome.pdf is not None else plan.index)
        made = None
        if options.want_pdf:
            made = path.read_bytes() if not outcomes else searchable.merge_pages(pdf_pages, path)
        result = self._result(pages, pngs if outcomes else [], made)
        return replace(result, media_type=PDF, original_is_searchable=not outcomes)

    def _result(
        self, pages: Sequence[Page], pngs: Sequence[bytes], searchable_pdf: bytes | None
    ) -> OcrResult:
        threshold = self._settings.ocr_low_confidence
        low = tuple(
            page.number
            for page in pages
            if page.method == "ocr" and (page.confidence or 0.0) < threshold
        )
        return OcrResult(
            pages=tuple(pages),
            searchable_pdf=searchable_pdf,
            page_images=tuple(pngs),
            low_confidence_pages=low,
        )

    def _plan_pdf(self, path: Path) -> list[pdf.PdfPagePlan]:
        """Each page's plan: its text layer, or OCR. Once the workers are started, one of them
        makes it: the text of a long born-digital PDF (pdfium, a third of a CPU second for 200
        pages) is then read beside this process's own work, not within it."""
        if self._alone or not self._warm:
            return plan_pdf(path, path.name, self._settings.max_pages)
        arguments = (path, path.name, self._settings.max_pages)
        planned = _result_unless_worker_died(self._submit(plan_pdf, *arguments))
        if planned is None:
            return self._read_in_isolation(path.name, plan_pdf, [arguments])[0]
        return planned

    @property
    def _alone(self) -> bool:
        # A daemon process (a multiprocessing worker of the caller's) may not start children.
        return self._settings.ocr_worker_count <= 1 or multiprocessing.current_process().daemon

    def _read_in_isolation(
        self, name: str, call: Callable[..., T], calls: Sequence[tuple[object, ...]]
    ) -> list[T]:
        """``call`` for each of ``calls`` in a worker of its own, one after the other, after a
        worker died with them out. Pages of several files may have been out, and which one killed
        it is unknown: read alone, only a file that kills a worker by itself fails (and counts
        against the file), and the others are read. One file at a time is read so."""
        if not calls:
            return []
        log.warning(
            "an OCR worker process died; %d task(s) of one file are read again alone", len(calls)
        )
        with self._isolation_lock:
            isolated = self._new_pool(1)
            try:
                return [isolated.submit(call, *arguments).result() for arguments in calls]
            except BrokenProcessPool as exc:
                raise OcrFailedOnFileError(
                    f"an OCR worker process died while reading {name}; "
                    "check the machine's free memory and retry the file"
                ) from exc
            finally:
                isolated.shutdown(wait=True, cancel_futures=True)

    def _run(self, jobs: Sequence[PageJob]) -> list[PageOutcome]:
        if not jobs:
            return []
        if self._alone or (len(jobs) == 1 and not self._warm):
            return [ocr_page(job) for job in jobs]
        futures = [self._submit(ocr_page, job) for job in jobs]
        try:
            read = [_result_unless_worker_died(future) for future in futures]
        finally:
            for future in futures:  # one bad page decides the file: drop what is still queued
                future.cancel()
        lost = [job for job, outcome in zip(jobs, read, strict=True) if outcome is None]
        again = iter(self._read_in_isolation(jobs[0].name, ocr_page, [(job,) for job in lost]))
        return [outcome if outcome is not None else next(again) for outcome in read]

    def _submit(self, call: Callable[..., T], *args: object) -> Future[T]:
        """``call(*args)`` in a worker. A pool broken while no file was in it (a worker killed
        while it started or waited: the out-of-memory killer, an operator) is replaced first,
        so that no file fails for it and no later file finds the pool unusable."""
        with self._pool_lock:
            pool = self._start_pool()
            try:
                return pool.submit(call, *args)
            except BrokenProcessPool:
                log.warning("an OCR worker process had died; starting the workers again")
                pool.shutdown(wait=False)
                self._pool = None
                return self._start_pool().submit(call, *args)

    def _start_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = self._new_pool(self._settings.ocr_worker_count)
        return self._pool

    def _new_pool(self, count: int) -> ProcessPoolExecutor:
        # forkserver: workers do not inherit the caller's threads (watcher, database).
        context = multiprocessing.get_context("forkserver")
        preload = ["ocr.pages", "ocr.workers"]
        preload += ["ocr.api"] if self.backend == "tesserocr" else []
        context.set_forkserver_preload(preload)
        # Each worker ends when this process does, however it ends (``ocr.workers``).
        return ProcessPoolExecutor(
            max_workers=count,
            mp_context=context,
            initializer=workers.start_worker,
            initargs=(os.getpid(),),
        )
