"""No door around the audit trail: every command of the command line and every use-case is listed
here with the event it must write (or why it touches no PHI), and every command that touches PHI
is run and shown to write its event. A new command or use-case fails these tests until it is
listed, so a new door cannot read around the trail unnoticed.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import pkgutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import recordroom.usecases
from audit import AuditEvent, find_events, load_key, verify
from intake import files
from recordroom.cli import build_parser, main
from recordroom.core.settings import load_settings
from recordroom.wiring import open_database
from release_of_information.vocabulary import DENIAL_GROUNDS
from storage.local import LocalObjectStore
from synthetic import files as samples
from tests.queue import handing_off
from tests.recordroom.test_roi_cli import office  # noqa: F401

# Command → the event kind it must write, or None with the reason it touches no PHI.
COMMANDS: dict[str, str | tuple[None, str]] = {
    "init": (None, "creates folders, the schema and the signing key"),
    "serve": "document.create",  # the watcher of `watch`, run here as `watch --once`
    "watch": "document.create",
    "worker": "document.create",
    "ingest": "document.create",
    "ocr": (None, "the text of a file the caller holds; nothing stored or looked up"),
    "search": "search",
    "documents show": "document.read",
    "classify": "classify",
    "patients import": "patient.import",
    "review list": "review.list",
    "review assign": "document.update",
    "settings": (None, "shows the settings (secrets masked); no patient information"),
    "model retrain": "model.retrain",
    "documents not-duplicate": "document.not_duplicate",
    "mail status": "mail.status",
    "storage verify": "storage.verify",
    "storage rotate-key": "storage.rotate_key",
    "storage encrypt": "storage.encrypt",
    "users add": "user.update",
    "users list": "user.update",
    "users disable": "user.update",
    "users enable": "user.update",
    "users reset-password": "user.update",
    "users roles": "user.update",
    "roi new": "request.create",
    "roi show": "patient.read",
    "roi list": "patient.read",
    "roi check": "request.update",
    "roi confirm-element": "request.update",
    "roi categories": "request.update",
    "roi verify-identity": "request.update",
    "roi approve": "request.update",
    "roi deny": "request.update",
    "roi extend": "request.update",
    "roi cancel": "request.update",
    "roi close": "request.update",
    "roi fulfil": "disclosure",
    "roi revoke": "request.update",
    "roi incident": "request.update",
    "roi accounting": "patient.read",
    "roi label": "document.update",
    "audit verify": "audit.read",
    "audit events": "audit.read",
    "audit report patient": "audit.read",
    "audit report user": "audit.read",
    "audit report after-hours": "audit.read",
    "audit report many-patients": "audit.read",
    "audit report same-surname": "audit.read",
    "audit report disclosures": "audit.read",
    "audit export": "audit.read",
    "audit checkpoint": "audit.read",
}

# Use-case → the command that runs it (and so shows its event), or None with the reason.
USECASES: dict[str, str | tuple[None, str]] = {
    "home.init_home": (None, "creates folders, the schema and the signing key"),
    "classify.read_text": (None, "the text of a file the caller holds; nothing looked up"),
    "classify.classify_files": "classify",
    "ingest.ingest_files": "ingest",
    "ingest.watch_inbox": "watch",
    "ingest.work_queue": "worker",
    "search.search_documents": "search",
    "documents.show_document": "documents show",
    "documents.document_history": (None, "web: document.read (the document page and its history)"),
    "review.list_review": "review list",
    "review.assign_document": "review assign",
    "review.review_document": (None, "web: document.read (the review page)"),
    "review.split_document": (None, "web and API only: document.split"),
    "review.merge_documents": (None, "web and API only: document.merge"),
    "patients.import_patients": "patients import",
    "audit.verify_trail": "audit verify",
    "audit.chain_status": (
        None,
        "web: audit.read, as audit verify (tests/web/test_audit_pages.py)",
    ),
    "audit.audit_events": "audit events",
    "audit.report_patient": "audit report patient",
    "audit.report_user": "audit report user",
    "audit.report_after_hours": "audit report after-hours",
    "audit.report_many_patients": "audit report many-patients",
    "audit.report_same_surname": "audit report same-surname",
    "audit.report_disclosures": "audit report disclosures",
    "audit.export_trail": "audit export",
    "audit.checkpoint_trail": "audit checkpoint",
    "audit.working_hours": (None, "reads settings only"),
    "settings.show_settings": (None, "shows the settings (secrets masked)"),
    "model.retrain_model": "model retrain",
    "duplicates.mark_not_duplicate": "documents not-duplicate",
    "mail.mail_status": "mail status",
    "mail.fetch_mail": (
        None,
        "mail.fetch with the documents stored; tests/mail, a real IMAP server",
    ),
    "mail.fetch_mail_once": (None, "mail.fetch, as fetch_mail; tests/mail"),
    "mail.start_mail_threads": (None, "runs fetch_mail beside the watcher in serve"),
    "storage.verify_storage": "storage verify",
    "storage.rotate_master_key": "storage rotate-key",
    "storage.encrypt_existing_objects": "storage encrypt",
    "users.add_user": "users add",
    "users.list_users": "users list",
    "users.disable_user": "users disable",
    "users.reset_password": "users reset-password",
    "users.set_roles": "users roles",
    # the web app's doors (issue 20): their events are checked by tests/web/test_audit_hooks.py
    "users.create_first_admin": (None, "web: user.update"),
    "users.change_password": (None, "web: user.update"),
    "users.sign_in": (None, "web: login, failures with their outcome"),
    "users.sign_out": (None, "web: logout"),
    "users.resume_session": (None, "web: logout when a session timed out"),
    "access.record_denial": (None, "web: access.denied"),
    "document_files.original_file": (None, "web: document.export"),
    "document_files.page_image": (None, "web: document.export"),
    "inbox.inbox_overview": (None, "web: no document content; quarantine reasons only"),
    "inbox.retry_quarantined": (None, "web: document.update"),
    "inbox.discard_quarantined": (None, "web: document.delete"),
    "registry.search_patients": (None, "web: search"),
    "registry.show_patient": (None, "web: patient.read"),
    "roi_files.packet_file": (None, "web: document.export"),
    "roi.new_request": "roi new",
    "roi.show_request": "roi show",
    "roi.list_requests": "roi list",
    "roi.check_request": "roi check",
    "roi.confirm_element": "roi confirm-element",
    "roi.name_categories": "roi categories",
    "roi.verify_identity": "roi verify-identity",
    "roi.approve_request": "roi approve",
    "roi.deny_request": "roi deny",
    "roi.extend_request": "roi extend",
    "roi.cancel_request": "roi cancel",
    "roi.close_request": "roi close",
    "roi.fulfil_request": "roi fulfil",
    "roi.revoke_authorization": "roi revoke",
    "roi.record_incident": "roi incident",
    "roi.accounting_of_disclosures": "roi accounting",
    "roi.accounting_pdf": (None, "prints an accounting already read, and recorded, by the above"),
    "roi.label_document": "roi label",
    # the web app's download door (issue 20) records document.export; no command calls it yet
    "roi.download_packet": (None, "document.export, tested in tests/recordroom/test_roi_cli.py"),
}


def command_paths(parser: argparse.ArgumentParser, prefix: str = "") -> Iterator[str]:
    """Every runnable command of the argparse tree, as ``"review assign"``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                path = f"{prefix} {name}".strip()
                if any(isinstance(a, argparse._SubParsersAction) for a in sub._actions):
                    yield from command_paths(sub, path)
                else:
                    yield path


