"""PDF pages: which ones carry a real text layer, and a raster of the others at the resolution
tesseract needs (300 dpi, or the scan's own resolution when that is lower)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from ocr.images import PageImage
from ocr.messages import corrupt_pdf, encrypted, no_pages, too_many_pages, too_many_pixels
from ocr.textlayer import looks_like_real_text

log = logging.getLogger(__name__)

TARGET_DPI = 300
MIN_DPI = 150  # a lower-resolution scan is enlarged to this: tesseract misses smaller glyphs
SCAN_COVERAGE = 0.5  # an image over half the page makes it a scan
SHORT_TEXT = 200  # fewer characters than this over a scan: a fax header, not the page's text


@dataclass(frozen=True, slots=True)
class PdfPagePlan:
    """How to read one PDF page: its text layer, or OCR of a raster at ``dpi``."""

    index: int
    text: str | None  # the real text layer, or None when the page must be OCR'd
    dpi: int
    bilevel: bool


def check_complete(path: Path, name: str) -> None:
    """A PDF ends with ``%%EOF``; a download or copy cut short does not."""
    with path.open("rb") as stream:
        stream.seek(max(0, path.stat().st_size - 4096))
        tail = stream.read()
    if b"%%EOF" not in tail:
        raise corrupt_pdf(name)


# pypdf (a tenth of a CPU second to import, with the cryptography it loads) is imported only for a
# PDF that pdfium refused: every other file is read without it.


def _has_no_pages(path: Path) -> bool:
    """pdfium refuses a PDF with an empty page tree without saying why; pypdf can tell."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        return len(PdfReader(path).pages) == 0
    except (PdfReadError, ValueError, KeyError, TypeError):
        return False


def _is_encrypted(path: Path) -> bool:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        return PdfReader(path).is_encrypted
    except (PdfReadError, ValueError, KeyError, TypeError):
        return False


# PDFium is not thread-safe: a caller that reads files from several threads takes turns here.
# Worker processes are single-threaded, so only the caller's own process ever waits.
_PDFIUM = threading.Lock()


@contextmanager
def open_pdf(path: Path, name: str) -> Iterator[pdfium.PdfDocument]:
    """The document, for use while holding PDFium to this thread; closing it closes its pages."""
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            # PDFium's error code is process-wide and can be left over from an earlier file:
            # pypdf confirms what is wrong with this one.
            if _is_encrypted(path):
                raise encrypted(name) from exc
            if _has_no_pages(path):
                raise no_pages(name) from exc
            raise corrupt_pdf(name) from exc
        try:
            yield document
        finally:
            document.close()


def _image_facts(page: pdfium.PdfPage) -> tuple[float, float, bool]:
    """(share of the page under images, resolution of the largest image, whether it is 1-bit)."""
    width, height = page.get_size()
    area = max(width * height, 1.0)
    covered, best_area, dpi, bilevel = 0.0, 0.0, 0.0, False
    for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        box = max(0.0, right - left) * max(0.0, top - bottom)
        covered += box
        if box > best_area:
            best_area = box
            meta = obj.get_metadata()
            dpi = max(float(meta.horizontal_dpi), float(meta.vertical_dpi))
            bilevel = int(meta.bits_per_pixel) == 1
    return min(covered / area, 1.0), dpi, bilevel


def _raster_dpi(native_dpi: float) -> int:
    if native_dpi <= 0:
        return TARGET_DPI
    return round(min(TARGET_DPI, max(MIN_DPI, native_dpi)))


def _pdfium_text(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        return str(textpage.get_text_bounded()).replace("\r\n", "\n").replace("\r", "\n")
    finally:
        textpage.close()


def plan_pages(path: Path, name: str, max_pages: int) -> list[PdfPagePlan]:
    """Decide, page by page, between the text layer and OCR."""
    check_complete(path, name)
    with open_pdf(path, name) as document:
        count = len(document)
        if count == 0:
            raise no_pages(name)
        if count > max_pages:
            raise too_many_pages(name, count, max_pages)
        pages = [document[index] for index in range(count)]
        facts = [_image_facts(page) for page in pages]
        texts = [_pdfium_text(page) for page in pages]
    return [
        _plan_page(path, name, index, text, *page_facts)
        for index, (text, page_facts) in enumerate(zip(texts, facts, strict=True))
    ]


def _plan_page(
    path: Path, name: str, index: int, text: str, coverage: float, native_dpi: float, bilevel: bool
) -> PdfPagePlan:
    dpi = _raster_dpi(native_dpi)
    if coverage >= SCAN_COVERAGE and len(text.strip()) < SHORT_TEXT:
        return PdfPagePlan(index, None, dpi, bilevel)  # a scan, at most a fax header as text
    real = looks_like_real_text(text)
    if not real and coverage < SCAN_COVERAGE and text.strip():
        # pdfium could not map this font; pdfplumber also reads glyph names (uniXXXX, AGL).
        text = extract_text_layer(path, name, index)
        real = looks_like_real_text(text)
    return PdfPagePlan(index, text if real else None, dpi, bilevel)


def extract_text_layer(path: Path, name: str, index: int) -> str:
    """One page's text layer as pdfplumber reads it ("" when it cannot)."""
    # Imported here: a tenth of a second, in every OCR worker and ingest, for a rare page.
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(str(path), pages=[index + 1]) as document:
            return str(document.pages[0].extract_text() or "")
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AssertionError) as exc:
        # pdfium opened the file, so the page can still be OCR'd; only its text layer is unusable.
        log.warning("text layer of %s page %d unreadable (%s)", name, index + 1, type(exc).__name__)
        return ""


def render_page(path: Path, plan: PdfPagePlan, *, name: str, max_pixels: int) -> PageImage:
    """One page as a greyscale raster at ``plan.dpi``."""
    with open_pdf(path, name) as document:
        page = document[plan.index]
        width, height = page.get_size()
        scale = plan.dpi / 72
        if width * scale * height * scale > max_pixels:
            raise too_many_pixels(name, max_pixels)
        bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
        image = bitmap.to_pil().convert("L")
    return PageImage(image, plan.dpi, plan.bilevel)
