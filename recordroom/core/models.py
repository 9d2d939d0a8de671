"""The records that travel through the pipeline: frozen dataclasses, one per stage's output.

A stage returns a new record (``dataclasses.replace``) instead of changing the one it was given, so
a retried step never sees half of an earlier attempt.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Literal

PageMethod = Literal["text_layer", "ocr", "empty"]
IngestStatus = Literal["stored", "duplicate", "near_duplicate", "quarantined"]

DOC_TYPES: tuple[str, ...] = (
    "referral",
    "lab_report",
    "imaging_report",
    "consult_note",
    "progress_note",
    "discharge_summary",
    "operative_report",
    "ed_note",
    "correspondence",
    "authorization",
    "records_request",
    "prior_authorization",
    "rx_refill_request",
    "insurance_card",
    "intake_form",
    "eob",
    "fax_cover_sheet",
    "other",
)


@dataclass(frozen=True, slots=True)
class Page:
    """One page's text and how it was obtained. ``number`` counts from 1."""

    number: int
    text: str
    method: PageMethod
    confidence: float | None = None  # mean word confidence 0-100; None for a text layer
    rotation: int = 0  # degrees clockwise applied to make the page upright
    seconds: float = 0.0
    width_px: int | None = None
    height_px: int | None = None


@dataclass(frozen=True, slots=True)
class OcrResult:
    """What the OCR stage returns for one file."""

    pages: tuple[Page, ...]
    media_type: str = "application/octet-stream"  # of the original, from its first bytes
    searchable_pdf: bytes | None = None  # page images + invisible text; None when not made
    original_is_searchable: bool = False  # a PDF whose every page has a real text layer
    page_images: tuple[bytes, ...] = ()  # upright page images (PNG), one per page, when made
    low_confidence_pages: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        return "\n\f".join(page.text for page in self.pages)


@dataclass(frozen=True, slots=True)
class Patient:
    """A row of the practice's patient registry."""

    mrn: str
    last_name: str
    first_name: str
    birth_date: dt.date
    middle_name: str = ""
    sex: str = ""
    phone: str = ""
    address_line: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    member_id: str = ""  # insurance member ID, when the registry has one


@dataclass(frozen=True, slots=True)
class PatientMatch:
    """The patient a document belongs to, or the best guess and why it was not accepted."""

    mrn: str | None  # None unless identified with confidence
    confidence: float  # 0..1
    candidates: tuple[tuple[str, float], ...] = ()  # (mrn, score), best first
    # which identifiers agreed: "name", "dob", "mrn", "member_id", "phone", "address", "age"
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of pages of one incoming file that forms one document."""

    first_page: int  # 1-based, inclusive
    last_page: int  # 1-based, inclusive
    doc_type: str
    doc_type_confidence: float
    patient: PatientMatch
    needs_review: bool
    review_reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Classification:
    """The classify stage's answer for one file: its documents, and what its cover sheet said."""

    segments: tuple[Segment, ...]
    cover_pages: tuple[int, ...] = ()  # fax cover sheet pages, dropped from the documents
    sender_name: str | None = None
    sender_fax: str | None = None


@dataclass(frozen=True, slots=True)
class MailOrigin:
    """The e-mail a document came in, and what the e-fax service wrote of the sending fax."""

    mailbox: str  # the mailbox URL, without a password
    message_id: str | None
    from_address: str
    subject: str
    received_at: dt.datetime | None
    fax_number: str | None = None  # digits only
    csid: str | None = None  # the sending machine's station ID
    page_count: int | None = None  # as the service counted them

    def to_json(self) -> str:
        """As kept beside a claimed file and in its job, so a worker elsewhere knows it too."""
        return json.dumps(
            {
                "mailbox": self.mailbox,
                "message_id": self.message_id,
                "from_address": self.from_address,
                "subject": self.subject,
                "received_at": self.received_at.isoformat() if self.received_at else None,
                "fax_number": self.fax_number,
                "csid": self.csid,
                "page_count": self.page_count,
            }
        )

    @staticmethod
    def from_json(text: str) -> MailOrigin:
        data = json.loads(text)
        received = data.get("received_at")
        return MailOrigin(
            mailbox=data["mailbox"],
            message_id=data["message_id"],
            from_address=data["from_address"],
            subject=data["subject"],
            received_at=dt.datetime.fromisoformat(received) if received else None,
            fax_number=data.get("fax_number"),
            csid=data.get("csid"),
            page_count=data.get("page_count"),
        )


