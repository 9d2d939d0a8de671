"""``recordroom users add|list|disable|enable|reset-password|roles``: accounts of the web app."""

from __future__ import annotations

import argparse

from recordroom.cli.common import Commands, print_json
from recordroom.core.actor import ROLES, Actor
from recordroom.usecases import users
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    group = commands.add_parser("users", help="accounts of the web app and the API")
    sub = group.add_subparsers(dest="users_command", required=True)
    add = sub.add_parser("add", help="add a user; the password is printed once")
    add.set_defaults(handler=cmd_add)
    add.add_argument("username", metavar="USER")
    add.add_argument(
        "--role", action="append", required=True, choices=ROLES, help="repeat for several"
    )
    add.add_argument("--name", default="", help="the person's full name")
    listing = sub.add_parser("list", help="every user, their roles and state")
    listing.set_defaults(handler=cmd_list)
    listing.add_argument("--json", action="store_true")
    for name, handler, help_text in (
        ("disable", cmd_disable, "disable a user; their sessions end at once"),
        ("enable", cmd_enable, "enable a disabled user again"),
        ("reset-password", cmd_reset, "a new password (printed once); lifts a lockout"),
    ):
        command = sub.add_parser(name, help=help_text)
        command.set_defaults(handler=handler)
        command.add_argument("username", metavar="USER")
    roles = sub.add_parser("roles", help="set a user's roles")
    roles.set_defaults(handler=cmd_roles)
    roles.add_argument("username", metavar="USER")
    roles.add_argument("--role", action="append", required=True, choices=ROLES)


def cmd_add(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    made = users.add_user(ctx, actor, args.username, args.role, display_name=args.name)
    print(f"user {made.username} added; password (shown only now): {made.password}")
    return 0


def cmd_list(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    for user in users.list_users(ctx, actor):
        if args.json:
            print_json(user.as_json())
            continue
        state = "disabled" if user.disabled else "locked" if user.locked else "active"
        last = user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else "never"
        print(f"{user.username:<20} {','.join(user.roles):<28} {state:<9} last sign-in {last}")
    return 0


def cmd_disable(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    users.disable_user(ctx, actor, args.username)
    print(f"user {args.username} disabled")
    return 0


def cmd_enable(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    users.disable_user(ctx, actor, args.username, disabled=False)
    print(f"user {args.username} enabled")
    return 0


def cmd_reset(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    made = users.reset_password(ctx, actor, args.username)
    print(f"new password for {made.username} (shown only now): {made.password}")
    return 0


def cmd_roles(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    user = users.set_roles(ctx, actor, args.username, args.role)
    print(f"user {user.username} now has the roles {', '.join(user.roles)}")
    return 0
