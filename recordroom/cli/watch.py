"""``recordroom serve`` and ``recordroom watch``: the long-running jobs."""

from __future__ import annotations

import argparse
import signal
import threading

from recordroom.cli.common import Commands, add_command
from recordroom.core.actor import Actor
from recordroom.usecases.ingest import watch_inbox
from recordroom.usecases.mail import start_mail_threads
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    add_command(
        commands,
        "serve",
        cmd_serve,
        "the main job: the watcher, its pipeline, the e-fax mailboxes and the web app",
    )
    watch = add_command(commands, "watch", cmd_watch, "watch the inbox and run the pipeline")
    watch.add_argument("--once", action="store_true", help="process what is there, then exit")


def _watch(ctx: Context, actor: Actor, *, once: bool) -> int:
    if once:
        watch_inbox(ctx, actor, once=True)
        return 0
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    watch_inbox(ctx, actor, stop=stop)
    return 0


def cmd_watch(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    return _watch(ctx, actor, once=args.once)


def cmd_serve(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    from recordroom.web.serve import serve

    def work(stop: threading.Event) -> None:
        # each configured e-fax mailbox in its own thread: its failures stop nothing
        start_mail_threads(ctx, actor, stop)
        watch_inbox(ctx, actor, stop=stop)

    serve(ctx, work)
    return 0
