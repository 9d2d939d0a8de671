"""Mail intake as the doors see it: fetch every configured mailbox (once, or until stopped), and
what was fetched and what failed, with reasons."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from indexer import mail as ledger
from intake.mail.address import MailAddress, parse_mailbox
from intake.mail.fetcher import MailFetcher, MailRun
from recordroom.core import ConfigurationError, MailError
from recordroom.core.actor import Actor
from recordroom.core.settings import Settings
from recordroom.wiring import Context

log = logging.getLogger("recordroom.mail")


@dataclass(frozen=True, slots=True)
class MailboxResult:
    mailbox: str
    run: MailRun | None
    error: str | None


def mailbox_addresses(settings: Settings) -> list[MailAddress]:
    """Every configured mailbox; a ConfigurationError (never showing a password) if one is wrong."""
    return [parse_mailbox(mailbox) for mailbox in settings.all_mailboxes]


def fetch_mail_once(ctx: Context, actor: Actor) -> list[MailboxResult]:
    """Bring in what every mailbox holds now; a mailbox that fails does not stop the others."""
    addresses = mailbox_addresses(ctx.settings)
    if not addresses:
        raise ConfigurationError("no mailbox is configured: set RECORDROOM_MAIL_URL")
    pipeline = ctx.pipeline_for(actor)  # each file's documents with their document.create
    pipeline.recover()
    results = []
    for address in addresses:
        fetcher = MailFetcher(address, ctx.settings, pipeline, ctx.mail_ledger)
        try:
            results.append(MailboxResult(address.label, fetcher.run_once(), None))
        except MailError as error:
            results.append(MailboxResult(address.label, None, str(error)))
    with ctx.unit_of_work(actor) as unit:
        unit.record(
            "mail.fetch",
            documents=[i for r in results if r.run for i in r.run.documents],
            detail=f"{len(addresses)} mailbox(es)",
        )
    return results


def start_mail_threads(ctx: Context, actor: Actor, stop: threading.Event) -> list[threading.Thread]:
    """One fetcher thread per mailbox, until ``stop``; a mailbox whose settings are wrong is
    reported in the log and left out, the rest (and the rest of serve) go on."""
    threads: list[threading.Thread] = []
    for mailbox in ctx.settings.all_mailboxes:
        try:
            address = parse_mailbox(mailbox)
        except ConfigurationError as error:
            log.error("mail intake is off for one mailbox: %s", error)
            continue
        fetcher = MailFetcher(address, ctx.settings, ctx.pipeline_for(actor), ctx.mail_ledger)
        thread = threading.Thread(
            target=fetcher.run, args=(stop,), name=f"mail-{len(threads)}", daemon=True
        )
        thread.start()
        threads.append(thread)
    return threads


def fetch_mail(ctx: Context, actor: Actor, stop: threading.Event) -> None:
    """Fetch every mailbox until ``stop`` (``recordroom mail``)."""
    if not mailbox_addresses(ctx.settings):
        raise ConfigurationError("no mailbox is configured: set RECORDROOM_MAIL_URL")
    ctx.pipeline_for(actor).recover()
    threads = start_mail_threads(ctx, actor, stop)
    while any(t.is_alive() for t in threads) and not stop.is_set():
        stop.wait(1.0)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)


def mail_status(ctx: Context, actor: Actor, *, limit: int = 100) -> list[ledger.MailStatusLine]:
    """The latest messages of every mailbox, newest first, with what became of them."""
    with ctx.unit_of_work(actor) as unit:
        lines = ledger.mail_status(unit.session, limit=limit)
        unit.record(
            "mail.status",
            documents=[i for line in lines for i in line.document_ids],
            detail=f"{len(lines)} message(s)",
        )
    return lines
