"""The use-cases every door calls: plain records back, one reported access per call, and a
context that opens only what a use-case needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from audit import AuditEvent, find_events
from classify.pipeline import load_classifier, model_folder
from indexer.models import PatientRow
from indexer.patients import upsert_patients
from recordroom.core import NotFoundError, Patient
from recordroom.core.actor import ROLES, Actor
from recordroom.core.settings import Settings
from recordroom.usecases.classify import classify_files, read_text
from recordroom.usecases.documents import show_document
from recordroom.usecases.ingest import ingest_files
from recordroom.usecases.model import retrain_model
from recordroom.usecases.patients import import_patients
from recordroom.usecases.review import assign_document, list_review
from recordroom.usecases.search import SearchFilters, search_documents
from recordroom.wiring import ClassifierInBackground, Context
from synthetic import files as samples

CLERK = Actor(user_id="os:clerk", roles=frozenset(ROLES), door="cli", host="test")
CSV_HEADER = (
    "mrn,last_name,first_name,middle_name,birth_date,sex,phone,address_line,city,state,postal_code"
)


class RecordingContext(Context):
    """The real context; ``events()`` gives the audit events written since the last call."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.seen = 0

    def events(self) -> list[AuditEvent]:
        with self.database.session() as session:
            found = find_events(session, order="oldest", cursor=self.seen, limit=1000).events
        if found:
            self.seen = found[-1].seq
        return found


@pytest.fixture
def ctx(settings: Settings) -> Iterator[RecordingContext]:
    with RecordingContext(settings) as context:
        yield context


def test_reading_a_files_text_opens_neither_database_nor_classifier(
    ctx: RecordingContext, tmp_path: Path
) -> None:
    letter = samples.write_text_pdf(tmp_path / "letter.pdf", [("Influenza vaccine given",)])
    result = read_text(ctx, CLERK, letter)
    assert "vaccine" in result.text.lower()
    assert "database" not in vars(ctx) and "classifier" not in vars(ctx)


def test_ingest_starts_the_ocr_workers_and_loads_the_classifier_in_the_background(
    ctx: RecordingContext, tmp_path: Path
) -> None:
    lines = ("LABORATORY REPORT", "Potassium 4.1 mmol/L", "Sodium 139 mmol/L")
    letter = samples.write_text_pdf(tmp_path / "lab.pdf", [lines])
    (stored,) = ingest_files(ctx, CLERK, [letter])
    assert isinstance(vars(ctx)["classifier_loading"], ClassifierInBackground)
    assert ctx.engine.started
    (shown,) = classify_files(ctx, CLERK, [str(letter)])  # the classifier loaded in the foreground
    document = show_document(ctx, CLERK, str(stored.document_id))
    assert (document.doc_type, round(document.doc_type_confidence, 4)) == (
        shown.doc_type,
        shown.doc_type_confidence,
    )


def test_with_no_model_the_background_classifier_sends_files_to_review(
    settings: Settings, tmp_path: Path
) -> None:
    empty = tmp_path / "no-model"
    empty.mkdir()
    with Context(settings.model_copy(update={"model_dir": str(empty)})) as context:
        loading = ClassifierInBackground(context.settings, context.database)
        classification = loading.classify(["a page", "another"], registry=None)  # type: ignore[arg-type]
    assert loading.loaded() is None
    (segment,) = classification.segments
    assert (segment.first_page, segment.last_page, segment.needs_review) == (1, 2, True)
    assert segment.review_reasons == ("no classification model is installed",)


def test_each_use_case_reports_its_access_once(ctx: RecordingContext, tmp_path: Path) -> None:
    registry = tmp_path / "patients.csv"
    registry.write_text(f"{CSV_HEADER}\nA100,Rivera,Ana,,1984-07-09,,,,,,\n", encoding="utf-8")
    imported = import_patients(ctx, CLERK, registry)
    assert (imported.added, imported.skipped) == (1, 0)
    assert [(e.kind, e.patients) for e in ctx.events()] == [("patient.import", ("A100",))]

    vars(ctx)["classifier"] = None  # no model: the document waits for review
    letter = samples.write_text_pdf(tmp_path / "note.pdf", [("Please see attached letter.",)])
    (outcome,) = ingest_files(ctx, CLERK, [letter])
    assert outcome.status == "stored" and outcome.document_id
    assert [(e.kind, e.documents) for e in ctx.events()] == [
        ("document.create", (outcome.document_id,))
    ]

    hits = search_documents(ctx, CLERK, "attached")
    assert [h.document_id for h in hits] == [outcome.document_id]
    assert [(e.kind, e.query, e.documents) for e in ctx.events()] == [
        ("search", "attached", (outcome.document_id,))
    ]
    since = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    filters = SearchFilters(doc_type="referral", received_from=since, needs_review=False)
    assert search_documents(ctx, CLERK, "attached", filters, offset=50) == []
    assert [e.query for e in ctx.events()] == [
        "attached type:referral received_from:2026-01-01T00:00:00+00:00 needs_review:false "
        "offset:50"
    ]

    assert [i.document_id for i in list_review(ctx, CLERK)] == [outcome.document_id]
    assert [e.kind for e in ctx.events()] == ["review.list"]

    assign_document(ctx, CLERK, outcome.document_id, patient_mrn="A100", doc_type="correspondence")
    assert [(e.kind, e.action, e.patients) for e in ctx.events()] == [
        ("document.update", "U", ("A100",))
    ]

    document = show_document(ctx, CLERK, outcome.document_id)
    assert (document.patient_mrn, document.needs_review) == ("A100", False)
    assert [(e.kind, e.documents, e.patients) for e in ctx.events()] == [
        ("document.read", (outcome.document_id,), ("A100",))
    ]


