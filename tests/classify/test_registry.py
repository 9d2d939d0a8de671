"""Reading the patient registry (CSV, FHIR R4 Bundles) and the in-memory registry's candidates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from classify.names import are_nicknames, last_name_search_keys, name_key, phonetic_key
from classify.registry import (
    CSV_COLUMNS,
    InMemoryRegistry,
    RegistryImport,
    normalise_mrn,
    normalise_phone,
    read_registry,
)
from recordroom.core import Patient, PatientRegistry

HEADER = ",".join(CSV_COLUMNS)


def write_csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "registry.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_rows_become_patients(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "A100,O'Brien,Patrick,James,1970-03-15,M,(555) 123-4567,1 Main St,Boston,MA,02110",
        'A101,Smith-Jones,Mary,,1990-12-25,F,,"12 Elm St, Apt 3",Salem,MA,01970',
    )
    result = read_registry(path)
    assert result.errors == ()
    first, second = result.patients
    assert first == Patient(
        mrn="A100",
        last_name="O'Brien",
        first_name="Patrick",
        middle_name="James",
        birth_date=dt.date(1970, 3, 15),
        sex="male",
        phone="(555) 123-4567",
        address_line="1 Main St",
        city="Boston",
        state="MA",
        postal_code="02110",
    )
    assert second.last_name == "Smith-Jones"
    assert second.address_line == "12 Elm St, Apt 3"
    assert second.middle_name == ""


def test_csv_rows_with_errors_are_reported_by_line_and_skipped(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "1,Good,Row,,1980-01-02,,,,,,",
        ",Nomrn,Row,,1980-01-02,,,,,,",  # line 3: mrn empty
        "3,Baddate,Row,,01/02/1980,,,,,,",  # line 4: wrong date format
        "4,Notreal,Row,,1980-02-30,,,,,,",  # line 5: no such day
        "5,Short,Row",  # line 6: too few columns
        "6,Future,Row,,2999-01-01,,,,,,",  # line 7
        "",  # a blank line is ignored
        "7,Alsogood,Row,,1975-05-05,,,,,,",
    )
    result = read_registry(path)
    assert [patient.mrn for patient in result.patients] == ["1", "7"]
    assert [error.line for error in result.errors] == [3, 4, 5, 6, 7]
    assert all(error.skipped for error in result.errors)
    messages = [error.message for error in result.errors]
    assert messages[0].startswith("line 3:") and "mrn" in messages[0]
    assert "YYYY-MM-DD" in messages[1]
    assert "not a real date" in messages[2]
    assert "columns" in messages[3]
    assert "future" in messages[4]


def test_error_messages_carry_no_patient_data(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "9,Zebediah,Quixote,,13/13/1980,,555-867-5309,,,,")
    (error,) = read_registry(path).errors
    for private in ("Zebediah", "Quixote", "13/13/1980", "867"):
        assert private not in error.message


def test_a_wrong_header_is_one_clear_error(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "1,Smith,John,,1980-01-02,,,,,,",
        header="mrn,surname,first_name,middle_name,birth_date,sex,phone,address_line,city,state,zip",
    )
    result = read_registry(path)
    assert result.patients == ()
    (error,) = result.errors
    assert error.line == 1
    assert "header" in error.message and "last_name" in error.message


def test_a_header_row_that_is_really_data_is_refused_without_quoting_it(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text("1,Smith,John,,1980-01-02,,,,,,\n", encoding="utf-8")
    (error,) = read_registry(path).errors
    assert "Smith" not in error.message


def test_a_repeated_mrn_keeps_the_last_row_and_says_so(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "00123,Smith,John,,1980-01-02,,,,,,",
        "2,Jones,Ann,,1970-01-01,,,,,,",
        "123,Smith,Jonathan,,1980-01-02,,,,,,",
    )
    result = read_registry(path)
    assert [patient.first_name for patient in result.patients] == ["Ann", "Jonathan"]
    (error,) = result.errors
    assert error.line == 4
    assert "line 2" in error.message
    assert not error.skipped  # a warning: the row was imported


def test_csv_with_byte_order_mark_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_bytes(("\ufeff" + HEADER + "\r\n1,Smith,John,,1980-01-02,,,,,,\r\n").encode())
    result = read_registry(path)
    assert result.errors == ()
    assert result.patients[0].last_name == "Smith"


# --- FHIR ---------------------------------------------------------------------------------------


def fhir_patient(**fields: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [
            {"system": "https://github.com/synthetichealth/synthea", "value": "uuid-1"},
            {
                "type": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                            "code": "MR",
                            "display": "Medical Record Number",
                        }
                    ]
                },
                "system": "http://hospital.smarthealthit.org",
                "value": "MR-4471",
            },
        ],
        "name": [
            {
                "use": "official",
                "family": "Huels583",
                "given": ["Abe604", "Carl41"],
                "prefix": ["Mr."],
            },
            {"use": "nickname", "given": ["Ab"]},
        ],
        "telecom": [{"system": "phone", "value": "555-867-5309", "use": "home"}],
        "gender": "male",
        "birthDate": "1961-07-04",
        "address": [
            {
                "line": ["123 Ondricka Way", "Unit 4"],
                "city": "Worcester",
                "state": "MA",
                "postalCode": "01602",
            }
        ],
    }
    resource.update(fields)
    return resource


def synthea_bundle(*patients: dict[str, Any]) -> dict[str, Any]:
    """A transaction Bundle shaped like Synthea's output: Patients among other resources."""
    entries: list[dict[str, Any]] = [
        {"fullUrl": "urn:uuid:org", "resource": {"resourceType": "Organization", "name": "Clinic"}}
    ]
    for number, patient in enumerate(patients):
        entries.append({"fullUrl": f"urn:uuid:{number}", "resource": patient})
        entries.append(
            {
                "resource": {
                    "resourceType": "Encounter",
                    "status": "finished",
                    "subject": {"reference": f"urn:uuid:{number}"},
                }
            }
        )
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def write_json(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_fhir_bundle_patients_are_read_and_other_resources_skipped(tmp_path: Path) -> None:
    result = read_registry(write_json(tmp_path, synthea_bundle(fhir_patient())))
    assert result.errors == ()
    (patient,) = result.patients
    assert patient.mrn == "MR-4471"  # the identifier typed MR, not the first one
    assert (patient.last_name, patient.first_name, patient.middle_name) == ("Huels", "Abe", "Carl")
    assert patient.birth_date == dt.date(1961, 7, 4)
    assert patient.sex == "male"
    assert patient.phone == "555-867-5309"
    assert patient.address_line == "123 Ondricka Way, Unit 4"
    assert (patient.city, patient.state, patient.postal_code) == ("Worcester", "MA", "01602")


def test_fhir_without_an_mr_identifier_uses_the_first(tmp_path: Path) -> None:
    resource = fhir_patient(identifier=[{"value": "X-1"}, {"value": "X-2"}])
    (patient,) = read_registry(write_json(tmp_path, synthea_bundle(resource))).patients
    assert patient.mrn == "X-1"


def test_fhir_prefers_the_official_name(tmp_path: Path) -> None:
    resource = fhir_patient(
        name=[
            {"use": "maiden", "family": "Oldname", "given": ["Mary"]},
            {"use": "usual", "family": "Usual", "given": ["Peggy"]},
            {"use": "official", "family": "Official", "given": ["Margaret"]},
        ]
    )
    (patient,) = read_registry(write_json(tmp_path, synthea_bundle(resource))).patients
    assert (patient.last_name, patient.first_name) == ("Official", "Margaret")


def test_invalid_fhir_patients_are_reported_by_entry_and_skipped(tmp_path: Path) -> None:
    bundle = synthea_bundle(
        fhir_patient(),
        fhir_patient(id="p2", birthDate="1961-13-45"),  # entry 4: invalid date
        fhir_patient(id="p3", identifier=[]),  # entry 6: no MRN
        fhir_patient(id="p4", birthDate="1961"),  # entry 8: partial birth date
        fhir_patient(id="p5", name=[{"family": "Solo"}]),  # entry 10: no given name
    )
    result = read_registry(write_json(tmp_path, bundle))
    assert len(result.patients) == 1
    assert [error.line for error in result.errors] == [4, 6, 8, 10]
    assert all(error.message.startswith(f"entry {error.line}:") for error in result.errors)
    assert "birthDate" in result.errors[0].message
    assert "1961-13-45" not in result.errors[0].message
    assert all("Huels" not in error.message for error in result.errors)


def test_fhir_repeated_mrn_keeps_the_last_entry(tmp_path: Path) -> None:
    later = fhir_patient(id="p2", birthDate="1962-01-01")
    result = read_registry(write_json(tmp_path, synthea_bundle(fhir_patient(), later)))
    (patient,) = result.patients
    assert patient.birth_date == dt.date(1962, 1, 1)
    (error,) = result.errors
    assert "repeats entry 2" in error.message


@pytest.mark.parametrize(
    "content",
    ["{not json", json.dumps({"resourceType": "Observation"}), json.dumps([1, 2])],
)
def test_json_that_is_not_a_bundle_is_one_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(content, encoding="utf-8")
    result = read_registry(path)
    assert result.patients == ()
    assert len(result.errors) == 1


def test_registry_import_is_a_frozen_record(tmp_path: Path) -> None:
    result = read_registry(write_csv(tmp_path))
    assert result == RegistryImport(patients=(), errors=())
    with pytest.raises(AttributeError):
        result.patients = ()  # type: ignore[misc]


# --- keys and normalisation -------------------------------------------------------------------


def test_normalise_mrn() -> None:
    assert normalise_mrn(" 000123 ") == normalise_mrn("123") == "123"
    assert normalise_mrn("12-34 5") == "12345"
    assert normalise_mrn("O0l23") == "123"  # OCR letters in a numeric MRN
    assert normalise_mrn("ab-12") == "AB12"


def test_normalise_phone() -> None:
    assert normalise_phone("(555) 867-5309") == "5558675309"
    assert normalise_phone("+1 555.867.5309") == "5558675309"
    assert normalise_phone("867-5309") == "8675309"
    assert normalise_phone("ext 12") == ""


def test_name_keys_fold_spelling_and_ocr() -> None:
    assert name_key("O'Brien") == name_key("OBRIEN") == name_key("0'Brien") == name_key("o brien")
    assert name_key("Smith-Jones") == name_key("SMITH JONES")
    assert name_key("Smith Jr.") == name_key("Smith")
    assert name_key("W1LLI5") == name_key("Willis")
    assert name_key("García") == name_key("Garcia")
    assert phonetic_key("Smith") == phonetic_key("Smyth") == "S530"
    assert {"smlth", "jones"} <= last_name_search_keys("Smith-Jones")


def test_nicknames() -> None:
    assert are_nicknames("Bill", "William")
    assert are_nicknames("bob", "ROBERT")
    assert are_nicknames("Peggy", "Margaret")
    assert are_nicknames("Paco", "Francisco")  # the Spanish supplement
    assert not are_nicknames("Bill", "Thomas")


# --- candidates ---------------------------------------------------------------------------------


@pytest.fixture
def registry() -> InMemoryRegistry:
    return InMemoryRegistry(
        [
            Patient("1", "Smith", "John", dt.date(1980, 1, 2), phone="555-123-4567"),
            Patient("2", "Smyth", "Jane", dt.date(1975, 6, 7)),
            Patient("3", "O'Brien", "Patrick", dt.date(1970, 3, 15)),
            Patient("4", "Smith-Jones", "Mary", dt.date(1990, 12, 25)),
            Patient("5", "Nguyen", "Thi", dt.date(2001, 2, 1)),
        ]
    )


def mrns(patients: object) -> list[str]:
    assert isinstance(patients, list)
    return [patient.mrn for patient in patients]


def test_candidates_by_mrn(registry: InMemoryRegistry) -> None:
    assert mrns(registry.candidates(mrns=["0003"])) == ["3"]
    assert mrns(registry.candidates(mrns=["999"])) == []


def test_candidates_by_birth_date_including_transposed(registry: InMemoryRegistry) -> None:
    assert mrns(registry.candidates(birth_dates=[dt.date(1980, 1, 2)])) == ["1"]
    assert mrns(registry.candidates(birth_dates=[dt.date(1980, 2, 1)])) == ["1"]
    assert mrns(registry.candidates(birth_dates=["2001-01-02"])) == ["5"]


def test_candidates_by_phone(registry: InMemoryRegistry) -> None:
    assert mrns(registry.candidates(phones=["(555) 123 4567"])) == ["1"]


def test_candidates_by_last_name_exact_phonetic_fuzzy_and_parts(
    registry: InMemoryRegistry,
) -> None:
    assert mrns(registry.candidates(last_names=["SMITH"])) == ["1", "2", "4"]  # Smyth sounds alike
    assert mrns(registry.candidates(last_names=["OBRIEN"])) == ["3"]
    assert mrns(registry.candidates(last_names=["O'Brlen"])) == ["3"]  # fuzzy
    assert "4" in mrns(registry.candidates(last_names=["Jones"]))
    assert mrns(registry.candidates(last_names=["Kowalski"])) == []


def test_registry_replaces_by_mrn(registry: InMemoryRegistry) -> None:
    registry.add(Patient("1", "Smith", "Johnny", dt.date(1980, 1, 2)))
    assert len(registry) == 5
    patient = registry.get("001")
    assert patient is not None and patient.first_name == "Johnny"


def test_fhir_ndjson_export_is_read_line_by_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"resourceType": "Organization", "name": "Clinic"}),
        json.dumps(fhir_patient()),
        "{broken",
        json.dumps(fhir_patient(id="p2", identifier=[{"value": "X-9"}], birthDate="1961-02-30")),
    ]
    path = tmp_path / "Patient.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_registry(path)
    assert [patient.mrn for patient in result.patients] == ["MR-4471"]
    assert [error.line for error in result.errors] == [3, 4]
    assert all(error.message.startswith(f"line {error.line}:") for error in result.errors)


