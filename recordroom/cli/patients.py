"""``recordroom patients import FILE``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from recordroom.cli.common import Commands, add_group
from recordroom.core.actor import Actor
from recordroom.usecases.patients import import_patients
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    patients = add_group(commands, "patients", "the patient registry")
    patients_import = patients.add_parser(
        "import", help="import patients from CSV or a FHIR R4 Bundle (updates by MRN)"
    )
    patients_import.set_defaults(handler=cmd_patients_import)
    patients_import.add_argument("file", metavar="FILE")


def cmd_patients_import(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    result = import_patients(ctx, actor, Path(args.file))
    for problem in result.problems:
        print(problem, file=sys.stderr)
    print(
        f"{result.added} added, {result.updated} updated, {result.unchanged} unchanged, "
        f"{result.skipped} skipped"
    )
    return 0
