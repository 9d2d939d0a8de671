"""The practice's patient registry: reading it from a file, and an in-memory implementation.

``read_registry`` parses the registry CSV of DESIGN.md or a FHIR R4 Bundle of Patient resources into
``Patient`` records; storing them (upsert by MRN) is the indexer's job. Errors name the line (CSV)
or entry (FHIR) and the problem, never a patient's data.

``InMemoryRegistry`` answers ``PatientRegistry.candidates`` for tests, benches and small practices,
with the candidate rules the SQL registry follows too (see its docstring).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from recordroom.core import Patient
from recordroom.core.identifiers import (
    Shortlist,
    as_date,
    is_plain_surname_key,
    normalise_mrn,
    normalise_phone,
    patient_keys,
    transposed,
)

__all__ = [
    "CSV_COLUMNS",
    "InMemoryRegistry",
    "RegistryImport",
    "RowError",
    "as_date",
    "normalise_mrn",
    "normalise_phone",
    "read_csv_text",
    "read_fhir_ndjson_text",
    "read_fhir_text",
    "read_registry",
    "transposed",
]

CSV_COLUMNS: tuple[str, ...] = (
    "mrn",
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "sex",
    "phone",
    "address_line",
    "city",
    "state",
    "postal_code",
)
# One optional column may follow the last: the insurance member ID.
OPTIONAL_COLUMN = "member_id"
REQUIRED_COLUMNS: tuple[str, ...] = ("mrn", "last_name", "first_name", "birth_date")
MR_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203"

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SEX_CODES = {"m": "male", "male": "male", "f": "female", "female": "female"}


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with a row (CSV: the line it starts on; FHIR Bundle: the 1-based entry number;
    NDJSON: the line). The message is complete on its own ("line 4: birth_date is not a real
    date"): it names the place and the problem, never the patient's data. ``skipped`` is False
    for a warning about a row that was imported all the same (a repeated MRN: the last wins)."""

    line: int
    message: str
    skipped: bool = True


@dataclass(frozen=True, slots=True)
class RegistryImport:
    """What a registry file holds: the patients read, and the problems found on the way."""

    patients: tuple[Patient, ...]
    errors: tuple[RowError, ...]


# --- reading files ------------------------------------------------------------------------------


def read_registry(path: Path) -> RegistryImport:
    """Patients from a registry CSV (DESIGN.md), a FHIR R4 Bundle (JSON) of Patient resources, or
    FHIR NDJSON (``.ndjson``, one resource a line). Resources other than Patient are skipped.

    Rows with errors are skipped and reported; a repeated MRN keeps the last row and is reported.
    A file that is neither format, or a CSV with the wrong header, gives no patients and one error.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return _failed("the file is not UTF-8 text; save the registry as UTF-8 CSV or FHIR JSON")
    if path.suffix.lower() == ".ndjson":
        return read_fhir_ndjson_text(text)
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        return read_fhir_text(text)
    return read_csv_text(text)


def read_csv_text(text: str) -> RegistryImport:
    """Patients from the text of a registry CSV; see ``read_registry``."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return _failed(
            "line 1: the file is empty; expected the header row " + ",".join(CSV_COLUMNS)
        )
    header_problem = _header_problem(header)
    if header_problem:
        return _failed(header_problem)
    columns = tuple(cell.strip().lower() for cell in header)
    rows = (
        (line, row) for line, row in _numbered_rows(reader) if any(cell.strip() for cell in row)
    )
    return _collect(((line, _patient_from_row(line, row, columns)) for line, row in rows), "line")


