"""Wiring: the stages built from one settings object, once per process."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from indexer.database import Database
from intake.pipeline import Pipeline
from ocr import TesseractEngine
from recordroom.core import ClassifierError, DocumentClassifier
from recordroom.settings import Settings
from storage import open_store

log = logging.getLogger("recordroom")


@dataclass
class App:
    settings: Settings
    database: Database
    ocr: TesseractEngine
    pipeline: Pipeline

    def close(self) -> None:
        self.ocr.close()
        self.database.dispose()


def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    settings.home.mkdir(parents=True, exist_ok=True)
    database = Database(settings.database)
    if migrate:
        database.migrate()
    return database


def load_classifier(settings: Settings) -> DocumentClassifier | None:
    from classify import load_classifier as load

    try:
        return load(settings)
    except ClassifierError as error:
        log.warning("%s; documents will wait in the review queue", error)
        return None


def open_app(settings: Settings, *, with_classifier: bool = True) -> App:
    database = open_database(settings)
    engine = TesseractEngine(settings)
    pipeline = Pipeline(
        settings,
        database,
        open_store(settings),
        engine,
        load_classifier(settings) if with_classifier else None,
    )
    return App(settings, database, engine, pipeline)