@dataclass(frozen=True, slots=True)
class Document:
    """One document as it travels from intake to the index."""

    id: str
    source_name: str  # file name as it arrived (not a path)
    sha256: str
    media_type: str
    size: int
    received_at: dt.datetime
    pages: tuple[Page, ...] = ()
    doc_type: str = "other"
    doc_type_confidence: float = 0.0
    patient_mrn: str | None = None
    patient_confidence: float = 0.0
    needs_review: bool = True
    review_reasons: tuple[str, ...] = ()
    sender_name: str | None = None
    sender_fax: str | None = None
    original_key: str | None = None
    searchable_pdf_key: str | None = None
    source_pages: tuple[int, ...] = ()  # pages of the original file this document holds
    mail: MailOrigin | None = None  # set when the document came by e-mail
    duplicate_of: str | None = None  # the document this one is a re-sent copy of
    duplicate_similarity: float | None = None  # 0..1, how alike the two are

    @property
    def text(self) -> str:
        return "\n\f".join(page.text for page in self.pages)


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """One line of ``ingest --json``: what happened to one file."""

    file: str
    status: IngestStatus
    document_id: str | None = None
    pages: int = 0
    duplicate_of: str | None = None
    reason: str | None = None
    document_ids: tuple[str, ...] = ()  # every document the file was split into

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "document_id": self.document_id,
            "pages": self.pages,
            "status": self.status,
            "duplicate_of": self.duplicate_of,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Job:
    """An incoming file's place in the intake queue, as intake sees it."""

    id: int
    source_name: str
    sha256: str | None = None
    original_key: str | None = None  # where the watcher put the original in the object store
    lease: str | None = None  # this worker's lease token, once it took the job
    failures: int = 0  # failures the file itself caused so far
    outcome: IngestOutcome | None = None  # set once finished (then the file is only removed)
    origin: MailOrigin | None = None  # the e-mail the file came in, if it came by e-mail


RESENT_REASON = "looks like a re-sent copy of document"  # the review reason of a near-duplicate


@dataclass(frozen=True, slots=True)
class DocumentKeys:
    """What intake keeps of a document to recognise a later copy of it (``intake.dedupe``)."""

    minhash: bytes | None  # the text's MinHash values
    image_hash: int | None  # the first page's difference hash, for pages with little text
    identifiers: str  # its identifying values, as JSON
    bands: tuple[tuple[int, int], ...]  # (band, value): the indexed keys it is found by


@dataclass(frozen=True, slots=True)
class NearDuplicateCandidate:
    """An earlier original that shares LSH bands with a new document."""

    document_id: str
    minhash: bytes | None
    image_hash: int | None
    identifiers: str | None
    patient_mrn: str | None


@dataclass(frozen=True, slots=True)
class MailMessageState:
    """What the mail ledger knows of one message."""

    status: str  # fetching | processed | failed
    attempts: int
    reason: str | None = None
    document_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One document found by a search, with the best-matching page."""

    document_id: str
    source_name: str
    doc_type: str
    patient_mrn: str | None
    received_at: dt.datetime
    page: int
    snippet: str

    def as_json(self) -> dict[str, object]:
        return {
            "document_id": self.document_id,
            "file": self.source_name,
            "doc_type": self.doc_type,
            "patient_mrn": self.patient_mrn,
            "received_at": self.received_at.isoformat(),
            "page": self.page,
            "snippet": self.snippet,
        }
