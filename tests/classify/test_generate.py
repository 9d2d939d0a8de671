"""The form generator: repeatable, every type, headers that name the patient."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from recordroom.core import DOC_TYPES, Patient
from training.generate import TRAINING_TYPES, generate_corpus, generate_document, generate_lines

PATIENT = Patient(
    mrn="4455667", last_name="Okafor", first_name="Grace", birth_date=dt.date(1961, 3, 14)
)


def test_the_same_seed_writes_the_same_text() -> None:
    assert generate_corpus(7, 3) == generate_corpus(7, 3)
    assert generate_corpus(7, 3) != generate_corpus(8, 3)


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_every_type_can_be_generated(doc_type: str) -> None:
    text = generate_document(random.Random(1), doc_type)
    assert len(text.split()) >= 5


@pytest.mark.parametrize("doc_type", sorted(set(DOC_TYPES) - {"fax_cover_sheet"}))
def test_a_document_names_the_patient_it_is_about(doc_type: str) -> None:
    rng = random.Random(3)
    texts = [generate_document(rng, doc_type, PATIENT).upper() for _ in range(10)]
    # Some copies carry OCR-like damage, so most (not all) spell the name intact; a copy of a
    # card's back alone names no one, as real backs don't.
    assert sum("OKAFOR" in text for text in texts) >= (5 if doc_type == "insurance_card" else 7)
    if doc_type != "insurance_card":  # cards carry no birth date
        assert sum("1961" in text or "/61" in text for text in texts) >= 5


def test_both_languages_and_varied_titles() -> None:
    rng = random.Random(11)
    first_lines = {generate_lines(rng, "rx_refill_request", lang="es")[0] for _ in range(30)}
    assert len(first_lines) > 5
    spanish = "\n".join(
        line for _ in range(5) for line in generate_lines(rng, "referral", lang="es")
    )
    assert "Especialidad" in spanish or "referido" in spanish.lower()


def test_the_corpus_holds_each_training_type() -> None:
    labels = [label for _, label in generate_corpus(1, 2)]
    assert sorted(set(labels)) == sorted(TRAINING_TYPES)
    assert len(labels) == 2 * len(TRAINING_TYPES)


def test_an_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown document type"):
        generate_document(random.Random(1), "invoice")


def test_without_noise_the_header_is_intact() -> None:
    rng = random.Random(5)
    for doc_type in ("referral", "lab_report", "eob", "intake_form"):
        text = generate_document(rng, doc_type, PATIENT, noise=False).upper()
        assert "OKAFOR" in text


def test_many_forms_carry_no_title_a_rule_can_read() -> None:
    """The generated set must test the model, not only the title rules."""
    from classify.rules import rule_doc_type

    rng = random.Random(21)
    texts = [generate_document(rng, kind) for kind in TRAINING_TYPES for _ in range(20)]
    assert sum(rule_doc_type(text) is None for text in texts) / len(texts) >= 0.3


def test_forms_borrow_the_words_of_other_types() -> None:
    rng = random.Random(22)
    requests = [generate_document(rng, "records_request").lower() for _ in range(40)]
    assert sum("authoriz" in text for text in requests) >= 8
    cards = [generate_document(rng, "insurance_card").lower() for _ in range(40)]
    assert sum("prior authorization" in text for text in cards) >= 4


def test_layouts_and_damage_vary() -> None:
    rng = random.Random(23)
    texts = [generate_document(rng, "referral") for _ in range(60)]
    two_columns = sum(any("     " in line.strip() for line in t.splitlines()) for t in texts)
    assert 5 <= two_columns < 60
    clean = [generate_document(random.Random(23), "referral", noise=False) for _ in range(3)]
    assert clean[0] == clean[1] == clean[2]


def test_the_hard_style_reads_harder_and_leaves_training_text_alone() -> None:
    from classify.rules import rule_doc_type
    from training.generate import HARD, STANDARD, Style

    def untitled(style: Style) -> int:
        rng = random.Random(24)
        texts = [
            generate_document(rng, kind, style=style) for kind in TRAINING_TYPES for _ in range(10)
        ]
        return sum(rule_doc_type(text) is None for text in texts)

    assert untitled(HARD) > untitled(STANDARD)
    assert generate_corpus(7, 2) == generate_corpus(7, 2, style=STANDARD)


def _texts(doc_type: str, count: int, seed: int, lang: str | None = None) -> list[str]:
    rng = random.Random(seed)
    return [
        "\n".join(generate_lines(rng, doc_type, PATIENT, lang=lang, noise=False)).lower()
        for _ in range(count)
    ]


def test_referral_forms_come_blank_with_sections_and_boxes() -> None:
    texts = _texts("referral", 60, 31)
    blank = [text for text in texts if "referral details" in text or "reason for referral" in text]
    assert len(blank) >= 15
    assert any("urgen" in text and "routine" in text for text in blank)
    spanish = _texts("referral", 40, 32, lang="es")
    assert any("detalles del referido" in text for text in spanish)


def test_insurance_cards_have_fronts_backs_and_medicare() -> None:
    texts = _texts("insurance_card", 80, 33)
    assert any("(80840)" in text for text in texts)
    assert any("member services" in text and "claims" in text for text in texts)
    assert any("name of beneficiary" in text or "medicare number" in text for text in texts)


def test_lab_reports_print_grids_with_ranges_and_flags() -> None:
    texts = _texts("lab_report", 80, 34)
    assert (
        sum("reference interval" in t or "out of range" in t or "ref range" in t for t in texts)
        >= 10
    )
    assert any(" high " in text or "   h   " in text for text in texts)
    spanish = _texts("lab_report", 40, 35, lang="es")
    assert any("valores de referencia" in t or "fuera del rango" in t for t in spanish)


def test_refill_requests_come_from_the_pharmacy_to_the_prescriber() -> None:
    texts = _texts("rx_refill_request", 60, 36)
    assert any("ncpdp" in text and "prescriber" in text for text in texts)
    assert any("ncpdp" in text for text in _texts("rx_refill_request", 40, 37, lang="es"))


def test_third_party_requests_ask_to_review_and_receive_copies() -> None:
    texts = _texts("records_request", 80, 38)
    assert any("review and/or receive copies" in text for text in texts)
    assert any("disability" in text for text in texts)
    assert any("attorney" in text or "law" in text for text in texts)
    spanish = _texts("records_request", 40, 39, lang="es")
    assert any("revisar y/o recibir copias" in text for text in spanish)


def test_content_pages_sometimes_carry_a_fax_header_block() -> None:
    from classify.faxheader import split_fax_header

    rng = random.Random(40)
    pages = [generate_document(rng, "lab_report", noise=False) for _ in range(100)]
    assert 3 <= sum(bool(split_fax_header(page).header) for page in pages) < 50
