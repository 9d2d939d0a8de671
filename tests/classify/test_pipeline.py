"""The classify stage over the pages of one file: cover sheets, splitting, review reasons.

Uses the shipped model, the real patient matcher and an in-memory registry.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from classify.pipeline import (
    REASON_PATIENT,
    REASON_PATIENT_AMBIGUOUS,
    REASON_TYPE,
    Classifier,
    load_classifier,
    read_sender,
)
from classify.registry import InMemoryRegistry
from recordroom.core import Patient
from recordroom.core.settings import Settings

GRACE = Patient(mrn="4455667", last_name="Okafor", first_name="Grace",
                birth_date=dt.date(1961, 3, 14))  # fmt: skip
LUIS = Patient(mrn="7788990", last_name="Ramirez", first_name="Luis",
               birth_date=dt.date(1979, 11, 2))  # fmt: skip

COVER = """Riverside Family Medicine
FAX COVER SHEET
To: Valley Cardiology Group          To Fax: (555) 301-2200
From: Dr. Susan Park                 From Fax: (555) 201-7788
Date: 03/04/2025
Pages (including cover): 3
CONFIDENTIALITY NOTICE: This facsimile contains privileged information."""

PORTADA = """PORTADA DE FAX
Para: Centro Médico del Valle
De: Clínica Familiar San José
Fax del remitente: 555.444.1212
Número de páginas (incluida la portada): 2"""

REFERRAL = """Referral Form
Patient: Grace Okafor    DOB: 03/14/1961    MRN: 4455667
Referred to: Cardiology
Reason for referral: chest pain on exertion, evaluate and treat.
Referring provider: Dr. Susan Park"""

REFERRAL_PAGE_2 = """Clinical notes attached for Grace Okafor.
Recent ECG shows normal sinus rhythm. Please call with appointment date."""

LAB = """LABORATORY REPORT
Patient Name: RAMIREZ, LUIS    Date of Birth: 11/02/1979    MRN: 7788990
Collected: 02/28/2025   Specimen: A55123
Test   Result   Units   Reference Range
Glucose   143   mg/dL   70-99
Sodium   140   mmol/L   136-145"""

REFILL = """Prescription Refill Request
Pharmacy: Walgreens
Patient: Luis Ramirez   DOB 11/02/1979
Medication: Lisinopril 10 mg   Qty: 90   Refills remaining: 0
[ ] Approved   [ ] Denied"""


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return load_classifier(Settings())


@pytest.fixture(scope="module")
def registry() -> InMemoryRegistry:
    return InMemoryRegistry([GRACE, LUIS])


def test_a_single_page_is_one_document(classifier: Classifier, registry: InMemoryRegistry) -> None:
    result = classifier.classify([REFERRAL], registry)
    assert len(result.segments) == 1
    segment = result.segments[0]
    assert (segment.first_page, segment.last_page) == (1, 1)
    assert segment.doc_type == "referral"
    assert segment.patient.mrn == GRACE.mrn
    assert not segment.needs_review
    assert segment.review_reasons == ()


def test_the_cover_sheet_is_dropped_and_its_sender_kept(
    classifier: Classifier, registry: InMemoryRegistry
) -> None:
    result = classifier.classify([COVER, REFERRAL, REFERRAL_PAGE_2], registry)
    assert result.cover_pages == (1,)
    assert result.sender_name == "Dr. Susan Park"
    assert result.sender_fax == "555-201-7788"
    assert [(s.first_page, s.last_page) for s in result.segments] == [(2, 3)]
    assert result.segments[0].doc_type == "referral"
    assert result.segments[0].patient.mrn == GRACE.mrn


def test_a_spanish_cover_sheet(classifier: Classifier, registry: InMemoryRegistry) -> None:
    result = classifier.classify([PORTADA, LAB], registry)
    assert result.cover_pages == (1,)
    assert result.sender_name == "Clínica Familiar San José"
    assert result.sender_fax == "555-444-1212"


def test_a_fax_holding_two_patients_documents_is_split(
    classifier: Classifier, registry: InMemoryRegistry
) -> None:
    result = classifier.classify([COVER, REFERRAL, REFERRAL_PAGE_2, LAB], registry)
    spans = [(s.first_page, s.last_page, s.doc_type, s.patient.mrn) for s in result.segments]
    assert spans == [(2, 3, "referral", GRACE.mrn), (4, 4, "lab_report", LUIS.mrn)]


def test_one_patients_two_documents_are_split_by_their_titles(
    classifier: Classifier, registry: InMemoryRegistry
) -> None:
    result = classifier.classify([LAB, REFILL], registry)
    assert [(s.doc_type, s.patient.mrn) for s in result.segments] == [
        ("lab_report", LUIS.mrn),
        ("rx_refill_request", LUIS.mrn),
    ]


def test_an_unknown_patient_waits_for_review(classifier: Classifier) -> None:
    result = classifier.classify([REFERRAL], InMemoryRegistry([LUIS]))
    segment = result.segments[0]
    assert segment.patient.mrn is None
    assert segment.needs_review
    assert REASON_PATIENT in segment.review_reasons


def test_an_uncertain_type_waits_for_review(registry: InMemoryRegistry) -> None:
    strict = load_classifier(Settings(doc_type_threshold=1.01))
    segment = strict.classify([REFERRAL], registry).segments[0]
    assert segment.needs_review
    assert REASON_TYPE in segment.review_reasons


def test_an_empty_page_is_not_guessed(classifier: Classifier, registry: InMemoryRegistry) -> None:
    segment = classifier.classify(["  "], registry).segments[0]
    assert segment.needs_review
    assert segment.patient.mrn is None


def test_the_sender_from_a_fax_banner() -> None:
    banner = "03/04/2025 10:12  FROM: 555-888-9999  TO: 555-111-2222  P.001/003\nFax\nPages: 3"
    assert read_sender([banner]).fax == "555-888-9999"
    assert read_sender(["no sender here"]).fax is None


def test_twins_named_by_initial_are_not_filed(classifier: Classifier) -> None:
    gloria = Patient(mrn="4455668", last_name="Okafor", first_name="Gloria",
                     birth_date=GRACE.birth_date)  # fmt: skip
    text = "Referral Form\nPatient: G. Okafor   DOB: 03/14/1961\nReferred to: Cardiology"
    segment = classifier.classify([text], InMemoryRegistry([GRACE, gloria])).segments[0]
    assert segment.patient.mrn is None
    assert segment.review_reasons == (REASON_PATIENT_AMBIGUOUS,)


def test_sender_fax_under_the_from_line_not_the_recipients() -> None:
    from classify.pipeline import read_sender

    cover = (
        "FAX COVER SHEET\n"
        "To: Records Department\n"
        "Fax: (555) 900-1111\n"
        "From: Valley Laboratory\n"
        "Fax: (555) 201-3344\n"
        "Pages: 3 including cover\n"
    )
    sender = read_sender([cover])
    assert (sender.name, sender.fax) == ("Valley Laboratory", "555-201-3344")
    same_line = "TO: Dr. Lee    FAX: 555-900-1111\nFROM: Valley Lab    FAX: 555-201-3344\n"
    assert read_sender([same_line]).fax == "555-201-3344"


def test_the_model_folder_is_a_setting(tmp_path: Path) -> None:
    from classify.doctype import MODEL_DIR
    from classify.pipeline import model_folder
    from recordroom.core import ClassifierError

    assert model_folder(Settings()) == MODEL_DIR
    with pytest.raises(ClassifierError, match="RECORDROOM_MODEL_DIR"):
        load_classifier(Settings(model_dir=str(tmp_path)))
    shutil.copytree(MODEL_DIR, tmp_path / "office")
    classifier = load_classifier(Settings(model_dir=str(tmp_path / "office")))
    page = classifier.read_page(1, "FAX COVER SHEET\nTo: Dr. Wu\nPages: 3", InMemoryRegistry())
    assert page.doc_type == "fax_cover_sheet"


FAX_HEADER = (
    "FAX\n"
    "To: Valley Family Medicine     Fax: (555) 201-3344\n"
    "From: Quest Diagnostics        Fax: (555) 909-1212\n"
    "Pages: 2      Date: 03/14/2026\n"
)
LAB_GRID = """
LABORATORY REPORT
Test                Result    Flag   Reference range     Units
Sodium              139              136-145             mmol/L
Potassium           5.6       H      3.5-5.1             mmol/L
Chloride            101              98-107              mmol/L
Glucose             142       H      70-99               mg/dL
Creatinine          1.1              0.6-1.3             mg/dL
Specimen collected 03/13/2026 07:40, received 03/13/2026 09:12.
"""
COVER_MESSAGE = """Re: results

Message: Please see the attached results for your patient.

CONFIDENTIALITY NOTICE: The documents accompanying this facsimile transmission contain
confidential information belonging to the sender which is legally privileged. If you are not
the intended recipient, any disclosure, copying or distribution is strictly prohibited.
"""


def test_a_fax_header_above_content_is_not_a_cover_sheet(
    classifier: Classifier, registry: InMemoryRegistry
) -> None:
    result = classifier.classify([FAX_HEADER + LAB_GRID], registry)
    assert result.cover_pages == ()
    assert [segment.doc_type for segment in result.segments] == ["lab_report"]
    assert result.sender_fax == "555-909-1212"  # the block's sender details are kept


def test_a_page_that_is_the_header_block_and_its_message_is_a_cover(
    classifier: Classifier, registry: InMemoryRegistry
) -> None:
    result = classifier.classify([FAX_HEADER + COVER_MESSAGE, LAB_GRID], registry)
    assert result.cover_pages == (1,)
    assert [segment.doc_type for segment in result.segments] == ["lab_report"]
    assert result.sender_fax == "555-909-1212"
