"""Patient identification: what is read from a page, and the traps a wrong patient hides in."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest

from classify.patients import (
    PersonName,
    extract_identifiers,
    match_patient,
    parse_dates,
    parse_names,
)
from classify.registry import InMemoryRegistry
from classify.spacy_import import RESTATED_SPECIAL_CASES
from recordroom.core import Patient

D = dt.date

PATIENTS = [
    Patient("1001", "Smith", "John", D(1980, 1, 2), middle_name="Allen", phone="555-123-4567"),
    Patient("1002", "Smith", "James", D(1980, 1, 2), phone="555-123-4567"),  # John's twin
    Patient("1003", "Smith", "John", D(1955, 7, 9), middle_name="Allen"),  # namesake (father)
    Patient("1004", "O'Brien", "Patrick", D(1970, 3, 15)),
    Patient("1005", "Smith-Jones", "Mary", D(1990, 12, 25), middle_name="Kate"),
    Patient("1006", "Turner", "William", D(1962, 4, 30)),
    Patient("1007", "Garcia", "Margaret", D(2001, 11, 5)),
    Patient("1008", "De La Cruz", "Maria", D(1985, 5, 6)),
    Patient("1009", "Lee", "Robert", D(1948, 8, 20)),
    Patient("1010", "Lee", "Robert", D(1948, 8, 2)),  # namesake, nearly the same birthday
    Patient("1011", "Nguyen", "Ann", D(1999, 3, 4)),
    Patient("1012", "Nguyen", "Ann", D(1999, 4, 3)),  # namesake born on the swapped date
    Patient("1013", "Parker", "Ryan", D(1993, 10, 21)),
]


@pytest.fixture(scope="module")
def registry() -> InMemoryRegistry:
    return InMemoryRegistry(PATIENTS)


def mrn_of(text: str, registry: InMemoryRegistry) -> str | None:
    return match_patient(text, registry).mrn


# --- the right patient --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mrn"),
    [
        ("Patient: John Smith    DOB: 01/02/1980", "1001"),
        ("Patient Name: SMITH, JOHN\nDOB: 1-2-80", "1001"),
        ("RE: Smith, John A.  DOB 1980-01-02", "1001"),  # LAST, FIRST M.
        ("Name: John Allen Smith\nDate of Birth: Jan 2, 1980", "1001"),  # full middle name
        ("PATIENT: JOHN A SMITH JR   D.O.B.: 01.02.1980", None),  # dots: 1 Feb, not 2 Jan
        ("PATIENT: JOHN A SMITH JR   D.O.B.: 02.01.1980", "1001"),  # suffix, day-first dots
        ("Pt: Smith, James\nDOB: January 2, 1980", "1002"),  # the twin, by his own name
        ("Patient: Patrick O'Brien  DOB 03/15/1970", "1004"),  # apostrophe
        ("Patient: PATRICK OBRIEN  DOB 3/15/70", "1004"),  # apostrophe dropped
        ("Patient: Mary Smith-Jones  DOB 12/25/1990", "1005"),  # hyphen
        ("Patient: SMITH JONES, MARY K  DOB 12/25/1990", "1005"),  # hyphen lost
        ("Patient: Bill Turner  DOB: April 30, 1962", "1006"),  # nickname
        ('Patient: William "Bill" Turner  DOB: 30 April 1962', "1006"),  # nickname in quotes
        ("Patient: Peggy Garcia DOB 11/05/2001", "1007"),  # nickname
        ("Nombre del paciente: María de la Cruz\nFecha de nacimiento: 06/05/1985", "1008"),
        ("Nombre del paciente: Maria De La Cruz\nFecha de nacimiento: 6 de mayo de 1985", "1008"),
        ("PATIENT: J0HN 5MITH  D0B: O1/O2/198O", "1001"),  # OCR: O→0, S→5 and back
        ("Patient Name\nRobert Lee\nDate of Birth\n08/20/1948", "1009"),  # stacked form
        ("Last Name: Parker   First Name: Ryan   MI:\nBirth Date: 10/21/1993", "1013"),
        ("MRN: 1004\nPatient: Patrick OBrien", "1004"),  # MRN and name agree
        ("Med Rec #: 1013   DOB 10/21/1993", "1013"),  # MRN and DOB agree
        ("Referring Physician: Dr. Robert Lee\nPatient Name: Ryan Parker\nDOB: 10-21-1993", "1013"),
    ],
)
def test_files_the_right_patient(registry: InMemoryRegistry, text: str, mrn: str | None) -> None:
    assert mrn_of(text, registry) == mrn


def test_evidence_and_candidates(registry: InMemoryRegistry) -> None:
    match = match_patient("Patient: John Smith  DOB 01/02/1980  Phone: 555-123-4567", registry)
    assert match.mrn == "1001"
    assert match.confidence >= 0.9
    assert set(match.evidence) == {"name", "dob", "phone"}
    assert match.candidates[0] == ("1001", match.confidence)
    assert {mrn for mrn, _ in match.candidates} >= {"1002", "1003"}
    assert [score for _, score in match.candidates] == sorted(
        (score for _, score in match.candidates), reverse=True
    )


# --- the traps: never a wrong patient -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Patient: John Smith",  # namesakes 1001 and 1003: name alone never files
        "Patient: SMITH, JOHN ALLEN",
        "Patient: J. Smith  DOB 01/02/1980",  # twins John and James share the initial
        "Patient: Smith  DOB 01/02/1980",  # twins: surname and DOB alone
        "Patient: Robert Lee  DOB 1948",  # namesakes born in the same year
    ],
)
def test_ambiguous_documents_go_to_review(registry: InMemoryRegistry, text: str) -> None:
    match = match_patient(text, registry)
    assert match.mrn is None
    assert len(match.candidates) >= 2


def test_twins_are_told_apart_only_by_first_name(registry: InMemoryRegistry) -> None:
    assert mrn_of("Patient: Jim Smith  DOB 01/02/1980", registry) == "1002"
    assert mrn_of("Patient: Jack Smith  DOB 01/02/1980", registry) == "1001"  # Jack for John
    assert mrn_of("Patient: Jeremy Smith  DOB 01/02/1980", registry) is None  # a third sibling


def test_namesakes_are_told_apart_only_by_birth_date(registry: InMemoryRegistry) -> None:
    assert mrn_of("Patient: Robert Lee  DOB: 08/20/1948", registry) == "1009"
    assert mrn_of("Patient: Robert Lee  DOB: 08/02/1948", registry) == "1010"
    assert mrn_of("Patient: Robert Lee  DOB: 08/21/1948", registry) is None  # a slip: review
    assert mrn_of("Patient: Robert Lee", registry) is None


def test_a_swapped_day_and_month_never_files_on_its_own(registry: InMemoryRegistry) -> None:
    # 03/04/1999 is 4 March (1011) as written; 1012 was born on 3 April.
    assert mrn_of("Patient: Ann Nguyen  DOB: 03/04/1999", registry) == "1011"
    assert mrn_of("Patient: Ann Nguyen  DOB: 04/03/1999", registry) == "1012"
    # Ryan Parker, 1993-10-21, with the ISO date's month and day swapped: found, not filed.
    match = match_patient("Patient: Ryan Parker  DOB: 1993-21-10", registry)
    assert match.mrn is None
    match = match_patient("Patient: Robert Lee  DOB: 1948-20-08", registry)
    assert match.mrn is None
    transposed = match_patient("Patient: Mary Smith-Jones  DOB: 1990-12-25", registry)
    assert transposed.mrn == "1005"


def test_an_unambiguous_swap_is_offered_for_review(registry: InMemoryRegistry) -> None:
    registry_local = InMemoryRegistry([Patient("7", "Kim", "Dana", D(1980, 2, 5))])
    match = match_patient("Patient: Dana Kim  DOB: 1980-05-02", registry_local)
    assert match.mrn is None
    assert match.candidates[0][0] == "7"
    assert 0.5 < match.confidence < 0.9


@pytest.mark.parametrize(
    "text",
    [
        "Patient: Brian Smith  DOB 01/02/1980",  # a twin brother who is not registered
        "Patient: John Smith  DOB 06/30/1991",  # a third John Smith, not registered
        "Patient: Bryan Parker  DOB 10/21/1993",  # one letter from Ryan Parker, same DOB
        "Patient: Ryan Barker  DOB 10/21/1993",  # one letter from Parker
        "Patient: Kowalski, Anna  DOB 2/3/1960",  # nobody like her
        "Patient: Patricia O'Brien  DOB 03/15/1970",  # O'Brien's sister born the same day
    ],
)
def test_a_patient_not_in_the_registry_never_matches_someone_else(
    registry: InMemoryRegistry, text: str
) -> None:
    assert mrn_of(text, registry) is None


def test_someone_elses_name_and_birth_date_are_not_the_patients(
    registry: InMemoryRegistry,
) -> None:
    text = (
        "Subscriber Name: John Smith   Subscriber DOB: 01/02/1980\n"
        "Patient Name: Kowalski, Anna   DOB: 02/03/1960\n"
    )
    assert mrn_of(text, registry) is None
    text = "Guarantor: Robert Lee  Guarantor DOB: 08/20/1948\nPatient: Ryan Parker  DOB: 10/21/1993"
    assert mrn_of(text, registry) == "1013"


def test_two_different_people_named_as_patient_go_to_review(registry: InMemoryRegistry) -> None:
    text = "Patient: Ryan Parker  DOB 10/21/1993\nName: Robert Lee\n"
    assert mrn_of(text, registry) is None


def test_an_mrn_of_another_patient_blocks_filing(registry: InMemoryRegistry) -> None:
    assert mrn_of("Patient: Ryan Parker  DOB 10/21/1993\nMRN: 1004", registry) is None


def test_an_mrn_alone_is_not_enough(registry: InMemoryRegistry) -> None:
    match = match_patient("Lab results\nMRN: 1013\n", registry)
    assert match.mrn is None
    assert match.candidates[0][0] == "1013"


def test_an_mrn_that_contradicts_the_name_is_not_trusted(registry: InMemoryRegistry) -> None:
    assert mrn_of("MRN: 1013\nPatient: Anna Kowalski  DOB 2/3/1960", registry) is None


def test_nothing_found_is_no_match(registry: InMemoryRegistry) -> None:
    match = match_patient("Thank you for your referral.", registry)
    assert match.mrn is None
    assert match.confidence == 0.0
    assert match.candidates == ()


def test_the_threshold_is_respected(registry: InMemoryRegistry) -> None:
    text = "Patient: Bill Turner  DOB: April 30, 1962"  # nickname: 0.95
    assert match_patient(text, registry, threshold=0.9).mrn == "1006"
    assert match_patient(text, registry, threshold=0.99).mrn is None


def test_no_patient_data_in_logs(
    registry: InMemoryRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        match_patient("Patient: Zebediah Quixote  DOB 01/02/1980  MRN 1001", registry)
    assert "Zebediah" not in caplog.text
    assert "1980" not in caplog.text


# --- what is read from the page -----------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "01/02/1980",
        "1/2/80",
        "1-2-80",
        "01-02-1980",
        "1980-01-02",
        "1980/01/02",
        "Jan 2, 1980",
        "Jan. 2, 1980",
        "January 2nd, 1980",
        "2 January 1980",
        "2-Jan-1980",
        "02-JAN-80",
        "19800102",
        "O1/O2/198O",
    ],
)
def test_birth_date_formats(written: str) -> None:
    found = parse_dates(written, labelled=True)
    assert found[0].date == D(1980, 1, 2)


def test_day_first_dates() -> None:
    assert parse_dates("02.01.1980")[0].date == D(1980, 1, 2)
    assert parse_dates("2 de enero de 1980")[0].date == D(1980, 1, 2)
    assert parse_dates("02/01/1980", day_first=True)[0].date == D(1980, 1, 2)
    assert [found.date for found in parse_dates("13/01/1980")] == [D(1980, 1, 13)]


def test_ambiguous_dates_give_both_readings_usual_first() -> None:
    first, second = parse_dates("03/04/1999")
    assert (first.date, first.reading) == (D(1999, 3, 4), "first")
    assert (second.date, second.reading) == (D(1999, 4, 3), "second")


def test_future_and_impossible_dates_are_dropped() -> None:
    assert parse_dates("02/30/1980") == []
    assert parse_dates("01/02/2999") == []


@pytest.mark.parametrize(
    ("written", "last", "first", "middle"),
    [
        ("John Smith", "Smith", "John", ""),
        ("SMITH, JOHN", "SMITH", "JOHN", ""),
        ("Smith, John A.", "Smith", "John", "A"),
        ("John A. Smith Jr.", "Smith", "John", "A"),
        ("Smith Jr., John", "Smith", "John", ""),
        ("Smith, John, III", "Smith", "John", ""),
        ("Mary-Kate O'Brien", "O'Brien", "Mary-Kate", ""),
        ("SMITH-JONES, MARY KATE", "SMITH-JONES", "MARY", "KATE"),
        ("Maria de la Cruz", "de la Cruz", "Maria", ""),
        ("Mr. Robert Lee", "Lee", "Robert", ""),
        ("Jane Doe F", "Doe", "Jane", ""),
    ],
)
def test_name_formats(written: str, last: str, first: str, middle: str) -> None:
    name = parse_names(written)[0]
    assert (name.last, name.first, name.middle) == (last, first, middle)


def test_providers_are_not_patients() -> None:
    assert parse_names("Dr. Robert Lee") == []
    assert parse_names("Robert Lee, MD") == []
    assert parse_names("Robert Lee M.D.") == []


def test_extracts_labelled_identifiers() -> None:
    text = (
        "08/13/2025 11:59  FROM: Valley Clinic  TO: (303) 390-4856  P.2/4\n"
        "Referring Physician Name: Dr. Helen Wu   Phone: (303) 555-0000\n"
        "RE: SMITH, JOHN A   DOB: 01/02/1980   Date of Service: 03/04/2023\n"
        "Med Rec #: 00123   Member ID: XG123456789   Home Phone: 555-123-4567\n"
    )
    found = extract_identifiers(text)
    assert [(name.last, name.first) for name in found.names] == [("SMITH", "JOHN")]
    assert {item.date for item in found.birth_dates} == {D(1980, 1, 2), D(1980, 2, 1)}
    assert found.mrns == ("00123",)
    assert found.member_ids == ("XG123456789",)
    assert found.phones == ("5551234567",)  # not the provider's


def test_an_unlabelled_date_beside_the_name_counts_only_when_it_agrees(
    registry: InMemoryRegistry,
) -> None:
    assert mrn_of("RE: Ryan Parker (10/21/1993)", registry) == "1013"
    assert mrn_of("RE: Ryan Parker (03/04/2024)", registry) is None  # a visit date: review


def test_person_name_records_where_it_was_read() -> None:
    (name,) = extract_identifiers("x\nPatient: Ryan Parker\n").names
    assert name == PersonName(last="Parker", first="Ryan", source=name.source)
    assert name.source > 0


# --- the EHR print header: SURNAME, GIVEN (date of birth) on a line of its own ------------------


@pytest.mark.parametrize(
    ("text", "mrn"),
    [
        ("SMITH, JOHN (01/02/1980)\nMRN: 1001\nOffice visit", "1001"),
        ("SMITH, JOHN (01/02/1980)\nOffice visit\nAssessment: stable.", "1001"),  # no MRN line
        ("Turner, William (DOB: 04/30/1962) 64 y.o. M\nProgress note", "1006"),
        ("GARC1A, MARGARET (11/O5/2OO1)\nLab results", "1007"),  # OCR slips
        ("SMITH, JAMES (01/02/1980)\nOffice visit", "1002"),  # the twin, by his own name
        ("SMITH, JOHN (07/09/1955)\nOffice visit", "1003"),  # the namesake, by his birth date
        ("SMITH, JOHN (01/02/1980)\nSMITH, JAMES (01/02/1980)\nOffice visit", None),  # two people
        ("Seen with: SMITH, JOHN (01/02/1980)", None),  # not at the start of a line: a label's
    ],
)
def test_ehr_print_header(registry: InMemoryRegistry, text: str, mrn: str | None) -> None:
    assert mrn_of(text, registry) == mrn


def test_two_names_sharing_a_nickname_are_two_names() -> None:
    from classify.names import are_nicknames

    assert are_nicknames("Hal", "Henry") and are_nicknames("Hal", "Harold")
    assert not are_nicknames("Henry", "Harold")  # twins Henry and Harold stay apart


# --- insurance member IDs -----------------------------------------------------------------------


def test_a_member_id_counts_beside_name_and_birth_date() -> None:
    family = [
        Patient("1", "Garcia", "Maria", D(1961, 3, 14), member_id="XQZ44812"),
        Patient("2", "Garcia", "Maria", D(1970, 3, 14)),  # a namesake
        Patient("3", "Garcia", "Jose", D(1960, 1, 1), member_id="XQZ44812"),  # same plan
        Patient("4", "Garcia", "Jose", D(1990, 1, 1), member_id="XQZ44812"),  # his son
    ]
    registry = InMemoryRegistry(family)
    # The ID beside the name ranks Maria first for review, but an unregistered namesake on the
    # same family plan would look the same: not filed without the birth date.
    found = match_patient("Patient: Maria Garcia\nMember ID: XQZ-44812", registry)
    assert (found.mrn, found.candidates[0]) == (None, ("1", 0.85))
    assert mrn_of("Patient: Maria Garcia\nMember ID: XQZ-44812\nDOB: 3/14/1961", registry) == "1"
    assert mrn_of("Patient: Maria Garcia", registry) is None  # the name alone: two Marias
    assert mrn_of("Member ID: XQZ44812", registry) is None  # the ID alone: a family's
    assert mrn_of("Patient: Jose Garcia\nMember ID: XQZ44812", registry) is None  # father or son
    assert mrn_of("Patient: Jose Garcia\nMember ID: XQZ44812\nDOB: 01/01/1990", registry) == "4"


def test_the_label_tokenizer_is_english_splitting_colons_and_hashes() -> None:
    """Built in one go (``patient_text._nlp``), it splits as spaCy's English tokenizer does once
    ":" and "#" are added to its infixes, on folded and on plain text."""
    import random

    import spacy
    from spacy.util import compile_infix_regex

    from classify import patient_text
    from recordroom.core import DOC_TYPES
    from training.generate import generate_document

    english: Any = spacy.blank("en")
    infixes = [*english.Defaults.infixes, r"[:#]"]
    english.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    labels, _, _ = patient_text._nlp()
    rng = random.Random(11)
    texts = [generate_document(rng, DOC_TYPES[n % len(DOC_TYPES)]) for n in range(120)]
    texts.append("Pt#: 4471 MRN:88-1 D.O.B.:01/02/60 Dr. O'Neil's pt. e.g. a.m. St. Jan. No.:5")
    texts.append("MRN:\n\n 4471\t\tDOB:  01/02/60 \n \nName:\u00a0Jo\r\n")
    for text in texts:
        for read in (text, patient_text._label_text(text)):
            assert [(t.text, t.norm_, t.whitespace_) for t in labels.make_doc(read)] == [
                (t.text, t.norm_, t.whitespace_) for t in english.make_doc(read)
            ]
    # Without the special cases that stop its cache (``spacy_import.RESTATED_SPECIAL_CASES``).
    assert not RESTATED_SPECIAL_CASES & set(labels.tokenizer.rules)
    assert [t.text for t in labels.make_doc("mrn#123 dob:01")] == [
        "mrn",
        "#",
        "123",
        "dob",
        ":",
        "01",
    ]
