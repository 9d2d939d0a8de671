"""The searchable PDF: tesseract's one-page PDFs for OCR'd pages and the original's own pages for
text-layer pages, merged in page order with pypdf."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path


def merge_pages(pages: Sequence[bytes | int], original: Path | None) -> bytes:
    """One PDF from ``pages``: bytes are a one-page PDF made by tesseract, an int is the index of
    a page to copy from ``original``. (pypdf is imported here, at the first searchable PDF: a
    process that reads only text layers never needs it.)"""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    source = PdfReader(original) if original is not None else None
    if source is not None and source.is_encrypted:
        source.decrypt("")  # opened without a password upstream, so the user password is empty
    for item in pages:
        if isinstance(item, int):
            assert source is not None, "a copied page needs the original PDF"
            writer.add_page(source.pages[item])
        else:
            writer.append(PdfReader(io.BytesIO(item)))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
