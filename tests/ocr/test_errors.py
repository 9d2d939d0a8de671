"""Each bad input raises the error class intake quarantines it with, naming the file only."""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytesseract
import pytest
from PIL import Image

import ocr.pdf
from ocr import TesseractEngine
from recordroom.core import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    FileTooLargeError,
    OcrEngineError,
    QuarantineError,
    UnsupportedFileError,
)
from recordroom.core.settings import Settings
from synthetic.files import (
    SAMPLE_LINES,
    write_docx,
    write_encrypted_pdf,
    write_exe,
    write_fax_tiff,
    write_image_bomb,
    write_pageless_pdf,
    write_png,
    write_text_pdf,
    write_truncated_pdf,
)


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _broken_png(path: Path) -> Path:
    whole = write_png(path, Image.new("L", (600, 800), 255)).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return path


CASES: list[tuple[str, Callable[[Path], Path], type[QuarantineError]]] = [
    ("empty file.pdf", _empty, EmptyFileError),
    ("no pages.pdf", write_pageless_pdf, EmptyFileError),
    ("letter.docx", write_docx, UnsupportedFileError),
    ("-setup.exe", write_exe, UnsupportedFileError),
    ("cut short.pdf", write_truncated_pdf, CorruptFileError),
    ("half.png", _broken_png, CorruptFileError),
    ("locked résumé.pdf", write_encrypted_pdf, EncryptedFileError),
    ("bomb.png", write_image_bomb, FileTooLargeError),
]


@pytest.mark.parametrize(("name", "writer", "error"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_its_error(
    tmp_path: Path,
    name: str,
    writer: Callable[[Path], Path],
    error: type[QuarantineError],
) -> None:
    path = writer(tmp_path / name)
    with pytest.raises(error) as raised:
        TesseractEngine(Settings(ocr_workers=1)).extract(path)
    message = str(raised.value)
    assert name in message
    assert message.count(".") >= 1 and "\n" not in message
    for line in SAMPLE_LINES:  # the file's content never reaches the message
        assert line not in message


def test_too_many_pages(tmp_path: Path) -> None:
    pages = [Image.new("L", (200, 260), 255)] * 3
    path = write_fax_tiff(tmp_path / "long fax.tif", pages)
    with pytest.raises(FileTooLargeError, match=r"long fax\.tif has 3 pages"):
        TesseractEngine(Settings(ocr_workers=1, max_pages=2)).extract(path)


def _fake_tesseract(tmp_path: Path, body: str) -> str:
    script = tmp_path / "tesseract"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (None, "not installed"),
        ("echo 'Segmentation fault' >&2; exit 139", "failed"),
        ("sleep 5", "took too long"),
    ],
)
def test_tesseract_failures_are_engine_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str | None, words: str
) -> None:
    command = str(tmp_path / "missing") if body is None else _fake_tesseract(tmp_path, body)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", command)
    path = write_png(tmp_path / "page.png", Image.new("L", (600, 800), 255))
    settings = Settings(ocr_workers=1, ocr_timeout_seconds=1, ocr_engine="pytesseract")
    engine = TesseractEngine(settings)
    with pytest.raises(OcrEngineError, match=words) as raised:
        engine.extract(path)
    assert "page.png" in str(raised.value)


def test_image_just_over_the_pixel_limit(tmp_path: Path) -> None:
    # Pillow itself only warns below twice its limit; recordroom holds the limit exactly.
    path = write_png(tmp_path / "big scan.png", Image.new("L", (1200, 1000), 255))
    with pytest.raises(FileTooLargeError, match=r"big scan\.png has a page of more than"):
        TesseractEngine(Settings(ocr_workers=1, max_image_pixels=1_000_000)).extract(path)


def test_a_started_engine_plans_pdfs_in_a_worker_and_its_errors_come_back_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the workers are started, a PDF's pages are planned (text layer or OCR) by one of
    them: this process's ``plan_pages`` is never called, and what a worker finds wrong with the
    file reaches the caller as the same error, with its message."""

    def not_here(*args: object) -> None:
        raise AssertionError("planned in the calling process")

    monkeypatch.setattr(ocr.pdf, "plan_pages", not_here)
    born = write_text_pdf(tmp_path / "letter.pdf", [["CONSULTATION LETTER", *SAMPLE_LINES[:3]]])
    with TesseractEngine(Settings(ocr_workers=2)) as engine:
        engine.start()
        result = engine.extract(born)
        assert (
            result.pages[0].method == "text_layer" and "CONSULTATION LETTER" in result.pages[0].text
        )
        for name, writer, error in CASES:
            if name.endswith(".pdf") and writer is not _empty:
                with pytest.raises(error, match=re.escape(name)):
                    engine.extract(writer(tmp_path / name))
