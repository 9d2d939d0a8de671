"""``recordroom ocr FILE [--json]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from recordroom.cli.common import Commands, add_command, print_json
from recordroom.core.actor import Actor
from recordroom.usecases.classify import read_text
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    ocr = add_command(commands, "ocr", cmd_ocr, "print a file's text; nothing is stored")
    ocr.add_argument("file", metavar="FILE")
    ocr.add_argument("--json", action="store_true")


def cmd_ocr(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    result = read_text(ctx, actor, Path(args.file))
    if not args.json:
        print(result.text)
        return 0
    pages = [
        {
            "number": p.number,
            "method": p.method,
            "confidence": p.confidence,
            "rotation": p.rotation,
            "seconds": round(p.seconds, 3),
            "text": p.text,
        }
        for p in result.pages
    ]
    print_json({"file": args.file, "pages": pages})
    return 0
