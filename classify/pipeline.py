"""The classify stage: the pages of one file in, its documents (type, patient, review) out.

Steps, in order:

1. ``read_page`` — each page's type, the type a rule is certain of, and its patient;
2. ``cover_pages`` — fax cover sheets, dropped from the documents, their sender kept
   (``read_sender``);
3. ``split_pages`` — runs of pages that form one document: a new one starts where a page opens
   with a different form title, names a different patient, or is confidently of another type than
   the run so far;
4. ``classify_segment`` — type and patient from the segment's whole text, and whether a person
   must look at it (``review_reasons``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from classify.doctype import (
    MODEL_DIR,
    OFFICE_MODEL_DIR_NAME,
    PIPELINE_DIR_NAME,
    SpacyDocTypeClassifier,
)
from classify.examples import Examples
from classify.faxheader import COVER_TYPE, content_below_header, split_fax_header
from classify.rules import normalise, rule_doc_type
from recordroom.core import (
    Classification,
    DocTypeClassifier,
    PatientMatch,
    PatientRegistry,
    Segment,
)
from recordroom.core.settings import Settings

# (text, registry, *, threshold) -> PatientMatch: ``classify.patients.match_patient``.
MatchPatient = Callable[..., PatientMatch]

SPLIT_CONFIDENCE = 0.9  # a page's own type must be this sure to start a new document by itself
REASON_TYPE = "document type uncertain"
REASON_PATIENT = "patient not identified"
REASON_PATIENT_AMBIGUOUS = "several patients could match"
REASON_EMPTY = "no text found"
AMBIGUOUS_SCORE = 0.5  # candidates scoring this much are all plausible: twins, namesakes


@dataclass(frozen=True, slots=True)
class PageReading:
    number: int  # 1-based
    text: str
    doc_type: str
    confidence: float
    rule_type: str | None  # the type a title or keyword rule is certain of, if any
    patient: PatientMatch


@dataclass(frozen=True, slots=True)
class Sender:
    name: str | None
    fax: str | None


class Classifier:
    """``DocumentClassifier``: types and patients for the pages of one file."""

    def __init__(
        self,
        doc_types: DocTypeClassifier,
        match_patient: MatchPatient,
        *,
        doc_type_threshold: float,
        patient_threshold: float,
        examples: Examples | None = None,
    ) -> None:
        self._doc_types = doc_types
        self._examples = examples
        self._match_patient = match_patient
        self._doc_type_threshold = doc_type_threshold
        self._patient_threshold = patient_threshold

    def classify(self, page_texts: Sequence[str], registry: PatientRegistry) -> Classification:
        """Segments for the pages of one file (none for a file without pages)."""
        if self._examples is None:
            return self._classify(page_texts, registry)
        # The office's examples are looked up once a file, not once a page.
        one_file = copy.copy(self)
        one_file._examples = self._examples.current()
        return one_file._classify(page_texts, registry)

    def _classify(self, page_texts: Sequence[str], registry: PatientRegistry) -> Classification:
        pages = [
            self.read_page(number, text, registry)
            for number, text in enumerate(page_texts, start=1)
        ]
        covers = cover_pages(pages)
        documents = [page for page in pages if page.number not in covers]
        if not documents:  # a cover sheet sent alone is itself the document
            documents, covers = pages, ()
        # The sender is on the cover sheet or, without one, in a fax header block atop a page.
        sender = read_sender([page.text for page in pages if page.number in covers])
        if sender.fax is None and sender.name is None and not covers:
            sender = read_sender([split_fax_header(page.text).header for page in pages[:1]])
        segments = tuple(self.classify_segment(run, registry) for run in split_pages(documents))
        return Classification(
            segments=segments, cover_pages=covers, sender_name=sender.name, sender_fax=sender.fax
        )

    def doc_type(self, text: str) -> tuple[str, float]:
        """The type of a close example the office corrected, else the model's and rules'."""
        if self._examples is not None:
            near = self._examples.nearest(text)
            if near is not None:
                return near[0], 0.5 + near[1] / 2
        return self._doc_types.predict(text)

    def read_page(self, number: int, text: str, registry: PatientRegistry) -> PageReading:
        doc_type, confidence = self.doc_type(text)
        patient = self._patient(text, registry)
        return PageReading(number, text, doc_type, confidence, rule_doc_type(text), patient)

    def classify_segment(self, pages: Sequence[PageReading], registry: PatientRegistry) -> Segment:
        text = "\n\f".join(page.text for page in pages)
        if len(pages) == 1:
            doc_type, confidence, patient = pages[0].doc_type, pages[0].confidence, pages[0].patient
        else:
            doc_type, confidence = self.doc_type(text)
            patient = self._patient(text, registry)
        reasons = review_reasons(
            text, confidence, patient, doc_type_threshold=self._doc_type_threshold
        )
        return Segment(
            first_page=pages[0].number,
            last_page=pages[-1].number,
            doc_type=doc_type,
            doc_type_confidence=round(confidence, 4),
            patient=patient,
            needs_review=bool(reasons),
            review_reasons=reasons,
        )

    def _patient(self, text: str, registry: PatientRegistry) -> PatientMatch:
        if not text.strip():
            return PatientMatch(mrn=None, confidence=0.0)
        match: PatientMatch = self._match_patient(text, registry, threshold=self._patient_threshold)
        return match


def review_reasons(
    text: str, confidence: float, patient: PatientMatch, *, doc_type_threshold: float
) -> tuple[str, ...]:
    """Why a person must look at a document; empty when it can be filed as it is."""
    if not text.strip():
        return (REASON_EMPTY, REASON_TYPE, REASON_PATIENT)
    reasons: list[str] = []
    if confidence < doc_type_threshold:
        reasons.append(REASON_TYPE)
    if patient.mrn is None:
        several = sum(score >= AMBIGUOUS_SCORE for _, score in patient.candidates) > 1
        reasons.append(REASON_PATIENT_AMBIGUOUS if several else REASON_PATIENT)
    return tuple(reasons)


# ---------------------------------------------------------------- cover sheets

_COVER_WORDS = re.compile(
    r"\b(fax|facsimile|facsimil)\b.*\b(cover|transmittal|portada|caratula)\b"
    r"|\b(cover|transmittal|portada|caratula)\b.*\b(fax|facsimile|facsimil)\b",
    re.DOTALL,
)
_PAGE_COUNT = re.compile(
    r"\b(pages?|no\.? of pages|# of pages|paginas|numero de paginas)\b[^\n]{0,30}\d", re.IGNORECASE
)
COVER_MAX_CHARS = 2500


def is_cover_page(page: PageReading) -> bool:
    """A fax cover sheet: said so by the model or a title, or short with the cover's words; never
    a page whose fax header block sits above content of another type."""
    if page.doc_type != COVER_TYPE and content_below_header(page.text) is not None:
        return False
    if page.rule_type == COVER_TYPE:
        return True
    if page.doc_type == COVER_TYPE and page.confidence >= 0.5:
        return True
    plain = normalise(page.text)
    if len(plain) > COVER_MAX_CHARS or page.rule_type is not None:
        return False
    return _COVER_WORDS.search(plain) is not None and _PAGE_COUNT.search(plain) is not None


def cover_pages(pages: Sequence[PageReading]) -> tuple[int, ...]:
    return tuple(page.number for page in pages if is_cover_page(page))


_PHONE = r"(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}"
_SENDER_FAX = re.compile(
    r"(?:\b(?:from|sender'?s?|return|remitente)\s*(?:fax|facsimile)(?:\s*(?:#|no\.?|number))?"
    r"|\bfax\s*\((?:from|sender)\)|\bfax del remitente|\bfax de(?:l)? origen)"
    rf"\s*[:#.]?\s*(?P<fax>{_PHONE})",
    re.IGNORECASE,
)
_SENDER_NAME = re.compile(
    r"(?:^|[ \t]{2,})(?:(?:from|sender|remitente)\b[ \t]*:?|de[ \t]*:)[ \t]*"
    r"(?P<name>[^\n]+?)[ \t]*(?:$|[ \t]{3,})",
    re.IGNORECASE | re.MULTILINE,
)
_BANNER_FROM = re.compile(rf"\bfrom\s*:?\s*(?P<fax>{_PHONE})", re.IGNORECASE)
_DIGITS = re.compile(r"\d")


def _clean_phone(raw: str) -> str:
    digits = "".join(_DIGITS.findall(raw))
    digits = digits[-10:]
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def read_sender(cover_texts: Sequence[str]) -> Sender:
    """The sender's name and fax number, from the cover sheet's "From" lines or the fax banner."""
    name: str | None = None
    fax: str | None = None
    for text in cover_texts:
        if fax is None:
            found = _SENDER_FAX.search(text) or _BANNER_FROM.search(text)
            fax = _clean_phone(found.group("fax")) if found else _fax_in_from_block(text)
        if name is None:
            for found_name in _SENDER_NAME.finditer(text):
                value = found_name.group("name").strip(" :_-")
                if value and not re.fullmatch(rf"{_PHONE}.*", value) and _has_letters(value):
                    name = value
                    break
    return Sender(name, fax)


_FROM_LINE = re.compile(r"^\s*(?:from|sender|remitente|de)\s*:", re.IGNORECASE)
_TO_LINE = re.compile(r"^\s*(?:to|attn|attention|recipient|para|a)\s*:", re.IGNORECASE)
_FAX_FIELD = re.compile(rf"\bfax\b\s*(?:#|no\.?|number)?\s*:?\s*(?P<fax>{_PHONE})", re.IGNORECASE)


def _fax_in_from_block(text: str) -> str | None:
    """A plain "Fax:" field on the "From:" line or in the lines under it, before any "To:"."""
    in_from = False
    for line in text.splitlines():
        if _FROM_LINE.match(line):
            in_from = True
        elif _TO_LINE.match(line):
            in_from = False
        if not in_from:
            continue
        found = _FAX_FIELD.search(line)
        if found:
            return _clean_phone(found.group("fax"))
    return None


def _has_letters(value: str) -> bool:
    return sum(c.isalpha() for c in value) >= 2


# ---------------------------------------------------------------- splitting


def starts_new_document(page: PageReading, current: Sequence[PageReading]) -> bool:
    """Whether ``page`` opens a document different from the run of pages ``current``."""
    run_patient = next((p.patient.mrn for p in current if p.patient.mrn is not None), None)
    if page.patient.mrn is not None and run_patient is not None and page.patient.mrn != run_patient:
        return True
    run_type = current[0].rule_type or current[0].doc_type
    if page.rule_type is not None and page.rule_type != run_type:
        return True
    if page.rule_type is not None:
        # The same form again: a second copy for another patient, or page 2 repeating its title.
        return _different_patient_named(page, current)
    if page.doc_type == run_type:
        return False
    if page.patient.mrn is not None and run_patient is None:
        return True  # another type, and the first patient header of the run: a new document
    if _different_patient_named(page, current):
        return True
    return page.confidence >= SPLIT_CONFIDENCE and current[0].confidence >= SPLIT_CONFIDENCE


def _different_patient_named(page: PageReading, current: Sequence[PageReading]) -> bool:
    ours = {mrn for mrn, _ in page.patient.candidates[:1]}
    theirs = {mrn for p in current for mrn, _ in p.patient.candidates[:1]}
    return bool(ours and theirs and not ours & theirs)


def split_pages(pages: Sequence[PageReading]) -> list[list[PageReading]]:
    runs: list[list[PageReading]] = []
    for page in pages:
        if runs and not starts_new_document(page, runs[-1]):
            runs[-1].append(page)
        else:
            runs.append([page])
    return runs


def office_model_folder(settings: Settings) -> Path:
    """Where ``recordroom model retrain`` writes the office's own model: under the home."""
    return settings.home / OFFICE_MODEL_DIR_NAME


def model_folder(settings: Settings) -> Path:
    """The document-type model to load: ``RECORDROOM_MODEL_DIR``; else the office's retrained
    model when there is one; else the shipped one."""
    if settings.model_dir:
        return Path(settings.model_dir)
    office = office_model_folder(settings)
    if (office / PIPELINE_DIR_NAME / "config.cfg").is_file():
        return office
    return MODEL_DIR


def load_classifier(settings: Settings, examples: Examples | None = None) -> Classifier:
    """The classifier with the model of ``settings.model_dir`` (the shipped model when empty) and
    the patient matcher, as ``settings`` ask."""
    from classify.patients import match_patient

    return Classifier(
        SpacyDocTypeClassifier.load(model_folder(settings)),
        match_patient,
        doc_type_threshold=settings.doc_type_threshold,
        patient_threshold=settings.patient_threshold,
        examples=examples,
    )