def use_case_names() -> Iterator[str]:
    """Every public function of ``recordroom.usecases`` that takes a context and an actor."""
    for module_info in pkgutil.iter_modules(recordroom.usecases.__path__):
        module = importlib.import_module(f"recordroom.usecases.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            parameters = list(inspect.signature(function).parameters)
            if parameters[:1] == ["ctx"]:
                yield f"{module_info.name}.{name}"


def test_every_command_is_listed_with_its_event() -> None:
    assert sorted(command_paths(build_parser())) == sorted(COMMANDS)


def test_every_use_case_is_listed_with_its_event() -> None:
    assert sorted(use_case_names()) == sorted(USECASES)
    for name, command in USECASES.items():
        if isinstance(command, str):
            assert command in COMMANDS, name
            assert isinstance(COMMANDS[command], str), name


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECORDROOM_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("RECORDROOM_INBOX", str(tmp_path / "inbox"))
    monkeypatch.setenv("RECORDROOM_SETTLE_SECONDS", "0")
    monkeypatch.delenv("RECORDROOM_DATABASE_URL", raising=False)
    monkeypatch.setenv("RECORDROOM_ROI_PRACTICE_NAME", "Riverside Family Medicine")
    return tmp_path


class Trail:
    """The events the commands wrote, read from the database as an auditor would."""

    def __init__(self) -> None:
        self.seen = 0

    def new(self) -> list[AuditEvent]:
        database = open_database(load_settings())
        try:
            with database.session() as session:
                page = find_events(session, order="oldest", cursor=self.seen, limit=10_000)
        finally:
            database.dispose()
        if page.events:
            self.seen = page.events[-1].seq
        return page.events


def hand_off(path: Path) -> None:
    """Queue ``path`` as a watcher would (its original stored, its job committed)."""
    settings = load_settings()
    samples.write_text_pdf(path, [("Results of the lipid panel are enclosed.",)])
    database = open_database(settings)
    try:
        handing_off(settings, database).hand_off(
            files.copy_in(path, settings.processing_dir), path.name
        )
    finally:
        database.dispose()


def test_every_command_that_touches_phi_writes_its_event(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trail = Trail()
    ran: set[str] = set()

    def run(command: str, *argv: str) -> str:
        capsys.readouterr()
        assert main([*command.split(), *argv]) == 0, command
        out = capsys.readouterr().out
        kinds = [(event.kind, event.door) for event in trail.new()]
        expected = COMMANDS[command]
        if isinstance(expected, str):
            assert (expected, "cli") in kinds, f"{command} wrote {kinds}"
        ran.add(command)
        return out

    run("init")
    registry = home / "patients.csv"
    registry.write_text(
        "mrn,last_name,first_name,middle_name,birth_date,sex,phone,address_line,city,state,"
        "postal_code\nA100,Rivera,Ana,,1984-07-09,,,12 Elm St,,,02139\n",
        encoding="utf-8",
    )
    run("patients import", str(registry))
    note = samples.write_text_pdf(home / "note.pdf", [("Please see the attached letter.",)])
    document = json.loads(run("ingest", str(note), "--json"))["document_id"]
    (home / "inbox").mkdir(exist_ok=True)
    samples.write_text_pdf(home / "inbox" / "fax.pdf", [("Referral for consultation.",)])
    run("watch", "--once")
    hand_off(home / "queued.pdf")  # a job queued by a watcher elsewhere, for a worker to take
    run("worker", "--drain")
    run("search", "attached")
    run("review list")
    run("review assign", document, "--patient", "A100", "--type", "correspondence")
    run("documents show", document)
    run("classify", str(note), "--json")
    run("ocr", str(note))
    run("audit events", "--patient", "A100")
    run("audit report patient", "A100")
    run("audit report user", "os:nobody")
    run("audit report after-hours")
    run("audit report many-patients", "--threshold", "0")
    people = home / "people.csv"
    people.write_text("user_id,last_name,address_line,postal_code\nos:x,Rivera,,\n", "utf-8")
    run("audit report same-surname", "--people", str(people))
    run("audit report disclosures")
    run("audit export", "--csv", str(home / "trail.csv"))
    run("audit export", "--ndjson", str(home / "trail.ndjson"))
    run("audit checkpoint")
    run("audit verify")
    run("settings")
    # storage and users commands are run, with their events, by tests/recordroom/test_cli_storage.py
    # and tests/web/test_users.py
    # and model retrain (a retraining) by tests/recordroom/test_usecases.py
    # mail and not-duplicate by tests/mail and tests/intake
    prefixes = ("roi ", "storage ", "users ", "model ", "mail ", "documents not-duplicate")
    elsewhere = {c for c in COMMANDS if c.startswith(prefixes)}
    assert ran | {"serve"} == set(COMMANDS) - elsewhere


@pytest.mark.usefixtures("office")
def test_every_release_command_writes_its_event(capsys: pytest.CaptureFixture[str]) -> None:
    """The records-request commands, on the office of ``test_roi_cli`` (a filed authorization)."""
    trail = Trail()
    trail.new()
    ran: set[str] = set()

    def run(command: str, *argv: str) -> str:
        capsys.readouterr()
        code = main([*command.split(), *argv])
        out, err = capsys.readouterr()
        assert code == 0, f"{command}: {err}"
        kinds = [event.kind for event in trail.new()]
        assert COMMANDS[command] in kinds, f"{command} wrote {kinds}"
        ran.add(command)
        return out

    request = new_request(run, *ATTORNEY)
    run("roi check", request)
    run("roi categories", request)
    for element in (str(e["name"]) for e in request_elements(run("roi show", request, "--json"))):
        run("roi confirm-element", request, element)
    run("roi verify-identity", request, "--method", "call_back")
    run("roi list")
    run("roi approve", request)
    run("roi fulfil", request)
    run("roi incident", request, "--recipient", "Fax 555-0199", "--description", "wrong fax")
    run("roi accounting", "10042")
    run("roi label", "lab1", "--add", "HIV")
    run("roi close", request)
    second = new_request(run, *PATIENT)
    run("roi extend", second, "--reason", "records off site", "--notice", "notice.pdf")
    run("roi deny", second, "--ground", next(iter(DENIAL_GROUNDS)), "--letter", "denial.pdf")
    third = new_request(run, *ATTORNEY)
    run("roi cancel", third, "--reason", "asked twice")
    fourth = new_request(run, *ATTORNEY)
    run("roi revoke", fourth)
    assert ran == {c for c in COMMANDS if c.startswith("roi ")}


ATTORNEY = (
    "--from-document", "auth1", "--type", "authorization", "--requester-type", "attorney",
    "--requester", "Smith & Jones LLP", "--types", "lab_report", "--delivery", "mail",
)  # fmt: skip
PATIENT = (
    "--type", "right_of_access", "--requester-type", "patient", "--requester", "Maria Lopez",
    "--patient", "10042", "--complete", "--delivery", "mail",
)  # fmt: skip


def new_request(run: Callable[..., str], *argv: str) -> str:
    request_id: str = json.loads(run("roi new", *argv, "--json"))["id"]
    return request_id


def request_elements(shown: str) -> list[dict[str, object]]:
    elements: list[dict[str, object]] = json.loads(shown)["authorization"]["elements"]
    return elements

    settings = load_settings()
    database = open_database(settings)
    key = load_key(settings.audit_key_path).public_key()
    try:
        report = verify(database.engine, LocalObjectStore(settings.objects_dir), [key])
    finally:
        database.dispose()
    assert report.ok, report.findings
    assert report.checkpoints >= 2  # the watcher's at shutdown, and `audit checkpoint`


def test_verify_exits_non_zero_when_the_trail_was_tampered_with(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    assert main(["review", "list"]) == 0
    assert main(["review", "list"]) == 0
    settings = load_settings()
    database = open_database(settings)
    try:
        with database.engine.begin() as connection:
            connection.exec_driver_sql("DROP TRIGGER audit_events_no_update")
            connection.exec_driver_sql("UPDATE audit_events SET user_id = 'os:else' WHERE seq = 1")
    finally:
        database.dispose()
    capsys.readouterr()
    assert main(["audit", "verify"]) == 14
    captured = capsys.readouterr()
    assert "modified: event 1 was modified" in captured.out
    assert "failed verification" in captured.err
