"""The patient registry: imported from a CSV file or a FHIR R4 Bundle, updated by MRN."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from classify.registry import read_registry
from indexer.patients import upsert_patients
from recordroom.core import RecordroomError
from recordroom.core.actor import Actor
from recordroom.core.hashing import file_sha256
from recordroom.wiring import Context


@dataclass(frozen=True, slots=True)
class PatientImport:
    """What an import did; ``problems`` name lines or entries, never a patient's data."""

    added: int
    updated: int
    unchanged: int
    skipped: int
    problems: tuple[str, ...]


def import_patients(ctx: Context, actor: Actor, path: Path) -> PatientImport:
    """Add new MRNs and update known ones from ``path``; bad lines are reported, not imported."""
    if not path.is_file():
        raise RecordroomError(f"no such file: {path}")
    imported = read_registry(path)
    with ctx.unit_of_work(actor) as unit:
        counts = upsert_patients(unit.session, imported.patients)
        unit.record(
            "patient.import",
            patients=[p.mrn for p in imported.patients],
            files=[file_sha256(path)],
            detail=f"{counts.added} added, {counts.updated} updated, {counts.unchanged} unchanged",
        )
    return PatientImport(
        added=counts.added,
        updated=counts.updated,
        unchanged=counts.unchanged,
        skipped=sum(1 for error in imported.errors if error.skipped),
        problems=tuple(error.message for error in imported.errors),
    )
