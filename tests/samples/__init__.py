"""Sample files made by code: born-digital and scanned PDFs, fax TIFFs, photos, bad inputs.

Every generator writes a real file a scanner, fax machine or PDF producer could have made, with known
text, so tests can assert on what OCR recognises.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SANS = FONT_DIR / "DejaVuSans.ttf"
SERIF = FONT_DIR / "DejaVuSerif.ttf"

SAMPLE_LINES: tuple[str, ...] = (
    "RADIOLOGY REPORT",
    "Exam: Chest radiograph, two views",
    "Findings: The lungs are clear without consolidation.",
    "No pleural effusion or pneumothorax is seen.",
    "Impression: Normal chest examination.",
)


def render_page(
    lines: Sequence[str],
    *,
    dpi: int = 300,
    font_path: Path = SANS,
    point_size: float = 12.0,
    width_in: float = 8.5,
    height_in: float = 11.0,
    margin_in: float = 1.0,
) -> Image.Image:
    """A white letter-size page at ``dpi`` with ``lines`` in black, as a greyscale image."""
    width, height = int(width_in * dpi), int(height_in * dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(font_path), size=max(6, round(point_size * dpi / 72)))
    y = margin_in * dpi
    step = point_size * dpi / 72 * 1.6
    for line in lines:
        draw.text((margin_in * dpi, y), line, fill=0, font=font)
        y += step
    return page


def to_fax(page: Image.Image, *, dpi: int = 300, fine: bool = True) -> Image.Image:
    """Resample a page to fax resolution (204x196 fine, 204x98 normal) as 1-bit pixels."""
    x_scale = 204 / dpi
    y_scale = (196 if fine else 98) / dpi
    size = (round(page.width * x_scale), round(page.height * y_scale))
    return page.resize(size, Image.Resampling.LANCZOS).point(lambda v: 255 if v > 150 else 0, "1")


def write_fax_tiff(path: Path, pages: Sequence[Image.Image], *, fine: bool = True) -> Path:
    """A multi-page CCITT Group 4 TIFF at fax resolution, as a fax server stores it."""
    faxed = [to_fax(page, fine=fine) for page in pages]
    dpi = (204, 196 if fine else 98)
    faxed[0].save(
        path, format="TIFF", compression="group4", dpi=dpi, save_all=True, append_images=faxed[1:]
    )
    return path


def write_image_pdf(path: Path, pages: Sequence[Image.Image], *, dpi: int = 300) -> Path:
    """A scanned PDF: one image per page and no text layer."""
    rgb = [page.convert("RGB") for page in pages]
    rgb[0].save(path, format="PDF", resolution=dpi, save_all=True, append_images=rgb[1:])
    return path


def write_text_pdf(path: Path, pages: Sequence[Sequence[str]]) -> Path:
    """A born-digital PDF with a real text layer, as an EHR or word processor writes it."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=letter)
    for lines in pages:
        y = 720.0
        for line in lines:
            pdf.setFont("Helvetica", 12)
            pdf.drawString(72, y, line)
            y -= 18
        pdf.showPage()
    pdf.save()
    return path


def write_png(path: Path, page: Image.Image) -> Path:
    page.save(path, format="PNG", dpi=(300, 300))
    return path


def write_jpeg(path: Path, page: Image.Image, *, quality: int = 85) -> Path:
    page.convert("RGB").save(path, format="JPEG", quality=quality, dpi=(300, 300))
    return path


def write_encrypted_pdf(path: Path, lines: Sequence[str] = SAMPLE_LINES) -> Path:
    from pypdf import PdfReader, PdfWriter

    buffer = io.BytesIO()
    plain = path.with_suffix(".plain.pdf")
    write_text_pdf(plain, [lines])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    writer.write(buffer)
    plain.unlink()
    path.write_bytes(buffer.getvalue())
    return path


def write_truncated_pdf(path: Path, lines: Sequence[str] = SAMPLE_LINES) -> Path:
    whole = write_text_pdf(path, [lines]).read_bytes()
    path.write_bytes(whole[: len(whole) // 3])
    return path


def write_image_bomb(path: Path, *, side: int = 40_000) -> Path:
    """A tiny PNG that claims ``side``x``side`` pixels: Pillow's decompression-bomb guard trips."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
    return path


def write_docx(path: Path) -> Path:
    """A word-processor file: a zip, not a document recordroom reads."""
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document>Referral letter</document>")
    return path


def write_exe(path: Path) -> Path:
    path.write_bytes(b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200)
    return path
