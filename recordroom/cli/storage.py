"""``recordroom storage verify`` and ``recordroom storage rotate-key``."""

from __future__ import annotations

import argparse
import sys

from recordroom.cli.common import Commands, add_group, print_json
from recordroom.core.actor import Actor
from recordroom.usecases.storage import (
    encrypt_existing_objects,
    rotate_master_key,
    verify_storage,
)
from recordroom.wiring import Context

PROBLEMS_EXIT = 5  # the StorageError exit code: the store holds something wrong


def register(commands: Commands) -> None:
    group = add_group(commands, "storage", "the object store: integrity scrub and keys")
    verify = group.add_parser(
        "verify",
        help="read every object back; report missing, corrupt and orphan objects",
        description="Read every stored object back, decrypt it and check it against the "
        "index. Exits 5 when anything is missing, corrupt or orphaned.",
    )
    verify.set_defaults(handler=cmd_verify)
    verify.add_argument("--json", action="store_true", help="one JSON object a problem")
    rotate = group.add_parser(
        "rotate-key",
        help="wrap every data key with a new master key (objects are not rewritten)",
    )
    rotate.set_defaults(handler=cmd_rotate_key)
    encrypt = group.add_parser(
        "encrypt",
        help="encrypt the objects stored before encryption at rest (once, after an upgrade)",
    )
    encrypt.set_defaults(handler=cmd_encrypt)


def cmd_encrypt(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    report = encrypt_existing_objects(ctx, actor)
    print(f"{report.sealed} object(s) encrypted, {report.already_sealed} already encrypted")
    return 0


def cmd_verify(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    report = verify_storage(ctx, actor)
    for problem in report.problems:
        if args.json:
            print_json({"kind": problem.kind, "key": problem.key, "detail": problem.detail})
        else:
            print(f"{problem.kind:<8} {problem.key}  {problem.detail}")
    summary = (
        f"{report.checked} object(s) read: {report.count('missing')} missing, "
        f"{report.count('corrupt')} corrupt, {report.count('orphan')} orphan"
    )
    print(summary, file=sys.stderr if args.json else sys.stdout)
    return 0 if report.ok else PROBLEMS_EXIT


def cmd_rotate_key(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    rotation = rotate_master_key(ctx, actor)
    report = rotation.report
    print(
        f"master key {rotation.new_key_id}: {report.rewrapped} data key(s) re-wrapped, "
        f"{report.already_current} already under it"
    )
    for message in report.failed:
        print(f"not re-wrapped: {message}", file=sys.stderr)
    if report.failed:
        print("keep every old master key until these are fixed", file=sys.stderr)
        return PROBLEMS_EXIT
    if rotation.old_envelope_versions_removed:
        removed = rotation.old_envelope_versions_removed
        print(f"{removed} earlier version(s) of envelopes removed from the bucket")
    if rotation.from_environment:
        print("remove the old keys from RECORDROOM_MASTER_KEY, keeping the first")
    for path in rotation.old_key_files:
        print(f"no object needs {path} any more: delete it (and its backups) when no process "
              "started before this rotation is still running")  # fmt: skip
    return 0