def read_fhir_text(text: str) -> RegistryImport:
    """Patients from the text of a FHIR R4 Bundle (or a single Patient resource)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        return _failed(f"the file is not valid JSON (line {exc.lineno}); expected a FHIR Bundle")
    if not isinstance(document, dict):
        return _failed("the JSON file is not a FHIR resource; expected a Bundle of Patients")
    kind = document.get("resourceType")
    if kind == "Patient":
        return _collect([(1, _patient_from_resource(1, document))], "entry")
    if kind != "Bundle":
        return _failed("the JSON file is not a FHIR Bundle (resourceType must be 'Bundle')")
    entries = document.get("entry") or []
    if not isinstance(entries, list):
        return _failed("the Bundle's 'entry' is not a list")
    resources = [
        (number, entry.get("fullUrl"), entry.get("resource"))
        for number, entry in enumerate(entries, start=1)
        if isinstance(entry, dict) and isinstance(entry.get("resource"), dict)
    ]
    members = coverage_member_ids(resource for _, _, resource in resources)
    patients = (
        (number, _with_member_id(_patient_from_resource(number, resource), resource, url, members))
        for number, url, resource in resources
        if _is_patient(resource)
    )
    return _collect(patients, "entry")


def read_fhir_ndjson_text(text: str) -> RegistryImport:
    """Patients from FHIR Bulk Data NDJSON (one resource a line, as EHR exports write it)."""
    results: list[tuple[int, Patient | str]] = []
    resources: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            resources.append((number, json.loads(line)))
        except json.JSONDecodeError:
            results.append((number, f"line {number}: not valid JSON"))
    members = coverage_member_ids(resource for _, resource in resources)
    for number, resource in resources:
        if _is_patient(resource):
            patient = _patient_from_resource(number, resource, "line")
            results.append((number, _with_member_id(patient, resource, None, members)))
    results.sort(key=lambda item: item[0])
    return _collect(results, "line")


MEMBER_ID_CODES = frozenset({"MB", "SN"})  # v2-0203: member number, subscriber number


def coverage_member_ids(resources: Iterable[Any]) -> dict[str, str]:
    """Insurance member IDs from FHIR ``Coverage`` resources, by the reference of the Patient
    they cover (``Coverage.beneficiary``): the identifier typed MB (member number), else
    ``subscriberId`` (the beneficiary is then the subscriber or shares the ID), else the first
    identifier. The first Coverage of a patient wins."""
    found: dict[str, str] = {}
    for resource in resources:
        if not isinstance(resource, dict) or resource.get("resourceType") != "Coverage":
            continue
        beneficiary = resource.get("beneficiary")
        reference = beneficiary.get("reference") if isinstance(beneficiary, dict) else None
        member = _typed_identifier(resource.get("identifier"), MEMBER_ID_CODES)
        member = member or str(resource.get("subscriberId") or "").strip()
        if isinstance(reference, str) and member:
            found.setdefault(reference, member)
    return found


def _typed_identifier(identifiers: object, codes: frozenset[str]) -> str:
    if not isinstance(identifiers, list):
        return ""
    for ident in identifiers:
        if not isinstance(ident, dict) or not ident.get("value"):
            continue
        kind = ident.get("type")
        codings = kind.get("coding") if isinstance(kind, dict) else None
        if isinstance(codings, list) and any(
            isinstance(coding, dict) and coding.get("code") in codes for coding in codings
        ):
            return str(ident["value"]).strip()
    return ""


def _with_member_id(
    patient: Patient | str, resource: Any, url: object, members: Mapping[str, str]
) -> Patient | str:
    """The patient with the member ID of a Coverage naming them, when the Patient resource does
    not carry one itself (``Patient.identifier`` typed MB or SN)."""
    if isinstance(patient, str) or patient.member_id:
        return patient
    references = [f"Patient/{resource.get('id')}"] if resource.get("id") else []
    if isinstance(url, str):
        references.append(url)
    for reference in references:
        if reference in members:
            return replace(patient, member_id=members[reference])
    return patient


def _failed(message: str) -> RegistryImport:
    return RegistryImport(patients=(), errors=(RowError(line=1, message=message),))


def _is_patient(resource: object) -> bool:
    return isinstance(resource, dict) and resource.get("resourceType") == "Patient"


def _collect(results: Iterable[tuple[int, Patient | str]], place: str) -> RegistryImport:
    """Patients by MRN (the last one wins) and the errors, in file order; ``place`` is "line" or
    "entry", the word the messages use."""
    patients: dict[str, Patient] = {}
    first_seen: dict[str, int] = {}
    errors: list[RowError] = []
    for number, result in results:
        if isinstance(result, str):
            errors.append(RowError(line=number, message=result))
            continue
        key = normalise_mrn(result.mrn)
        if key in patients:
            message = (
                f"{place} {number}: the MRN repeats {place} {first_seen[key]}; "
                "the later one is kept"
            )
            errors.append(RowError(line=number, message=message, skipped=False))
            del patients[key]
        patients[key] = result
        first_seen[key] = number
    return RegistryImport(patients=tuple(patients.values()), errors=tuple(errors))


def _header_problem(header: Sequence[str]) -> str:
    found = [cell.strip().lower() for cell in header]
    if tuple(found) in (CSV_COLUMNS, (*CSV_COLUMNS, OPTIONAL_COLUMN)):
        return ""
    missing = [name for name in CSV_COLUMNS if name not in found]
    unexpected = sum(1 for name in found if name not in (*CSV_COLUMNS, OPTIONAL_COLUMN))
    detail = []
    if missing:
        detail.append("missing " + ", ".join(missing))
    if unexpected:
        detail.append(f"{unexpected} unexpected column(s)")
    if not detail:
        detail.append("columns in the wrong order")
    return (
        "line 1: the header row must be exactly "
        + ",".join(CSV_COLUMNS)
        + " (optionally followed by "
        + OPTIONAL_COLUMN
        + "; "
        + "; ".join(detail)
        + "); no patients were imported"
    )


def _numbered_rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Rows with the file line each starts on (a quoted cell may span lines)."""
    line_reader: Any = reader
    start = line_reader.line_num + 1
    for row in reader:
        yield start, row
        start = line_reader.line_num + 1


