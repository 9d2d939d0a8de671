"""The rules that keep OSD from flipping upright pages (DESIGN.md, "Known traps")."""

from __future__ import annotations

from ocr.orientation import accept_rotation, looks_upright, trust_osd
from ocr.tesseract import Orientation, Recognition

GOOD = Recognition("The lungs are clear without consolidation today.", 91.0, 7, None)
UPSIDE_DOWN = Recognition("˙ʎɐpoʇ uoıʇɐpılosuoɔ ʇnoɥʇıʍ", 38.0, 4, None)
SIDEWAYS = Recognition("The lungs are clear without consolidation.", 93.0, 6, None, 0.9)


def test_well_read_page_needs_no_osd() -> None:
    assert looks_upright(GOOD)
    assert not looks_upright(UPSIDE_DOWN)
    assert not looks_upright(SIDEWAYS)


def test_osd_is_trusted_only_for_confident_latin() -> None:
    assert trust_osd(Orientation(180, 9.5, "Latin", 4.0))
    assert not trust_osd(Orientation(180, 9.5, "Arabic", 4.0))
    assert not trust_osd(Orientation(180, 1.1, "Latin", 4.0))


def test_confident_arabic_guess_does_not_flip_a_page_that_reads_worse_turned() -> None:
    misread = Orientation(180, 6.0, "Arabic", 2.0)
    assert not accept_rotation(misread, GOOD, UPSIDE_DOWN)


def test_unsure_osd_is_accepted_when_ocr_is_clearly_better_turned() -> None:
    unsure = Orientation(180, 0.8, "Thai", 0.3)
    assert accept_rotation(unsure, UPSIDE_DOWN, GOOD)


def test_confident_latin_osd_is_not_accepted_when_the_turn_reads_much_worse() -> None:
    assert not accept_rotation(Orientation(180, 5.0, "Latin", 3.0), GOOD, UPSIDE_DOWN)
