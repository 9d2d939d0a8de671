from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from indexer import documents as doc_index
from indexer.database import Database
from indexer.patients import SqlPatientRegistry, upsert_patients
from indexer.search import SearchFilters, fts_query, search
from recordroom.core import Document, NotFoundError, Page, Patient


def make_document(doc_id: str, texts: list[str], **fields: object) -> Document:
    values: dict[str, object] = {
        "id": doc_id,
        "source_name": f"{doc_id}.pdf",
        "sha256": doc_id.ljust(64, "0"),
        "media_type": "application/pdf",
        "size": 10,
        "received_at": dt.datetime.now(dt.UTC),
        "pages": tuple(Page(number=i, text=t, method="ocr") for i, t in enumerate(texts, 1)),
        "original_key": f"originals/{doc_id}",
        "source_pages": tuple(range(1, len(texts) + 1)),
    }
    values.update(fields)
    return Document(**values)  # type: ignore[arg-type]


def save(database: Database, *docs: Document) -> None:
    with database.session() as session:
        for doc in docs:
            doc_index.add_document(session, doc)
        session.commit()


def test_migration_is_idempotent_and_uses_wal(database: Database) -> None:
    database.migrate()
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def test_the_newest_revision_is_read_from_the_migration_files_as_alembic_reads_it() -> None:
    from alembic.script import ScriptDirectory

    from indexer.database import alembic_config, head_revision

    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert [head_revision()] == heads


def test_a_schema_already_up_to_date_is_checked_without_loading_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'recordroom.db'}"
    check = (
        "import sys; from indexer.database import Database; Database({url!r}).migrate();"
        " print('alembic' in sys.modules)"
    )
    first = subprocess.run(
        [sys.executable, "-c", check.format(url=url)], capture_output=True, text=True, check=True
    )
    again = subprocess.run(
        [sys.executable, "-c", check.format(url=url)], capture_output=True, text=True, check=True
    )
    assert (first.stdout.strip(), again.stdout.strip()) == ("True", "False")


def test_saved_document_reads_back_whole(database: Database) -> None:
    doc = make_document(
        "doc1",
        ["first page", "second page"],
        doc_type="lab_report",
        patient_mrn="M1",
        review_reasons=("patient not identified", "OCR confidence is low on page(s) 2"),
    )
    save(database, doc)
    with database.session() as session:
        back = doc_index.get_document(session, "doc1")
        assert doc_index.document_for_sha256(session, doc.sha256) == "doc1"
        with pytest.raises(NotFoundError):
            doc_index.get_document(session, "nope")
    assert back.pages == doc.pages
    assert back.review_reasons == doc.review_reasons
    assert (back.doc_type, back.patient_mrn, back.source_pages) == ("lab_report", "M1", (1, 2))


def test_full_text_search_finds_words_and_filters(database: Database) -> None:
    save(
        database,
        make_document("a", ["Chest radiograph shows no pneumothorax"], doc_type="imaging_report"),
        make_document(
            "b",
            ["Hemoglobin A1c 6.1 percent", "Pneumothorax resolved"],
            doc_type="lab_report",
            patient_mrn="M9",
            sender_name="Valley Lab",
        ),
        make_document("c", ["Señora Peña, fecha de nacimiento"], doc_type="other"),
    )
    with database.session() as session:
        assert {h.document_id for h in search(session, "pneumothorax")} == {"a", "b"}
        hit = search(session, "pneumothorax", SearchFilters(doc_type="lab_report"))[0]
        assert (hit.document_id, hit.page) == ("b", 2)
        assert "[Pneumothorax]" in hit.snippet
        assert [
            h.document_id for h in search(session, "hemoglobin", SearchFilters(patient_mrn="M9"))
        ] == ["b"]
        assert search(session, "hemoglobin", SearchFilters(patient_mrn="M1")) == []
        assert [h.document_id for h in search(session, "a1c", SearchFilters(sender="valley"))] == [
            "b"
        ]
        assert [h.document_id for h in search(session, "pena")] == ["c"]  # accents folded
        assert [h.document_id for h in search(session, "radio*")] == ["a"]
        assert search(session, 'chest" OR "x') == []  # quotes can't inject FTS syntax


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('chest "x-ray" NOT*') == '"chest" "x" "ray" "NOT"*'


def test_registry_upsert_and_candidates(database: Database) -> None:
    ann = Patient("000123", "O'Brien-Smith", "Ann", dt.date(1980, 3, 4), phone="(555) 010-2000")
    bob = Patient("000124", "Lee", "Robert", dt.date(1975, 12, 1))
    with database.session() as session:
        counts = upsert_patients(session, [ann, bob])
        session.commit()
        assert (counts.added, counts.updated) == (2, 0)
        moved = Patient("000124", "Lee", "Robert", dt.date(1975, 12, 1), city="Boise")
        counts = upsert_patients(session, [moved, ann])
        session.commit()
        assert (counts.added, counts.updated, counts.unchanged) == (0, 1, 1)
        registry = SqlPatientRegistry(session)
        by_name = registry.candidates(last_names=["O’BRIEN-SMITH"])
        assert [p.mrn for p in by_name] == ["000123"]
        assert [p.mrn for p in registry.candidates(mrns=["MRN 123"])] == []
        assert [p.mrn for p in registry.candidates(mrns=["0123"])] == ["000123"]
        assert [p.mrn for p in registry.candidates(phones=["555.010.2000"])] == ["000123"]
        swapped = registry.candidates(birth_dates=[dt.date(1980, 4, 3)])
        assert [p.mrn for p in swapped] == ["000123"]
        assert registry.candidates() == []
        assert registry.candidates(birth_dates=[dt.date(1975, 12, 1)])[0].city == "Boise"


def test_member_ids_are_stored_and_shortlist_their_patient(database: Database) -> None:
    ann = Patient("000125", "Ruiz", "Ann", dt.date(1980, 3, 4), member_id="XQZ-44812")
    with database.session() as session:
        upsert_patients(session, [ann])
        session.commit()
        registry = SqlPatientRegistry(session)
        assert [p.member_id for p in registry.candidates(member_ids=["xqz44812"])] == ["XQZ-44812"]
        assert registry.candidates(member_ids=["XQZ44813"]) == []
