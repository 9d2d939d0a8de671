"""The SQL registry must shortlist exactly like the in-memory one, so the matcher's answers do not
depend on where the registry lives."""

from __future__ import annotations

import random

from classify.patients import match_patient
from classify.registry import InMemoryRegistry
from indexer.database import Database
from indexer.patients import SqlPatientRegistry, upsert_patients
from synthetic.headers import make_documents
from synthetic.registries import make_registry


def test_sql_and_memory_registries_give_the_same_matches(database: Database) -> None:
    rng = random.Random(11)
    patients, kinds = make_registry(rng, 600)
    documents = make_documents(rng, patients, kinds, 150)
    memory = InMemoryRegistry(patients)
    with database.session() as session:
        upsert_patients(session, patients)
        session.commit()
        sql = SqlPatientRegistry(session)
        filed = 0
        for document in documents:
            expected = match_patient(document.text, memory)
            got = match_patient(document.text, sql)
            assert (got.mrn, got.confidence) == (expected.mrn, expected.confidence)
            assert [m for m, _ in got.candidates] == [m for m, _ in expected.candidates]
            filed += got.mrn is not None
    assert filed > 50  # the comparison covered real matches, not only "no patient"
