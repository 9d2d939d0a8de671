"""The command line: parse, call one use-case, print. Exit codes are listed in the README.

Each command group is a module of this package with a ``register(commands)`` function that adds
its sub-commands; ``COMMAND_GROUPS`` lists them, in the order ``--help`` shows them. A new group is
a new module and one line here.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from recordroom.cli.common import LONG_RUNNING, command_line_actor
from recordroom.core import RecordroomError
from recordroom.core.settings import load_settings
from recordroom.wiring import open_context

COMMAND_GROUPS = (
    "home",
    "watch",
    "ingest",
    "ocr",
    "search",
    "documents",
    "classify",
    "patients",
    "review",
    "model",
    "settings",
    "roi",
    "storage",
    "users",
    "mail",
    "audit",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recordroom", description="The records room of a medical office."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_GROUPS:
        importlib.import_module(f"recordroom.cli.{name}").register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    quiet_subcommand = getattr(args, "mail_command", None)  # ``mail status`` is not long-running
    verbose = args.verbose or (args.command in LONG_RUNNING and not quiet_subcommand)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        with open_context(load_settings()) as ctx:
            code: int = args.handler(args, ctx, command_line_actor())
            return code
    except RecordroomError as error:
        print(f"recordroom: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
