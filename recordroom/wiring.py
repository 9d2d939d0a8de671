"""Wiring: the stages built from one settings object, each opened on first use, once per process.

``Context`` is what every use-case receives. Nothing is opened until a use-case asks for it, so
``recordroom ocr`` never loads spaCy or opens the database, and ``recordroom search`` never starts
tesseract. ``Context.unit_of_work(actor)`` is the one database transaction a use-case runs in.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy.orm import Session

from audit import AuditEvent, AuditTrail, open_trail
from audit.events import Outcome
from indexer.database import Database
from indexer.intake_index import SqlIntakeIndex
from indexer.mail import SqlMailLedger
from intake.pipeline import Pipeline, unclassified
from ocr import TesseractEngine
from recordroom.core import (
    Classification,
    ClassifierError,
    Document,
    DocumentClassifier,
    MailLedger,
    PatientRegistry,
)
from recordroom.core.actor import Actor
from recordroom.core.settings import Settings
from storage import EncryptedObjectStore, open_store

if TYPE_CHECKING:
    from classify.examples import NearestExamples

log = logging.getLogger("recordroom")


def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    """The database the settings name, its schema brought up to date."""
    settings.home.mkdir(parents=True, exist_ok=True)
    database = Database(settings.database)
    if migrate:
        database.migrate()
    return database


class ReviewExamples:
    """The review queue's decisions as the classifier's labelled examples, read from the index
    and read again whenever their number changes, so a decision counts from the next document on
    (no retraining, no restart)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._count = -1
        self._store: NearestExamples | None = None

    def nearest(self, text: str) -> tuple[str, float] | None:
        return self.current().nearest(text)

    def current(self) -> NearestExamples:
        """The review decisions as they are now (read again only when their number changed)."""
        from classify.examples import LabelledExample, NearestExamples
        from indexer.review import review_example_count, review_examples

        with self.database.session() as session:
            count = review_example_count(session)
            if count != self._count or self._store is None:
                self._store = NearestExamples(
                    LabelledExample(example_text, doc_type)
                    for _, example_text, doc_type in review_examples(session)
                )
                self._count = count
            return self._store


def load_classifier(
    settings: Settings, database: Database | None = None
) -> DocumentClassifier | None:
    """The document classifier (with the review decisions in ``database`` as examples), or None
    (with a warning) when no model is installed."""
    from classify import load_classifier as load

    try:
        return load(settings, ReviewExamples(database) if database is not None else None)
    except ClassifierError as error:
        log.warning("%s; documents will wait in the review queue", error)
        return None


class ClassifierInBackground:
    """The classifier, loading in a thread (spaCy takes seconds) while the first pages are read;
    the first ``classify`` waits for it. With no model installed, every file waits in the review
    queue, as with no classifier at all (satisfies ``DocumentClassifier``)."""

    def __init__(self, settings: Settings, database: Database) -> None:
        self._loaded: Future[DocumentClassifier | None] = Future()
        threading.Thread(
            target=self._load, args=(settings, database), name="load-classifier", daemon=True
        ).start()

    def _load(self, settings: Settings, database: Database) -> None:
        try:
            self._loaded.set_result(load_classifier(settings, database))
        except BaseException as error:  # raised again to whoever classifies
            self._loaded.set_exception(error)

    def loaded(self) -> DocumentClassifier | None:
        """The classifier once loaded (waits for it), or None when no model is installed."""
        return self._loaded.result()

    def classify(self, page_texts: Sequence[str], registry: PatientRegistry) -> Classification:
        classifier = self.loaded()
        if classifier is None:
            return unclassified(len(page_texts), "no classification model is installed")
        return classifier.classify(page_texts, registry)


