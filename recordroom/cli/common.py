"""What the command groups share: the handler type, the actor at the command line, JSON lines."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from recordroom.core.actor import ROLES, Actor

if TYPE_CHECKING:  # the wiring is imported by ``main()`` only (see ``recordroom.cli``)
    from recordroom.wiring import Context

Handler = Callable[[argparse.Namespace, "Context", Actor], int]
Commands = Any  # argparse's sub-parsers action (its class is private)

LONG_RUNNING = {"serve", "watch", "mail", "worker"}  # commands that log progress without --verbose
READS_PAGES = {"ingest", "watch", "worker"}  # commands whose OCR workers start before the rest


def command_line_actor() -> Actor:
    """Whoever runs the command: the operating-system login, with every role."""
    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no name for this uid (a bare container)
        login = f"uid-{os.getuid()}"
    return Actor(
        user_id=f"os:{login}",
        roles=frozenset(ROLES),
        door="cli",
        host=socket.gethostname(),
    )


def add_command(
    commands: Commands, name: str, handler: Handler, help_text: str
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=help_text, description=help_text
    )
    parser.set_defaults(handler=handler)
    return parser


def add_group(commands: Commands, name: str, help_text: str) -> Commands:
    """A command with sub-commands (``review list``, ``review assign``)."""
    group = commands.add_parser(name, help=help_text)
    return group.add_subparsers(dest=f"{name}_command", required=True)


def print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False), flush=True)
