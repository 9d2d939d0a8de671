"""The shipped model: loadable, trained on the current data, and right often enough."""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from classify.doctype import (
    MODEL_DIR,
    PIPELINE_DIR_NAME,
    STRUCTURE_DIR_NAME,
    SpacyDocTypeClassifier,
    combine,
    model_text,
    read_training_record,
    structure_text,
)
from classify.spacy_import import RESTATED_SPECIAL_CASES
from recordroom.core import DOC_TYPES, ClassifierError
from training.corpora import (
    DATA_DIR,
    input_fingerprint,
    load_forms,
    load_mtsamples,
    load_paperwork,
)
from training.generate import generate_document
from training.scores import evaluate


@pytest.fixture(scope="module")
def classifier() -> SpacyDocTypeClassifier:
    return SpacyDocTypeClassifier.load()


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


def test_each_model_reads_text_with_the_tokenizer_it_was_saved_with(tmp_path: Path) -> None:
    import spacy

    shipped = SpacyDocTypeClassifier.load()
    text = "Pt's BP 120/80 -- f/u in 2wks (re: Dr. O'Neil's referral); e-mail jdoe@x.org."
    whole = spacy.load(MODEL_DIR / PIPELINE_DIR_NAME)  # every part read from disk, tokenizer too
    assert [t.text for t in shipped.words.make_doc(text)] == [t.text for t in whole.make_doc(text)]
    assert shipped.words(text).cats == pytest.approx(whole(text).cats)
    # A model saved with a tokenizer of its own (here one more special case) keeps it.
    custom = tmp_path / "custom"
    shutil.copytree(MODEL_DIR, custom)
    nlp: Any = spacy.load(custom / PIPELINE_DIR_NAME)
    nlp.tokenizer.add_special_case("recordroom", [{"ORTH": "record"}, {"ORTH": "room"}])
    nlp.to_disk(custom / PIPELINE_DIR_NAME)
    words = SpacyDocTypeClassifier.load(custom).words
    assert [t.text for t in words.make_doc("recordroom")] == ["record", "room"]
    assert [t.text for t in shipped.words.make_doc("recordroom")] == ["recordroom"]


def test_the_words_model_reads_the_tokens_its_saved_tokenizer_makes_of_every_text() -> None:
    """The words model's tokenizer leaves out the special cases that stop spaCy's cache for the
    rest of a text (``spacy_import.RESTATED_SPECIAL_CASES``: a lone space, tab or line break); the
    tokenizer saved with the model makes the very same tokens of what the model reads of every
    training and test document and of generated ones, and the scores are the same."""
    import spacy

    shipped = SpacyDocTypeClassifier.load().words
    whole: Any = spacy.load(MODEL_DIR / PIPELINE_DIR_NAME)  # the English tokenizer, from disk
    assert set(whole.tokenizer.rules) >= RESTATED_SPECIAL_CASES
    assert not RESTATED_SPECIAL_CASES & set(shipped.tokenizer.rules)
    notes, forms = load_mtsamples(), load_forms()
    examples = [*notes.train, *notes.test, *forms.train, *forms.test, *load_paperwork()]
    rng = random.Random(5)
    texts = [model_text(example.text) for example in examples]
    texts += [model_text(generate_document(rng, DOC_TYPES[n % len(DOC_TYPES)])) for n in range(200)]
    texts += ["\n", " ", "\t", "a\n\nb", "a \n b", "\t\tx", "x  y", "a\u00a0b", " \n", "x\r\ny\n"]
    texts += ["Dr.  Smith's pt.\n\tf/u  in 2 wks\n \n(re: BP 120/80)  \t e.g. a.m.\n"]

    def tokens(doc: Any) -> list[tuple[str, str, str]]:
        return [(t.text, t.norm_, t.whitespace_) for t in doc]

    for text in texts:
        assert tokens(shipped.make_doc(text)) == tokens(whole.make_doc(text))
    for text in texts[::40]:
        assert shipped(text).cats == pytest.approx(whole(text).cats)


