"""``recordroom review list`` and ``recordroom review assign DOC --patient MRN --type TYPE``."""

from __future__ import annotations

import argparse

from recordroom.cli.common import Commands, add_group, print_json
from recordroom.core.actor import Actor
from recordroom.usecases.review import assign_document, list_review
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    review = add_group(commands, "review", "the review queue")
    review_list = review.add_parser("list", help="documents waiting for review")
    review_list.set_defaults(handler=cmd_review_list)
    review_list.add_argument("--json", action="store_true")
    review_assign = review.add_parser("assign", help="file a document to a patient with a type")
    review_assign.set_defaults(handler=cmd_review_assign)
    review_assign.add_argument("document", metavar="DOC")
    review_assign.add_argument("--patient", metavar="MRN", required=True)
    review_assign.add_argument("--type", metavar="TYPE", required=True)


def cmd_review_list(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    items = list_review(ctx, actor)
    for item in items:
        if args.json:
            print_json(item.as_json())
        else:
            print(
                f"{item.document_id}  {item.doc_type:<18} {item.patient_mrn or '-':<10} "
                f"{item.source_name}  ({'; '.join(item.reasons)})"
            )
    if not args.json and not items:
        print("nothing waits for review")
    return 0


def cmd_review_assign(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    assign_document(ctx, actor, args.document, patient_mrn=args.patient, doc_type=args.type)
    print(f"document {args.document} filed as {args.type} for patient {args.patient}")
    return 0
