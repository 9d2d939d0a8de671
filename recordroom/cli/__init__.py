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
import atexit
import importlib
import logging
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from recordroom.cli.common import LONG_RUNNING, READS_PAGES, command_line_actor
from recordroom.core import RecordroomError

if TYPE_CHECKING:
    from recordroom.core.settings import Settings
    from recordroom.usecases.ocr_engine import TesseractEngine

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


def build_parser(words: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; given the words to parse, only the group of their command when
    the group is named after it (``recordroom ingest …`` imports neither the release of
    information nor the users' modules, some 0.3 CPU seconds). Any other words get every group,
    so ``--help`` and a mistyped command list them all."""
    command = _command_word(words) if words is not None else None
    if command in COMMAND_GROUPS:
        parser = _parser_of((command,))
        if command in _commands_of(parser):
            return parser
    return _parser_of(COMMAND_GROUPS)


def _parser_of(groups: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recordroom", description="The records room of a medical office."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in groups:
        importlib.import_module(f"recordroom.cli.{name}").register(commands)
    return parser


def _commands_of(parser: argparse.ArgumentParser) -> set[str]:
    return {
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    }


def _command_word(words: Sequence[str]) -> str | None:
    """The command the words name: the first that is not an option."""
    return next((word for word in words if not word.startswith("-")), None)


def script() -> NoReturn:
    """The ``recordroom`` command: ``main()``, then out without tearing the interpreter down.

    Freeing spaCy's models, SQLAlchemy's classes and some 1,800 modules one object at a time costs
    about half a second at the end of every command, and the operating system takes the memory
    back at once anyway. What a normal exit does that matters is done first: threads still at work
    are waited for, the output is flushed, and the ``atexit`` functions run (logging's shutdown,
    multiprocessing's clean-up of its helper processes and semaphores)."""
    code = main()
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = reader_went_away()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    early = _start_reading_pages(words)
    try:
        return _run(words, early)
    finally:
        if early is not None:
            early[1].close()  # already closed with the context, unless the command never ran


def _start_reading_pages(words: Sequence[str]) -> tuple[Settings, TesseractEngine] | None:
    """For the commands that read pages from their first moment (``READS_PAGES``): the settings,
    and the OCR engine with its workers starting, before the rest of recordroom is imported. Its
    worker processes then read ``ingest``'s first files, or those a watcher finds waiting in the
    inbox, on the other cores while this one imports the database, the stores and the classifier
    (a file found already stored was then read for nothing); with none waiting, they load
    tesseract.
    None for any other command, for ``--help``, or when the settings or the engine are wrong
    (the ordinary path reports it, after checking the words)."""
    command = _command_word(words)
    if command not in READS_PAGES or {"-h", "--help"} & set(words):
        return None
    at = words.index(command)
    _configure_logging(bool({"-v", "--verbose"} & set(words[:at])) or command in LONG_RUNNING)
    from recordroom.core.settings import load_settings
    from recordroom.usecases.ocr_engine import inbox_backlog, start_engine

    try:
        settings = load_settings()
        # Read at once: ``ingest``'s first files (its words that are not options), or the files
        # a watcher finds waiting in the inbox.
        first: Sequence[Path] = ()
        if command == "ingest":
            first = [Path(word) for word in words[at + 1 :] if not word.startswith("-")]
        elif command == "watch":
            first = inbox_backlog(settings)
        return settings, start_engine(settings, first)
    except RecordroomError:
        return None


def _run(words: Sequence[str], early: tuple[Settings, TesseractEngine] | None) -> int:
    from recordroom.core.settings import load_settings
    from recordroom.wiring import open_context

    args = build_parser(words).parse_args(words)
    quiet_subcommand = getattr(args, "mail_command", None)  # ``mail status`` is not long-running
    _configure_logging(args.verbose or (args.command in LONG_RUNNING and not quiet_subcommand))
    try:
        settings, engine = early if early is not None else (load_settings(), None)
        with open_context(settings, engine) as ctx:
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


def _configure_logging(verbose: bool) -> None:
    """Progress to stderr when ``verbose``, else warnings only (once: later calls do nothing)."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)


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
