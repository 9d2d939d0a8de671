"""The whole pipeline in-process with the real OCR engine, SQLite and the local store."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from indexer.database import Database
from indexer.documents import get_document
from indexer.intake_index import SqlIntakeIndex
from indexer.search import search
from intake import files
from intake.pipeline import Pipeline, page_image_key
from ocr import TesseractEngine
from recordroom.core import OcrEngineError, OcrFailedOnFileError, OcrResult
from recordroom.core.keys import original_key
from recordroom.core.settings import Settings, load_settings
from storage import open_store
from synthetic import files as samples
from tests.services import S3Server

LETTER = ("CONSULTATION LETTER", "Thank you for referring this patient for cardiology review.")
LAB = ("LABORATORY RESULTS", "Hemoglobin 13.9 g/dL", "Potassium 4.2 mmol/L")
FAX = ("RADIOLOGY REPORT", "Findings: mild cardiomegaly without edema.")


@pytest.fixture
def pipeline(settings: Settings, database: Database) -> Iterator[Pipeline]:
    yield Pipeline(
        settings,
        SqlIntakeIndex(database),
        open_store(settings),
        TesseractEngine(settings),
        None,
    )


def four_kinds(folder: Path) -> dict[str, Path]:
    folder.mkdir(exist_ok=True)
    return {
        "born-digital": samples.write_text_pdf(folder / "letter.pdf", [LETTER]),
        "image-only": samples.write_image_pdf(
            folder / "scan.pdf", [samples.render_page(LAB, point_size=14)]
        ),
        "fax": samples.write_fax_tiff(
            folder / "fax.tif",
            [samples.render_page(FAX, point_size=14), samples.render_page(LAB, point_size=14)],
        ),
        "png": samples.write_png(
            folder / "photo.png", samples.render_page(("INSURANCE CARD", "Member ID XQZ44812"))
        ),
    }


@pytest.mark.slow
def test_each_kind_is_stored_and_found_by_a_word_in_it(
    pipeline: Pipeline, database: Database, tmp_path: Path
) -> None:
    each_kind_is_stored_and_found(pipeline, database, tmp_path)


@pytest.mark.slow
def test_each_kind_on_postgresql_and_s3(
    tmp_path: Path, postgres_url: str, s3_server: S3Server, s3_bucket: str
) -> None:
    """The same, on the scale-out backends: the index on PostgreSQL, the objects on S3."""
    environ = {
        "RECORDROOM_HOME": str(tmp_path / "var"),
        "RECORDROOM_INBOX": str(tmp_path / "inbox"),
        "RECORDROOM_DATABASE_URL": postgres_url,
        **s3_server.environ(s3_bucket),
    }
    settings = load_settings(environ=environ, cwd=tmp_path)
    database = Database(settings.database)
    database.migrate()
    engine = TesseractEngine(settings)
    try:
        pipeline = Pipeline(settings, SqlIntakeIndex(database), open_store(settings), engine, None)
        each_kind_is_stored_and_found(pipeline, database, tmp_path)
    finally:
        engine.close()
        database.dispose()


def each_kind_is_stored_and_found(pipeline: Pipeline, database: Database, tmp_path: Path) -> None:
    made = four_kinds(tmp_path / "drop")
    outcomes = pipeline.ingest_paths(list(made.values()))
    assert [o.status for o in outcomes] == ["stored"] * 4
    assert [o.pages for o in outcomes] == [1, 1, 2, 1]
    assert all(path.exists() for path in made.values())  # ingest leaves its sources alone
    words = {
        "letter.pdf": "cardiology",
        "scan.pdf": "potassium",
        "fax.tif": "cardiomegaly",
        "photo.png": "XQZ44812",
    }
    with database.session() as session:
        for outcome in outcomes:
            name = Path(outcome.file).name
            hits = search(session, words[name])
            assert outcome.document_id in {h.document_id for h in hits}, name
            document = get_document(session, outcome.document_id or "")
            assert pipeline.store.get(original_key(document.sha256)) == made_bytes(made, name)
            assert document.searchable_pdf_key is not None
            assert pipeline.store.exists(document.searchable_pdf_key)
            born_digital = name == "letter.pdf"  # already searchable: stored once, as it came
            images = [pipeline.store.exists(page_image_key(document.sha256, n)) for n in (1, 2)]
            assert images == ([False, False] if born_digital else [True, name == "fax.tif"])
            assert (document.searchable_pdf_key == document.original_key) is born_digital
    assert not any(pipeline.settings.processing_dir.iterdir())


def made_bytes(made: dict[str, Path], name: str) -> bytes:
    return next(p for p in made.values() if p.name == name).read_bytes()


def test_a_second_copy_is_recorded_as_duplicate_not_stored(
    pipeline: Pipeline, database: Database, tmp_path: Path
) -> None:
    letter = samples.write_text_pdf(tmp_path / "letter.pdf", [LETTER])
    first = pipeline.ingest_paths([letter])[0]
    again = pipeline.ingest_paths([letter])[0]
    assert (again.status, again.duplicate_of, again.document_id) == (
        "duplicate",
        first.document_id,
        None,
    )
    with database.session() as session:
        assert len(search(session, "cardiology")) == 1


def bad_inputs(folder: Path) -> dict[str, tuple[Path, str]]:
    """Each bad file with a word its quarantine reason must contain."""
    folder.mkdir(exist_ok=True)
    empty = folder / "empty.pdf"
    empty.write_bytes(b"")
    return {
        "empty": (empty, "empty"),
        "truncated": (samples.write_truncated_pdf(folder / "truncated.pdf"), "damaged"),
        "encrypted": (samples.write_encrypted_pdf(folder / "locked.pdf"), "password"),
        "exe": (samples.write_exe(folder / "setup.exe"), "reads pdf, tiff"),
        "docx": (samples.write_docx(folder / "letter.docx"), "reads pdf, tiff"),
        "bomb": (samples.write_image_bomb(folder / "bomb.png"), "pixels"),
    }


def test_bad_inputs_are_quarantined_with_a_reason(
    pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    cases = bad_inputs(tmp_path / "bad")
    outcomes = pipeline.ingest_paths([path for path, _ in cases.values()])
    for (kind, (path, word)), outcome in zip(cases.items(), outcomes, strict=True):
        assert outcome.status == "quarantined", kind
        assert outcome.reason and word in outcome.reason.lower(), (kind, outcome.reason)
        assert path.name in outcome.reason, kind
        kept = settings.quarantine_dir / path.name
        assert kept.read_bytes() == path.read_bytes(), kind
        reason = Path(f"{kept}.reason.txt").read_text(encoding="utf-8")
        assert reason.strip() == outcome.reason
    assert not any(settings.processing_dir.iterdir())


def test_the_pipeline_goes_on_after_a_bad_file(pipeline: Pipeline, tmp_path: Path) -> None:
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    good = samples.write_text_pdf(tmp_path / "good.pdf", [LETTER])
    statuses = [o.status for o in pipeline.ingest_paths([empty, good])]
    assert statuses == ["quarantined", "stored"]


def test_odd_file_names_from_the_inbox(pipeline: Pipeline, settings: Settings) -> None:
    folder = settings.inbox / "Front desk" / "März"
    folder.mkdir(parents=True)
    names = ["-rf scan (1).pdf", "résumé ünïcode.pdf", "two  spaces.pdf"]
    for i, name in enumerate(names):
        samples.write_text_pdf(folder / name, [(*LETTER, f"copy {i}")])
    handed = [pipeline.take_from_inbox(folder / name) for name in names]
    assert not any((folder / n).exists() for n in names)  # the originals are in the store
    pipeline.work_until_idle()
    outcomes = [pipeline.index.job_outcome(job.id) for job in handed if job]
    assert [o.status for o in outcomes if o] == ["stored"] * 3
    assert [o.file for o in outcomes if o] == [f"Front desk/März/{n}" for n in names]


def test_watch_once_works_jobs_while_the_inbox_is_still_being_taken(
    pipeline: Pipeline, settings: Settings
) -> None:
    """``watch --once`` works the queue beside the taking: an empty queue is no reason to stop
    while files are still being taken, and the workers stop once the taking is over and the
    queue empty."""
    taking = threading.Event()
    with ThreadPoolExecutor(1) as background:
        working = background.submit(pipeline.work_until_idle, taking)
        settings.inbox.mkdir(parents=True, exist_ok=True)
        first = samples.write_text_pdf(settings.inbox / "first.pdf", [LETTER])
        job = pipeline.take_from_inbox(first)
        assert job is not None
        for _ in range(600):  # the worker takes the job while the taking goes on
            outcome = pipeline.index.job_outcome(job.id)
            if outcome is not None:
                break
            time.sleep(0.05)
        assert outcome is not None and outcome.status == "stored"
        assert not working.done()  # still waiting for what the taking may bring
        later = pipeline.take_from_inbox(samples.write_text_pdf(settings.inbox / "l.pdf", [LAB]))
        taking.set()
        working.result(timeout=300)
    assert later is not None
    assert pipeline.index.job_outcome(later.id).status == "stored"  # type: ignore[union-attr]


def test_recovery_hands_off_unfinished_claims_and_never_repeats_finished_ones(
    pipeline: Pipeline, settings: Settings, database: Database, tmp_path: Path
) -> None:
    # A crash after the job was queued but before the claimed file was removed ...
    letter = samples.write_text_pdf(tmp_path / "letter.pdf", [LETTER])
    claimed = files.copy_in(letter, settings.processing_dir)
    done = pipeline.finish_own(pipeline.hand_off(claimed, "letter.pdf"))
    claimed.parent.mkdir()
    claimed.write_bytes(letter.read_bytes())  # ... leaves the file behind.
    # A crash before the hand-off's commit leaves a file with no job.
    lab = samples.write_text_pdf(tmp_path / "lab.pdf", [LAB])
    files.copy_in(lab, settings.processing_dir)
    recovered = {job.source_name: job for job in pipeline.recover()}
    finished = recovered["letter.pdf"].outcome
    assert finished and (finished.status, finished.document_id) == ("stored", done.document_id)
    assert recovered["lab.pdf"].outcome is None
    assert not any(settings.processing_dir.iterdir())
    pipeline.work_until_idle()
    assert pipeline.index.job_outcome(recovered["lab.pdf"].id).status == "stored"  # type: ignore[union-attr]
    with database.session() as session:
        assert len(search(session, "cardiology")) == 1
        assert len(search(session, "potassium")) == 1


class CrashingEngine:
    """An OCR engine that crashes on every file (as a worker process killed by the kernel), or,
    ``broken``, that is not installed: the second is never the file's fault."""

    def __init__(self, *, broken: bool = False) -> None:
        self.calls = 0
        self.broken = broken

    def extract(self, path: Path, *, make_searchable_pdf: bool = True) -> OcrResult:
        self.calls += 1
        if self.broken:
            raise OcrEngineError("tesseract is not installed or not on PATH")
        raise OcrFailedOnFileError(f"an OCR worker process died while reading {path.name}")


