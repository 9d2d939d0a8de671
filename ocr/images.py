"""Page images: reading image files frame by frame, square pixels, and the clean-up tesseract
benefits from (deskew, speckle removal, an even background).

Pages are greyscale (mode "L") Pillow images; nothing here holds more than one page at a time.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from ocr.messages import corrupt_image, too_many_pixels

LETTER_LONG_SIDE_INCHES = 11.0
MAX_PAGE_INCHES = 20.0
MIN_ESTIMATED_DPI = 70.0
MAX_SKEW_DEGREES = 5.0
MIN_SKEW_DEGREES = 0.3  # below this, rotating costs more sharpness than it gains
CLEAR_GAIN = 1.1  # the best angle must sharpen the row profile this much over 0 degrees
INK_LEVEL = 128


@dataclass(frozen=True, slots=True)
class PageImage:
    """One page ready for tesseract: square pixels at ``dpi``; ``bilevel`` when it is black and
    white (a fax, or a clean scan binarised), so it is stored and embedded as 1-bit."""

    image: Image.Image
    dpi: int
    bilevel: bool


@contextmanager
def pixel_limit(max_pixels: int, name: str) -> Iterator[None]:
    """Pillow's decompression-bomb guard at ``max_pixels``, raised as ``FileTooLargeError``.

    ``check_pixels`` holds each frame to ``max_pixels``; Pillow's own guard (a process-wide
    value) is only ever raised to it, never lowered, so callers in other threads or with other
    limits are not affected."""
    if Image.MAX_IMAGE_PIXELS is not None and max_pixels > Image.MAX_IMAGE_PIXELS:
        Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        yield
    except Image.DecompressionBombError as exc:
        raise too_many_pixels(name, max_pixels) from exc


def check_pixels(image: Image.Image, *, name: str, max_pixels: int) -> None:
    if image.width * image.height > max_pixels:
        raise too_many_pixels(name, max_pixels)


def count_frames(image: Image.Image) -> int:
    return int(getattr(image, "n_frames", 1))


def load_frame(source: Image.Image, index: int, *, name: str, max_pixels: int) -> PageImage:
    """Frame ``index`` of an open image file, decoded, with square pixels."""
    try:
        source.seek(index)
        check_pixels(source, name=name, max_pixels=max_pixels)
        source.load()
        frame = ImageOps.exif_transpose(source) if source.format == "JPEG" else source.copy()
    except (OSError, ValueError, EOFError, SyntaxError) as exc:
        raise corrupt_image(name) from exc
    x_dpi, y_dpi = _resolution(source)
    return square_pixels(frame, x_dpi, y_dpi)


def _resolution(image: Image.Image) -> tuple[float, float]:
    """The image's resolution, or one estimated from its size when it has none or one that makes
    no sense for a page (phone photos say 72 dpi): the long side taken as 11 inches, as on letter
    paper. Tesseract sizes its glyph models and the searchable PDF's page by this figure."""
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and len(dpi) == 2:
        x, y = float(dpi[0]), float(dpi[1])
        if x > 0 and y > 0 and 3 <= max(image.width / x, image.height / y) <= MAX_PAGE_INCHES:
            return x, y
    estimate = max(MIN_ESTIMATED_DPI, max(image.width, image.height) / LETTER_LONG_SIDE_INCHES)
    return estimate, estimate


def _on_white(image: Image.Image) -> Image.Image:
    """Greyscale, with any transparent parts shown as the white paper they stand for."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("L")
    return image.convert("L")


def square_pixels(image: Image.Image, x_dpi: float, y_dpi: float) -> PageImage:
    """Resample a page with non-square pixels (a 204x98 fax) so both axes share the larger
    resolution; black-and-white sources stay black-and-white."""
    bilevel = image.mode == "1"
    grey = _on_white(image) if image.mode != "L" else image
    dpi = max(x_dpi, y_dpi)
    if abs(x_dpi - y_dpi) > 1:
        size = (round(grey.width * dpi / x_dpi), round(grey.height * dpi / y_dpi))
        grey = grey.resize(size, Image.Resampling.BICUBIC)
    return PageImage(grey, round(dpi), bilevel)


def estimate_skew(image: Image.Image) -> float:
    """The page's skew in degrees (counter-clockwise positive), by the projection profile: text
    lines give the sharpest row histogram when they run level. Small rotations are taken as
    shears of the ink pixels' coordinates, which is exact enough within 5 degrees and fast."""
    factor = max(1, image.width // 800)
    small = np.asarray(image.reduce(factor) if factor > 1 else image)
    ys, xs = np.nonzero(small < INK_LEVEL)
    if len(ys) < 100:
        return 0.0
    xs_centred = xs - small.shape[1] / 2

    def sharpness(angle: float) -> float:
        rows = np.round(ys + xs_centred * np.tan(np.radians(angle))).astype(np.int64)
        profile = np.bincount(rows - rows.min())
        return float(np.square(np.diff(profile)).sum())

    coarse = np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 0.01, 0.5)
    best = max(coarse, key=sharpness)
    best = max(np.arange(best - 0.4, best + 0.41, 0.1), key=sharpness)
    # Without level text lines (a page lying on its side, a photo) no angle stands out.
    if sharpness(best) < sharpness(0.0) * CLEAR_GAIN:
        return 0.0
    return round(float(best), 2)


