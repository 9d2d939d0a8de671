"""Small PDF helpers: letters and tables with reportlab, stamping and encryption with pypdf.

reportlab is imported by the functions that draw, not with this module: every command of
``recordroom`` imports the release-of-information use-cases, and only a few of them draw a PDF.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from pypdf import PageObject, PdfReader, PdfWriter

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle

Block = str | tuple[str, str] | list[list[str]]  # a paragraph, (style, text), or a table


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    sheet = getSampleStyleSheet()
    return {
        "title": sheet["Title"],
        "heading": sheet["Heading2"],
        "body": sheet["BodyText"],
        "small": ParagraphStyle("small", parent=sheet["BodyText"], fontSize=8, leading=10),
    }


def wrap(text: str, width: int) -> str:
    """Text broken into lines of at most ``width`` characters (table cells do not wrap)."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > width:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        out.append(line)
    return "\n".join(out)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(blocks: Sequence[Block], *, title: str) -> bytes:
    """A letter-size PDF of paragraphs and tables (text is escaped; ``\\n`` breaks a line)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.units import inch
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from reportlab.platypus.flowables import Flowable

    styles = _styles()
    story: list[Flowable] = []
    for block in blocks:
        if isinstance(block, list):
            table = Table(block, repeatRows=1, hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                        ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)
            continue
        style, text = ("body", block) if isinstance(block, str) else block
        story.append(Paragraph(escape(text).replace("\n", "<br/>"), styles[style]))
        story.append(Spacer(1, 4))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=title,
        leftMargin=inch,
        rightMargin=inch,
        topMargin=inch,
        bottomMargin=inch,
    )
    document.build(story)
    return buffer.getvalue()


def _stamp_page(text: str, width: float, height: float) -> PageObject:
    from reportlab.lib import colors
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=(width, height))
    sheet.setFont("Helvetica", 7)
    sheet.setFillColor(colors.Color(0.2, 0.2, 0.2))
    sheet.drawCentredString(width / 2, 12, text)
    sheet.showPage()
    sheet.save()
    return PdfReader(io.BytesIO(buffer.getvalue())).pages[0]


def stamp_pages(writer: PdfWriter, line_for_page: list[str]) -> None:
    """Draw ``line_for_page[i]`` in the bottom margin of page i (rotation folded in first)."""
    for page, line in zip(writer.pages, line_for_page, strict=True):
        if page.rotation:
            page.transfer_rotation_to_content()
        box = page.mediabox
        overlay = _stamp_page(line, float(box.width), float(box.height))
        page.merge_translated_page(overlay, float(box.left), float(box.bottom))


def encrypted(data: bytes, password: str) -> bytes:
    """The PDF encrypted with AES-256. A fresh copy is encrypted: pypdf drops pages' merged
    overlays when a writer that merged them is encrypted in place."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(
        user_password=password, owner_password=secrets.token_urlsafe(24), algorithm="AES-256"
    )
    return to_bytes(writer)


def to_bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
