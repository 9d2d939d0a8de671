"""``recordroom init``."""

from __future__ import annotations

import argparse
import sys

from recordroom.cli.common import Commands, add_command
from recordroom.core.actor import Actor
from recordroom.usecases.home import init_home
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    add_command(commands, "init", cmd_init, "create the data folder and migrate the database")


def cmd_init(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    for warning in init_home(ctx, actor):
        print(f"recordroom: warning: {warning}", file=sys.stderr)
    print(f"recordroom is ready: data in {ctx.settings.home}, inbox at {ctx.settings.inbox}")
    return 0
