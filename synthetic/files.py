"""Sample files made by code: born-digital and scanned PDFs, fax TIFFs, photos, bad inputs.

Every generator writes a real file a scanner, fax machine or PDF producer could have made, with
known text, so tests can assert on what OCR recognises.
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


# --- OCR samples: realistic pages, photos, garbage text layers, CCITT and JBIG2 inside PDFs ---

_CLINICAL_WORDS: tuple[str, ...] = (
    "patient",
    "history",
    "denies",
    "reports",
    "chest",
    "pain",
    "shortness",
    "breath",
    "fever",
    "cough",
    "normal",
    "examination",
    "abdomen",
    "soft",
    "tender",
    "follow",
    "weeks",
    "clinic",
    "medication",
    "daily",
    "blood",
    "pressure",
    "heart",
    "rate",
    "regular",
    "rhythm",
    "murmur",
    "lungs",
    "clear",
    "bilaterally",
    "swelling",
    "ankle",
    "knee",
    "right",
    "left",
    "upper",
    "lower",
    "allergies",
    "known",
    "drug",
    "referred",
    "evaluation",
    "recommend",
    "imaging",
    "results",
    "within",
    "limits",
    "diabetes",
    "hypertension",
    "insulin",
    "glucose",
    "morning",
    "evening",
    "tablet",
    "orally",
    "twice",
    "symptoms",
    "improved",
    "since",
    "last",
    "visit",
    "plan",
    "return",
)


def clinical_lines(seed: int, count: int = 24) -> list[str]:
    """``count`` lines of plausible clinical prose, the same for the same ``seed``."""
    import random

    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        words = [rng.choice(_CLINICAL_WORDS) for _ in range(rng.randint(6, 9))]
        words[0] = words[0].capitalize()
        if rng.random() < 0.4:
            words.insert(rng.randint(1, len(words) - 1), str(rng.randint(2, 180)))
        lines.append(" ".join(words) + ".")
    return lines


def photograph(page: Image.Image, *, angle: float = 2.5, seed: int = 0) -> Image.Image:
    """A phone photo of ``page``: slightly rotated, grey uneven light, a little blur and noise."""
    import random

    from PIL import ImageFilter

    rng = random.Random(seed)
    tilted = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    shade = Image.linear_gradient("L").resize(tilted.size).point(lambda v: 175 + v * 45 // 255)
    lit = Image.composite(shade, Image.new("L", tilted.size, 40), tilted.point(lambda v: v))
    noise = Image.effect_noise(tilted.size, 10 + rng.random()).point(lambda v: v - 128)
    noisy = Image.blend(lit, noise.convert("L"), 0.06)
    return noisy.filter(ImageFilter.GaussianBlur(0.8))


def speckle(page: Image.Image, *, dots: int = 1500, seed: int = 0) -> Image.Image:
    """Scanner dust: isolated black pixels over a page."""
    import random

    rng = random.Random(seed)
    dusty = page.copy()
    for _ in range(dots):
        dusty.putpixel((rng.randrange(dusty.width), rng.randrange(dusty.height)), 0)
    return dusty


def ccitt_g4(page: Image.Image) -> tuple[bytes, int, int]:
    """``page`` as raw CCITT Group 4 data (0 bits white, as PDF's CCITTFaxDecode expects)."""
    from PIL import ImageOps
    from PIL.TiffImagePlugin import TiffImageFile

    bits = ImageOps.invert(page.convert("L")).point(lambda v: 255 if v > 127 else 0, "1")
    buffer = io.BytesIO()
    bits.save(buffer, format="TIFF", compression="group4", strip_size=1 << 30)
    with Image.open(io.BytesIO(buffer.getvalue())) as tiff:
        assert isinstance(tiff, TiffImageFile)
        tags = tiff.tag_v2
        offset, length = int(tags[273][0]), int(tags[279][0])
    return buffer.getvalue()[offset : offset + length], bits.width, bits.height


def jbig2_generic(page: Image.Image, *, dpi: tuple[int, int]) -> tuple[bytes, int, int]:
    """``page`` as an embedded JBIG2 stream (ISO 14492 as PDF's JBIG2Decode reads it): a page
    information segment and one immediate generic region coded with MMR, the encoding every
    decoder supports; jbig2enc's symbol coding is not needed to exercise the decoder path."""
    import struct

    g4, width, height = ccitt_g4(page)

    def segment(number: int, kind: int, data: bytes) -> bytes:
        return struct.pack(">IBBBI", number, kind, 0, 1, len(data)) + data

    info = struct.pack(
        ">IIIIBH", width, height, round(dpi[0] / 0.0254), round(dpi[1] / 0.0254), 0, 0
    )
    region = struct.pack(">IIIIB", width, height, 0, 0, 0) + b"\x01" + g4  # flags: MMR
    return segment(0, 48, info) + segment(1, 38, region), width, height


def write_bilevel_pdf(
    path: Path,
    pages: Sequence[Image.Image],
    *,
    codec: str = "ccitt",
    fine: bool = True,
) -> Path:
    """A faxed PDF: each page one 1-bit image at fax resolution, CCITT G4 or JBIG2 coded, as fax
    servers and scanners write them."""
    dpi = (204, 196 if fine else 98)
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for page in pages:
        faxed = to_fax(page, fine=fine)
        if codec == "jbig2":
            data, width, height = jbig2_generic(faxed, dpi=dpi)
            params = b"/Filter /JBIG2Decode"
        else:
            data, width, height = ccitt_g4(faxed)
            params = b"/Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns %d /Rows %d >>" % (
                width,
                height,
            )
        w_pt, h_pt = width * 72 / dpi[0], height * 72 / dpi[1]
        image_number = len(objects) + 1
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 1 %s /Length %d >>\nstream\n%s\nendstream"
            % (width, height, params, len(data), data)
        )
        content = b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q" % (w_pt, h_pt)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        kids.append(len(objects) + 1)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R "
            b"/Resources << /XObject << /Im0 %d 0 R >> >> >>"
            % (w_pt, h_pt, image_number + 1, image_number)
        )
    refs = b" ".join(b"%d 0 R" % kid for kid in kids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    return _write_pdf_objects(path, objects)


def _write_pdf_objects(path: Path, objects: Sequence[bytes]) -> Path:
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    path.write_bytes(out.getvalue())
    return path


def _font_without_cmap(path: Path) -> bytes:
    """A TrueType font whose character map is hidden (its table renamed): glyphs still draw by
    glyph id, but no reader can turn them back into characters."""
    import struct

    data = bytearray(path.read_bytes())
    (tables,) = struct.unpack(">H", data[4:6])
    for entry in range(12, 12 + 16 * tables, 16):
        if data[entry : entry + 4] == b"cmap":
            data[entry : entry + 4] = b"xmap"
    return bytes(data)


def write_cid_pdf(path: Path, pages: Sequence[Sequence[str]]) -> Path:
    """A born-digital PDF whose embedded font has no Unicode map (Identity-H glyph ids, no
    ToUnicode): it looks right on screen, but its text layer reads as ``(cid:NN)`` codes, as some
    EHR print drivers produce."""
    import zlib

    from reportlab.pdfbase.ttfonts import TTFontFile

    face = TTFontFile(str(SANS))
    font = zlib.compress(_font_without_cmap(SANS))
    glyphs = {ch: face.charToGlyph[ord(ch)] for line in _all_lines(pages) for ch in line}
    widths = b" ".join(
        b"%d [%d]" % (gid, round(face.charWidths[ord(ch)])) for ch, gid in sorted(glyphs.items())
    )
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /DejaVuSans /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DejaVuSans /CIDToGIDMap /Identity "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 5 0 R /DW 600 /W [%s] >>" % widths,
        b"<< /Type /FontDescriptor /FontName /DejaVuSans /Flags 32 /ItalicAngle 0 "
        b"/FontBBox [-1021 -463 1793 1232] /Ascent 928 /Descent -236 /CapHeight 729 /StemV 80 "
        b"/FontFile2 6 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(font), font),
    ]
    kids = []
    for lines in pages:
        shown = b" T* ".join(
            b"<%s> Tj" % "".join(f"{glyphs[ch]:04x}" for ch in line).encode() for line in lines
        )
        content = b"BT /F1 12 Tf 18 TL 72 720 Td %s ET" % shown
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        kids.append(len(objects) + 1)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % len(objects)
        )
    refs = b" ".join(b"%d 0 R" % kid for kid in kids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    return _write_pdf_objects(path, objects)


def _all_lines(pages: Sequence[Sequence[str]]) -> list[str]:
    return [line for lines in pages for line in lines]


def write_scan_with_bad_ocr_layer(path: Path, page: Image.Image, *, dpi: int = 300) -> Path:
    """A scanned page carrying a scanner's poor invisible OCR layer (symbol and consonant soup)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=letter)
    pdf.drawImage(ImageReader(page.convert("RGB")), 0, 0, *letter)
    text = pdf.beginText(72, 700)
    text.setTextRenderMode(3)  # invisible, as OCR layers are
    text.setFont("Helvetica", 12)
    for line in (
        "l1|I ~~ ;; rnrn\\ Tl1e pat1ent",
        "#### ^^ ]]I| vvw~ 0O0 ::",
        "tHe Xqzt kjhg ,.;/ !!",
    ):
        text.textLine(line)
    pdf.drawText(text)
    pdf.showPage()
    pdf.save()
    return path


def write_mixed_pdf(path: Path, parts: Sequence[Path]) -> Path:
    """One PDF made of the pages of ``parts`` in order (born-digital and scanned pages mixed)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(str(part))
    writer.write(path)
    return path


def write_pageless_pdf(path: Path) -> Path:
    """A well-formed PDF with an empty page tree, as a broken export tool writes."""
    return _write_pdf_objects(
        path,
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"],
    )


def write_g3_fax_tiff(path: Path, pages: Sequence[Image.Image], *, fine: bool = False) -> Path:
    """A multi-page CCITT Group 3 TIFF at fax resolution, as older fax machines store it."""
    faxed = [to_fax(page, fine=fine) for page in pages]
    dpi = (204, 196 if fine else 98)
    faxed[0].save(
        path, format="TIFF", compression="group3", dpi=dpi, save_all=True, append_images=faxed[1:]
    )
    return path


SPANISH_LINES: tuple[str, ...] = (
    "AUTORIZACIÓN PARA DIVULGAR INFORMACIÓN MÉDICA",
    "Nombre del paciente: María José Núñez Peña",
    "Autorizo a la clínica a entregar mis registros médicos.",
    "Información incluida: diagnóstico, medicación y análisis.",
    "Esta autorización vence en un año a partir de la fecha.",
)
