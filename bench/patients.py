"""Patient identification bench: a synthetic registry full of traps, document headers in many
layouts, and how often ``match_patient`` files a document — and whether it ever files it wrong.

Run: ``.venv/bin/python -m bench.patients`` (or call ``run``; ``bench/classify.py`` does).
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass

from classify.patients import match_patient
from classify.registry import InMemoryRegistry
from synthetic.headers import make_documents
from synthetic.registries import make_registry


@dataclass(frozen=True, slots=True)
class PatientBenchResult:
    """The figures the bench prints."""

    registry_size: int
    documents: int
    wrong_patient: int
    not_in_registry: int
    auto_filed: int
    name_and_dob_documents: int
    name_and_dob_auto_filed: int
    ms_per_document: float

    @property
    def wrong_patient_rate(self) -> float:
        return self.wrong_patient / self.documents if self.documents else 0.0

    @property
    def auto_file_rate(self) -> float:
        return self.auto_filed / self.documents if self.documents else 0.0

    @property
    def name_and_dob_auto_file_rate(self) -> float:
        total = self.name_and_dob_documents
        return self.name_and_dob_auto_filed / total if total else 0.0

    def table(self) -> str:
        rows = [
            ("registry patients", f"{self.registry_size}"),
            ("documents", f"{self.documents} ({self.not_in_registry} patients not in registry)"),
            ("wrong-patient rate", f"{self.wrong_patient_rate:.2%} ({self.wrong_patient})"),
            (
                "auto-filed, header has name + DOB",
                f"{self.name_and_dob_auto_file_rate:.1%} "
                f"({self.name_and_dob_auto_filed}/{self.name_and_dob_documents})",
            ),
            ("auto-filed, all documents", f"{self.auto_file_rate:.1%} ({self.auto_filed})"),
            ("ms per document", f"{self.ms_per_document:.2f}"),
        ]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


# --- run ----------------------------------------------------------------------------------------


def run(n_documents: int = 600, seed: int = 7) -> PatientBenchResult:
    """Build the registry and documents from ``seed``, match every document, count."""
    rng = random.Random(seed)
    patients, kinds = make_registry(rng)
    registry = InMemoryRegistry(patients)
    documents = make_documents(rng, patients, kinds, n_documents)
    wrong = auto = name_dob = name_dob_auto = 0
    match_patient("Patient: warm up", registry)  # builds the spaCy matcher outside the timing
    started = time.perf_counter()
    for document in documents:
        match = match_patient(document.text, registry)
        if match.mrn is not None:
            auto += 1
            if match.mrn != document.truth_mrn:
                wrong += 1
        if document.truth_mrn is not None and document.has_name_and_dob:
            name_dob += 1
            name_dob_auto += match.mrn == document.truth_mrn
    elapsed = time.perf_counter() - started
    return PatientBenchResult(
        registry_size=len(registry),
        documents=len(documents),
        wrong_patient=wrong,
        not_in_registry=sum(1 for document in documents if document.truth_mrn is None),
        auto_filed=auto,
        name_and_dob_documents=name_dob,
        name_and_dob_auto_filed=name_dob_auto,
        ms_per_document=1000 * elapsed / max(1, len(documents)),
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    count = int(args[0]) if args else 600
    result = run(count)
    print(result.table())
    return 0 if result.wrong_patient == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["PatientBenchResult", "main", "run"]