def test_a_use_case_that_raises_changes_nothing(ctx: RecordingContext) -> None:
    with pytest.raises(NotFoundError), ctx.unit_of_work(CLERK) as unit:
        upsert_patients(unit.session, [Patient("A100", "Rivera", "Ana", dt.date(1984, 7, 9))])
        raise NotFoundError("the use-case failed after its first change")
    with ctx.unit_of_work(CLERK) as unit:
        assert unit.session.scalars(select(PatientRow)).all() == []


ODD_FORM = (
    "NORTHWIND BENEFITS  MEDICATION EXCEPTION WORKSHEET",
    "Enrollee {name}   Enrollee number {member}   Birth {dob}",
    "Product sought {drug}   Units per fill {qty}",
    "Why the usual product will not do, in the words of the prescriber",
    "Products tried before, with the dates and what happened",
    "Prescriber signature and number, and where to send our answer",
    "Send this worksheet to Northwind Benefits exception desk by post or fax",
    "Worksheets missing any part are sent back unread",
)


def odd_form(name: str, member: str, drug: str) -> list[str]:
    values = {"name": name, "member": member, "dob": "1961-03-14", "drug": drug, "qty": "30"}
    return [line.format(**values) for line in ODD_FORM]


def decide_odd_forms(ctx: Context, tmp_path: Path, drugs: tuple[str, ...]) -> list[str]:
    """Ana Rivera registered, one odd form per drug ingested and typed by a person; their ids."""
    registry = tmp_path / "patients.csv"
    registry.write_text(f"{CSV_HEADER}\nA100,Rivera,Ana,,1984-07-09,,,,,,\n", encoding="utf-8")
    import_patients(ctx, CLERK, registry)
    decided = []
    for number, drug in enumerate(drugs):
        pdf = samples.write_text_pdf(
            tmp_path / f"{number}.pdf", [odd_form("Ana Rivera", "W1", drug)]
        )
        (outcome,) = ingest_files(ctx, CLERK, [pdf])
        assert outcome.document_id
        assign_document(
            ctx, CLERK, outcome.document_id, patient_mrn="A100", doc_type="prior_authorization"
        )
        decided.append(outcome.document_id)
    return decided


def test_a_review_decision_teaches_the_classifier_at_once(
    ctx: RecordingContext, tmp_path: Path
) -> None:
    decide_odd_forms(ctx, tmp_path, ("Ozempic",))
    copy = samples.write_text_pdf(tmp_path / "copy.pdf", [odd_form("Bo Diaz", "X77", "Humira")])
    (answer,) = classify_files(ctx, CLERK, [str(copy)])
    assert answer.doc_type == "prior_authorization"


def test_retraining_folds_the_review_decisions_into_the_office_model(
    ctx: RecordingContext, tmp_path: Path
) -> None:
    decided = decide_odd_forms(ctx, tmp_path, ("Ozempic", "Humira"))
    ctx.events()
    result = retrain_model(ctx, CLERK)
    assert [(e.kind, sorted(e.documents)) for e in ctx.events()] == [
        ("model.retrain", sorted(decided))
    ]
    assert result.folder == ctx.settings.home / "model" and result.examples == 2
    assert model_folder(ctx.settings) == result.folder
    # The retrained model itself (no nearest example to lean on) types a further copy right.
    copy = "\n".join(odd_form("Bo Diaz", "X77", "Dupixent"))
    assert load_classifier(ctx.settings).doc_type(copy)[0] == "prior_authorization"
    (answer,) = classify_files(
        ctx, CLERK, [str(samples.write_text_pdf(tmp_path / "copy.pdf", [odd_form("Bo", "X", "Y")]))]
    )
    assert answer.doc_type == "prior_authorization"
    assert retrain_model(ctx, CLERK).fingerprint == result.fingerprint