def test_a_file_the_ocr_engine_keeps_failing_on_is_quarantined(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    engine = CrashingEngine()
    pipeline = Pipeline(settings, SqlIntakeIndex(database), open_store(settings), engine, None)
    letter = samples.write_text_pdf(tmp_path / "letter.pdf", [LETTER])
    job = pipeline.hand_off(files.copy_in(letter, settings.processing_dir), "letter.pdf")
    for _ in range(2):
        with pytest.raises(OcrFailedOnFileError):  # counted, given back
            pipeline.finish_own(job)
        expire_retry(database, job.id)
    outcome = pipeline.finish_own(job)
    assert engine.calls == 3 and outcome.status == "quarantined"
    assert outcome.reason and "3 times" in outcome.reason and "letter.pdf" in outcome.reason
    assert (settings.quarantine_dir / "letter.pdf").read_bytes() == letter.read_bytes()


def test_a_missing_ocr_engine_does_not_count_against_the_file(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    engine = CrashingEngine(broken=True)
    pipeline = Pipeline(settings, SqlIntakeIndex(database), open_store(settings), engine, None)
    letter = samples.write_text_pdf(tmp_path / "letter.pdf", [LETTER])
    job = pipeline.hand_off(files.copy_in(letter, settings.processing_dir), "letter.pdf")
    for _ in range(5):
        with pytest.raises(OcrEngineError):  # given back, not counted
            pipeline.finish_own(job)
        expire_retry(database, job.id)
    taken = pipeline.index.take_job("next", 60)
    assert taken is not None and taken.failures == 0 and taken.outcome is None


def test_an_interrupted_worker_does_not_count_against_the_file(
    pipeline: Pipeline, settings: Settings, database: Database, tmp_path: Path
) -> None:
    letter = samples.write_text_pdf(tmp_path / "letter.pdf", [LETTER])
    job = pipeline.hand_off(files.copy_in(letter, settings.processing_dir), "letter.pdf")
    for _ in range(5):  # five workers killed while they held it
        assert pipeline.index.take_job("killed", 60) is not None
        expire_retry(database, job.id)
    assert pipeline.finish_own(job).status == "stored"


def expire_retry(database: Database, job_id: int) -> None:
    import datetime as dt

    from sqlalchemy import update

    from indexer.models import JobRow

    with database.session() as session:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        session.execute(update(JobRow).where(JobRow.id == job_id).values(lease_expires_at=past))
        session.commit()


def test_a_resent_fax_is_a_near_duplicate(pipeline: Pipeline, tmp_path: Path) -> None:
    body = [
        "DISCHARGE SUMMARY",
        "The patient was admitted with community acquired pneumonia and treated",
        "with intravenous ceftriaxone and azithromycin, then oral antibiotics.",
        "Oxygen was weaned to room air on hospital day three. Follow up with the",
        "primary care physician in one week and repeat chest radiograph in six weeks.",
    ]
    first = samples.write_text_pdf(tmp_path / "a.pdf", [["FAX 11/21/2026 10:31 P.1", *body]])
    second = samples.write_text_pdf(tmp_path / "b.pdf", [["FAX 11/22/2026 16:02 P.1", *body]])
    one, two = pipeline.ingest_paths([first, second])
    assert one.status == "stored"
    assert (two.status, two.duplicate_of) == ("near_duplicate", one.document_id)
    assert two.document_id and two.document_id != one.document_id


def test_two_copies_taken_at_once_are_stored_once(pipeline: Pipeline, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    page = samples.render_page(LAB, point_size=14)
    first = samples.write_png(tmp_path / "one.png", page)
    second = tmp_path / "two.png"
    second.write_bytes(first.read_bytes())
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda p: pipeline.ingest_paths([p])[0], [first, second]))
    assert sorted(o.status for o in outcomes) == ["duplicate", "stored"]


def test_no_patient_information_in_the_logs(
    pipeline: Pipeline, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    note = ("PROGRESS NOTE", "Patient: Quintessa Vandermolen", "DOB: 02/14/1961", "MRN 99812")
    letter = samples.write_text_pdf(tmp_path / "note.pdf", [note])
    outcome = pipeline.ingest_paths([letter])[0]
    assert outcome.status == "stored"
    assert caplog.records, "the pipeline logs its progress"
    for secret in ("Quintessa", "Vandermolen", "1961", "99812"):
        assert secret not in caplog.text


def test_a_fax_of_two_documents_is_split_and_filed(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    import datetime as dt

    from classify import load_classifier
    from indexer.patients import upsert_patients
    from recordroom.core import Patient

    with database.session() as session:
        upsert_patients(
            session,
            [
                Patient("A100", "Rivera", "Ana", dt.date(1984, 7, 9)),
                Patient("B200", "Okafor", "Chidi", dt.date(1971, 2, 23)),
                Patient("B201", "Okafor", "Chika", dt.date(1971, 2, 23)),  # Chidi's twin
            ],
        )
        session.commit()
    pipeline = Pipeline(
        settings,
        SqlIntakeIndex(database),
        open_store(settings),
        TesseractEngine(settings),
        load_classifier(settings),
    )
    cover = [
        "FAX COVER SHEET",
        "To: Records",
        "From: Valley Laboratory",
        "Fax: (555) 201-3344",
        "Pages: 3 including cover",
        "CONFIDENTIAL",
    ]
    lab = [
        "LABORATORY REPORT",
        "Patient: Rivera, Ana   DOB: 07/09/1984",
        "Collected 11/20/2026",
        "Hemoglobin 13.9 g/dL  (12.0-16.0)",
        "Potassium 4.2 mmol/L  (3.5-5.1)",
    ]
    referral = [
        "REFERRAL FOR CONSULTATION",
        "Patient name: Chidi Okafor",
        "Date of birth: 02/23/1971",
        "Refer to: Cardiology",
        "Reason for referral: exertional chest pain",
    ]
    fax = samples.write_text_pdf(tmp_path / "fax.pdf", [cover, lab, referral])
    outcome = pipeline.ingest_paths([fax])[0]
    assert outcome.status == "stored" and len(outcome.document_ids) == 2
    with database.session() as session:
        first, second = (get_document(session, i) for i in outcome.document_ids)
    assert (first.source_pages, second.source_pages) == ((2,), (3,))
    assert (first.doc_type, first.patient_mrn) == ("lab_report", "A100")
    assert (second.doc_type, second.patient_mrn) == ("referral", "B200")
    assert first.sender_fax and "3344" in first.sender_fax
    assert first.pages[0].number == 1 and "Potassium" in first.pages[0].text


def test_no_database_session_is_open_while_a_file_is_ocrd(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    """On PostgreSQL an open session holds locks; OCR takes seconds a page."""
    engine = TesseractEngine(settings)
    open_during_ocr: list[int] = []

    class WatchedEngine:
        def extract(self, path: Path, *, make_searchable_pdf: bool = True) -> OcrResult:
            open_during_ocr.append(database.engine.pool.checkedout())  # type: ignore[attr-defined]
            return engine.extract(path, make_searchable_pdf=make_searchable_pdf)

    pipeline = Pipeline(
        settings,
        SqlIntakeIndex(database),
        open_store(settings),
        WatchedEngine(),
        None,
    )
    letter = samples.write_text_pdf(tmp_path / "letter.pdf", [LETTER])
    assert pipeline.ingest_paths([letter])[0].status == "stored"
    assert open_during_ocr == [0]


class _EngineFailingOn:
    """The real engine, except that it fails as a crashed tesseract would on one file name."""

    def __init__(self, engine: TesseractEngine, name: str) -> None:
        self.engine, self.name = engine, name

    def extract(self, path: Path, *, make_searchable_pdf: bool = True) -> OcrResult:
        if path.name.endswith(self.name):
            raise OcrEngineError(f"tesseract failed on {self.name}")
        return self.engine.extract(path, make_searchable_pdf=make_searchable_pdf)


def test_ingest_runs_files_at_once_in_order_and_one_failure_stops_none(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    engine = _EngineFailingOn(TesseractEngine(settings), "bad.pdf")
    pipeline = Pipeline(settings, SqlIntakeIndex(database), open_store(settings), engine, None)
    paths = [
        samples.write_text_pdf(tmp_path / f"{name}.pdf", [lines])
        for name, lines in (("a", LETTER), ("bad", LAB), ("c", FAX), ("d", LAB))
    ]
    paths.append(tmp_path / "e.pdf")
    paths[-1].write_bytes(paths[0].read_bytes())
    seen = []
    with pytest.raises(OcrEngineError, match=r"bad\.pdf"):
        for outcome in pipeline.ingest_each(paths):
            seen.append(outcome)
    assert [Path(o.file).name for o in seen] == ["a.pdf", "c.pdf", "d.pdf", "e.pdf"]
    # e.pdf is a.pdf again: found a duplicate though both were read at once
    assert [o.status for o in seen] == ["stored", "stored", "stored", "duplicate"]
    assert seen[3].duplicate_of == seen[0].document_id
    # the failed file's original is stored and its job waits in the queue for a worker
    assert not files.claimed_files(settings.processing_dir)
    assert pipeline.index.unfinished_jobs() == 1


def test_an_emailed_file_s_job_carries_its_message_to_whichever_worker_takes_it(
    pipeline: Pipeline, settings: Settings, database: Database, tmp_path: Path
) -> None:
    import datetime as dt

    from recordroom.core import MailOrigin

    origin = MailOrigin(
        mailbox="imaps://fax@mail.example:993/INBOX",
        message_id="<1@fax.example>",
        from_address="fax@service.example",
        subject="Fax from 5550102000",
        received_at=dt.datetime(2026, 11, 29, 9, 30, tzinfo=dt.UTC),
        fax_number="5550102000",
        csid="CLINIC A",
        page_count=1,
    )
    letter = samples.write_text_pdf(tmp_path / "fax.pdf", [LETTER])
    claimed = files.write_in(letter.read_bytes(), settings.processing_dir, "fax.pdf", origin)
    job = pipeline.hand_off(claimed, "fax.pdf")  # the message read from beside the claimed file
    assert job.origin == origin and not any(settings.processing_dir.iterdir())
    # Another process's worker: it knows the message only from the queue.
    other = Pipeline(settings, SqlIntakeIndex(database), pipeline.store, pipeline.ocr, None)
    assert other.work_next()
    outcome = other.index.job_outcome(job.id)
    assert outcome is not None and outcome.document_id is not None
    with database.session() as session:
        document = get_document(session, outcome.document_id)
    assert document is not None and document.mail is not None
    assert (document.mail.message_id, document.sender_fax) == ("<1@fax.example>", "5550102000")