def _patient_from_row(
    line: int, row: Sequence[str], columns: Sequence[str] = CSV_COLUMNS
) -> Patient | str:
    if len(row) != len(columns):
        return f"line {line}: expected {len(columns)} columns, found {len(row)}"
    cells = {name: value.strip() for name, value in zip(columns, row, strict=True)}
    empty = [name for name in REQUIRED_COLUMNS if not cells[name]]
    if empty:
        return f"line {line}: required {', '.join(empty)} empty"
    birth_date = _parse_birth_date(cells["birth_date"])
    if isinstance(birth_date, str):
        return f"line {line}: birth_date {birth_date}"
    return Patient(
        mrn=cells["mrn"],
        last_name=cells["last_name"],
        first_name=cells["first_name"],
        middle_name=cells["middle_name"],
        birth_date=birth_date,
        sex=_SEX_CODES.get(cells["sex"].lower(), cells["sex"]),
        phone=cells["phone"],
        address_line=cells["address_line"],
        city=cells["city"],
        state=cells["state"],
        postal_code=cells["postal_code"],
        member_id=cells.get(OPTIONAL_COLUMN, ""),
    )


def _parse_birth_date(value: str) -> dt.date | str:
    """The date, or what is wrong with it (no value quoted)."""
    if not _ISO_DATE.fullmatch(value):
        return "is not in the form YYYY-MM-DD"
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        return "is not a real date"
    if date > dt.date.today():
        return "is in the future"
    if date.year < 1880:
        return "is before 1880"
    return date


# --- FHIR ---------------------------------------------------------------------------------------


def _patient_from_resource(
    number: int, resource: Mapping[str, Any] | None, place: str = "entry"
) -> Patient | str:
    """A ``Patient`` from a FHIR Patient resource validated with ``fhir.resources``, or what is
    wrong with it, naming its ``place`` ("entry" of a Bundle, "line" of NDJSON) and ``number``."""
    from fhir.resources.R4B.patient import Patient as FhirPatient
    from pydantic import ValidationError

    try:
        fhir = FhirPatient.model_validate(resource)
    except ValidationError as exc:
        fields = sorted({".".join(str(part) for part in err["loc"]) for err in exc.errors()})
        return f"{place} {number}: not a valid FHIR R4 Patient (check {', '.join(fields[:5])})"
    except (ValueError, TypeError):  # the message may quote the resource: not repeated
        return f"{place} {number}: not a valid FHIR R4 Patient"
    mrn = _fhir_mrn(fhir)
    if not mrn:
        return f"{place} {number}: the Patient has no identifier to use as MRN"
    name = _fhir_name(fhir)
    if name is None:
        return f"{place} {number}: the Patient has no family and given name"
    birth_date = fhir.birthDate
    if not isinstance(birth_date, dt.date):
        return f"{place} {number}: the Patient has no full birthDate (YYYY-MM-DD)"
    if birth_date > dt.date.today():
        return f"{place} {number}: the Patient's birthDate is in the future"
    last_name, first_name, middle_name = name
    address = _fhir_address(fhir)
    return Patient(
        mrn=mrn,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        birth_date=birth_date,
        sex=str(fhir.gender or ""),
        phone=_fhir_phone(fhir),
        address_line=address[0],
        city=address[1],
        state=address[2],
        postal_code=address[3],
        member_id=_typed_identifier(
            resource.get("identifier") if resource else None, MEMBER_ID_CODES
        ),
    )


def _fhir_mrn(fhir: Any) -> str:
    """The identifier typed MR, else the first that is not a member or subscriber number."""
    identifiers = [ident for ident in (fhir.identifier or []) if ident.value]
    others = []
    for ident in identifiers:
        codings = ident.type.coding if ident.type and ident.type.coding else []
        if any(coding.code == "MR" for coding in codings):
            return str(ident.value).strip()
        if not any(coding.code in MEMBER_ID_CODES for coding in codings):
            others.append(ident)
    return str(others[0].value).strip() if others else ""


_NAME_USE_ORDER = {"official": 0, "usual": 1, None: 2, "temp": 3, "nickname": 4}


