"""The two ways of reaching tesseract: tesserocr (loaded once per process) and the command
through pytesseract (the fallback). The setting chooses; both read the same pages alike."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from ocr import TesseractEngine, tesseract
from ocr.quality import character_error_rate
from recordroom.core import OcrEngineError
from recordroom.core.settings import Settings
from synthetic.files import speckle, write_fax_tiff, write_png
from tests.ocr.conftest import LINES, text_of

EXPECTED = text_of(LINES)
BACKENDS: tuple[tesseract.Backend, ...] = ("tesserocr", "pytesseract")


@pytest.fixture(scope="module", params=BACKENDS)
def each_engine(request: pytest.FixtureRequest) -> Iterator[TesseractEngine]:
    with TesseractEngine(Settings(ocr_workers=2, ocr_engine=request.param)) as engine:
        yield engine


def test_the_setting_chooses_the_engine() -> None:
    assert TesseractEngine(Settings(ocr_engine="pytesseract")).backend == "pytesseract"
    assert TesseractEngine(Settings(ocr_engine="tesserocr")).backend == "tesserocr"
    assert TesseractEngine(Settings(ocr_engine="auto")).backend == "tesserocr"


def test_auto_falls_back_to_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tesseract, "tesserocr_available", lambda: False)
    assert TesseractEngine(Settings(ocr_engine="auto")).backend == "pytesseract"
    with pytest.raises(OcrEngineError, match="RECORDROOM_OCR_ENGINE=pytesseract"):
        TesseractEngine(Settings(ocr_engine="tesserocr"))


def test_both_engines_read_a_fax_and_make_its_searchable_pdf(
    each_engine: TesseractEngine, sample_dir: Path, page: Image.Image
) -> None:
    name = f"fax-{each_engine.backend}.tif"
    fax = write_fax_tiff(sample_dir / name, [speckle(page, seed=3), page], fine=False)
    result = each_engine.extract(fax)
    assert [p.method for p in result.pages] == ["ocr", "ocr"]
    for read in result.pages:
        assert character_error_rate(EXPECTED, read.text) <= 0.04
    assert result.searchable_pdf is not None
    with pdfplumber.open(io.BytesIO(result.searchable_pdf)) as pdf:
        assert character_error_rate(EXPECTED, pdf.pages[1].extract_text() or "") <= 0.04


def test_both_engines_turn_an_upside_down_page(
    each_engine: TesseractEngine, sample_dir: Path, page: Image.Image
) -> None:
    path = write_png(sample_dir / f"upside-down-{each_engine.backend}.png", page.rotate(180))
    result = each_engine.extract(path, make_searchable_pdf=False)
    assert result.pages[0].rotation == 180
    assert character_error_rate(EXPECTED, result.pages[0].text) <= 0.02


def test_a_warm_engine_sends_single_pages_to_its_loaded_workers(
    sample_dir: Path, page: Image.Image
) -> None:
    with TesseractEngine(Settings(ocr_workers=2, ocr_engine="tesserocr")) as engine:
        engine.start()
        result = engine.extract(write_png(sample_dir / "warm.png", page))
        assert engine._pool is not None  # the page went to a worker that had loaded tesseract
    assert character_error_rate(EXPECTED, result.pages[0].text) <= 0.02


def test_missing_language_pack_is_named(tmp_path: Path) -> None:
    source = tesseract.find_tessdata("")
    assert source is not None
    for name in ("eng.traineddata", "osd.traineddata"):
        shutil.copy(source / name, tmp_path / name)
    settings = Settings(ocr_engine="tesserocr", ocr_tessdata=str(tmp_path))
    with pytest.raises(OcrEngineError, match=r"language pack\(s\) spa .*tesseract-ocr-spa"):
        TesseractEngine(settings)
    assert TesseractEngine(Settings(ocr_tessdata=str(tmp_path), ocr_languages="eng")).backend


def test_missing_tessdata_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(OcrEngineError, match="RECORDROOM_OCR_TESSDATA"):
        TesseractEngine(Settings(ocr_tessdata=str(tmp_path / "nowhere")))
