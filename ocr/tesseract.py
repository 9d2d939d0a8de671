"""Running the tesseract command (the one ``pytesseract`` names): one call per page for words,
confidences and the PDF page, a second (OSD) only when orientation is in doubt. Failures become
``OcrEngineError``."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytesseract

from recordroom.core import OcrEngineError


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


class _Failed(Exception):
    """Tesseract ran and exited with an error (OSD's "too few characters" is one)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _environment() -> dict[str, str]:
    """The caller's environment with one thread per tesseract: pages run in parallel already, and
    OpenMP threads on top of that make tesseract slower, not faster (it reads this only from its
    environment)."""
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def _run(arguments: list[str], *, name: str, timeout: int) -> str:
    """Run tesseract with ``arguments``; its standard output. Raises ``_Failed`` on a non-zero
    exit and ``OcrEngineError`` when it is missing or too slow."""
    command = [pytesseract.pytesseract.tesseract_cmd, *arguments]
    try:
        done = subprocess.run(
            command,
            env=_environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout or None,
            check=False,
        )
    except FileNotFoundError as exc:
        raise OcrEngineError(
            f"tesseract is not installed or not on PATH, so {name} could not be read; "
            "install the tesseract-ocr package and try again"
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise OcrEngineError(
            f"tesseract took too long on a page of {name} and was stopped; "
            "retry the file or raise RECORDROOM_OCR_TIMEOUT_SECONDS"
        ) from exc
    if done.returncode != 0:
        raise _Failed(done.returncode)
    return done.stdout.decode("utf-8", "replace")


@contextmanager
def _engine_errors(name: str) -> Iterator[None]:
    try:
        yield
    except _Failed as exc:
        raise OcrEngineError(
            f"tesseract failed on {name} (exit status {exc.status}); "
            "check the tesseract installation and its language packs, then retry the file"
        ) from exc


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


def recognise(
    image_path: Path,
    *,
    name: str,
    languages: str,
    dpi: int,
    timeout: int,
    want_pdf: bool,
) -> Recognition:
    """Words, mean confidence and (optionally) a one-page searchable PDF of a page image."""
    base = image_path.with_suffix("")
    arguments = [str(image_path), str(base), "-l", languages, "--dpi", str(dpi), "--psm", "3"]
    arguments += ["-c", "tessedit_create_tsv=1", *(["pdf"] if want_pdf else [])]
    with _engine_errors(name):
        _run(arguments, name=name, timeout=timeout)
    tsv_path = base.with_suffix(".tsv")
    words = _words_from_tsv(tsv_path.read_text(encoding="utf-8"))
    pdf = base.with_suffix(".pdf").read_bytes() if want_pdf else None
    confidences = words.confidences
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return Recognition(
        text=words.text,
        confidence=round(mean, 2),
        words=len(confidences),
        pdf=pdf,
        vertical_share=round(words.vertical_share, 3),
    )


_OSD_FIELD = re.compile(r"^([A-Za-z ]+):\s*(\S+)", re.MULTILINE)


def detect_orientation(
    image_path: Path, *, name: str, dpi: int, timeout: int
) -> Orientation | None:
    """Tesseract's OSD for a page image, or None when the page has too little text to tell."""
    arguments = [str(image_path), "stdout", "-l", "osd", "--psm", "0", "--dpi", str(dpi)]
    try:
        report = _run(arguments, name=name, timeout=timeout)
    except _Failed:
        # OSD refuses pages with few characters; that is an answer ("cannot tell"), not a crash.
        return None
    fields = dict(_OSD_FIELD.findall(report))
    try:
        return Orientation(
            rotate=int(fields["Rotate"]) % 360,
            orientation_confidence=float(fields["Orientation confidence"]),
            script=fields["Script"],
            script_confidence=float(fields["Script confidence"]),
        )
    except (KeyError, ValueError):
        return None
