"""An upright fax page is never flipped, even when OSD insists (DESIGN.md, "Known traps")."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from ocr import TesseractEngine, orientation, tesseract
from ocr.api import ApiReader
from ocr.command import CommandReader
from ocr.quality import character_error_rate
from recordroom.core.settings import Settings
from synthetic.files import speckle, write_fax_tiff
from tests.ocr.conftest import LINES, text_of


def test_upright_normal_fax_is_not_flipped(sample_dir: Path, page: Image.Image) -> None:
    in_process = TesseractEngine(Settings(ocr_workers=1))
    fax = write_fax_tiff(sample_dir / "upright.tif", [speckle(page, seed=9)], fine=False)
    result = in_process.extract(fax, make_searchable_pdf=False)
    assert result.pages[0].rotation == 0
    assert character_error_rate(text_of(LINES), result.pages[0].text) <= 0.04


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["tesserocr", "pytesseract"])
@pytest.mark.parametrize("script", ["Arabic", "Latin"])
def test_osd_misreading_an_upright_fax_is_overruled(
    sample_dir: Path,
    page: Image.Image,
    monkeypatch: pytest.MonkeyPatch,
    script: str,
    backend: tesseract.Backend,
) -> None:
    # Make the page look doubtful so OSD is consulted, and make OSD say "upside down" as it does
    # on some real fax pages; OCR of the flipped page reads far worse, so the flip is refused.
    monkeypatch.setattr(orientation, "looks_upright", lambda first: False)
    misread = tesseract.Orientation(180, 0.9 if script == "Latin" else 7.0, script, 0.4)
    reader = ApiReader if backend == "tesserocr" else CommandReader
    monkeypatch.setattr(reader, "detect_orientation", lambda *args, **kwargs: misread)
    in_process = TesseractEngine(Settings(ocr_workers=1, ocr_engine=backend))
    assert in_process.backend == backend
    fax = write_fax_tiff(sample_dir / f"misread-{script}-{backend}.tif", [page], fine=True)
    result = in_process.extract(fax, make_searchable_pdf=False)
    assert result.pages[0].rotation == 0
    assert character_error_rate(text_of(LINES), result.pages[0].text) <= 0.02
