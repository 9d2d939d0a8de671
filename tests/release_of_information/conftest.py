"""A release source over real PDFs (made here) and a real migrated SQLite database.

The source is an in-memory ``ReleaseSource``: the shell's implementation over the index and the
store is tested with the use-cases."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pytest
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen import canvas
from sqlalchemy.orm import Session

from indexer.database import Database
from recordroom.core.errors import NotFoundError
from recordroom.core.release import DocumentSummary
from release_of_information.policy import ReleasePolicy

TODAY = dt.date(2026, 11, 29)
PATIENT = "10042"
OTHER_PATIENT = "20077"

VALID_AUTHORIZATION = """AUTHORIZATION FOR RELEASE OF PROTECTED HEALTH INFORMATION
Patient name: Maria Lopez        Date of birth: 03/14/1980        MRN: 10042
I authorize: Riverside Family Medicine
to release information to: Smith & Jones LLP, 12 Main Street, Springfield
Information to be disclosed: lab reports and progress notes from 01/01/2025 to 06/30/2026
Purpose of disclosure: personal injury claim
This authorization expires on: 12/31/2027
I understand that I may revoke this authorization at any time by writing to the practice's
privacy officer. I understand that my treatment, payment, enrollment or eligibility for benefits
will not be conditioned on whether I sign this authorization. I understand that information
disclosed under this authorization may be redisclosed by the recipient and no longer be protected
by federal privacy rules.
Signature of patient: Maria Lopez        Date: 11/02/2026
"""

# No expiration, no redisclosure statement, and a purpose left blank.
DEFECTIVE_AUTHORIZATION = """AUTHORIZATION TO RELEASE MEDICAL RECORDS
I authorize: Riverside Family Medicine
to release information to: Smith & Jones LLP
Information to be disclosed: all records
Purpose of disclosure: ______________________
I understand that I may revoke this authorization at any time in writing.
My treatment will not be conditioned on my signing this authorization.
Signature of patient: Maria Lopez        Date: 11/02/2026
"""

SPANISH_AUTHORIZATION = """AUTORIZACIÓN PARA DIVULGAR INFORMACIÓN MÉDICA
Autorizo a: Clínica Familiar Riverside
Divulgar a: Seguros del Valle, Calle 5 #12, Springfield
Información que se va a revelar: resultados de laboratorio de 2025
Propósito: reclamo de seguro
Vencimiento: 31/12/2027
Entiendo que puedo revocar esta autorización por escrito en cualquier momento.
Mi tratamiento no está condicionado a que firme esta autorización.
La información divulgada puede volver a ser divulgada por quien la reciba y ya no estar protegida.
Firma del paciente: María López      Fecha: 02/11/2026
"""


def make_pdf(title: str, pages: int) -> bytes:
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=LETTER)
    for number in range(1, pages + 1):
        sheet.setFont("Helvetica", 14)
        sheet.drawString(72, 700, f"{title} page {number}")
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


@dataclass
class MemorySource:
    """A ``ReleaseSource`` over documents held in memory."""

    patients: set[str] = field(default_factory=lambda: {PATIENT, OTHER_PATIENT})
    summaries: dict[str, DocumentSummary] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    pdfs: dict[str, bytes] = field(default_factory=dict)

    def add(
        self,
        doc_id: str,
        doc_type: str,
        date: dt.date,
        *,
        pages: int = 1,
        mrn: str = PATIENT,
        labels: frozenset[str] = frozenset(),
        text: str = "",
    ) -> DocumentSummary:
        summary = DocumentSummary(doc_id, mrn, doc_type, date, pages, labels)
        self.summaries[doc_id] = summary
        self.texts[doc_id] = text or f"{doc_type} of {date.isoformat()}"
        self.pdfs[doc_id] = make_pdf(f"Document {doc_id}", pages)
        return summary

    def patient_exists(self, mrn: str) -> bool:
        return mrn in self.patients

    def document(self, document_id: str) -> DocumentSummary:
        if document_id not in self.summaries:
            raise NotFoundError(f"no document {document_id}")
        return self.summaries[document_id]

    def documents_of(self, mrn: str) -> Sequence[DocumentSummary]:
        found = [s for s in self.summaries.values() if s.patient_mrn == mrn]
        return sorted(found, key=lambda s: (s.date, s.id))

    def text(self, document_id: str) -> str:
        return self.texts[document_id]

    def searchable_pdf(self, document_id: str) -> bytes:
        return self.pdfs[document_id]


@pytest.fixture
def source() -> MemorySource:
    src = MemorySource()
    src.add("lab1", "lab_report", dt.date(2025, 3, 1), pages=2)
    src.add("note1", "progress_note", dt.date(2025, 6, 1))
    src.add("note-old", "progress_note", dt.date(2024, 6, 1))
    src.add("img1", "imaging_report", dt.date(2025, 7, 1))
    src.add("hiv1", "lab_report", dt.date(2025, 8, 1), labels=frozenset({"HIV"}))
    src.add(
        "sud1",
        "progress_note",
        dt.date(2025, 9, 1),
        text="Visit at the methadone clinic; opioid use disorder in remission.",
    )
    src.add("auth1", "authorization", dt.date(2026, 11, 3), text=VALID_AUTHORIZATION)
    src.add("auth-bad", "authorization", dt.date(2026, 11, 3), text=DEFECTIVE_AUTHORIZATION)
    src.add("request1", "records_request", dt.date(2026, 11, 3))
    src.add("other1", "lab_report", dt.date(2025, 3, 1), mrn=OTHER_PATIENT)
    src.add(
        "other-auth",
        "authorization",
        dt.date(2026, 11, 3),
        mrn=OTHER_PATIENT,
        text=VALID_AUTHORIZATION,
    )
    return src


@pytest.fixture
def policy() -> ReleasePolicy:
    return ReleasePolicy(practice_name="Riverside Family Medicine", practice_address="1 Elm St")


@pytest.fixture
def database(any_database: Database) -> Database:
    """The release tables on SQLite and on a real PostgreSQL server, migrated by Alembic."""
    return any_database


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    with database.session() as s:
        yield s
