"""The patient registry in SQL: upsert by MRN, and candidate look-up for the matcher."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from indexer.models import PatientRow, utcnow
from recordroom.core import NotFoundError, Patient
from recordroom.core.identifiers import (
    last_name_key,
    last_name_keys,
    normalise_mrn,
    normalise_phone,
)

FIELDS = (
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
MAX_CANDIDATES = 200


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    added: int
    updated: int
    unchanged: int


def upsert_patients(session: Session, patients: Iterable[Patient]) -> UpsertCounts:
    """Add new MRNs and update existing ones (the caller commits)."""
    added = updated = unchanged = 0
    for patient in patients:
        row = session.get(PatientRow, patient.mrn)
        if row is None:
            session.add(_row_for(patient))
            added += 1
            continue
        changed = False
        for name in FIELDS:
            if getattr(row, name) != getattr(patient, name):
                setattr(row, name, getattr(patient, name))
                changed = True
        if changed:
            row.mrn_key = normalise_mrn(patient.mrn)
            row.last_name_key = last_name_key(patient.last_name)
            row.phone_key = normalise_phone(patient.phone)
            row.updated_at = utcnow()
            updated += 1
        else:
            unchanged += 1
    return UpsertCounts(added, updated, unchanged)


def _row_for(patient: Patient) -> PatientRow:
    return PatientRow(
        mrn=patient.mrn,
        **{name: getattr(patient, name) for name in FIELDS},
        mrn_key=normalise_mrn(patient.mrn),
        last_name_key=last_name_key(patient.last_name),
        phone_key=normalise_phone(patient.phone),
    )


def to_patient(row: PatientRow) -> Patient:
    return Patient(mrn=row.mrn, **{name: getattr(row, name) for name in FIELDS})


def get_patient(session: Session, mrn: str) -> Patient:
    row = session.get(PatientRow, mrn)
    if row is None:
        raise NotFoundError(f"there is no patient with MRN {mrn} in the registry")
    return to_patient(row)


def count_patients(session: Session) -> int:
    return len(session.scalars(select(PatientRow.mrn)).all())


class SqlPatientRegistry:
    """``PatientRegistry`` over the patients table.

    A patient is a candidate when any identifier found on the page agrees: MRN (normalised), birth
    date (also with day and month swapped), phone digits, or surname key (whole or one part of a
    hyphenated surname). Scoring is the matcher's job; this only narrows the registry down.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def candidates(
        self,
        *,
        last_names: Iterable[str] = (),
        birth_dates: Iterable[object] = (),
        mrns: Iterable[str] = (),
        phones: Iterable[str] = (),
    ) -> Sequence[Patient]:
        mrn_keys = {normalise_mrn(m) for m in mrns} - {""}
        phone_keys = {normalise_phone(p) for p in phones} - {""}
        name_keys: set[str] = set()
        for name in last_names:
            name_keys |= last_name_keys(name)
        dates = _dates_with_swaps(birth_dates)
        conditions = []
        if mrn_keys:
            conditions.append(PatientRow.mrn_key.in_(mrn_keys))
        if phone_keys:
            conditions.append(PatientRow.phone_key.in_(phone_keys))
        if name_keys:
            conditions.append(PatientRow.last_name_key.in_(name_keys))
        if dates:
            conditions.append(PatientRow.birth_date.in_(dates))
        if not conditions:
            return []
        rows = self.session.scalars(
            select(PatientRow).where(or_(*conditions)).limit(MAX_CANDIDATES)
        ).all()
        return [to_patient(row) for row in rows]


def _dates_with_swaps(values: Iterable[object]) -> set[dt.date]:
    dates: set[dt.date] = set()
    for value in values:
        if not isinstance(value, dt.date):
            continue
        dates.add(value)
        if value.day <= 12 and value.day != value.month:
            dates.add(value.replace(month=value.day, day=value.month))
    return dates
