"""Re-sent copies through the whole pipeline with real OCR: marked, searchable, undoable; the
traps (one form for two patients, a weekly INR) never marked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from indexer.database import Database
from indexer.documents import clear_duplicate_mark, get_document
from indexer.intake_index import SqlIntakeIndex
from indexer.search import search
from intake.pipeline import Pipeline
from ocr import TesseractEngine
from recordroom.core.settings import Settings
from storage.local import LocalObjectStore
from synthetic import files as samples

REFERRAL = (
    "REFERRAL FOR CARDIOLOGY CONSULTATION",
    "Patient Name: Grace Whitfield    DOB: 02/14/1958",
    "MRN: 7734120",
    "Reason for referral: exertional chest pressure for three weeks,",
    "relieved by rest, with a family history of coronary artery disease.",
    "Please evaluate for stress testing and advise on medical therapy.",
    "Current medications: lisinopril, atorvastatin and daily aspirin.",
    "Referring physician: Dr. Helen Park, Valley Family Medicine",
    "Signed 11/20/2026",
)
FORM = (
    "AUTHORIZATION FOR RELEASE OF HEALTH INFORMATION",
    "Patient Name: {name}    Date of Birth: {dob}",
    "Medical Record Number: {mrn}",
    "I authorize Valley Family Medicine to release my records to the",
    "person named below for continuing care. This authorization expires",
    "one year from the date signed unless I revoke it in writing.",
    "Signature of patient or representative    Date: {signed}",
)
INR = (
    "ANTICOAGULATION CLINIC LABORATORY REPORT",
    "Patient: Maria Lopez    MRN: 448120",
    "Collected: {date}",
    "Prothrombin time with INR    Result: INR {inr}    Range 2.0 - 3.0",
    "Warfarin dose reviewed with the patient by telephone and the weekly",
    "schedule was continued without change; next test in one week.",
)


def make_pipeline(settings: Settings, database: Database) -> Pipeline:
    store = LocalObjectStore(settings.objects_dir)
    return Pipeline(settings, SqlIntakeIndex(database), store, TesseractEngine(settings), None)


@pytest.fixture
def pipeline(settings: Settings, database: Database) -> Iterator[Pipeline]:
    pipeline = make_pipeline(settings, database)
    yield pipeline
    pipeline.ocr.close()  # type: ignore[attr-defined]


def page(lines: tuple[str, ...]) -> Image.Image:
    return samples.render_page(lines, point_size=12)


@pytest.mark.slow
def test_a_re_sent_copy_through_other_roads_is_marked(
    pipeline: Pipeline, database: Database, tmp_path: Path
) -> None:
    original = samples.render_page(REFERRAL, point_size=12)
    paths = [
        samples.write_image_pdf(tmp_path / "referral.pdf", [original]),
        samples.write_fax_tiff(tmp_path / "refax.tif", [original], fine=False),
        samples.write_png(
            tmp_path / "skewed.png", original.rotate(2.0, expand=True, fillcolor=255)
        ),
        samples.write_jpeg(tmp_path / "photo.jpg", samples.photograph(original, seed=3)),
    ]
    first, *copies = pipeline.ingest_paths(paths)
    assert first.status == "stored"
    for copy in copies:
        assert copy.status == "near_duplicate", copy.file
        assert copy.duplicate_of == first.document_id
        assert set(copy.as_json()) == {
            "file",
            "document_id",
            "pages",
            "status",
            "duplicate_of",
            "reason",
        }
    with database.session() as session:
        marked = get_document(session, copies[0].document_id or "")
        assert marked.duplicate_of == first.document_id
        assert marked.duplicate_similarity is not None and marked.duplicate_similarity > 0.6
        # stored and searchable all the same
        assert len(search(session, "stress testing")) == 4
        assert clear_duplicate_mark(session, marked.id) == first.document_id
        session.commit()
        cleared = get_document(session, marked.id)
    assert cleared.duplicate_of is None
    assert not any("re-sent" in reason for reason in cleared.review_reasons)


@pytest.mark.slow
def test_one_form_for_two_patients_and_two_weekly_inrs_are_not_marked(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    def form(name: str, dob: str, mrn: str, signed: str) -> tuple[str, ...]:
        values = {"name": name, "dob": dob, "mrn": mrn, "signed": signed}
        return tuple(line.format(**values) for line in FORM)

    def inr(date: str, value: str) -> tuple[str, ...]:
        return tuple(line.format(date=date, inr=value) for line in INR)

    paths = [
        samples.write_image_pdf(
            tmp_path / "auth-1.pdf", [page(form("Ana Ruiz", "04/12/1961", "100234", "11/02/2026"))]
        ),
        samples.write_image_pdf(
            tmp_path / "auth-2.pdf",
            [page(form("Jose Perez", "07/30/1955", "100235", "11/03/2026"))],
        ),
        samples.write_image_pdf(tmp_path / "inr-1.pdf", [page(inr("11/02/2026", "2.4"))]),
        samples.write_image_pdf(tmp_path / "inr-2.pdf", [page(inr("11/09/2026", "2.4"))]),
    ]
    outcomes = pipeline.ingest_paths(paths)
    assert [o.status for o in outcomes] == ["stored"] * 4


@pytest.mark.slow
def test_skip_setting_keeps_no_second_copy(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    skipping = make_pipeline(settings.with_changes(near_duplicates="skip"), database)
    try:
        original = samples.render_page(REFERRAL, point_size=12)
        first, second = skipping.ingest_paths(
            [
                samples.write_image_pdf(tmp_path / "a.pdf", [original]),
                samples.write_fax_tiff(tmp_path / "b.tif", [original], fine=False),
            ]
        )
    finally:
        skipping.ocr.close()  # type: ignore[attr-defined]
    assert second.status == "near_duplicate" and second.document_id is None
    assert second.duplicate_of == first.document_id
