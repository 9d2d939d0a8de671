"""The OCR engine started ahead of everything else, for the commands that read pages from their
first moment (``ingest``, ``watch``, ``worker``): its worker processes load tesseract on the other
cores, and read the first files, while the caller imports the database, the stores and the
classifier. This module imports only the OCR stage and the settings (and intake's inbox listing,
for a watcher), so a door can call it before anything heavy; the engine goes on to
``recordroom.wiring.open_context``, which closes it."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from ocr import TesseractEngine
from recordroom.core.settings import Settings

__all__ = ["TesseractEngine", "inbox_backlog", "start_engine"]

# Files read before the pipeline is ready, for each OCR worker: enough pages to keep the workers
# busy while the caller imports the rest and loads the classifier.
READ_AHEAD_PER_WORKER = 2


def start_engine(settings: Settings, read_ahead: Sequence[Path] = ()) -> TesseractEngine:
    """The engine for ``settings``, its workers starting in the background and reading the first
    of ``read_ahead`` (``ingest``'s files, or those waiting in a watcher's inbox) at once."""
    engine = TesseractEngine(settings)
    engine.start()
    engine.read_ahead(list(read_ahead)[: READ_AHEAD_PER_WORKER * settings.ocr_worker_count])
    return engine


def inbox_backlog(settings: Settings) -> list[Path]:
    """The files a watcher starting now finds waiting in the inbox, oldest first as it takes
    them: plain files untouched for the settle time (one still being written is not read)."""
    from intake.files import inbox_files, not_a_plain_file

    settled_before = time.time() - settings.settle_seconds
    waiting: list[tuple[int, Path]] = []
    for path in inbox_files(settings.inbox):
        try:
            written = path.lstat().st_mtime_ns
            if not_a_plain_file(path) is None and written / 1e9 <= settled_before:
                waiting.append((written, path))
        except OSError:
            continue  # taken or removed meanwhile
    return [path for _, path in sorted(waiting)]
