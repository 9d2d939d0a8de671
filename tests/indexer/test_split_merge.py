"""Splitting a document in two at a page and merging parts of one file back, on SQLite and
PostgreSQL: the pages move with their text (search follows them), the page numbers of the
original file stay known, labels follow, and merges across files or patients are refused."""

from __future__ import annotations

import pytest

from indexer.database import Database
from indexer.documents import get_document
from indexer.labels import add_label, labels_of
from indexer.models import DocumentRow
from indexer.review import merge, same_file, split
from indexer.search import search
from recordroom.core import NotFoundError, RecordroomError
from tests.indexer.test_index import make_document, save

TEXTS = ["Referral to cardiology", "Echo report ejection fraction", "Lab hemoglobin a1c"]


def test_split_then_merge_back(any_database: Database) -> None:
    save(any_database, make_document("fax1", TEXTS, needs_review=True, patient_mrn="M1"))
    with any_database.session() as session:
        add_label(session, "fax1", "HIV", source="manual", added_by="t")
        split(session, "fax1", 2, "part2")
        session.commit()
    with any_database.session() as session:
        first, second = get_document(session, "fax1"), get_document(session, "part2")
        assert [p.text for p in first.pages] == TEXTS[:1]
        assert [(p.number, p.text) for p in second.pages] == [(1, TEXTS[1]), (2, TEXTS[2])]
        assert (first.source_pages, second.source_pages) == ((1,), (2, 3))
        assert second.needs_review and second.sha256 == first.sha256
        assert second.patient_mrn == "M1" and "split from document fax1" in second.review_reasons[0]
        assert labels_of(session, "part2") == {"HIV"}
        assert [h.document_id for h in search(session, "hemoglobin")] == ["part2"]
        assert [s.document_id for s in same_file(session, "fax1")] == ["part2"]
        merge(session, "part2", "fax1")  # the later part takes the earlier one back
        session.commit()
    with any_database.session() as session:
        whole = get_document(session, "part2")
        assert [p.text for p in whole.pages] == TEXTS
        assert whole.source_pages == (1, 2, 3)
        assert [h.document_id for h in search(session, "referral")] == ["part2"]
        with pytest.raises(NotFoundError):
            get_document(session, "fax1")
        assert labels_of(session, "part2") == {"HIV"}


def test_what_is_refused(database: Database) -> None:
    save(
        database,
        make_document("a", TEXTS, needs_review=True, patient_mrn="M1"),
        make_document("b", TEXTS[:1], needs_review=True),
        make_document("filed", TEXTS, needs_review=False),
    )
    with database.session() as session:
        for page in (0, 1, 4):
            with pytest.raises(RecordroomError, match="split it before a page from 2 to 3"):
                split(session, "a", page, "x")
        with pytest.raises(RecordroomError, match="is filed"):
            split(session, "filed", 2, "x")
        with pytest.raises(RecordroomError, match="different files"):
            merge(session, "a", "b")
        with pytest.raises(RecordroomError, match="itself"):
            merge(session, "a", "a")
        split(session, "a", 3, "a3")
        session.flush()
        session.get_one(DocumentRow, "a3").patient_mrn = "M2"
        with pytest.raises(RecordroomError, match="different patients"):
            merge(session, "a", "a3")
