"""The office's own model: the shipped model trained further on its review decisions."""

from __future__ import annotations

import filecmp
import stat
from pathlib import Path

import pytest

from classify.doctype import MODEL_DIR, SpacyDocTypeClassifier
from classify.examples import LabelledExample
from classify.pipeline import model_folder
from classify.retrain import fingerprint, retrain
from recordroom.core import ClassifierError
from recordroom.core.settings import Settings

ODD_FORM = (
    "NORTHWIND BENEFITS  MEDICATION EXCEPTION WORKSHEET",
    "Enrollee {name}   Enrollee number {member}   Birth 1961-03-14",
    "Product sought {drug}   Units per fill 30",
    "Why the usual product will not do, in the words of the prescriber",
    "Products tried before, with the dates and what happened",
    "Prescriber signature and number, and where to send our answer",
    "Send this worksheet to Northwind Benefits exception desk by post or fax",
    "Worksheets missing any part are sent back unread",
)
DECIDED = (("Ana Rivera", "W1", "Ozempic"), ("Carl Ngata", "Q5", "Dupixent"))


def odd_form(name: str, member: str, drug: str) -> str:
    return "\n".join(line.format(name=name, member=member, drug=drug) for line in ODD_FORM)


def decisions() -> list[LabelledExample]:
    return [LabelledExample(odd_form(*values), "prior_authorization") for values in DECIDED]


def test_the_office_model_types_a_further_copy_the_shipped_one_missed(tmp_path: Path) -> None:
    copy = odd_form("Bo Diaz", "X77", "Humira")
    assert SpacyDocTypeClassifier.load().predict(copy)[0] != "prior_authorization"
    result = retrain(decisions(), tmp_path / "model")
    assert result.examples == 2 and result.per_type == {"prior_authorization": 2}
    office = SpacyDocTypeClassifier.load(tmp_path / "model")
    doc_type, confidence = office.predict(copy)
    assert doc_type == "prior_authorization" and confidence >= Settings().doc_type_threshold
    # What the shipped model knew stays: a progress note is still a progress note.
    note = (
        "PROGRESS NOTE\nSUBJECTIVE: Here for follow-up of hypertension, feels well.\n"
        "OBJECTIVE: BP 128/80.\nASSESSMENT: Hypertension, controlled.\nPLAN: Continue lisinopril."
    )
    assert office.predict(note)[0] == SpacyDocTypeClassifier.load().predict(note)[0]


def test_the_same_decisions_give_the_same_files(tmp_path: Path) -> None:
    first = retrain(decisions(), tmp_path / "a" / "model")
    second = retrain(list(reversed(decisions())), tmp_path / "b" / "model")
    assert first.fingerprint == second.fingerprint == fingerprint(tmp_path / "b" / "model")
    compared = filecmp.dircmp(tmp_path / "a" / "model", tmp_path / "b" / "model")
    assert not compared.diff_files and not compared.left_only and not compared.right_only
    # Retraining replaces the model in place, from the shipped base again: same files once more.
    again = retrain(decisions(), tmp_path / "a" / "model")
    assert again.fingerprint == first.fingerprint
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["model"]


def test_the_office_model_keeps_no_patient_words_and_only_its_owner_reads_it(
    tmp_path: Path,
) -> None:
    retrain(decisions(), tmp_path / "model")
    assert stat.S_IMODE((tmp_path / "model").stat().st_mode) == 0o700
    for path in (tmp_path / "model").rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o600 if path.is_file() else 0o700)
        if path.is_file():
            data = path.read_bytes()
            assert b"Rivera" not in data and b"Ngata" not in data, path


def test_nothing_to_learn_from_leaves_the_model_alone(tmp_path: Path) -> None:
    with pytest.raises(ClassifierError, match="review assign"):
        retrain([], tmp_path / "model")
    assert not (tmp_path / "model").exists()


def test_the_office_model_is_loaded_when_no_other_is_named(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    assert model_folder(settings) == MODEL_DIR
    retrain(decisions(), tmp_path / "model")
    assert model_folder(settings) == tmp_path / "model"
    assert model_folder(Settings(home=tmp_path, model_dir=str(MODEL_DIR))) == MODEL_DIR