def test_in_memory_registry_is_a_patient_registry() -> None:
    registry: PatientRegistry = InMemoryRegistry()
    assert list(registry.candidates(last_names=["Smith"])) == []


# --- insurance member IDs -------------------------------------------------------------------


def test_csv_may_end_with_a_member_id_column(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text(
        ",".join((*CSV_COLUMNS, "member_id"))
        + "\n1,Doe,Jane,,1980-01-02,F,,,,,,W123456789\n2,Doe,John,,1980-01-02,M,,,,,,\n",
        encoding="utf-8",
    )
    result = read_registry(path)
    assert result.errors == ()
    assert [p.member_id for p in result.patients] == ["W123456789", ""]


def test_fhir_member_ids_from_patient_identifier_and_coverage(tmp_path: Path) -> None:
    def typed(code: str, value: str) -> dict[str, Any]:
        return {"type": {"coding": [{"code": code}]}, "value": value}

    bundle = {
        "resourceType": "Bundle",
        "entry": [
            {
                "resource": {
                    "resourceType": "Patient",
                    "id": "p1",
                    "identifier": [typed("MB", "MB777"), typed("MR", "555")],
                    "name": [{"family": "Doe", "given": ["Jane"]}],
                    "birthDate": "1980-01-02",
                }
            },
            {
                "fullUrl": "urn:uuid:0f1e",
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [typed("SN", "SUB1"), {"value": "556"}],
                    "name": [{"family": "Roe", "given": ["Ann"]}],
                    "birthDate": "1981-01-02",
                },
            },
            {
                "resource": {
                    "resourceType": "Coverage",
                    "status": "active",
                    "beneficiary": {"reference": "urn:uuid:0f1e"},
                    "subscriberId": "SUB999",
                }
            },
        ],
    }
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    result = read_registry(path)
    assert result.errors == ()
    # the MR identifier is the MRN, never the member number; a Patient's own MB/SN number wins
    assert [(p.mrn, p.member_id) for p in result.patients] == [("555", "MB777"), ("556", "SUB1")]


def test_fhir_coverage_gives_a_member_id_to_the_patient_it_covers(tmp_path: Path) -> None:
    lines = [
        {
            "resourceType": "Coverage",
            "status": "active",
            "beneficiary": {"reference": "Patient/p2"},
            "identifier": [{"type": {"coding": [{"code": "MB"}]}, "value": "W55501"}],
        },
        {
            "resourceType": "Patient",
            "id": "p2",
            "identifier": [{"value": "557"}],
            "name": [{"family": "Poe", "given": ["Al"]}],
            "birthDate": "1970-05-06",
        },
    ]
    path = tmp_path / "export.ndjson"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    assert [p.member_id for p in read_registry(path).patients] == ["W55501"]


def test_candidates_by_member_id() -> None:
    ann = Patient("1", "Ruiz", "Ann", dt.date(1980, 3, 4), member_id="W123-456-789")
    registry = InMemoryRegistry([ann, Patient("2", "Ruiz", "Bo", dt.date(1981, 3, 4))])
    assert [p.mrn for p in registry.candidates(member_ids=["W123456789"])] == ["1"]
