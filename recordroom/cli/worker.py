"""``recordroom worker``: pipeline workers with no watcher, for extra machines."""

from __future__ import annotations

import argparse
import signal
import threading

from recordroom.cli.common import Commands, add_command
from recordroom.core.actor import Actor
from recordroom.usecases.ingest import work_queue
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    worker = add_command(
        commands, "worker", cmd_worker, "a pipeline worker with no watcher (for extra machines)"
    )
    worker.add_argument(
        "--drain", action="store_true", help="exit once no job is left instead of waiting"
    )


def cmd_worker(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    work_queue(ctx, actor, drain=args.drain, stop=stop)
    return 0
