"""``recordroom search QUERY [--patient MRN] [--type TYPE] [--sender TEXT] [--json]``."""

from __future__ import annotations

import argparse

from recordroom.cli.common import Commands, add_command, print_json
from recordroom.core.actor import Actor
from recordroom.usecases.search import search_documents
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    search = add_command(commands, "search", cmd_search, "full-text and metadata search")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--patient", metavar="MRN")
    search.add_argument("--type", metavar="TYPE")
    search.add_argument("--sender", metavar="TEXT")
    search.add_argument("--limit", type=int, default=50)
    search.add_argument("--json", action="store_true")


def cmd_search(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    hits = search_documents(
        ctx,
        actor,
        args.query,
        patient_mrn=args.patient,
        doc_type=args.type,
        sender=args.sender,
        limit=args.limit,
    )
    for hit in hits:
        if args.json:
            print_json(hit.as_json())
        else:
            print(f"{hit.document_id}  {hit.doc_type:<18} p.{hit.page}  {hit.source_name}")
            print(f"    {hit.snippet}")
    if not args.json and not hits:
        print("no documents found")
    return 0
