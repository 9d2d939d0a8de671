"""The OCR engine started ahead of everything else, for the commands that read pages from their
first moment (``ingest``, ``watch``, ``worker``): its worker processes load tesseract on the other
cores while the caller imports the database, the stores and the classifier. This module imports
only the OCR stage and the settings, so a door can call it before anything heavy; the engine goes
on to ``recordroom.wiring.open_context``, which closes it."""

from __future__ import annotations

from ocr import TesseractEngine
from recordroom.core.settings import Settings

__all__ = ["TesseractEngine", "start_engine"]


def start_engine(settings: Settings) -> TesseractEngine:
    """The engine for ``settings``, its workers starting in the background."""
    engine = TesseractEngine(settings)
    engine.start()
    return engine
