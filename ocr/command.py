"""The ``tesseract`` command (the one ``pytesseract`` names): a process a page, which loads the
language models every time. The fallback where tesserocr's wheel is not available. One call per
page for words, confidences and the PDF page, a second (OSD) only when orientation is in doubt.
Failures become ``OcrEngineError``."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytesseract

from ocr.tesseract import EngineConfig, Orientation, Recognition, recognition_from_tsv
from recordroom.core import OcrEngineError, OcrFailedOnFileError

_OSD_FIELD = re.compile(r"^([A-Za-z ]+):\s*(\S+)", re.MULTILINE)


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
        raise OcrFailedOnFileError(
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


class CommandReader:
    """The command, run once a page (satisfies ``PageReader``)."""

    def __init__(self, config: EngineConfig) -> None:
        self._config = config
        self._tessdata = ["--tessdata-dir", config.tessdata] if config.tessdata else []

    def recognise(self, image_path: Path, *, name: str, dpi: int, want_pdf: bool) -> Recognition:
        base = image_path.with_suffix("")
        arguments = [str(image_path), str(base), *self._tessdata, "-l", self._config.languages]
        arguments += ["--dpi", str(dpi), "--psm", "3", "-c", "tessedit_create_tsv=1"]
        arguments += ["pdf"] if want_pdf else []
        with _engine_errors(name):
            _run(arguments, name=name, timeout=self._config.timeout)
        tsv = base.with_suffix(".tsv").read_text(encoding="utf-8")
        pdf = base.with_suffix(".pdf").read_bytes() if want_pdf else None
        return recognition_from_tsv(tsv, pdf)

    def detect_orientation(self, image_path: Path, *, name: str, dpi: int) -> Orientation | None:
        arguments = [str(image_path), "stdout", *self._tessdata, "-l", "osd", "--psm", "0"]
        arguments += ["--dpi", str(dpi)]
        try:
            report = _run(arguments, name=name, timeout=self._config.timeout)
        except _Failed:
            # OSD refuses pages with few characters: an answer ("cannot tell"), not a crash.
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
