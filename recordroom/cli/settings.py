"""``recordroom settings``."""

from __future__ import annotations

import argparse

from recordroom.cli.common import Commands, add_command, print_json
from recordroom.core.actor import Actor
from recordroom.usecases.settings import show_settings
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    settings = add_command(
        commands,
        "settings",
        cmd_settings,
        "every setting: its value, where the value came from, what it means (secrets masked)",
    )
    settings.add_argument("--json", action="store_true", help="one JSON object a line")


def cmd_settings(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    values = show_settings(ctx, actor)
    if args.json:
        for value in values:
            print_json(
                {
                    "variable": value.variable,
                    "value": value.value,
                    "from": value.origin,
                    "meaning": value.description,
                }
            )
        return 0
    width = max(len(value.variable) for value in values)
    for value in values:
        print(f"{value.variable:<{width}}  {value.value or '(empty)'}  [{value.origin}]")
        print(f"{'':<{width}}  {value.description}")
    return 0
