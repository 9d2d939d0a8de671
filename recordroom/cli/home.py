"""``recordroom init``."""

from __future__ import annotations

import argparse
import sys

from recordroom.cli.common import Commands, add_command
from recordroom.core.actor import Actor
from recordroom.usecases.home import init_home
from recordroom.usecases.users import create_first_admin
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    add_command(
        commands,
        "init",
        cmd_init,
        "create the data folder, migrate the database, create the first admin",
    )


def cmd_init(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    for warning in init_home(ctx, actor):
        print(f"recordroom: warning: {warning}", file=sys.stderr)
    print(f"recordroom is ready: data in {ctx.settings.home}, inbox at {ctx.settings.inbox}")
    made = create_first_admin(ctx, actor)
    if made is not None:
        settings = ctx.settings
        print(
            f"first admin: user name {made.username}, password {made.password}\n"
            "  (shown only now: write it down; after `recordroom serve`, sign in at "
            f"http://{settings.web_host}:{settings.web_port})"
        )
    return 0
