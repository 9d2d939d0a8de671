"""The OCR engine started ahead of everything else, for the commands that read pages from their
first moment (``ingest``, ``watch``, ``worker``): its worker processes start on the other cores
and read the first files (with none waiting, they load tesseract) while the caller imports the
database, the stores and the classifier. This module imports only the OCR stage, the settings
and intake's light modules (the inbox listing, how many files are read at once), so a door can
call it before anything heavy; the engine goes on to ``recordroom.wiring.open_context``, which
closes it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from intake.burst import files_at_once
from intake.files import SettleTracker, inbox_files
from ocr import TesseractEngine
from recordroom.core.settings import Settings

__all__ = ["TesseractEngine", "inbox_backlog", "start_engine"]


def start_engine(settings: Settings, read_ahead: Sequence[Path] = ()) -> TesseractEngine:
    """The engine for ``settings``, its workers starting in the background and reading the first
    of ``read_ahead`` (``ingest``'s files, or those waiting in a watcher's inbox) at once: as many
    as intake reads at once, enough to keep the workers busy while the caller gets ready."""
    engine = TesseractEngine(settings)
    first = list(read_ahead)[: files_at_once(settings)]
    # With files to read at once, each worker loads tesseract at its first page that needs it.
    engine.start(load_engine=not first)
    engine.read_ahead(first)
    return engine


def inbox_backlog(settings: Settings) -> list[Path]:
    """The files a watcher starting now finds waiting in the inbox, oldest first as it takes
    them: those untouched for the settle time (one still being written is not read)."""
    return SettleTracker(settings.settle_seconds).ready(inbox_files(settings.inbox))
