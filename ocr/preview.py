"""Page pictures for people: a PDF page rendered for the screen, and thumbnails."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image

from ocr.pdf import _PDFIUM

SCREEN_DPI = 110


def render_pdf_page(data: bytes, page: int, *, dpi: int = SCREEN_DPI) -> bytes | None:
    """Page ``page`` (1-based) of a PDF as PNG at ``dpi``; None when the PDF has no such page."""
    with _PDFIUM:
        document = pdfium.PdfDocument(data)
        try:
            if not 1 <= page <= len(document):
                return None
            bitmap = document[page - 1].render(scale=dpi / 72, may_draw_forms=True)
            image = bitmap.to_pil()
        finally:
            document.close()
    return png_bytes(image)


def thumbnail(png: bytes, *, width: int = 160) -> bytes:
    """A PNG shrunk to ``width`` pixels wide (never enlarged)."""
    with Image.open(io.BytesIO(png)) as image:
        image.thumbnail((width, width * 4))
        return png_bytes(image)


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
