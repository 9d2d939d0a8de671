"""Tesseract, whichever way it is reached: what a page reader returns, which engine to use, where
its language data is, and one loaded reader per process (per thread in the caller's process).

Two readers satisfy ``PageReader``: ``ocr.api.ApiReader`` keeps the engine loaded in the process
through tesserocr (the models are read once, not for every page); ``ocr.command.CommandReader``
runs the ``tesseract`` command through pytesseract, a process a page, where tesserocr's wheel is
not available. Both read the same PNG with the same options and hand back the same records.
"""

from __future__ import annotations

import csv
import importlib
import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from recordroom.core import OcrEngineError

Backend = Literal["tesserocr", "pytesseract"]

# Where Debian (and other distributions) put the language packs, newest first.
TESSDATA_FOLDERS: tuple[Path, ...] = (
    Path("/usr/share/tesseract-ocr/5/tessdata"),
    Path("/usr/share/tesseract-ocr/4.00/tessdata"),
    Path("/usr/share/tessdata"),
    Path("/usr/local/share/tessdata"),
)
TSV_COLUMNS = "level page_num block_num par_num line_num word_num left top width height conf text"
TSV_HEADER = TSV_COLUMNS.replace(" ", "\t") + "\n"  # the command writes it; the API does not


@dataclass(frozen=True, slots=True)
class Recognition:
    """What tesseract read on one page image."""

    text: str
    confidence: float  # mean word confidence, 0 when no word was read
    words: int
    pdf: bytes | None
    vertical_share: float = 0.0  # share of longer words whose box stands upright: a sideways page


@dataclass(frozen=True, slots=True)
class Orientation:
    """Tesseract's orientation and script detection for one page image."""

    rotate: int  # degrees clockwise that make the page upright
    orientation_confidence: float
    script: str
    script_confidence: float


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """Which engine reads pages and with what: small enough to send to a worker process."""

    backend: Backend
    languages: str
    tessdata: str  # the folder of the language packs; "" lets the command use its own
    timeout: int  # seconds a page may take


class PageReader(Protocol):
    """Reads one page image (a PNG on disk) with the languages it was loaded with."""

    def recognise(self, image_path: Path, *, name: str, dpi: int, want_pdf: bool) -> Recognition:
        """Words, mean confidence and (optionally) the page's searchable PDF, from one
        recognition pass."""
        ...

    def detect_orientation(self, image_path: Path, *, name: str, dpi: int) -> Orientation | None:
        """Orientation and script, or None when the page has too little text to tell."""
        ...


def tesserocr_available() -> bool:
    try:
        importlib.import_module("tesserocr")
    except ImportError:
        return False
    return True


def choose_backend(setting: str) -> Backend:
    """The engine RECORDROOM_OCR_ENGINE asks for; ``auto`` is tesserocr when it imports."""
    if setting == "pytesseract":
        return "pytesseract"
    if tesserocr_available():
        return "tesserocr"
    if setting == "tesserocr":
        raise OcrEngineError(
            "RECORDROOM_OCR_ENGINE is tesserocr but the tesserocr package cannot be imported; "
            "install it (pip install tesserocr) or set RECORDROOM_OCR_ENGINE=pytesseract"
        )
    return "pytesseract"


def find_tessdata(configured: str) -> Path | None:
    """The configured language-pack folder, else the first of ``TESSDATA_FOLDERS`` that exists."""
    if configured:
        folder = Path(configured).expanduser()
        if not folder.is_dir():
            raise OcrEngineError(
                f"the tesseract language folder {folder} (RECORDROOM_OCR_TESSDATA) does not "
                "exist; point the setting at the folder holding eng.traineddata"
            )
        return folder
    return next((folder for folder in TESSDATA_FOLDERS if folder.is_dir()), None)


def check_language_packs(tessdata: Path, languages: str) -> None:
    """Every language asked for, and OSD, has its ``.traineddata`` in ``tessdata``."""
    wanted = [lang for lang in languages.split("+") if lang] + ["osd"]
    missing = [lang for lang in wanted if not (tessdata / f"{lang}.traineddata").is_file()]
    if missing:
        packages = " ".join(f"tesseract-ocr-{lang}" for lang in missing)
        raise OcrEngineError(
            f"the tesseract language pack(s) {', '.join(missing)} are missing from {tessdata}; "
            f"install {packages} (or the .traineddata files), or change RECORDROOM_OCR_LANGUAGES"
        )


def engine_config(engine: str, languages: str, tessdata: str, timeout: int) -> EngineConfig:
    """The engine to use, checked: its package imports and its language packs are there."""
    backend = choose_backend(engine)
    folder = find_tessdata(tessdata)
    if backend == "tesserocr":
        if folder is None:
            raise OcrEngineError(
                "no tesseract language folder was found (looked in "
                f"{', '.join(str(f) for f in TESSDATA_FOLDERS)}); install tesseract-ocr-eng "
                "or set RECORDROOM_OCR_TESSDATA to the folder holding eng.traineddata"
            )
        check_language_packs(folder, languages)
    elif tessdata and folder is not None:
        check_language_packs(folder, languages)
    elif not tessdata:
        folder = None  # the command knows where its own language packs are
    return EngineConfig(backend, languages, str(folder) if folder else "", timeout)


_loaded = threading.local()


def page_reader(config: EngineConfig) -> PageReader:
    """The reader for ``config``, loaded once per process (per thread in a threaded caller, since
    a loaded engine must not be used by two threads at once) and kept for every later page."""
    readers: dict[EngineConfig, PageReader] = _loaded.__dict__.setdefault("readers", {})
    reader = readers.get(config)
    if reader is None:
        if config.backend == "tesserocr":
            from ocr.api import ApiReader

            reader = ApiReader(config)
        else:
            from ocr.command import CommandReader

            reader = CommandReader(config)
        readers[config] = reader
    return reader


def prepare_worker(config: EngineConfig | None) -> None:
    """A pool worker's first task: the engine for ``config`` loaded before any page (none for
    ``None``: the task only starts the worker). tesserocr's libtesseract is built without OpenMP,
    so it runs one thread, as the command does with OMP_THREAD_LIMIT=1."""
    if config is not None:
        page_reader(config)


@dataclass(frozen=True, slots=True)
class _Words:
    text: str
    confidences: list[float]
    vertical_share: float


def _words_from_tsv(tsv: str) -> _Words:
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    long_words = vertical = 0
    rows = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in rows:
        word = (row.get("text") or "").strip()
        if row.get("level") != "5" or not word:
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        lines.setdefault(key, []).append(word)
        confidence = float(row["conf"])
        if confidence >= 0:
            confidences.append(confidence)
        if len(word) >= 4:
            long_words += 1
            vertical += int(row["height"]) > int(row["width"])
    paragraphs: dict[tuple[int, int], list[str]] = {}
    for (block, par, _line), words in lines.items():
        paragraphs.setdefault((block, par), []).append(" ".join(words))
    text = "\n\n".join("\n".join(par_lines) for par_lines in paragraphs.values())
    return _Words(text, confidences, vertical / long_words if long_words else 0.0)


def recognition_from_tsv(tsv: str, pdf: bytes | None) -> Recognition:
    """The page's record from tesseract's TSV (with its header row) and its PDF."""
    words = _words_from_tsv(tsv)
    confidences = words.confidences
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return Recognition(
        text=words.text,
        confidence=round(mean, 2),
        words=len(confidences),
        pdf=pdf,
        vertical_share=round(words.vertical_share, 3),
    )
