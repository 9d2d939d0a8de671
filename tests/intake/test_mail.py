"""Mail intake against a real dovecot: every form an e-fax service sends its attachment in, the
failures, and exactly once across a crash and a server restart."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from indexer import mail as ledger
from indexer.database import Database
from indexer.documents import get_document
from indexer.intake_index import SqlIntakeIndex
from indexer.mail import SqlMailLedger
from indexer.models import DocumentRow, MailMessageRow
from indexer.search import SearchFilters, search
from intake.mail.address import parse_mailbox
from intake.mail.fetcher import MailFetcher, MailRun
from intake.mail.message import parse_message
from intake.pipeline import Pipeline
from ocr import TesseractEngine
from recordroom.core import ConfigurationError, MailError
from recordroom.core.settings import Mailbox, Settings
from storage.local import LocalObjectStore
from synthetic import files as samples
from tests.services import MAIL_PASSWORD, MAIL_USER, Dovecot

ROOT = Path(__file__).resolve().parents[2]
PROCESSED, FAILED = "recordroom-processed", "recordroom-failed"


def letter(path: Path, title: str) -> bytes:
    lines = (title, "Thank you for seeing this patient in consultation next week.", path.stem)
    return samples.write_text_pdf(path, [lines]).read_bytes()


def fax_message(
    subject: str = 'eFax message from "5551234567" - 1 page(s), Caller-ID: 1-555-123-4567',
    body: str = "You have received a 1 page fax.\nRemote CSID: VALLEY CLINIC\n",
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "eFax <message@inbound.efax.example>"
    message["To"] = "frontdesk@clinic.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC))
    message["Message-ID"] = make_msgid(domain="efax.example")
    message.set_content(body)
    return message


@pytest.fixture
def mailbox(dovecot: Dovecot) -> Dovecot:
    dovecot.empty()
    return dovecot


@pytest.fixture
def mail_settings(settings: Settings, mailbox: Dovecot, tmp_path: Path) -> Settings:
    secret = tmp_path / "mail-password"
    secret.write_text(MAIL_PASSWORD + "\n", encoding="utf-8")
    return settings.with_changes(mail_url=mailbox.url, mail_password_file=str(secret))


@pytest.fixture
def fetch(mail_settings: Settings, database: Database) -> Iterator[Callable[[], MailRun]]:
    engine = TesseractEngine(mail_settings)
    store = LocalObjectStore(mail_settings.objects_dir)
    pipeline = Pipeline(mail_settings, SqlIntakeIndex(database), store, engine, None)
    address = parse_mailbox(mail_settings.all_mailboxes[0])
    yield MailFetcher(address, mail_settings, pipeline, SqlMailLedger(database)).run_once
    engine.close()


def documents(database: Database) -> list[DocumentRow]:
    with database.session() as session:
        return list(session.scalars(select(DocumentRow).order_by(DocumentRow.source_name)))


def test_each_attachment_form_becomes_a_document(
    mailbox: Dovecot, fetch: Callable[[], MailRun], database: Database, tmp_path: Path
) -> None:
    def with_letter(title: str, filename: str, subtype: str = "pdf") -> EmailMessage:
        message = fax_message()
        data = letter(tmp_path / f"{title.lower().replace(' ', '-')}.pdf", title)
        message.add_attachment(data, "application", subtype, filename=filename)
        return message

    plain = with_letter("PLAIN ATTACHMENT", "fax.pdf")
    octet = with_letter("OCTET STREAM", "fax.dat", subtype="octet-stream")
    rfc2231 = with_letter("NON ASCII NAME", "Überweisung Müller.pdf")
    inline = fax_message()
    scan = samples.render_page(("INLINE PAGE SCAN",))
    inline.add_attachment(
        samples.write_png(tmp_path / "inline.png", scan).read_bytes(),
        "image",
        "png",
        disposition="inline",
        filename="image001.png",
    )
    forwarded = fax_message(subject="Fwd: fax", body="see below")
    forwarded.add_attachment(with_letter("FORWARDED FAX", "forwarded.pdf"))
    two = with_letter("TWO FAXES 1", "two-1.pdf")
    two.add_attachment(
        letter(tmp_path / "two-2.pdf", "TWO FAXES 2"), "application", "pdf", filename="two-2.pdf"
    )
    for message in (plain, octet, inline, rfc2231, forwarded, two):
        mailbox.append(message.as_bytes())

    run = fetch()

    assert (run.processed, run.failed, run.left) == (6, 0, 0)
    rows = documents(database)
    assert len(rows) == 7 == len(run.documents)
    names = {row.source_name for row in rows}
    assert {
        "fax.pdf",
        "fax.dat",
        "image001.png",
        "Überweisung Müller.pdf",
        "forwarded.pdf",
    } <= names
    assert mailbox.count("INBOX") == 0 and mailbox.count(PROCESSED) == 6
    first = rows[0]
    assert first.mail_from == "message@inbound.efax.example"
    assert first.sender_fax == "5551234567" and first.sender_csid == "VALLEY CLINIC"
    assert first.sender_pages == 1 and first.mail_message_id
    with database.session() as session:
        assert search(session, "consultation", SearchFilters(sender="VALLEY CLINIC"))
        assert search(session, "consultation", SearchFilters(sender="(555) 123-4567"))
        assert not search(session, "consultation", SearchFilters(sender="Hillside"))
        assert get_document(session, first.id).mail is not None

    again = fetch()  # a second run brings nothing new
    assert (again.processed, again.failed, again.already_done) == (0, 0, 0)
    assert len(documents(database)) == 7


def test_no_attachment_corrupt_pdf_and_over_the_cap_go_to_failed_with_reasons(
    mailbox: Dovecot, mail_settings: Settings, database: Database, tmp_path: Path
) -> None:
    nothing = fax_message(subject="lunch on friday?", body="no fax here")
    logo = samples.render_page(("LOGO",), dpi=40, width_in=3, height_in=1)
    nothing.add_attachment(
        samples.write_png(tmp_path / "logo.png", logo).read_bytes(),
        "image",
        "png",
        disposition="inline",
        filename="logo.png",
    )
    corrupt = fax_message()
    corrupt.add_attachment(
        samples.write_truncated_pdf(tmp_path / "broken.pdf").read_bytes(),
        "application",
        "pdf",
        filename="broken.pdf",
    )
    large = fax_message()
    large.add_attachment(os.urandom(2 * 1024 * 1024), "application", "pdf", filename="big.pdf")
    bomb = fax_message()
    bomb.add_attachment(
        samples.write_image_bomb(tmp_path / "bomb.png").read_bytes(),
        "image",
        "png",
        filename="bomb.png",
    )
    for message in (nothing, corrupt, large, bomb):
        mailbox.append(message.as_bytes())
    settings = mail_settings.with_changes(mail_max_mb=1)
    engine = TesseractEngine(settings)
    pipeline = Pipeline(
        settings, SqlIntakeIndex(database), LocalObjectStore(settings.objects_dir), engine, None
    )
    fetcher = MailFetcher(
        parse_mailbox(settings.all_mailboxes[0]), settings, pipeline, SqlMailLedger(database)
    )
    try:
        run = fetcher.run_once()
    finally:
        engine.close()

    assert (run.processed, run.failed) == (0, 4)
    assert documents(database) == []
    assert mailbox.count(FAILED) == 4 and mailbox.count("INBOX") == 0
    with database.session() as session:
        reasons = sorted(line.reason or "" for line in ledger.mail_status(session))
    assert reasons[0].startswith("bomb.png: ")
    assert reasons[1].startswith("broken.pdf: ")
    assert "no PDF, TIFF, PNG or JPEG attachment (1 small inline image(s) left out)" in reasons[2]
    assert "more than the 1 MB limit (RECORDROOM_MAIL_MAX_MB)" in reasons[3]


def run_cli(
    env: dict[str, str], cwd: Path, *args: str, prelude: str = ""
) -> subprocess.CompletedProcess[str]:
    code = f"{prelude}\nimport sys\nfrom recordroom.cli import main\nsys.exit(main({list(args)!r}))"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=600
    )


def cli_env(mailbox: Dovecot, home: Path, password_file: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECORDROOM_")}
    env.update(
        RECORDROOM_HOME=str(home / "var"),
        RECORDROOM_INBOX=str(home / "inbox"),
        RECORDROOM_MAIL_URL=mailbox.url,
        RECORDROOM_MAIL_PASSWORD_FILE=str(password_file),
        RECORDROOM_MAIL_POLL_SECONDS="1",
        PYTHONPATH=str(ROOT),
    )
    return env


KILL_BEFORE = {
    # after the attachments are durable in intake, before the ledger says so
    "ledger": "import intake.mail.fetcher as f, indexer.mail as m, os, signal\n"
    "m.finish_message = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)",
    # after the ledger says processed, before the message is moved
    "move": "import intake.mail.imap as i, os, signal\n"
    "i.MailSession.move = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)",
}


@pytest.mark.slow
@pytest.mark.parametrize("moment", sorted(KILL_BEFORE))
def test_killed_before_the_move_yields_exactly_one_document(
    mailbox: Dovecot, tmp_path: Path, moment: str
) -> None:
    secret = tmp_path / "pw"
    secret.write_text(MAIL_PASSWORD, encoding="utf-8")
    env = cli_env(mailbox, tmp_path, secret)
    message = fax_message()
    message.add_attachment(
        letter(tmp_path / "once.pdf", "EXACTLY ONCE"), "application", "pdf", filename="once.pdf"
    )
    mailbox.append(message.as_bytes())

    killed = run_cli(env, tmp_path, "mail", "--once", prelude=KILL_BEFORE[moment])
    assert killed.returncode == -9
    assert mailbox.count("INBOX") == 1  # still there: fetched again on restart

    again = run_cli(env, tmp_path, "mail", "--once")
    assert again.returncode == 0, again.stderr
    assert mailbox.count("INBOX") == 0 and mailbox.count(PROCESSED) == 1
    database = Database(f"sqlite:///{tmp_path / 'var' / 'recordroom.db'}")
    try:
        assert len(documents(database)) == 1
        with database.session() as session:
            [line] = ledger.mail_status(session)
        assert line.status == "processed" and len(line.document_ids) == 1
    finally:
        database.dispose()
    status = run_cli(env, tmp_path, "mail", "status")
    assert "processed" in status.stdout


@pytest.mark.slow
def test_wrong_password_is_one_clear_line_without_the_password(
    mailbox: Dovecot, tmp_path: Path
) -> None:
    wrong = "Wr0ng-Pa55word-xyz"
    secret = tmp_path / "pw"
    secret.write_text(wrong, encoding="utf-8")
    env = cli_env(mailbox, tmp_path, secret)
    result = run_cli(env, tmp_path, "mail", "--once")
    assert result.returncode == MailError.exit_code
    lines = [line for line in result.stderr.splitlines() if line.startswith("recordroom:")]
    assert len(lines) == 1
    assert f"refused the login of {MAIL_USER}" in lines[0]
    for output in (result.stdout, result.stderr):
        assert wrong not in output and MAIL_PASSWORD not in output
    env["RECORDROOM_MAIL_PASSWORD"] = wrong
    del env["RECORDROOM_MAIL_PASSWORD_FILE"]
    for args in (("mail", "--help"), ("mail", "--once")):
        result = run_cli(env, tmp_path, *args)
        assert wrong not in result.stdout + result.stderr


def test_server_down_and_tls_failure_are_clear_errors_and_a_url_password_is_refused(
    dovecot: Dovecot,
) -> None:
    port = dovecot.port  # plain IMAP: a TLS handshake with it fails
    from tests.services import free_port

    address = parse_mailbox(
        Mailbox(url=f"imap://fax@127.0.0.1:{free_port()}/INBOX", password="pw-secret-1")
    )
    from intake.mail.imap import MailSession

    with pytest.raises(MailError) as caught, MailSession(address):
        pass
    assert "connection was refused" in str(caught.value) and "pw-secret-1" not in str(caught.value)
    with pytest.raises(MailError) as tls, MailSession(replace(address, scheme="imaps", port=port)):
        pass
    assert "TLS" in str(tls.value) and "pw-secret-1" not in str(tls.value)
    with pytest.raises(ConfigurationError) as refused:
        parse_mailbox(Mailbox(url="imaps://fax:hunter2@mail.example/INBOX"))
    assert "hunter2" not in str(refused.value)
    assert parse_mailbox(Mailbox(url="imap://fax@mail.example/INBOX", password="x")).needs_starttls
    assert not parse_mailbox(Mailbox(url="imap://fax@[::1]/INBOX", password="x")).needs_starttls
    assert "pw-secret-1" not in repr(address)


@pytest.mark.slow
def test_server_restarted_mid_run_loses_nothing_and_resumes(
    mailbox: Dovecot, mail_settings: Settings, database: Database, tmp_path: Path
) -> None:
    settings = mail_settings.with_changes(mail_poll_seconds=1.0)
    engine = TesseractEngine(settings)
    pipeline = Pipeline(
        settings, SqlIntakeIndex(database), LocalObjectStore(settings.objects_dir), engine, None
    )
    fetcher = MailFetcher(
        parse_mailbox(settings.all_mailboxes[0]), settings, pipeline, SqlMailLedger(database)
    )
    stop = threading.Event()
    thread = threading.Thread(target=fetcher.run, args=(stop,), daemon=True)

    def send(title: str) -> None:
        message = fax_message()
        message.add_attachment(
            letter(tmp_path / f"{title}.pdf", title), "application", "pdf", filename=f"{title}.pdf"
        )
        mailbox.append(message.as_bytes())

    def wait_for(count: int) -> None:
        for _ in range(1200):
            if len(documents(database)) >= count:
                return
            time.sleep(0.1)
        raise AssertionError(f"{count} document(s) never arrived")

    send("BEFORE RESTART")
    thread.start()
    try:
        wait_for(1)
        mailbox.stop()
        time.sleep(2)  # the fetcher notices, logs one line and waits
        mailbox.start()
        send("AFTER RESTART")
        wait_for(2)
    finally:
        stop.set()
        thread.join(timeout=60)
        engine.close()
    assert len(documents(database)) == 2
    assert mailbox.count(PROCESSED) == 2 and mailbox.count("INBOX") == 0


def test_uidvalidity_change_brings_no_second_document(
    mailbox: Dovecot, fetch: Callable[[], MailRun], database: Database, tmp_path: Path
) -> None:
    message = fax_message()
    message.add_attachment(
        letter(tmp_path / "renumbered.pdf", "RENUMBERED"),
        "application",
        "pdf",
        filename="renumbered.pdf",
    )
    mailbox.append(message.as_bytes())
    assert fetch().processed == 1
    # The same message back in the inbox with another UIDVALIDITY (a restored mailbox).
    mailbox.empty()
    mailbox.append(message.as_bytes())
    again = fetch()
    assert (again.processed, again.already_done) == (0, 1)
    assert len(documents(database)) == 1
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(MailMessageRow)) == 1


def test_small_inline_images_are_not_documents_but_pages_are() -> None:
    message = fax_message()
    logo = samples.render_page(("ACME",), dpi=40, width_in=2, height_in=1)
    import io

    small, page = io.BytesIO(), io.BytesIO()
    logo.save(small, format="PNG")
    samples.render_page(("A PAGE",), dpi=100).save(page, format="JPEG")
    message.add_attachment(small.getvalue(), "image", "png", disposition="inline")
    message.add_attachment(page.getvalue(), "application", "octet-stream", filename="x.bin")
    parsed = parse_message(message.as_bytes(), "test")
    assert parsed.skipped_images == 1
    assert [a.media_type for a in parsed.documents] == ["image/jpeg"]
    assert parsed.origin.fax_number == "5551234567" and parsed.origin.page_count == 1
