"""The command line: parse, call one function, print. Exit codes are listed in the README."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from recordroom.core import RecordroomError
from recordroom.settings import Settings, load_settings

log = logging.getLogger("recordroom")
Handler = Callable[[argparse.Namespace, Settings], int]


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False), flush=True)


# -- commands ---------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    from recordroom.app import open_database

    for folder in (settings.home, settings.quarantine_dir, settings.objects_dir, settings.inbox):
        folder.mkdir(parents=True, exist_ok=True)
    open_database(settings).dispose()
    print(f"recordroom is ready: data in {settings.home}, inbox at {settings.inbox}")
    return 0


def _run_watcher(settings: Settings, *, once: bool) -> int:
    from intake.watcher import InboxWatcher
    from recordroom.app import open_app

    app = open_app(settings)
    try:
        app.pipeline.recover()
        watcher = InboxWatcher(settings, app.pipeline.take_from_inbox, app.pipeline.recover)
        if once:
            watcher.run_once()
            return 0
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        watcher.run(stop)
        return 0
    finally:
        app.close()


def cmd_watch(args: argparse.Namespace, settings: Settings) -> int:
    return _run_watcher(settings, once=args.once)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    # The web app comes later; until then the main job is the watcher and its pipeline.
    return _run_watcher(settings, once=False)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from recordroom.app import open_app

    missing = [p for p in args.paths if not Path(p).is_file()]
    if missing:
        raise RecordroomError(f"no such file: {', '.join(missing)}")
    app = open_app(settings)
    try:
        outcomes = app.pipeline.ingest_paths([Path(p) for p in args.paths])
    finally:
        app.close()
    for outcome in outcomes:
        if args.json:
            _print_json(outcome.as_json())
        else:
            detail = outcome.document_id or outcome.duplicate_of or outcome.reason or ""
            print(f"{outcome.status:<14} {outcome.file}  {detail}")
    return 3 if any(o.status == "quarantined" for o in outcomes) else 0


def cmd_ocr(args: argparse.Namespace, settings: Settings) -> int:
    from ocr import TesseractEngine

    with TesseractEngine(settings) as engine:
        result = engine.extract(Path(args.file), make_searchable_pdf=False)
    if args.json:
        _print_json(
            {
                "file": args.file,
                "pages": [
                    {
                        "number": p.number,
                        "method": p.method,
                        "confidence": p.confidence,
                        "rotation": p.rotation,
                        "seconds": round(p.seconds, 3),
                        "text": p.text,
                    }
                    for p in result.pages
                ],
            }
        )
    else:
        print(result.text)
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.search import search
    from recordroom.app import open_database

    database = open_database(settings)
    try:
        with database.session() as session:
            hits = search(
                session,
                args.query,
                patient_mrn=args.patient,
                doc_type=args.type,
                sender=args.sender,
                limit=args.limit,
            )
    finally:
        database.dispose()
    for hit in hits:
        if args.json:
            _print_json(hit.as_json())
        else:
            print(f"{hit.document_id}  {hit.doc_type:<18} p.{hit.page}  {hit.source_name}")
            print(f"    {hit.snippet}")
    if not args.json and not hits:
        print("no documents found")
    return 0


def document_json(document: Any) -> dict[str, object]:
    return {
        "id": document.id,
        "file": document.source_name,
        "sha256": document.sha256,
        "media_type": document.media_type,
        "size": document.size,
        "received_at": document.received_at.isoformat(),
        "doc_type": document.doc_type,
        "doc_type_confidence": document.doc_type_confidence,
        "patient_mrn": document.patient_mrn,
        "patient_confidence": document.patient_confidence,
        "needs_review": document.needs_review,
        "review_reasons": list(document.review_reasons),
        "sender_name": document.sender_name,
        "sender_fax": document.sender_fax,
        "source_pages": list(document.source_pages),
        "pages": [
            {
                "number": p.number,
                "method": p.method,
                "confidence": p.confidence,
                "rotation": p.rotation,
                "text": p.text,
            }
            for p in document.pages
        ],
    }


def cmd_documents_show(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.documents import get_document
    from recordroom.app import open_database

    database = open_database(settings)
    try:
        with database.session() as session:
            document = get_document(session, args.id)
    finally:
        database.dispose()
    if args.json:
        _print_json(document_json(document))
        return 0
    print(f"document   {document.id}")
    print(f"file       {document.source_name} ({document.media_type}, {document.size} bytes)")
    print(f"received   {document.received_at.isoformat()}")
    print(f"type       {document.doc_type} ({document.doc_type_confidence:.2f})")
    print(f"patient    {document.patient_mrn or '-'} ({document.patient_confidence:.2f})")
    if document.needs_review:
        print(f"review     {'; '.join(document.review_reasons) or 'needed'}")
    if document.sender_name or document.sender_fax:
        print(f"sender     {document.sender_name or ''} {document.sender_fax or ''}".rstrip())
    for page in document.pages:
        confidence = "" if page.confidence is None else f", confidence {page.confidence:.0f}"
        print(f"\n--- page {page.number} ({page.method}{confidence}) ---")
        print(page.text)
    return 0


def cmd_classify(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.patients import SqlPatientRegistry
    from ocr import TesseractEngine
    from recordroom.app import load_classifier, open_database
    from recordroom.core import ClassifierError

    classifier = load_classifier(settings)
    if classifier is None:
        raise ClassifierError("no classification model is installed; run `make model`")
    engine = TesseractEngine(settings)
    database = open_database(settings)
    try:
        with database.session() as session:
            registry = SqlPatientRegistry(session)
            for name in args.files:
                pages = engine.extract(Path(name), make_searchable_pdf=False).pages
                result = classifier.classify([p.text for p in pages], registry)
                segment = result.segments[0]
                line = {
                    "file": name,
                    "doc_type": segment.doc_type,
                    "doc_type_confidence": round(segment.doc_type_confidence, 4),
                    "patient_mrn": segment.patient.mrn,
                    "patient_confidence": round(segment.patient.confidence, 4),
                    "needs_review": segment.needs_review or len(result.segments) > 1,
                    "pages": len(pages),
                }
                if args.json:
                    _print_json(line)
                else:
                    print(
                        f"{name}: {line['doc_type']} ({line['doc_type_confidence']}), "
                        f"patient {line['patient_mrn'] or '-'}"
                        f"{', needs review' if line['needs_review'] else ''}"
                    )
    finally:
        engine.close()
        database.dispose()
    return 0


def cmd_patients_import(args: argparse.Namespace, settings: Settings) -> int:
    from classify.registry import read_registry
    from indexer.patients import upsert_patients
    from recordroom.app import open_database

    path = Path(args.file)
    if not path.is_file():
        raise RecordroomError(f"no such file: {args.file}")
    imported = read_registry(path)
    database = open_database(settings)
    try:
        with database.session() as session:
            counts = upsert_patients(session, imported.patients)
            session.commit()
    finally:
        database.dispose()
    for error in imported.errors:
        print(error.message, file=sys.stderr)
    skipped = sum(1 for error in imported.errors if error.skipped)
    print(
        f"{counts.added} added, {counts.updated} updated, {counts.unchanged} unchanged, "
        f"{skipped} skipped"
    )
    return 0


def cmd_review_list(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.review import review_queue
    from recordroom.app import open_database

    database = open_database(settings)
    try:
        with database.session() as session:
            items = review_queue(session)
    finally:
        database.dispose()
    for item in items:
        if args.json:
            _print_json(item.as_json())
        else:
            print(
                f"{item.document_id}  {item.doc_type:<18} {item.patient_mrn or '-':<10} "
                f"{item.source_name}  ({'; '.join(item.reasons)})"
            )
    if not args.json and not items:
        print("nothing waits for review")
    return 0


def cmd_review_assign(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.review import assign
    from recordroom.app import open_database

    database = open_database(settings)
    try:
        with database.session() as session:
            assign(session, args.document, patient_mrn=args.patient, doc_type=args.type)
            session.commit()
    finally:
        database.dispose()
    print(f"document {args.document} filed as {args.type} for patient {args.patient}")
    return 0


# -- parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recordroom", description="The records room of a medical office."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    add("init", cmd_init, "create the data folder and migrate the database")
    add("serve", cmd_serve, "the main job: watch the inbox and process what arrives")
    watch = add("watch", cmd_watch, "watch the inbox and run the pipeline")
    watch.add_argument("--once", action="store_true", help="process what is there, then exit")
    ingest = add("ingest", cmd_ingest, "run files through the whole pipeline now")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("--json", action="store_true", help="one JSON object a line")
    ocr = add("ocr", cmd_ocr, "print a file's text; nothing is stored")
    ocr.add_argument("file", metavar="FILE")
    ocr.add_argument("--json", action="store_true")
    search = add("search", cmd_search, "full-text and metadata search")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--patient", metavar="MRN")
    search.add_argument("--type", metavar="TYPE")
    search.add_argument("--sender", metavar="TEXT")
    search.add_argument("--limit", type=int, default=50)
    search.add_argument("--json", action="store_true")
    documents = commands.add_parser("documents", help="look at stored documents")
    doc_commands = documents.add_subparsers(dest="documents_command", required=True)
    show = doc_commands.add_parser("show", help="one document: metadata, pages, text")
    show.set_defaults(handler=cmd_documents_show)
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true")
    classify = add("classify", cmd_classify, "OCR and classify files; nothing is stored")
    classify.add_argument("files", nargs="+", metavar="FILE")
    classify.add_argument("--json", action="store_true", help="one JSON object a line")
    patients = commands.add_parser("patients", help="the patient registry")
    patient_commands = patients.add_subparsers(dest="patients_command", required=True)
    patients_import = patient_commands.add_parser(
        "import", help="import patients from CSV or a FHIR R4 Bundle (updates by MRN)"
    )
    patients_import.set_defaults(handler=cmd_patients_import)
    patients_import.add_argument("file", metavar="FILE")
    review = commands.add_parser("review", help="the review queue")
    review_commands = review.add_subparsers(dest="review_command", required=True)
    review_list = review_commands.add_parser("list", help="documents waiting for review")
    review_list.set_defaults(handler=cmd_review_list)
    review_list.add_argument("--json", action="store_true")
    review_assign = review_commands.add_parser(
        "assign", help="file a document to a patient with a type"
    )
    review_assign.set_defaults(handler=cmd_review_assign)
    review_assign.add_argument("document", metavar="DOC")
    review_assign.add_argument("--patient", metavar="MRN", required=True)
    review_assign.add_argument("--type", metavar="TYPE", required=True)
    return parser


LONG_RUNNING = {"serve", "watch"}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    verbose = args.verbose or args.command in LONG_RUNNING
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        settings = load_settings()
        code: int = args.handler(args, settings)
        return code
    except RecordroomError as error:
        print(f"recordroom: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
