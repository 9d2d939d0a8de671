"""``recordroom model retrain``."""

from __future__ import annotations

import argparse

from recordroom.cli.common import Commands, add_group, print_json
from recordroom.core.actor import Actor
from recordroom.usecases.model import retrain_model
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    model = add_group(commands, "model", "the office's document-type model")
    retrain = model.add_parser(
        "retrain",
        help="fold the office's review decisions into its own document-type model",
        description="Train the shipped document-type model further on every review decision "
        "and write it under the home (model/); the classifier uses it from then on "
        "(unless RECORDROOM_MODEL_DIR names another). The same decisions give the same model.",
    )
    retrain.set_defaults(handler=cmd_model_retrain)
    retrain.add_argument("--json", action="store_true", help="one JSON object")


def cmd_model_retrain(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    result = retrain_model(ctx, actor)
    if args.json:
        print_json(
            {
                "model": str(result.folder),
                "examples": result.examples,
                "per_type": result.per_type,
                "sha256": result.fingerprint,
            }
        )
        return 0
    kinds = ", ".join(f"{doc_type} {count}" for doc_type, count in result.per_type.items())
    print(f"office model written to {result.folder} from {result.examples} review decisions")
    print(f"  {kinds}")
    print(f"  sha256 {result.fingerprint}")
    if ctx.settings.model_dir:
        print(f"  note: RECORDROOM_MODEL_DIR={ctx.settings.model_dir} is set and is used instead")
    return 0
