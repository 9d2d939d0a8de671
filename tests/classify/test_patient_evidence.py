"""The evidence beside a name when a page gives no birth date: home address, phone, an age on a
dated page, identifiers in a table — and the relatives, namesakes and clinicians who share some
of it and must never be filed in the patient's place."""

from __future__ import annotations

import datetime as dt

import pytest

from classify.patients import age_agreement, extract_identifiers, match_patient
from classify.registry import InMemoryRegistry
from recordroom.core import Patient
from recordroom.core.identifiers import normalise_address

D = dt.date
HOME = "412 Maple Ave"

PATIENTS = [
    # father and son of one name and household, both registered
    Patient("2001", "Walker", "Henry", D(1950, 6, 10), phone="(555) 201-3344", address_line=HOME),
    Patient("2002", "Walker", "Henry", D(1979, 2, 3), phone="(555) 201-3344", address_line=HOME),
    # twins: one household, one birth date, two first names
    Patient(
        "2003", "Ortiz", "Lucia", D(1991, 9, 1), phone="(555) 300-1000", address_line="9 Elm St"
    ),
    Patient(
        "2004", "Ortiz", "Marco", D(1991, 9, 1), phone="(555) 300-1000", address_line="9 Elm St"
    ),
    # namesakes in different households
    Patient(
        "2005", "Brown", "Karen", D(1966, 4, 4), phone="(555) 410-0001", address_line="1 Oak Rd"
    ),
    Patient(
        "2006", "Brown", "Karen", D(1972, 8, 8), phone="(555) 410-0002", address_line="77 Lake Dr"
    ),
    # a family plan: mother and daughter share the subscriber's member ID
    Patient("2007", "Reyes", "Ana", D(1958, 1, 20), member_id="XQZ700100200"),
    Patient("2008", "Reyes", "Ana", D(1988, 3, 5), member_id="XQZ700100200"),
    # a patient who is also a surgeon at the hospital
    Patient("2009", "Novak", "Peter", D(1970, 5, 5), address_line="3 Pine Ct"),
    Patient(
        "2010",
        "Quinn",
        "Laura",
        D(1983, 11, 30),
        phone="(555) 777-1212",
        address_line="58 Cedar Ln",
    ),
]


@pytest.fixture(scope="module")
def registry() -> InMemoryRegistry:
    return InMemoryRegistry(PATIENTS)


# --- reading ------------------------------------------------------------------------------------


def test_the_patients_address_is_read_and_someone_elses_is_not() -> None:
    found = extract_identifiers(
        "Patient: Laura Quinn\nAddress: 58 Cedar Ln, Salem, MA 01970\n"
        "Provider Address: 1 Hospital Way\nGuarantor: Tom Quinn   Address: 90 Bay Rd"
    )
    assert found.addresses == ("58 Cedar Ln, Salem, MA 01970",)


def test_an_age_is_read_with_the_date_of_service() -> None:
    found = extract_identifiers("Pt: Laura Quinn\nAge: 42 y.o.   Date of Service: 2026-01-15")
    assert found.ages == (42,)
    assert found.service_dates == (D(2026, 1, 15),)
    assert extract_identifiers("Nombre: Laura Quinn\nEdad: 4l").ages == (41,)  # OCR l for 1
    assert extract_identifiers("Patient: Laura Quinn\nAge: 8 months").ages == ()


def test_a_table_of_column_heads_over_values_is_read_by_column() -> None:
    found = extract_identifiers(
        "Patient          DOB            MRN       Visit Date\n"
        "QUINN, LAURA     11/30/1983     2010      Jan 3, 2025\n"
    )
    assert [(name.last, name.first) for name in found.names] == [("QUINN", "LAURA")]
    assert D(1983, 11, 30) in [item.date for item in found.birth_dates]
    assert found.mrns == ("2010",)
    assert found.service_dates == (D(2025, 1, 3),)


@pytest.mark.parametrize(
    "text",
    [
        "Patient          DOB\nsee attached page for details",
        "Nombre        Dirección []\nTeléfono [ ]\n",  # blank form fields, not a table
        "Patient     DOB\nPhone     Address\nQuinn, Laura   11/30/1983   555-777-1212   58 Cedar",
    ],
)
def test_headings_that_are_not_a_table_read_nothing_below(text: str) -> None:
    found = extract_identifiers(text)
    assert found.names == ()
    assert found.birth_dates == ()


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("412 Maple Ave, Springfield, IL 62704", "412 maple"),
        ("412 N. Maple Avenue", "412 maple"),
        ("4I2 Map1e Ave", "412 maple"),  # OCR: I and 1
        ("Maple Ave", ""),  # no house number
        ("PO Box 12", ""),
    ],
)
def test_addresses_compare_by_house_number_and_street(written: str, key: str) -> None:
    assert normalise_address(written) == key


def test_age_agrees_only_on_every_reading_of_the_date() -> None:
    born = D(1983, 11, 30)
    assert age_agreement([42], [D(2026, 1, 15)], born) is True
    assert age_agreement([41], [D(2026, 1, 15)], born) is None  # a year out: neither
    assert age_agreement([52], [D(2026, 1, 15)], born) is False
    # 03/12/2025 read both ways falls either side of the birthday: no agreement
    assert age_agreement([41], [D(2025, 3, 12), D(2025, 12, 3)], born) is None
    assert age_agreement([41], [], born) is None


# --- filing -------------------------------------------------------------------------------------


