"""The patient registry in SQL: upsert by MRN, and candidate look-up for the matcher."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from indexer.models import PatientNameKeyRow, PatientRow
from recordroom.core import Patient
from recordroom.core.identifiers import (
    as_date,
    last_name_search_keys,
    name_key,
    normalise_mrn,
    normalise_phone,
    similar_name_keys,
    transposed,
)
from recordroom.core.sql import utcnow

FIELDS = tuple(f.name for f in fields(Patient) if f.name != "mrn")


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
            row = PatientRow(mrn=patient.mrn)
            session.add(row)
            added += 1
        elif all(getattr(row, name) == getattr(patient, name) for name in FIELDS):
            unchanged += 1
            continue
        else:
            updated += 1
        for name in FIELDS:
            setattr(row, name, getattr(patient, name))
        row.mrn_key = normalise_mrn(patient.mrn)
        row.phone_key = normalise_phone(patient.phone)
        row.updated_at = utcnow()
        session.flush()
        session.execute(delete(PatientNameKeyRow).where(PatientNameKeyRow.mrn == patient.mrn))
        session.add_all(
            PatientNameKeyRow(mrn=patient.mrn, key=key)
            for key in last_name_search_keys(patient.last_name)
        )
    session.flush()
    return UpsertCounts(added, updated, unchanged)


def to_patient(row: PatientRow) -> Patient:
    return Patient(mrn=row.mrn, **{name: getattr(row, name) for name in FIELDS})


class SqlPatientRegistry:
    """``PatientRegistry`` over the patients table, with the candidate rules of
    ``classify.registry.InMemoryRegistry``: a patient is a candidate when an MRN (normalised), a
    birth date (also with day and month swapped), a phone number (digits) or a surname key
    (``last_name_search_keys``, or a stored surname key within fuzzy reach) agrees. Scoring is the
    matcher's job; this only narrows the registry down, through indexed columns."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._surname_keys: list[str] | None = None

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
        dates = _dates_and_swaps(birth_dates)
        name_keys = self._name_keys(list(last_names))
        conditions = []
        if mrn_keys:
            conditions.append(PatientRow.mrn_key.in_(mrn_keys))
        if phone_keys:
            conditions.append(PatientRow.phone_key.in_(phone_keys))
        if dates:
            conditions.append(PatientRow.birth_date.in_(dates))
        if name_keys:
            by_name = select(PatientNameKeyRow.mrn).where(PatientNameKeyRow.key.in_(name_keys))
            conditions.append(PatientRow.mrn.in_(by_name))
        if not conditions:
            return []
        rows = self.session.scalars(
            select(PatientRow).where(or_(*conditions)).order_by(PatientRow.mrn_key)
        ).all()
        return [to_patient(row) for row in rows]

    def _name_keys(self, last_names: list[str]) -> set[str]:
        keys: set[str] = set()
        exact = []
        for name in last_names:
            keys |= last_name_search_keys(name)
            if name_key(name):
                exact.append(name_key(name))
        if exact:
            keys |= similar_name_keys(exact, self._stored_surname_keys())
        return keys

    def _stored_surname_keys(self) -> list[str]:
        if self._surname_keys is None:
            self._surname_keys = list(
                self.session.scalars(
                    select(PatientNameKeyRow.key)
                    .where(PatientNameKeyRow.key.not_like("~%"))
                    .distinct()
                )
            )
        return self._surname_keys


def _dates_and_swaps(values: Iterable[object]) -> set[dt.date]:
    dates: set[dt.date] = set()
    for value in values:
        date = as_date(value)
        if date is not None:
            dates.add(date)
            swapped = transposed(date)
            if swapped is not None:
                dates.add(swapped)
    return dates
