"""The OCR stage: text from every page of a PDF, TIFF, PNG or JPEG file, and a searchable PDF.

``TesseractEngine(settings).extract(path)`` returns an ``OcrResult``: one ``Page`` per page (text,
mean word confidence, rotation applied, method, seconds), the upright page images as PNG (``b""``
for a born-digital page, which is never rasterised; empty when no page was OCR'd), the searchable
PDF, and the pages below ``settings.ocr_low_confidence``. It raises the ``recordroom.core``
errors: the ``QuarantineError`` family for files that cannot be read, ``OcrEngineError`` when
tesseract itself fails. Keep one engine for the life of the process and ``close()`` it (or use it
as a context manager): its worker processes start on the first file with several pages to OCR.

``sniff_media_type(path)`` names a file's type from its first bytes.

The engine is imported when first asked for: an OCR worker process imports the steps of a page
(``ocr.pages``), not the engine and the settings and pool it brings (a tenth of a CPU second at
every start).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ocr.sniff import sniff_media_type

if TYPE_CHECKING:
    from ocr.engine import TesseractEngine

__all__ = ["TesseractEngine", "sniff_media_type"]


def __getattr__(name: str) -> Any:
    if name == "TesseractEngine":
        from ocr.engine import TesseractEngine

        return TesseractEngine
    raise AttributeError(f"module 'ocr' has no attribute {name!r}")