def test_the_structure_model_reads_the_words_its_english_tokenizer_made_of_every_text() -> None:
    """The structure model splits ``structure_text`` between spaces; the English tokenizer it was
    trained with makes the very same words of the structure text of every training and test
    document, clinical notes, forms and real paperwork, and of generated ones."""
    import spacy

    shipped = SpacyDocTypeClassifier.load().structure
    whole = spacy.load(MODEL_DIR / STRUCTURE_DIR_NAME)  # the English tokenizer, read from disk
    notes, forms = load_mtsamples(), load_forms()
    examples = [*notes.train, *notes.test, *forms.train, *forms.test, *load_paperwork()]
    rng = random.Random(7)
    texts = [example.text for example in examples]
    texts += [generate_document(rng, DOC_TYPES[n % len(DOC_TYPES)]) for n in range(200)]
    for text in texts:
        read = structure_text(text)
        assert [t.text for t in shipped.make_doc(read)] == [t.text for t in whole.make_doc(read)]
    for text in texts[::50]:
        read = structure_text(text)
        assert shipped(read).cats == pytest.approx(whole(read).cats)


def test_held_out_clinical_notes_above_a_floor(classifier: SpacyDocTypeClassifier) -> None:
    sample = load_mtsamples().test[:120]
    scores = evaluate(lambda text: classifier.predict(text)[0], sample)
    assert scores.accuracy >= 0.87


def test_held_out_providers_forms_above_a_floor(classifier: SpacyDocTypeClassifier) -> None:
    scores = evaluate(lambda text: classifier.predict(text)[0], load_forms().test)
    assert scores.accuracy >= 0.93


def test_generated_forms_of_an_unseen_seed(classifier: SpacyDocTypeClassifier) -> None:
    rng = random.Random(424242)
    kinds = ("referral", "lab_report", "prior_authorization", "rx_refill_request",
             "insurance_card", "eob", "fax_cover_sheet")  # fmt: skip
    pairs = [(kind, generate_document(rng, kind)) for kind in kinds for _ in range(6)]
    right = sum(classifier.predict(text)[0] == kind for kind, text in pairs)
    assert right / len(pairs) >= 0.95


