"""Tesseract kept loaded in the process through tesserocr (its wheel bundles libtesseract): the
language models are read once, when the reader is made, instead of once a page as the command
does. The page goes through the same steps as with the command: the same PNG, resolution and
page segmentation, tesseract's own PDF renderer for the searchable page, OSD with the ``osd``
model. Failures become ``OcrEngineError``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tesserocr

from ocr.tesseract import (
    TSV_HEADER,
    EngineConfig,
    Orientation,
    Recognition,
    recognition_from_tsv,
)
from recordroom.core import OcrEngineError, OcrFailedOnFileError


def _load(tessdata: str, languages: str, psm: int) -> Any:
    try:
        return tesserocr.PyTessBaseAPI(path=tessdata.rstrip("/") + "/", lang=languages, psm=psm)
    except RuntimeError as exc:
        raise OcrEngineError(
            f"tesseract could not load the languages {languages} from {tessdata}; "
            "check the language packs there (tesseract-ocr-eng, -spa, -osd) and retry"
        ) from exc


class ApiReader:
    """One loaded ``PyTessBaseAPI`` for recognition and, made on the first doubtful page, one for
    OSD. Not for two threads at once: ``ocr.tesseract.page_reader`` keeps one per thread
    (satisfies ``PageReader``)."""

    def __init__(self, config: EngineConfig) -> None:
        self._config = config
        self._api = _load(config.tessdata, config.languages, tesserocr.PSM.AUTO)
        self._osd: Any = None

    def recognise(self, image_path: Path, *, name: str, dpi: int, want_pdf: bool) -> Recognition:
        api = self._api
        base = image_path.with_suffix("")
        timeout_ms = self._config.timeout * 1000
        api.SetVariable("user_defined_dpi", str(dpi))
        try:
            if want_pdf:
                # The PDF renderer writes the page's image and its text from this one pass.
                api.SetVariable("tessedit_create_pdf", "1")
                done = api.ProcessPages(str(base), str(image_path), timeout=timeout_ms)
            else:
                api.SetImageFile(str(image_path))
                done = api.Recognize(timeout=timeout_ms)
            if not done:
                raise OcrFailedOnFileError(
                    f"tesseract took too long on a page of {name} and was stopped; "
                    "retry the file or raise RECORDROOM_OCR_TIMEOUT_SECONDS"
                )
            tsv = TSV_HEADER + api.GetTSVText(0)
        except RuntimeError as exc:
            raise OcrEngineError(
                f"tesseract failed on {name}; check the tesseract installation and its "
                "language packs, then retry the file"
            ) from exc
        finally:
            api.Clear()
        pdf = base.with_suffix(".pdf").read_bytes() if want_pdf else None
        return recognition_from_tsv(tsv, pdf)

    def detect_orientation(self, image_path: Path, *, name: str, dpi: int) -> Orientation | None:
        if self._osd is None:
            self._osd = _load(self._config.tessdata, "osd", tesserocr.PSM.OSD_ONLY)
        osd = self._osd
        osd.SetVariable("user_defined_dpi", str(dpi))
        try:
            osd.SetImageFile(str(image_path))
            found = osd.DetectOrientationScript()
        except RuntimeError as exc:
            raise OcrEngineError(
                f"tesseract's orientation detection failed on {name}; "
                "check the tesseract-ocr-osd language pack, then retry the file"
            ) from exc
        finally:
            osd.Clear()
        if not found:
            return None  # too little text to tell
        return Orientation(
            # tesseract reports how far the image is turned; the command prints the turn back.
            rotate=(360 - int(found["orient_deg"])) % 360,
            orientation_confidence=round(float(found["orient_conf"]), 2),
            script=str(found["script_name"]),
            script_confidence=round(float(found["script_conf"]), 2),
        )
