"""The patient bench runs, and on its traps (twins, namesakes, outsiders) never files wrongly."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from bench.patients import PatientBenchResult, run
from synthetic.headers import age_on
from synthetic.registries import make_registry


@pytest.fixture(scope="module")
def result() -> PatientBenchResult:
    return run(n_documents=300, seed=3)


def test_the_bench_files_no_document_to_the_wrong_patient(result: PatientBenchResult) -> None:
    assert result.documents == 300
    assert result.not_in_registry > 0
    assert result.wrong_patient == 0
    assert all(wrong == 0 for wrong, _ in result.wrong_by_trap.values())
    assert {"twin", "namesake", "junior", "outsider twin"} <= set(result.wrong_by_trap)
    assert result.name_and_dob_auto_file_rate >= 0.9
    assert "wrong-patient rate" in result.table()


def test_the_bench_says_what_each_unfiled_document_carried(result: PatientBenchResult) -> None:
    breakdown = result.breakdown()
    assert "by what the document carries besides the name" in breakdown
    assert "wrong patients by trap" in breakdown
    assert any(key.startswith("no DOB:") for key in result.by_evidence)
    filed, registered = result.registered_filed
    assert registered == result.documents - result.not_in_registry
    assert sum(result.misses.values()) == registered - filed


def test_the_bench_registry_gives_households_their_addresses() -> None:
    patients, kinds = make_registry(random.Random(5), 400)
    assert all(patient.address_line for patient in patients)
    by_name: dict[tuple[str, str], list[str]] = {}
    for patient in patients:
        if kinds[patient.mrn] == "namesake":
            by_name.setdefault((patient.last_name, patient.first_name), []).append(
                patient.address_line
            )
    pairs = [addresses for addresses in by_name.values() if len(addresses) == 2]
    assert pairs and all(first != second for first, second in pairs)  # other households
    twins = [patient for patient in patients if kinds[patient.mrn] == "twin"]
    homes = {(p.last_name, p.birth_date): p.address_line for p in twins}
    assert all(homes[(p.last_name, p.birth_date)] == p.address_line for p in twins)


def test_a_stated_age_is_the_patients_age_on_the_date_of_service() -> None:
    assert age_on(dt.date(1980, 6, 15), dt.date(2025, 6, 14)) == 44
    assert age_on(dt.date(1980, 6, 15), dt.date(2025, 6, 15)) == 45
