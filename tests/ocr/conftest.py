"""Fixtures for the OCR tests: one engine for the session and sample files made on demand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from ocr import TesseractEngine
from recordroom.core.settings import Settings
from synthetic.files import clinical_lines, render_page

# Short pages keep each OCR run near a second on a small machine.
LINES: tuple[str, ...] = tuple(clinical_lines(seed=11, count=10))
OTHER_LINES: tuple[str, ...] = tuple(clinical_lines(seed=12, count=10))


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(ocr_workers=2, home=tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[TesseractEngine]:
    with TesseractEngine(settings) as shared:
        yield shared


@pytest.fixture(scope="session")
def page() -> Image.Image:
    return render_page(LINES)


@pytest.fixture(scope="session")
def other_page() -> Image.Image:
    return render_page(OTHER_LINES)


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ocr-samples")


def text_of(lines: tuple[str, ...]) -> str:
    return "\n".join(lines)