def _fhir_name(fhir: Any) -> tuple[str, str, str] | None:
    """(last, first, middle) of the official name, else usual, else any current one. Synthea's
    trailing digits (``Abe604``) are dropped."""
    names = [name for name in (fhir.name or []) if name.use not in ("old", "maiden", "anonymous")]
    names.sort(key=lambda name: _NAME_USE_ORDER.get(name.use, 5))
    for name in names:
        given = [_strip_digits(part) for part in (name.given or []) if _strip_digits(part)]
        family = _strip_digits(name.family or "")
        if family and given:
            return family, given[0], " ".join(given[1:])
    return None


def _strip_digits(text: str) -> str:
    return re.sub(r"\d+$", "", text.strip()).strip()


def _fhir_phone(fhir: Any) -> str:
    phones = [point for point in (fhir.telecom or []) if point.system == "phone" and point.value]
    phones.sort(key=lambda point: {"home": 0, "mobile": 1}.get(point.use, 2))
    return str(phones[0].value) if phones else ""


def _fhir_address(fhir: Any) -> tuple[str, str, str, str]:
    addresses = [address for address in (fhir.address or []) if address.use != "old"]
    addresses.sort(key=lambda address: 0 if address.use == "home" else 1)
    if not addresses:
        return "", "", "", ""
    address = addresses[0]
    return (
        ", ".join(address.line or []),
        address.city or "",
        address.state or "",
        address.postalCode or "",
    )


# --- in-memory registry -------------------------------------------------------------------------


class InMemoryRegistry:
    """A ``PatientRegistry`` held in memory, for tests, benches and small practices. Candidates
    follow ``recordroom.core.identifiers.Shortlist``, as the SQL registry's do; results are
    ordered by MRN."""

    def __init__(self, patients: Iterable[Patient] = ()) -> None:
        self._by_mrn: dict[str, Patient] = {}
        self._mrns_by_date: dict[dt.date, set[str]] = {}
        self._mrns_by_phone: dict[str, set[str]] = {}
        self._mrns_by_member: dict[str, set[str]] = {}
        self._mrns_by_name_key: dict[str, set[str]] = {}
        self._plain_name_keys: list[str] | None = None  # for fuzzy look-ups; rebuilt on change
        for patient in patients:
            self.add(patient)

    def __len__(self) -> int:
        return len(self._by_mrn)

    def __iter__(self) -> Iterator[Patient]:
        return iter(self._by_mrn.values())

    def add(self, patient: Patient) -> None:
        """Add a patient, or replace the one with the same MRN."""
        keys = patient_keys(patient)
        if keys.mrn_key in self._by_mrn:
            self.remove(patient.mrn)
        self._by_mrn[keys.mrn_key] = patient
        self._mrns_by_date.setdefault(keys.birth_date, set()).add(keys.mrn_key)
        if keys.phone_key:
            self._mrns_by_phone.setdefault(keys.phone_key, set()).add(keys.mrn_key)
        if keys.member_key:
            self._mrns_by_member.setdefault(keys.member_key, set()).add(keys.mrn_key)
        for name in keys.surname_keys:
            self._mrns_by_name_key.setdefault(name, set()).add(keys.mrn_key)
        self._plain_name_keys = None

    def remove(self, mrn: str) -> None:
        key = normalise_mrn(mrn)
        patient = self._by_mrn.pop(key, None)
        if patient is None:
            return
        indexes = (
            self._mrns_by_date,
            self._mrns_by_phone,
            self._mrns_by_member,
            self._mrns_by_name_key,
        )
        for index in indexes:
            for mrns in index.values():
                mrns.discard(key)
        self._plain_name_keys = None

    def get(self, mrn: str) -> Patient | None:
        return self._by_mrn.get(normalise_mrn(mrn))

    def candidates(
        self,
        *,
        last_names: Iterable[str] = (),
        birth_dates: Iterable[object] = (),
        mrns: Iterable[str] = (),
        phones: Iterable[str] = (),
        member_ids: Iterable[str] = (),
    ) -> Sequence[Patient]:
        wanted = Shortlist.for_document(
            last_names=last_names,
            birth_dates=birth_dates,
            mrns=mrns,
            phones=phones,
            member_ids=member_ids,
        )
        found = {key for key in wanted.mrn_keys if key in self._by_mrn}
        for day in wanted.birth_dates:
            found |= self._mrns_by_date.get(day, set())
        for phone in wanted.phone_keys:
            found |= self._mrns_by_phone.get(phone, set())
        for member in wanted.member_keys:
            found |= self._mrns_by_member.get(member, set())
        for key in wanted.surname_keys(self._plain_keys):
            found |= self._mrns_by_name_key.get(key, set())
        return [self._by_mrn[key] for key in sorted(found)]

    def _plain_keys(self) -> list[str]:
        if self._plain_name_keys is None:
            self._plain_name_keys = [
                key
                for key, mrns in self._mrns_by_name_key.items()
                if mrns and is_plain_surname_key(key)
            ]
        return self._plain_name_keys
