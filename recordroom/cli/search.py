"""``recordroom search QUERY [--patient MRN] [--type TYPE] [--sender TEXT] [--json]``.

Beyond the contract: ``--from``/``--to`` (received dates, inclusive), ``--needs-review`` or
``--filed``, and ``--limit``/``--page`` to page through long answers.
"""

from __future__ import annotations

import argparse
import datetime as dt

from recordroom.cli.common import Commands, add_command, print_json
from recordroom.core.actor import Actor
from recordroom.usecases.search import SearchFilters, search_documents
from recordroom.wiring import Context


def register(commands: Commands) -> None:
    search = add_command(commands, "search", cmd_search, "full-text and metadata search")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--patient", metavar="MRN")
    search.add_argument("--type", metavar="TYPE")
    search.add_argument("--sender", metavar="TEXT")
    search.add_argument("--from", dest="received_from", type=day, metavar="YYYY-MM-DD")
    search.add_argument("--to", dest="received_to", type=day, metavar="YYYY-MM-DD")
    review = search.add_mutually_exclusive_group()
    review.add_argument("--needs-review", dest="needs_review", action="store_true", default=None)
    review.add_argument("--filed", dest="needs_review", action="store_false")
    search.add_argument("--limit", type=positive, default=50, help="hits a page (default 50)")
    search.add_argument("--page", type=positive, default=1, help="which page of hits")
    search.add_argument("--json", action="store_true")


def cmd_search(args: argparse.Namespace, ctx: Context, actor: Actor) -> int:
    hits = search_documents(
        ctx,
        actor,
        args.query,
        SearchFilters(
            patient_mrn=args.patient,
            doc_type=args.type,
            sender=args.sender,
            received_from=args.received_from,
            received_to=args.received_to + dt.timedelta(days=1) if args.received_to else None,
            needs_review=args.needs_review,
        ),
        limit=args.limit,
        offset=(args.page - 1) * args.limit,
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


def day(value: str) -> dt.datetime:
    """A calendar day as the UTC midnight that starts it."""
    try:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), tzinfo=dt.UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a whole number of at least 1")
    return number
