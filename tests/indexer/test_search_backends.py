"""Search gives the same answers on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

The PostgreSQL side runs against a real throwaway server started by the ``postgres_url`` fixture.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import select

from indexer.database import Database, alembic_config
from indexer.models import PageRow
from indexer.patients import upsert_patients
from indexer.review import assign
from indexer.search import SearchFilters, search, tsquery
from recordroom.core import Document, Patient, SearchHit
from tests.indexer.test_index import make_document as make_any_document
from tests.indexer.test_index import save


def make_document(doc_id: str, texts: list[str], **fields: object) -> Document:
    return make_any_document(doc_id, texts, **{"needs_review": False, **fields})


DOWN_FROM_0014 = "0004"  # the revision before the page filters (0014)
DAY = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
CORPUS = (
    make_document(
        "a",
        ["Chest radiograph shows no pneumothorax", "Impression: normal heart size"],
        doc_type="imaging_report",
        received_at=DAY,
    ),
    make_document(
        "b",
        ["Hemoglobin A1c 6.1 percent", "Pneumothorax resolved on repeat film"],
        doc_type="lab_report",
        patient_mrn="M9",
        sender_name="Valley Lab",
        received_at=DAY + dt.timedelta(days=1),
    ),
    make_document(
        "c",
        ["Señora Peña, fecha de nacimiento 01/02/1960. Autorización para divulgar"],
        doc_type="authorization",
        received_at=DAY + dt.timedelta(days=2),
        needs_review=True,
    ),
    make_document(
        "d",
        ["Referral for pulmonary consult: chronic cough, pneumothorax history"],
        doc_type="referral",
        patient_mrn="M9",
        sender_fax="555-010-7777",
        received_at=DAY + dt.timedelta(days=3),
    ),
    *(
        make_document(
            f"n{i:02d}",
            [f"Progress note {i}: blood pressure stable, hypertension follow-up visit"],
            doc_type="progress_note",
            patient_mrn=f"P{i % 3}",
            received_at=DAY + dt.timedelta(days=10 + i),
        )
        for i in range(12)
    ),
)

QUERIES: tuple[tuple[str, SearchFilters], ...] = (
    ("pneumothorax", SearchFilters()),
    ("PNEUMOTHORAX resolved", SearchFilters()),
    ("pneumo*", SearchFilters()),
    ("pena", SearchFilters()),
    ("Peña autorizacion", SearchFilters()),
    ("hypertension", SearchFilters()),
    ("hypertension", SearchFilters(patient_mrn="P1")),
    ("pneumothorax", SearchFilters(doc_type="lab_report")),
    ("pneumothorax", SearchFilters(sender="valley")),
    ("pneumothorax", SearchFilters(sender="7777")),
    ("pneumothorax", SearchFilters(received_from=DAY + dt.timedelta(days=1))),
    ("pneumothorax", SearchFilters(received_to=DAY + dt.timedelta(days=1))),
    ("", SearchFilters(needs_review=True)),
    ("", SearchFilters(patient_mrn="M9")),
    ('chest" OR "x', SearchFilters()),
    ("chest & !heart | (x):*", SearchFilters()),
    ("nothing-matches-this", SearchFilters()),
)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest) -> Iterator[Database]:
    if request.param == "sqlite":
        yield request.getfixturevalue("database")
        return
    db = Database(request.getfixturevalue("postgres_url"))
    db.migrate()
    yield db
    db.dispose()


def ids(hits: list[SearchHit]) -> list[str]:
    return [hit.document_id for hit in hits]


def run_all(database: Database) -> dict[str, list[SearchHit]]:
    with database.session() as session:
        return {
            " ".join([repr(query), *filters.terms()]): search(session, query, filters)
            for query, filters in QUERIES
        }


def test_both_backends_find_the_same_documents(database: Database, postgres_url: str) -> None:
    postgres = Database(postgres_url)
    postgres.migrate()
    try:
        save(database, *CORPUS)
        save(postgres, *CORPUS)
        on_sqlite, on_postgres = run_all(database), run_all(postgres)
    finally:
        postgres.dispose()
    for key, hits in on_sqlite.items():
        assert sorted(ids(hits)) == sorted(ids(on_postgres[key])), key
        best = {(h.document_id, h.page) for h in hits}
        assert best == {(h.document_id, h.page) for h in on_postgres[key]}, key
    assert sorted(ids(on_sqlite["'pneumothorax'"])) == ["a", "b", "d"]
    assert ids(on_sqlite["'pena'"]) == ["c"]
    assert ids(on_sqlite["'nothing-matches-this'"]) == []


def test_search_filters_snippets_and_paging(any_database: Database) -> None:
    save(any_database, *CORPUS)
    with any_database.session() as session:
        hit = search(session, "pneumothorax", SearchFilters(doc_type="lab_report"))[0]
        assert (hit.document_id, hit.page) == ("b", 2)
        assert "[Pneumothorax]" in hit.snippet
        assert ids(
            search(session, "pneumothorax", SearchFilters(received_to=DAY + dt.timedelta(days=1)))
        ) == ["a"]
        assert ids(search(session, "", SearchFilters(needs_review=True))) == ["c"]
        assert ids(search(session, "", SearchFilters(patient_mrn="M9"))) == [
            "d",
            "b",
        ]  # newest first
        everything = ids(search(session, "hypertension", limit=100))
        assert len(everything) == 12
        pages = [ids(search(session, "hypertension", limit=5, offset=o)) for o in (0, 5, 10)]
        assert [len(p) for p in pages] == [5, 5, 2]
        assert [d for page in pages for d in page] == everything  # no repeat, no gap
        assert search(session, 'chest" OR "x') == []


def test_tsquery_quotes_every_word() -> None:
    assert tsquery("chest & !heart radio*") == "'chest' & 'heart' & 'radio':*"


def test_a_reviewed_document_is_found_under_its_new_type_and_patient(
    any_database: Database,
) -> None:
    """The pages' copies of type and patient (migration 0014) follow their document."""
    save(any_database, *CORPUS)
    with any_database.session() as session:
        upsert_patients(session, [Patient("Q7", "Rivera", "Ana", dt.date(1984, 7, 9))])
        assign(session, "c", patient_mrn="Q7", doc_type="records_request")
        session.commit()
    with any_database.session() as session:
        pages = session.execute(
            select(PageRow.doc_type, PageRow.patient_mrn).where(PageRow.document_id == "c")
        ).all()
        assert [tuple(page) for page in pages] == [("records_request", "Q7")]
        assert ids(search(session, "pena", SearchFilters(doc_type="records_request"))) == ["c"]
        assert ids(search(session, "pena", SearchFilters(patient_mrn="Q7"))) == ["c"]
        assert ids(search(session, "pena", SearchFilters(doc_type="authorization"))) == []
        both = SearchFilters(doc_type="lab_report", patient_mrn="M9")
        assert ids(search(session, "pneumothorax", both)) == ["b"]


def test_the_page_filters_migration_goes_down_and_up_again(any_database: Database) -> None:
    save(any_database, *CORPUS)
    config = alembic_config(any_database.engine.url.render_as_string(hide_password=False))
    for target in (DOWN_FROM_0014, "head"):
        with any_database.engine.begin() as connection:
            config.attributes["connection"] = connection
            if target == "head":
                command.upgrade(config, target)
            else:
                command.downgrade(config, target)
    with any_database.session() as session:
        found = search(session, "pneumothorax", SearchFilters(patient_mrn="M9"))
        assert sorted(ids(found)) == ["b", "d"]
