"""Files read where they lie, nothing stored: their text, or their type and patient."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from recordroom.core import ClassifierError, OcrResult
from recordroom.core.actor import Actor
from recordroom.core.hashing import file_sha256
from recordroom.wiring import Context


@dataclass(frozen=True, slots=True)
class FileClassification:
    """One line of ``classify --json``: the file's first document, its type and patient."""

    file: str
    doc_type: str
    doc_type_confidence: float
    patient_mrn: str | None
    patient_confidence: float
    needs_review: bool
    pages: int

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "doc_type": self.doc_type,
            "doc_type_confidence": self.doc_type_confidence,
            "patient_mrn": self.patient_mrn,
            "patient_confidence": self.patient_confidence,
            "needs_review": self.needs_review,
            "pages": self.pages,
        }


def read_text(ctx: Context, actor: Actor, path: Path) -> OcrResult:
    """The text of every page of a file the caller holds; nothing is stored or looked up."""
    return ctx.engine.extract(path, make_searchable_pdf=False)


def classify_files(
    ctx: Context, actor: Actor, files: Sequence[str]
) -> Iterator[FileClassification]:
    """OCR and classify each file against the patient registry, one answer per file as soon as
    it is ready; nothing is stored."""
    if ctx.classifier is None:
        raise ClassifierError("no classification model is installed; run `make model`")
    for name in files:
        ocr, classification = ctx.pipeline.classify_file(Path(name))
        segment = classification.segments[0]
        answer = FileClassification(
            file=name,
            doc_type=segment.doc_type,
            doc_type_confidence=round(segment.doc_type_confidence, 4),
            patient_mrn=segment.patient.mrn,
            patient_confidence=round(segment.patient.confidence, 4),
            needs_review=segment.needs_review or len(classification.segments) > 1,
            pages=len(ocr.pages),
        )
        with ctx.unit_of_work(actor) as unit:
            unit.record(
                "classify",
                patients=[answer.patient_mrn or ""],
                files=[file_sha256(Path(name))],
                detail=f"{answer.doc_type}, {answer.pages} page(s)",
            )
        yield answer
