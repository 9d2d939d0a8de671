"""Patient identification bench: a synthetic registry full of traps, document headers in many
layouts, and how often ``match_patient`` files a document — and whether it ever files it wrong.

Run: ``.venv/bin/python -m bench.patients`` (or call ``run``; ``bench/classify.py`` does).
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from classify.names import match_key, strip_suffix, surname_parts
from classify.patient_text import extract_identifiers
from classify.patients import match_patient
from classify.registry import InMemoryRegistry, normalise_mrn
from recordroom.core import Patient
from synthetic.headers import BenchDocument, make_documents
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
    # (filed, registered) among documents whose patient is registered, by header style, medium
    # ("scan", "fax", "photo") and kind of document; why the others were not filed
    by_style: dict[str, tuple[int, int]] = field(default_factory=dict)
    by_medium: dict[str, tuple[int, int]] = field(default_factory=dict)
    by_doc_kind: dict[str, tuple[int, int]] = field(default_factory=dict)
    misses: dict[str, int] = field(default_factory=dict)

    @property
    def registered_filed(self) -> tuple[int, int]:
        filed = sum(filed for filed, _ in self.by_medium.values())
        return filed, sum(total for _, total in self.by_medium.values())

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
        filed, registered = self.registered_filed
        rows.insert(
            4,
            (
                "filed, patient registered",
                f"{filed / max(1, registered):.1%} ({filed}/{registered})",
            ),
        )
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)

    def breakdown(self) -> str:
        """Filing of registered patients' documents by header style, medium and kind, and the
        reasons the rest were not filed."""
        out: list[str] = []
        for title, table in (
            ("header style", self.by_style),
            ("medium", self.by_medium),
            ("kind", self.by_doc_kind),
        ):
            out.append(f"filed, patient registered, by {title}")
            for name, (filed, total) in sorted(table.items()):
                out.append(f"  {name:<44} {filed / max(1, total):6.1%}  ({filed}/{total})")
        out.append("not filed although registered: what was missed")
        for cause, count in sorted(self.misses.items(), key=lambda item: -item[1]):
            out.append(f"  {cause:<44} {count}")
        return "\n".join(out)


# --- run ----------------------------------------------------------------------------------------


def run(n_documents: int = 600, seed: int = 7) -> PatientBenchResult:
    """Build the registry and documents from ``seed``, match every document, count."""
    rng = random.Random(seed)
    patients, kinds = make_registry(rng)
    patients_by_mrn = {patient.mrn: patient for patient in patients}
    registry = InMemoryRegistry(patients)
    documents = make_documents(rng, patients, kinds, n_documents)
    wrong = auto = name_dob = name_dob_auto = 0
    tallies: dict[str, dict[str, list[int]]] = {"style": {}, "medium": {}, "kind": {}}
    misses: Counter[str] = Counter()
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
        if document.truth_mrn is not None:
            right = match.mrn == document.truth_mrn
            for table, key in (
                ("style", document.style),
                ("medium", document.medium),
                ("kind", document.doc_kind),
            ):
                tally = tallies[table].setdefault(key, [0, 0])
                tally[0] += right
                tally[1] += 1
            if not right:
                misses[miss_cause(document, patients_by_mrn[document.truth_mrn])] += 1
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
        by_style={key: (a, b) for key, (a, b) in tallies["style"].items()},
        by_medium={key: (a, b) for key, (a, b) in tallies["medium"].items()},
        by_doc_kind={key: (a, b) for key, (a, b) in tallies["kind"].items()},
        misses=dict(misses),
    )


def miss_cause(document: BenchDocument, patient: Patient) -> str:
    """Which identifier the matcher did not read (or misread) on a document it did not file."""
    found = extract_identifiers(document.text)
    name_read = any(
        match_key(name.last) == match_key(strip_suffix(patient.last_name))
        or match_key(name.last) in surname_parts(patient.last_name)
        for name in found.names
    )
    dob_read = any(date.date == patient.birth_date for date in found.birth_dates)
    mrn_read = normalise_mrn(patient.mrn) in {normalise_mrn(mrn) for mrn in found.mrns}
    missing = [
        what
        for what, wanted, read in (
            ("name", True, name_read),
            ("DOB", document.has_name_and_dob, dob_read),
            ("MRN", document.has_mrn, mrn_read),
        )
        if wanted and not read
    ]
    if missing:
        return "not read: " + ", ".join(missing)
    written = "name + DOB" + (" + MRN" if document.has_mrn else "")
    if not document.has_name_and_dob:
        written = "name" + (" + MRN" if document.has_mrn else "") + " (no DOB written)"
    return f"all read ({written}); below the bar or not unique"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    count = int(args[0]) if args else 600
    result = run(count)
    print(result.table())
    print(result.breakdown())
    return 0 if result.wrong_patient == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["PatientBenchResult", "main", "run"]
