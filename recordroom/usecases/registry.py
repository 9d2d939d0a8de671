"""The patient registry as people browse it: found by name, birth date or MRN; one patient's
record (their documents by type and date)."""

from __future__ import annotations

from dataclasses import dataclass

from indexer.browse import DocumentSummary, find_patients, get_patient, patient_documents
from recordroom.core import Patient
from recordroom.core.actor import Actor
from recordroom.usecases.access import require_role
from recordroom.wiring import Context

READERS = ("intake", "clerk")


@dataclass(frozen=True, slots=True)
class PatientRecord:
    patient: Patient
    documents: tuple[DocumentSummary, ...]  # by type, newest first within a type

    def by_type(self) -> dict[str, list[DocumentSummary]]:
        grouped: dict[str, list[DocumentSummary]] = {}
        for document in self.documents:
            grouped.setdefault(document.doc_type, []).append(document)
        return grouped


def patient_json(patient: Patient) -> dict[str, object]:
    return {
        "mrn": patient.mrn,
        "last_name": patient.last_name,
        "first_name": patient.first_name,
        "middle_name": patient.middle_name,
        "birth_date": patient.birth_date.isoformat(),
        "sex": patient.sex,
        "phone": patient.phone,
        "address_line": patient.address_line,
        "city": patient.city,
        "state": patient.state,
        "postal_code": patient.postal_code,
    }


def search_patients(ctx: Context, actor: Actor, query: str, *, limit: int = 25) -> list[Patient]:
    """Patients matching every word of ``query`` (MRN, surname, given name prefix, or a birth
    date)."""
    require_role(actor, *READERS)
    with ctx.unit_of_work(actor) as unit:
        found = find_patients(unit.session, query, limit=limit)
        unit.record("search", patients=[p.mrn for p in found], detail=query)
    return found


def show_patient(ctx: Context, actor: Actor, mrn: str) -> PatientRecord:
    require_role(actor, *READERS)
    with ctx.unit_of_work(actor) as unit:
        patient = get_patient(unit.session, mrn)
        documents = patient_documents(unit.session, mrn)
        unit.record(
            "patient.read",
            patients=[mrn],
            documents=[d.document_id for d in documents],
        )
    return PatientRecord(patient, tuple(documents))
