from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from ocr import sniff_media_type
from synthetic.files import (
    write_docx,
    write_exe,
    write_fax_tiff,
    write_jpeg,
    write_png,
    write_text_pdf,
)


@pytest.mark.parametrize(
    ("writer", "expected"),
    [
        (lambda p, img: write_text_pdf(p, [["Hello"]]), "application/pdf"),
        (lambda p, img: write_fax_tiff(p, [img]), "image/tiff"),
        (lambda p, img: write_png(p, img), "image/png"),
        (lambda p, img: write_jpeg(p, img), "image/jpeg"),
        (lambda p, img: write_docx(p), "application/zip"),
        (lambda p, img: write_exe(p), "application/vnd.microsoft.portable-executable"),
    ],
)
def test_media_type_comes_from_the_bytes_not_the_name(
    tmp_path: Path, writer: object, expected: str
) -> None:
    path = tmp_path / "misnamed.txt"  # the extension lies on purpose
    writer(path, Image.new("L", (200, 100), 255))  # type: ignore[operator]
    assert sniff_media_type(path) == expected


def test_empty_and_unknown_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    unknown = tmp_path / "notes.pdf"
    unknown.write_text("just some words", encoding="utf-8")
    assert sniff_media_type(empty) == "inode/x-empty"
    assert sniff_media_type(unknown) == "application/octet-stream"