def test_name_household_and_age_on_the_day_files(registry: InMemoryRegistry) -> None:
    text = (
        "Patient: Laura Quinn\nAddress: 58 Cedar Ln, Salem, MA 01970\n"
        "Age: 42   Date of Service: 01/15/2026"
    )
    match = match_patient(text, registry)
    assert match.mrn == "2010"
    assert {"name", "address", "age"} <= set(match.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "Patient: Laura Quinn\nAddress: 58 Cedar Ln",
        "Patient: Laura Quinn\nPhone: (555) 777-1212\nAddress: 58 Cedar Ln",
        "Patient: Laura Quinn\nAge: 42   Date of Service: 01/15/2026",  # age without household
        "Patient: L. Quinn\nPhone: (555) 777-1212\nAge: 42   Date of Service: 01/15/2026",
    ],
)
def test_a_household_identifier_or_an_age_alone_ranks_for_review(
    registry: InMemoryRegistry, text: str
) -> None:
    match = match_patient(text, registry)
    assert match.mrn is None
    assert match.candidates[0][0] == "2010"


def test_father_and_son_of_one_household_are_told_apart_by_age(
    registry: InMemoryRegistry,
) -> None:
    page = "Patient: Henry Walker\nPhone: (555) 201-3344\nAge: {}   Date of Service: 2025-06-01"
    assert match_patient(page.format(74), registry).mrn == "2001"
    assert match_patient(page.format(46), registry).mrn == "2002"
    # a third Henry Walker at home, not registered, born between them: neither is filed
    assert match_patient(page.format(60), registry).mrn is None
    # without the age, the household alone cannot tell them apart
    assert match_patient("Patient: Henry Walker\nAddress: 412 Maple Ave", registry).mrn is None


def test_an_unregistered_relative_a_year_apart_is_never_filed(registry: InMemoryRegistry) -> None:
    # Laura's namesake sister (not registered) a year younger, same phone and address
    text = (
        "Patient: Laura Quinn\nPhone: (555) 777-1212\nAddress: 58 Cedar Ln\n"
        "Age: 41   Date of Service: 2026-01-15"
    )
    assert match_patient(text, registry).mrn is None


def test_twins_share_a_household_but_not_a_name(registry: InMemoryRegistry) -> None:
    page = "Patient: {} Ortiz\nAddress: 9 Elm St\nAge: 34   Date of Service: 2025-10-01"
    assert match_patient(page.format("Lucia"), registry).mrn == "2003"
    assert match_patient(page.format("Marco"), registry).mrn == "2004"
    assert match_patient(page.format("Elena"), registry).mrn is None  # an unregistered sibling


def test_a_namesake_in_another_household_is_not_filed(registry: InMemoryRegistry) -> None:
    # Karen Brown of 1 Oak Rd, but the age of the other Karen Brown (born 1972): nobody
    text = "Patient: Karen Brown\nAddress: 1 Oak Rd\nAge: 53   Date of Service: 2025-09-01"
    assert match_patient(text, registry).mrn is None
    own = "Patient: Karen Brown\nAddress: 1 Oak Rd\nAge: 59   Date of Service: 2025-09-01"
    assert match_patient(own, registry).mrn == "2005"
    # the namesake's birth date beside this Karen's address: the birth date decides
    dob = "Patient: Karen Brown   DOB: 08/08/1972\nAddress: 1 Oak Rd"
    assert match_patient(dob, registry).mrn == "2006"


def test_a_shared_family_plan_member_id_never_files_on_the_name(
    registry: InMemoryRegistry,
) -> None:
    assert match_patient("Member: Ana Reyes\nMember ID: XQZ700100200", registry).mrn is None
    both = "Member: Ana Reyes   DOB: 03/05/1988\nMember ID: XQZ700100200"
    assert match_patient(both, registry).mrn == "2008"


def test_a_clinician_named_in_an_operative_report_is_not_the_patient(
    registry: InMemoryRegistry,
) -> None:
    report = (
        "OPERATIVE REPORT\nPatient: Laura Quinn   DOB: 11/30/1983\n"
        "SURGEON: Peter Novak, MD\nASSISTANT: Henry Walker, PA-C\n"
        "The patient was brought to the operating room. Dr. Novak performed the repair."
    )
    assert match_patient(report, registry).mrn == "2010"
    without_patient = (
        "OPERATIVE REPORT\nSURGEON: Peter Novak, MD\nAddress: 3 Pine Ct\n"
        "ANESTHESIOLOGIST: Henry Walker, MD"
    )
    assert match_patient(without_patient, registry).mrn is None


def test_a_birth_date_one_digit_off_goes_to_review_whatever_else_agrees(
    registry: InMemoryRegistry,
) -> None:
    text = (
        "Patient: Laura Quinn   DOB: 11/30/1988\nPhone: (555) 777-1212\n"
        "Address: 58 Cedar Ln\nMRN: 2010"
    )
    match = match_patient(text, registry)
    assert match.mrn is None
    assert match.candidates[0][0] == "2010"


def test_a_wrong_age_beside_the_right_birth_date_is_the_slip(registry: InMemoryRegistry) -> None:
    text = "Patient: Laura Quinn   DOB: 11/30/1983\nAge: 61   Date of Service: 2026-01-15"
    assert match_patient(text, registry).mrn == "2010"
    # without the birth date, the same age rules her out
    text = "Patient: Laura Quinn\nAddress: 58 Cedar Ln\nAge: 61   Date of Service: 2026-01-15"
    match = match_patient(text, registry)
    assert match.mrn is None
    assert match.confidence <= 0.5


def test_a_birth_date_on_the_top_of_page_two_counts(registry: InMemoryRegistry) -> None:
    text = (
        "Re: Laura Quinn\nDear Dr. Wu,\nThank you for seeing her.\f"
        "QUINN, LAURA   Date of Birth: 11/30/1983   Page 2 of 2\nPlan: follow up."
    )
    assert match_patient(text, registry).mrn == "2010"
