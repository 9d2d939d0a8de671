"""The seams where a backend can be swapped. Each is a small ``typing.Protocol``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from recordroom.core.models import Classification, OcrResult, Patient, PatientMatch


class ObjectStore(Protocol):
    """Where originals and derivatives are kept, by key."""

    def put(self, key: str, data: bytes) -> None: ...

    def put_file(self, key: str, path: Path) -> None: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...


class OcrEngine(Protocol):
    """Text from every page of a file."""

    def extract(self, path: Path, *, make_searchable_pdf: bool = True) -> OcrResult: ...


class DocTypeClassifier(Protocol):
    """Document type from text: ``(doc_type, confidence 0..1)``."""

    def predict(self, text: str) -> tuple[str, float]: ...


class PatientRegistry(Protocol):
    """The practice's patients, searched by the identifiers found on a page."""

    def candidates(
        self,
        *,
        last_names: Iterable[str] = (),
        birth_dates: Iterable[object] = (),
        mrns: Iterable[str] = (),
        phones: Iterable[str] = (),
    ) -> Sequence[Patient]: ...


class DocumentClassifier(Protocol):
    """Types and patients for the pages of one file."""

    def classify(self, page_texts: Sequence[str], registry: PatientRegistry) -> Classification: ...


class PatientMatcher(Protocol):
    def match(self, text: str, registry: PatientRegistry) -> PatientMatch: ...
