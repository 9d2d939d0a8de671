"""``recordroom ingest PATH… [--json]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from recordroom.cli.common import Commands, add_command, print_json
from recordroom.core import IngestOutcome
from recordroom.core.actor import Actor
from recordroom.usecases.ingest import ingest_files
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    ingest = add_command(commands, "ingest", cmd_ingest, "run files through the whole pipeline now")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("--json", action="store_true", help="one JSON object a line")


def cmd_ingest(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    def show(outcome: IngestOutcome) -> None:
        if args.json:
            print_json(outcome.as_json())
        else:
            detail = outcome.document_id or outcome.duplicate_of or outcome.reason or ""
            print(f"{outcome.status:<14} {outcome.file}  {detail}", flush=True)

    # Files run several at once; each line is printed once it and those before it are done.
    outcomes = ingest_files(ctx, actor, [Path(p) for p in args.paths], each=show)
    return 3 if any(o.status == "quarantined" for o in outcomes) else 0
