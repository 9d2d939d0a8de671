"""``recordroom classify FILE… [--json]``: one JSON object a line, nothing stored."""

from __future__ import annotations

import argparse

from recordroom.cli.common import Commands, add_command, print_json
from recordroom.core.actor import Actor
from recordroom.usecases.classify import classify_files
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    classify = add_command(
        commands, "classify", cmd_classify, "OCR and classify files; nothing is stored"
    )
    classify.add_argument("files", nargs="+", metavar="FILE")
    classify.add_argument("--json", action="store_true", help="one JSON object a line")


def cmd_classify(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    for answer in classify_files(ctx, actor, args.files):
        if args.json:
            print_json(answer.as_json())
        else:
            print(
                f"{answer.file}: {answer.doc_type} ({answer.doc_type_confidence}), "
                f"patient {answer.patient_mrn or '-'}"
                f"{', needs review' if answer.needs_review else ''}"
            )
    return 0