@dataclass
class UnitOfWork:
    """One use-case call: who acts, and the database session its reads and changes go through.
    It commits when the use-case returns and rolls back when it raises."""

    actor: Actor
    session: Session
    trail: AuditTrail
    events: list[AuditEvent] = field(default_factory=list)

    def record(
        self,
        kind: str,
        *,
        patients: Iterable[str] = (),
        documents: Iterable[str] = (),
        requests: Iterable[str] = (),
        users: Iterable[str] = (),
        files: Iterable[str] = (),
        query: str | None = None,
        purpose: str | None = None,
        recipient: str | None = None,
        detail: str | None = None,
        outcome: Outcome = "success",
    ) -> AuditEvent:
        """What this use-case read or changed (a kind of ``audit.EVENT_KINDS``): the audit trail
        writes the event into ``self.session``, so it commits with the change it describes or
        not at all. Ids only, never names; ``detail`` carries no PHI."""
        event = self.trail.record(
            self.session,
            self.actor,
            kind,
            outcome=outcome,
            patients=patients,
            documents=documents,
            requests=requests,
            users=users,
            files=files,
            query=query,
            purpose=purpose,
            recipient=recipient,
            detail=detail,
        )
        self.events.append(event)
        return event


class Context:
    """The stages a use-case may call, opened lazily from ``settings``; ``close()`` what was
    opened (or use it as a context manager)."""

    def __init__(self, settings: Settings, engine: TesseractEngine | None = None) -> None:
        self.settings = settings
        if engine is not None:  # already started by the caller (``recordroom ingest``)
            vars(self)["engine"] = engine

    @cached_property
    def database(self) -> Database:
        return open_database(self.settings)

    @cached_property
    def store(self) -> EncryptedObjectStore:
        return open_store(self.settings)

    @cached_property
    def engine(self) -> TesseractEngine:
        return TesseractEngine(self.settings)

    @cached_property
    def classifier_loading(self) -> ClassifierInBackground:
        """The classifier, loading in the background from the first call on."""
        return ClassifierInBackground(self.settings, self.database)

    @cached_property
    def classifier(self) -> DocumentClassifier | None:
        return self.classifier_loading.loaded()

    def reload_classifier(self) -> None:
        """Load the document-type model again on next use (a retrained model replaced it)."""
        for name in ("classifier_loading", "classifier", "pipeline"):
            vars(self).pop(name, None)

    @cached_property
    def mail_ledger(self) -> MailLedger:
        return SqlMailLedger(self.database)

    @cached_property
    def pipeline(self) -> Pipeline:
        """The pipeline for what stores nothing (``classify``); ``pipeline_for`` stores."""
        index = SqlIntakeIndex(self.database)
        return Pipeline(self.settings, index, self.store, self.engine, self.classifier)

    def pipeline_for(self, actor: Actor) -> Pipeline:
        """The pipeline that stores files for ``actor`` (``ingest``, ``watch``, ``serve``): each
        file's documents and their ``document.create`` event commit together. The OCR workers start
        and the classifier loads while the database opens and the first pages are read."""
        self.engine.start()  # first: the workers start while the store and database open
        trail = self.audit
        classifier = self.classifier_loading

        def record(session: Session, documents: Sequence[Document]) -> None:
            trail.record(
                session,
                actor,
                "document.create",
                documents=[document.id for document in documents],
                patients=[document.patient_mrn or "" for document in documents],
                files=[documents[0].sha256] if documents else [],
            )

        index = SqlIntakeIndex(self.database, on_saved=record)
        return Pipeline(self.settings, index, self.store, self.engine, classifier)

    @cached_property
    def audit(self) -> AuditTrail:
        """The audit trail; its signing key is created on first use (``recordroom init``)."""
        settings = self.settings
        return open_trail(
            self.store,
            settings.audit_key_path,
            site=settings.audit_site,
            checkpoint_interval=settings.audit_checkpoint_interval,
            retention_years=settings.audit_retention_years,
        )

    @contextmanager
    def unit_of_work(self, actor: Actor) -> Iterator[UnitOfWork]:
        """One transaction for one use-case call by ``actor``."""
        with self.database.session() as session:
            unit = UnitOfWork(actor, session, self.audit)
            try:
                yield unit
            except BaseException:
                session.rollback()
                raise
            session.commit()

    def close(self) -> None:
        opened = vars(self)
        if "engine" in opened:
            self.engine.close()
        if "database" in opened:
            self.database.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def open_context(settings: Settings, engine: TesseractEngine | None = None) -> Context:
    """The context every use-case receives; nothing is opened yet but ``engine``, an OCR engine
    the caller started already (it is closed with the context)."""
    return Context(settings, engine)