def test_a_changed_data_file_changes_the_fingerprint(tmp_path: Path) -> None:
    for name in ("mtsamples_train.csv", "forms_train.jsonl"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    assert input_fingerprint(tmp_path) == input_fingerprint(DATA_DIR)
    with (tmp_path / "forms_train.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert input_fingerprint(tmp_path) != read_training_record()["inputs"]


def test_forms_are_split_by_provider_and_notes_by_id() -> None:
    forms = load_forms()
    train_providers = {example.key.split("/")[0] for example in forms.train}
    test_providers = {example.key.split("/")[0] for example in forms.test}
    assert test_providers and not train_providers & test_providers
    notes = load_mtsamples()
    assert not {e.key for e in notes.train} & {e.key for e in notes.test}
    assert 0.1 < len(notes.test) / (len(notes.train) + len(notes.test)) < 0.3


SOAP_NOTE = (
    "SUBJECTIVE: Cough for a week, no fever.\nOBJECTIVE: Lungs clear. BP 128/80.\n"
    "ASSESSMENT: Viral bronchitis.\nPLAN: Fluids, return if worse."
)
ED_NOTE = (
    "CHIEF COMPLAINT: Fall.\nHISTORY OF PRESENT ILLNESS: A 70-year-old woman brought to the "
    "emergency department by ambulance after a fall at home.\nPHYSICAL EXAMINATION: Bruise on "
    "the left hip.\nEMERGENCY DEPARTMENT COURSE: X-rays negative. Pain controlled.\n"
    "DISPOSITION: Discharged home in stable condition."
)
CONSULT_NOTE = (
    "REASON FOR CONSULTATION: Evaluation of atrial fibrillation.\nHISTORY OF PRESENT ILLNESS: "
    "I was asked to see this 64-year-old man by Dr. X for new atrial fibrillation.\n"
    "PAST MEDICAL HISTORY: Hypertension.\nSOCIAL HISTORY: Nonsmoker.\nREVIEW OF SYSTEMS: "
    "Negative.\nIMPRESSION: Atrial fibrillation.\nRECOMMENDATIONS: Anticoagulation. Thank you "
    "for this consultation."
)


def test_the_model_ships_both_pipelines() -> None:
    for name in (PIPELINE_DIR_NAME, STRUCTURE_DIR_NAME):
        assert (MODEL_DIR / name / "config.cfg").is_file()


def test_the_structure_model_reads_shape_not_subject() -> None:
    shape = structure_text(SOAP_NOTE)
    assert "first_sec_subjective" in shape and "any_sec_plan" in shape
    assert "bronchitis" not in shape


def test_section_headings_are_read_by_kind_whatever_their_wording() -> None:
    spelled = (
        "HPI: Cough.\nHISTORY OF THE PRESENT ILLNESS: Cough.\nPAST MEDICAL HISTORY: None.\n"
        "REVIEW OF SYSTEMS: Negative."
    )
    shape = structure_text(spelled).split()
    assert shape.count("kind_hpi") == 1
    assert "firstkind_hpi" in shape and "kind_pmh" in shape and "kind_ros" in shape


def test_an_emergency_course_at_the_end_of_a_long_note_is_seen() -> None:
    filler = "The patient was comfortable and talking in full sentences. " * 80
    text = f"CHIEF COMPLAINT: Chest pain.\n{filler}\nEMERGENCY DEPARTMENT COURSE: Aspirin given.\n"
    assert "tail_er" in structure_text(text).split()
    assert "tail_er" not in structure_text(SOAP_NOTE).split()


@pytest.mark.parametrize(
    ("text", "doc_type"),
    [(SOAP_NOTE, "progress_note"), (ED_NOTE, "ed_note"), (CONSULT_NOTE, "consult_note")],
)
def test_note_kinds_that_share_their_words(
    classifier: SpacyDocTypeClassifier, text: str, doc_type: str
) -> None:
    assert classifier.predict(text)[0] == doc_type


def test_combined_scores_are_a_distribution() -> None:
    words = {"consult_note": 0.7, "progress_note": 0.2, "authorization": 0.1}
    structure = {"consult_note": 0.1, "progress_note": 0.9, "authorization": 0.5}
    scores = combine(words, structure)
    assert abs(sum(scores.values()) - 1.0) < 1e-9
    assert max(scores, key=lambda label: scores[label]) == "progress_note"
    # The structure model speaks only among note kinds: a form's share comes from the words.
    assert abs(scores["authorization"] - 0.1) < 1e-9


def test_vocabularies_grown_by_reading_are_loaded_again_and_read_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A watcher reads for months, and spaCy keeps every new word it reads. Past
    ``VOCABULARY_GROWTH`` new words a pipeline is loaded again: memory stays bounded, and texts
    are typed and their labels found as by pipelines loaded fresh."""
    import classify.spacy_import
    from classify import patient_text

    monkeypatch.setattr(classify.spacy_import, "VOCABULARY_GROWTH", 40)
    reading = SpacyDocTypeClassifier.load()
    fresh = SpacyDocTypeClassifier.load()
    rng = random.Random(29)
    texts = [
        f"Patient: Qzx{n}ander Vwq{n}son\nMRN: 88{n:05d}\nRef zq{rng.randrange(10**9)}\n"
        + generate_document(rng, DOC_TYPES[n % len(DOC_TYPES)])
        for n in range(30)
    ]
    first_words, first_labels = reading.words, patient_text._nlp()[0]
    loaded = {"words": len(fresh.words.vocab.strings), "labels": patient_text._nlp()[2]}
    seen: dict[str, set[int]] = {"words": set(), "labels": set()}
    for n, text in enumerate(texts):
        assert reading.predict(text) == fresh.predict(text)
        assert f"88{n:05d}" in patient_text.extract_identifiers(text).mrns
        for name, nlp in (("words", reading.words), ("labels", patient_text._nlp()[0])):
            seen[name].add(id(nlp))
            assert len(nlp.vocab.strings) <= loaded[name] + 40 + 1000  # one text's new words
    assert reading.words is not first_words and len(seen["words"]) > 2
    assert patient_text._nlp()[0] is not first_labels and len(seen["labels"]) > 2
