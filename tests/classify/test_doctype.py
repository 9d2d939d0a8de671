"""The shipped model: loadable, trained on the current data, and right often enough."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from classify.doctype import MODEL_DIR, SpacyDocTypeClassifier, read_training_record
from classify.generate import generate_document
from classify.train import DATA_DIR, evaluate, input_fingerprint, load_forms, load_mtsamples
from recordroom.core import DOC_TYPES, ClassifierError

needs_data = pytest.mark.skipif(
    not (DATA_DIR / "mtsamples_train.csv").is_file(), reason="shared training data not present"
)


@pytest.fixture(scope="module")
def classifier() -> SpacyDocTypeClassifier:
    return SpacyDocTypeClassifier.load()


@needs_data
def test_the_model_was_trained_on_the_current_data() -> None:
    """A stale model (data or generator changed since `make model`) fails here."""
    record = read_training_record()
    assert record["inputs"] == input_fingerprint(DATA_DIR)


def test_the_model_is_small() -> None:
    size = sum(path.stat().st_size for path in MODEL_DIR.rglob("*") if path.is_file())
    assert size < 8 * 1024 * 1024


def test_predict_returns_a_known_type_and_a_probability(
    classifier: SpacyDocTypeClassifier,
) -> None:
    doc_type, confidence = classifier.predict("SUBJECTIVE: cough for a week. PLAN: rest.")
    assert doc_type in DOC_TYPES
    assert 0.0 <= confidence <= 1.0
    assert classifier.predict("   ") == ("other", 0.0)


def test_a_rule_wins_with_high_confidence(classifier: SpacyDocTypeClassifier) -> None:
    doc_type, confidence = classifier.predict("Solicitud de resurtido de receta\nFarmacia: CVS")
    assert doc_type == "rx_refill_request"
    assert confidence >= 0.95


def test_a_missing_model_is_an_error_a_person_can_act_on(tmp_path: Path) -> None:
    with pytest.raises(ClassifierError, match="make model"):
        SpacyDocTypeClassifier.load(tmp_path)
    broken = tmp_path / "broken"
    shutil.copytree(MODEL_DIR, broken)
    (broken / "pipeline" / "config.cfg").write_text("not a config", encoding="utf-8")
    with pytest.raises(ClassifierError, match="cannot be loaded"):
        SpacyDocTypeClassifier.load(broken)


@needs_data
def test_held_out_clinical_notes_above_a_floor(classifier: SpacyDocTypeClassifier) -> None:
    sample = load_mtsamples().test[:120]
    scores = evaluate(lambda text: classifier.predict(text)[0], sample)
    assert scores.accuracy >= 0.8


@needs_data
def test_held_out_providers_forms_above_a_floor(classifier: SpacyDocTypeClassifier) -> None:
    scores = evaluate(lambda text: classifier.predict(text)[0], load_forms().test)
    assert scores.accuracy >= 0.85


def test_generated_forms_of_an_unseen_seed(classifier: SpacyDocTypeClassifier) -> None:
    rng = random.Random(424242)
    kinds = ("referral", "lab_report", "prior_authorization", "rx_refill_request",
             "insurance_card", "eob", "fax_cover_sheet")  # fmt: skip
    pairs = [(kind, generate_document(rng, kind)) for kind in kinds for _ in range(6)]
    right = sum(classifier.predict(text)[0] == kind for kind, text in pairs)
    assert right / len(pairs) >= 0.9


@needs_data
def test_a_changed_data_file_changes_the_fingerprint(tmp_path: Path) -> None:
    for name in ("mtsamples_train.csv", "forms_train.jsonl"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    assert input_fingerprint(tmp_path) == input_fingerprint(DATA_DIR)
    with (tmp_path / "forms_train.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert input_fingerprint(tmp_path) != read_training_record()["inputs"]


@needs_data
def test_forms_are_split_by_provider_and_notes_by_id() -> None:
    forms = load_forms()
    train_providers = {example.key.split("/")[0] for example in forms.train}
    test_providers = {example.key.split("/")[0] for example in forms.test}
    assert test_providers and not train_providers & test_providers
    notes = load_mtsamples()
    assert not {e.key for e in notes.train} & {e.key for e in notes.test}
    assert 0.1 < len(notes.test) / (len(notes.train) + len(notes.test)) < 0.3
