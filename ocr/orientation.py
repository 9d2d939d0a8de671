"""Turning pages upright without trusting OSD blindly.

OSD misreads some upright fax pages as upside down (it takes the script for Arabic or Thai), so
a rotation is accepted only when OSD is confident and sees Latin script, or when OCR of the turned
page is clearly more confident than OCR of the page as it came.
"""

from __future__ import annotations

from ocr.tesseract import Orientation, Recognition
from ocr.textlayer import wordlike_share

PLAUSIBLE_CONFIDENCE = 70.0  # an upright page of print reads above this
PLAUSIBLE_WORDS = 0.6
OSD_CONFIDENT = 2.0  # tesseract's orientation confidence; upright misreads score below ~1.5
SCRIPT_CONFIDENT = 1.0
MAX_VERTICAL_SHARE = 0.3
CLEARLY_BETTER = 10.0  # points of mean word confidence


def looks_upright(first: Recognition) -> bool:
    """A page that OCR reads well needs no orientation check (and no OSD run)."""
    if first.words < 3 or first.vertical_share > MAX_VERTICAL_SHARE:
        # Tesseract reads a page lying on its side well, but its image is still sideways.
        return False
    return (
        first.confidence >= PLAUSIBLE_CONFIDENCE and wordlike_share(first.text) >= PLAUSIBLE_WORDS
    )


def trust_osd(osd: Orientation) -> bool:
    return (
        osd.orientation_confidence >= OSD_CONFIDENT
        and osd.script == "Latin"
        and osd.script_confidence >= SCRIPT_CONFIDENT
    )


def accept_rotation(osd: Orientation, first: Recognition, turned: Recognition) -> bool:
    """Whether the page turned as OSD says reads better than the page as it came."""
    if turned.confidence >= first.confidence + CLEARLY_BETTER and turned.words >= 3:
        return True
    return trust_osd(osd) and turned.confidence >= first.confidence - 5.0
