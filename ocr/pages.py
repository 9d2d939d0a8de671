"""One page's journey: load, clean, recognise, turn upright if needed. Runs in a worker process
(or in the caller's process for a single page) and returns plain data."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image

from ocr import images, orientation, pdf, tesseract
from ocr.images import PageImage
from recordroom.core import Page
from recordroom.core.private import scratch_dir

log = logging.getLogger(__name__)

BLANK_INK_SHARE = 0.002  # a page with less ink than this is blank, not unreadable

SourceKind = Literal["pdf", "image"]


@dataclass(frozen=True, slots=True)
class OcrOptions:
    """The settings a page worker needs, small enough to send to another process."""

    engine: tesseract.EngineConfig
    max_pixels: int
    want_pdf: bool
    work_dir: Path | None = None  # private scratch folder (under the home); None: the system's


@dataclass(frozen=True, slots=True)
class PageJob:
    """Where one page is: page ``index`` of a PDF (with its plan) or frame ``index`` of an image."""

    path: Path
    name: str
    kind: SourceKind
    index: int
    options: OcrOptions
    plan: pdf.PdfPagePlan | None = None


@dataclass(frozen=True, slots=True)
class PageOutcome:
    page: Page
    png: bytes
    pdf: bytes | None


def load(job: PageJob) -> PageImage:
    if job.kind == "pdf":
        assert job.plan is not None
        return pdf.render_page(job.path, job.plan, name=job.name, max_pixels=job.options.max_pixels)
    with (
        images.pixel_limit(job.options.max_pixels, job.name),
        Image.open(job.path) as source,
    ):
        return images.load_frame(
            source, job.index, name=job.name, max_pixels=job.options.max_pixels
        )


@dataclass(frozen=True, slots=True)
class _Reading:
    page: PageImage
    png: bytes
    result: tesseract.Recognition


def _recognise(page: PageImage, workdir: Path, label: str, job: PageJob) -> _Reading:
    png = images.png_bytes(page)
    image_path = workdir / f"{label}.png"
    image_path.write_bytes(png)
    result = tesseract.page_reader(job.options.engine).recognise(
        image_path, name=job.name, dpi=page.dpi, want_pdf=job.options.want_pdf
    )
    return _Reading(page, png, result)


def _upright(first: _Reading, workdir: Path, job: PageJob) -> tuple[_Reading, int]:
    """The page turned upright when that is clearly right, else the page as it came."""
    if orientation.looks_upright(first.result):
        return first, 0
    osd = tesseract.page_reader(job.options.engine).detect_orientation(
        workdir / "page.png", name=job.name, dpi=first.page.dpi
    )
    if osd is None or osd.rotate == 0:
        return first, 0
    turned = _recognise(images.rotate_upright(first.page, osd.rotate), workdir, "turned", job)
    if orientation.accept_rotation(osd, first.result, turned.result):
        return turned, osd.rotate
    log.info("page %d of %s: OSD rotation %d rejected", job.index + 1, job.name, osd.rotate)
    return first, 0


def ocr_page(job: PageJob) -> PageOutcome:
    """Read one page. Raises the ``recordroom.core`` errors."""
    started = time.perf_counter()
    cleaned = images.clean(load(job))
    # Page images and text are PHI: their scratch folder is private.
    with scratch_dir(job.options.work_dir) as workdir:
        reading, rotation = _upright(_recognise(cleaned, workdir, "page", job), workdir, job)
    page, result = reading.page, reading.result
    blank = result.words == 0 and images.ink_share(page.image) < BLANK_INK_SHARE
    record = Page(
        number=job.index + 1,
        text=result.text,
        method="empty" if blank else "ocr",
        confidence=None if blank else result.confidence,
        rotation=rotation,
        seconds=round(time.perf_counter() - started, 3),
        width_px=page.image.width,
        height_px=page.image.height,
    )
    return PageOutcome(record, reading.png, result.pdf)


def plan_pdf(path: Path, name: str, max_pages: int) -> list[pdf.PdfPagePlan]:
    """Each page's plan (its text layer, or OCR): a worker's task, as ``ocr_page`` is."""
    return pdf.plan_pages(path, name, max_pages)
