"""``recordroom mail [--once]`` and ``recordroom mail status [--json]``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from recordroom.cli.common import Commands, add_command, print_json
from recordroom.core import MailError
from recordroom.core.actor import Actor
from recordroom.usecases.mail import fetch_mail, fetch_mail_once, mail_status
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    mail = add_command(commands, "mail", cmd_mail, "fetch e-faxes from the mailbox into intake")
    mail.add_argument("--once", action="store_true", help="fetch what is there, then exit")
    subcommands = mail.add_subparsers(dest="mail_command", metavar="SUBCOMMAND")
    status = subcommands.add_parser("status", help="what was fetched and what failed, with reasons")
    status.set_defaults(handler=cmd_mail_status)
    status.add_argument("--limit", type=int, default=100)
    status.add_argument("--json", action="store_true")


def cmd_mail(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    if not args.once:
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        fetch_mail(ctx, actor, stop)
        return 0
    failed = False
    for result in fetch_mail_once(ctx, actor):
        if result.run is None:
            failed = True
            print(f"recordroom: {result.error}", file=sys.stderr)
            continue
        run = result.run
        print(
            f"{result.mailbox}: {run.processed} processed, {run.failed} failed, "
            f"{run.already_done} already done, {run.left} left for another try; "
            f"{len(run.documents)} document(s)"
        )
    return MailError.exit_code if failed else 0


def cmd_mail_status(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    lines = mail_status(ctx, actor, limit=args.limit)
    for line in lines:
        if args.json:
            print_json(line.as_json())
            continue
        documents = ",".join(line.document_ids) or "-"
        print(
            f"{line.updated_at}  {line.status:<9} {line.mailbox} uid {line.uid}  "
            f"{line.from_address or '-'}  documents {documents}"
        )
        if line.reason:
            print(f"    {line.reason}")
    if not args.json and not lines:
        print("no mail fetched yet")
    return 0
