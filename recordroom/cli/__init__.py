"""The command line: parse, call one use-case, print. Exit codes are listed in the README.

Each command group is a module of this package with a ``register(commands)`` function that adds
its sub-commands; ``COMMAND_GROUPS`` lists them, in the order ``--help`` shows them. A new group is
a new module and one line here.

Importing this package is cheap on purpose: the ``recordroom`` script is the main module, and
multiprocessing runs the main module again in every OCR worker it starts (as ``__mp_main__``).
The command groups, the settings and the wiring (SQLAlchemy, spaCy's users, the stores) are
imported by ``main()``, so a worker does not load what only the caller needs.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from recordroom.cli.common import LONG_RUNNING, command_line_actor
from recordroom.core import RecordroomError

COMMAND_GROUPS = (
    "home",
    "watch",
    "worker",
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
    from recordroom.core.settings import load_settings
    from recordroom.wiring import open_context

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
            sys.stdout.flush()  # a reader that went away shows here, not at exit
            return code
    except RecordroomError as error:
        print(f"recordroom: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return reader_went_away()


def reader_went_away() -> int:
    """``recordroom search … | head -1``: the reader closed the pipe. Stop quietly as Unix tools
    do (exit 141, as if killed by SIGPIPE). What the command did is done (and recorded); only the
    rest of its output is dropped."""
    # Output still buffered would be flushed at exit into the closed pipe, and Python would print
    # a second error about it: send it nowhere instead.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 128 + 13  # SIGPIPE
