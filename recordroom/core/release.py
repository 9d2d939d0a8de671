"""What release of information needs to know about documents, and where it gets them.

The shell reads documents from the index and the object store and hands the release stage these
plain records through a ``ReleaseSource``; the stage never reaches into the index or the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

# HL7 v3 ActInformationSensitivityPolicy codes recordroom flags documents with (HIPAA.md §4).
SECURITY_LABELS: dict[str, str] = {
    "ETH": "substance use disorder information (42 CFR Part 2)",
    "SUD": "substance use disorder information (42 CFR Part 2)",
    "PSY": "psychiatry information",
    "PSYTHPN": "psychotherapy notes",
    "HIV": "HIV/AIDS information",
    "GDIS": "genetic disease information",
    "MH": "mental health information",
    "SDV": "sexual assault, abuse or domestic violence information",
    "STD": "sexually transmitted disease information",
}
SECURITY_LABEL_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PART2_LABELS = frozenset({"ETH", "SUD"})
LabelSource = str  # "auto" (found in the text) or "manual" (set by a person)


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """One stored document as release of information sees it."""

    id: str
    patient_mrn: str | None
    doc_type: str
    date: dt.date  # the day the document was received
    page_count: int
    labels: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_part2(self) -> bool:
        return bool(self.labels & PART2_LABELS)


class ReleaseSource(Protocol):
    """The documents and patients a release draws on (implemented by the shell over the index
    and the object store)."""

    def patient_exists(self, mrn: str) -> bool: ...

    def document(self, document_id: str) -> DocumentSummary:
        """The document; ``NotFoundError`` when there is none."""
        ...

    def documents_of(self, mrn: str) -> Sequence[DocumentSummary]:
        """Every document filed under the patient, oldest first."""
        ...

    def text(self, document_id: str) -> str:
        """The document's OCR'd text, pages separated by form feeds."""
        ...

    def searchable_pdf(self, document_id: str) -> bytes:
        """The document's searchable PDF (or its original when that is a PDF already)."""
        ...
