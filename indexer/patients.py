"""The patient registry in SQL: upsert by MRN, and candidate look-up for the matcher."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from indexer.models import PatientNameKeyRow, PatientRow
from recordroom.core import Patient
from recordroom.core.identifiers import Shortlist, is_plain_surname_key, patient_keys
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
        keys = patient_keys(patient)
        row.mrn_key = keys.mrn_key
        row.phone_key = keys.phone_key
        row.member_key = keys.member_key
        row.updated_at = utcnow()
        session.flush()
        session.execute(delete(PatientNameKeyRow).where(PatientNameKeyRow.mrn == patient.mrn))
        session.add_all(PatientNameKeyRow(mrn=patient.mrn, key=key) for key in keys.surname_keys)
    session.flush()
    return UpsertCounts(added, updated, unchanged)


def to_patient(row: PatientRow) -> Patient:
    return Patient(mrn=row.mrn, **{name: getattr(row, name) for name in FIELDS})


class SqlPatientRegistry:
    """``PatientRegistry`` over the patients table: the candidates of
    ``recordroom.core.identifiers.Shortlist``, looked up through indexed columns. Scoring is the
    matcher's job."""

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
        member_ids: Iterable[str] = (),
    ) -> Sequence[Patient]:
        wanted = Shortlist.for_document(
            last_names=last_names,
            birth_dates=birth_dates,
            mrns=mrns,
            phones=phones,
            member_ids=member_ids,
        )
        name_keys = wanted.surname_keys(self._stored_surname_keys)
        conditions = []
        if wanted.mrn_keys:
            conditions.append(PatientRow.mrn_key.in_(wanted.mrn_keys))
        if wanted.phone_keys:
            conditions.append(PatientRow.phone_key.in_(wanted.phone_keys))
        if wanted.member_keys:
            conditions.append(PatientRow.member_key.in_(wanted.member_keys))
        if wanted.birth_dates:
            conditions.append(PatientRow.birth_date.in_(wanted.birth_dates))
        if name_keys:
            by_name = select(PatientNameKeyRow.mrn).where(PatientNameKeyRow.key.in_(name_keys))
            conditions.append(PatientRow.mrn.in_(by_name))
        if not conditions:
            return []
        rows = self.session.scalars(
            select(PatientRow).where(or_(*conditions)).order_by(PatientRow.mrn_key)
        ).all()
        return [to_patient(row) for row in rows]

    def _stored_surname_keys(self) -> list[str]:
        if self._surname_keys is None:
            stored = self.session.scalars(select(PatientNameKeyRow.key).distinct())
            self._surname_keys = [key for key in stored if is_plain_surname_key(key)]
        return self._surname_keys
