"""The patient bench runs, and on its traps (twins, namesakes, outsiders) never files wrongly."""

from __future__ import annotations

from bench.patients import run


def test_the_bench_files_no_document_to_the_wrong_patient() -> None:
    result = run(n_documents=300, seed=3)
    assert result.documents == 300
    assert result.not_in_registry > 0
    assert result.wrong_patient == 0
    assert result.name_and_dob_auto_file_rate >= 0.9
    assert "wrong-patient rate" in result.table()