def deskew(image: Image.Image, *, bilevel: bool = False) -> Image.Image:
    angle = estimate_skew(image)
    if abs(angle) < MIN_SKEW_DEGREES:
        return image
    # Black-and-white pages keep crisp edges with the nearest pixel (and rotate 5x faster).
    resample = Image.Resampling.NEAREST if bilevel else Image.Resampling.BILINEAR
    return image.rotate(-angle, resample=resample, expand=False, fillcolor=255)


def otsu_level(image: Image.Image) -> int:
    """The grey level that best separates ink from paper (Otsu's method on the histogram)."""
    counts = np.asarray(image.histogram()[:256], dtype=np.float64)
    levels = np.arange(256)
    weight = np.cumsum(counts)
    mean = np.cumsum(counts * levels)
    total, grand_mean = weight[-1], mean[-1]
    background = total - weight
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (grand_mean * weight - total * mean) ** 2 / (weight * background)
    between = between[:-1]
    if np.all(np.isnan(between)):
        return INK_LEVEL  # a page of one colour: nothing to separate
    return int(np.nanargmax(between))


def is_document_like(image: Image.Image) -> bool:
    """Mostly paper with dark ink and few mid-grey pixels: binarising such a page loses nothing
    and makes its stored image and PDF page far smaller (1-bit, CCITT coded). Pages with pictures
    or shading stay grey."""
    counts = image.histogram()[:256]
    total = sum(counts)
    paper = sum(counts[200:]) / total
    mid_grey = sum(counts[80:200]) / total
    return paper > 0.75 and mid_grey < 0.04


def binarise(image: Image.Image) -> Image.Image:
    level = otsu_level(image)
    return image.point(lambda v: 255 if v > level else 0)


def remove_speckle(image: Image.Image) -> Image.Image:
    """Clear isolated dark pixels (scanner and line noise) that have no dark neighbour."""
    ink = np.asarray(image) < INK_LEVEL
    padded = np.pad(ink, 1).view(np.uint8)
    # The ink in each 3x3 box, summed by rows then by columns (four additions, not eight): a
    # lonely pixel is the only ink in its box.
    rows = padded[:, :-2] + padded[:, 1:-1]
    rows += padded[:, 2:]
    box = rows[:-2] + rows[1:-1]
    box += rows[2:]
    lonely = ink & (box == 1)
    if not lonely.any():
        return image
    pixels = np.array(image)
    pixels[lonely] = 255
    return Image.fromarray(pixels)


def even_background(image: Image.Image) -> Image.Image:
    """Divide out uneven lighting (phone photos, grey paper) so tesseract's global threshold
    separates ink from paper; a page that is already evenly white is left as it is."""
    factor = max(1, image.width // 200)
    background = image.reduce(factor).filter(ImageFilter.MaxFilter(7))
    levels = np.asarray(background, dtype=np.float64)
    if levels.min() > 215 and levels.std() < 6:
        return image
    smooth = background.filter(ImageFilter.GaussianBlur(2)).resize(
        image.size, Image.Resampling.BILINEAR
    )
    # In place and in single precision: a page is ~9 million pixels, and each temporary array
    # of doubles costs as much time as tesseract spends on a tenth of the page.
    paper = np.asarray(smooth, dtype=np.float32)
    np.maximum(paper, 1.0, out=paper)
    flat = np.asarray(image, dtype=np.float32)
    flat *= 255.0
    flat /= paper
    np.clip(flat, 0, 255, out=flat)
    return Image.fromarray(flat.astype(np.uint8))


def clean(page: PageImage) -> PageImage:
    """The clean-up every page gets before OCR: an even background for photos and grey scans,
    black-and-white when that loses nothing, deskew, speckle removal."""
    image = page.image
    bilevel = page.bilevel
    if not bilevel:
        image = even_background(image)
        bilevel = is_document_like(image)
    if bilevel:
        image = binarise(image)
    image = remove_speckle(deskew(image, bilevel=bilevel))
    return PageImage(image, page.dpi, bilevel)


def rotate_upright(page: PageImage, clockwise: int) -> PageImage:
    """The page turned by quarter turns; a page that lay on its side is deskewed again, since its
    lines could not be measured while they ran vertically."""
    turns = {
        90: Image.Transpose.ROTATE_270,
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_90,
    }
    if clockwise not in turns:
        return page
    turned = page.image.transpose(turns[clockwise])
    if clockwise in (90, 270):
        turned = deskew(turned, bilevel=page.bilevel)
    return PageImage(turned, page.dpi, page.bilevel)


def ink_share(image: Image.Image) -> float:
    small = image.reduce(max(1, image.width // 400))
    return float((np.asarray(small) < INK_LEVEL).mean())


def png_bytes(page: PageImage) -> bytes:
    """The page as PNG: 1-bit for black-and-white sources, greyscale otherwise."""
    # Pillow's conversion to 1-bit without dithering keeps the pixels at INK_LEVEL and above.
    image = page.image.convert("1", dither=Image.Dither.NONE) if page.bilevel else page.image
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(page.dpi, page.dpi), compress_level=1)
    return buffer.getvalue()
