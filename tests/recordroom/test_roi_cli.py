"""A whole release at the command line, in-process, over the real index and object store."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from audit import AuditEvent
from indexer.database import Database
from indexer.documents import add_document
from indexer.models import DocumentRow
from recordroom.cli import main
from recordroom.core import Document, Page
from recordroom.core.actor import ROLES, Actor
from recordroom.core.errors import ReleaseRefusedError
from recordroom.core.settings import load_settings
from recordroom.usecases import roi
from recordroom.wiring import UnitOfWork, open_context
from storage import EncryptedObjectStore, open_store
from tests.release_of_information.conftest import VALID_AUTHORIZATION, make_pdf

CSV_HEADER = (
    "mrn,last_name,first_name,middle_name,birth_date,sex,phone,address_line,city,state,postal_code"
)
STAMP = re.compile(r"Released to (.+?) · Request (\S+) · \S+ · page (\d+) of (\d+) · Confidential")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("RECORDROOM_HOME", "RECORDROOM_INBOX", "RECORDROOM_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RECORDROOM_ROI_PRACTICE_NAME", "Riverside Family Medicine")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def file_document(
    db: Database,
    store: EncryptedObjectStore,
    doc_id: str,
    doc_type: str,
    received: dt.date,
    *,
    text: str = "",
    pages: int = 1,
    mrn: str = "10042",
) -> None:
    pdf = make_pdf(f"Document {doc_id}", pages)
    key = f"originals/{doc_id}.pdf"
    store.put(key, pdf)
    document = Document(
        id=doc_id,
        source_name=f"{doc_id}.pdf",
        sha256=doc_id.ljust(64, "0"),
        media_type="application/pdf",
        size=len(pdf),
        received_at=dt.datetime.combine(received, dt.time(9), dt.UTC),
        pages=tuple(
            Page(number=n, text=text or f"{doc_type} page {n}", method="text_layer")
            for n in range(1, pages + 1)
        ),
        doc_type=doc_type,
        doc_type_confidence=0.95,
        patient_mrn=mrn,
        patient_confidence=0.99,
        needs_review=False,
        original_key=key,
    )
    with db.session() as session:
        add_document(session, document)
        session.commit()


@pytest.fixture
def office(home: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    registry = home / "patients.csv"
    registry.write_text(
        f"{CSV_HEADER}\n10042,Lopez,Maria,,1980-03-14,female,555-0100,,,,\n"
        "20077,Okafor,Chidi,,1975-05-02,male,,,,,\n",
        encoding="utf-8",
    )
    assert run(capsys, "patients", "import", str(registry))[0] == 0
    settings = load_settings(cwd=home)
    db = Database(settings.database)
    store = open_store(settings)
    file_document(db, store, "lab1", "lab_report", dt.date(2025, 3, 1), pages=2)
    file_document(db, store, "note1", "progress_note", dt.date(2025, 6, 1))
    file_document(db, store, "img1", "imaging_report", dt.date(2025, 7, 1))
    file_document(
        db, store, "sud1", "progress_note", dt.date(2025, 9, 1), text="methadone clinic visit"
    )
    file_document(
        db, store, "auth1", "authorization", dt.date(2026, 11, 3), text=VALID_AUTHORIZATION
    )
    file_document(db, store, "other1", "lab_report", dt.date(2025, 3, 1), mrn="20077")
    db.dispose()
    return home


def test_an_attorneys_release_from_the_command_line(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        "roi", "new", "--from-document", "auth1", "--type", "authorization",
        "--requester-type", "attorney", "--requester", "Smith & Jones LLP",
        "--address", "12 Main Street, Springfield", "--types", "lab_report,progress_note",
        "--from", "2025-01-01", "--to", "2026-06-30", "--purpose", "personal injury claim",
        "--delivery", "encrypted_pdf", "--json",
    )  # fmt: skip
    assert code == 0, err
    view = json.loads(out)
    request_id = view["id"]
    assert view["patient_mrn"] == "10042"  # from the authorization document
    found = {e["name"]: e for e in view["authorization"]["elements"]}
    assert found["recipient"]["value"].startswith("Smith & Jones LLP")
    assert not found["recipient"]["confirmed"]

    code, out, _ = run(capsys, "roi", "check", request_id)
    assert code == 0 and "not yet confirmed" in out and "identity" in out
    code, _, err = run(capsys, "roi", "approve", request_id)
    assert code == 10 and "cannot be approved" in err and "redisclosure_statement" in err

    for element in found:
        assert run(capsys, "roi", "confirm-element", request_id, element)[0] == 0
    assert run(capsys, "roi", "verify-identity", request_id, "--method", "call_back")[0] == 0
    code, out, _ = run(capsys, "roi", "show", request_id, "--json")
    shown = json.loads(out)
    assert shown["problems"] == [] and shown["enclosed"] == ["lab1", "note1"]
    assert [w["document_id"] for w in shown["withheld"]] == ["sud1"]
    assert shown["fee_cents"] == 650

    code, _, err = run(capsys, "roi", "approve", request_id, "--version", "1")
    assert code == 9 and "changed by someone else" in err  # a stale view
    code, out, _ = run(capsys, "roi", "approve", request_id, "--version", str(shown["version"]))
    assert code == 0 and "$6.50" in out

    code, out, _ = run(capsys, "roi", "fulfil", request_id, "--out", "packet.pdf")
    assert code == 0 and "withheld   sud1" in out
    password = re.search(r"password \(deliver separately, shown once\): (\S+)", out)
    assert password
    reader = PdfReader(office / "packet.pdf")
    assert reader.is_encrypted
    reader.decrypt(password[1])
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert len(pages) == 5
    for number, text in enumerate(pages, start=1):
        stamp = STAMP.search(text)
        assert stamp and stamp.groups() == ("Smith & Jones LLP", request_id, str(number), "5")

    code, out, _ = run(capsys, "roi", "fulfil", request_id)
    assert code == 8  # fulfilled already
    out = run(capsys, "storage", "verify", "--json")[1]  # the kept packet: known, intact
    assert not [line for line in out.splitlines() if "releases/" in line]

    code, out, _ = run(
        capsys, "roi", "incident", request_id, "--recipient", "Fax 555-0199",
        "--description", "packet faxed to a wrong number",
    )  # fmt: skip
    assert code == 0
    code, out, _ = run(capsys, "roi", "accounting", "10042", "--csv", "acc.csv", "--pdf", "acc.pdf")
    assert code == 0 and "1 entries on the accounting" in out
    rows = list(csv.reader(io.StringIO((office / "acc.csv").read_text(encoding="utf-8"))))
    assert rows[1][1] == "Fax 555-0199" and rows[1][6] == "yes"
    text = " ".join(page.extract_text() for page in PdfReader(office / "acc.pdf").pages)
    assert "NOT PERMITTED" in text
    assert run(capsys, "roi", "accounting", "99999")[0] == 6


def test_a_patients_request_by_link_and_the_overdue_list(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "roi", "new", "--type", "right_of_access", "--requester-type", "patient",
        "--requester", "Maria Lopez", "--patient", "10042", "--complete", "--delivery", "link",
        "--received", (dt.date.today() - dt.timedelta(days=45)).isoformat(), "--json",
    )  # fmt: skip
    assert code == 0, err
    request_id = json.loads(out)["id"]
    code, out, _ = run(capsys, "roi", "list", "--overdue")
    assert code == 0 and request_id in out and "OVERDUE" in out

    assert run(capsys, "roi", "label", "img1", "--add", "MH")[0] == 0
    assert run(capsys, "roi", "verify-identity", request_id, "--method", "photo_id")[0] == 0
    assert run(capsys, "roi", "approve", request_id)[0] == 0
    code, out, _ = run(capsys, "roi", "fulfil", request_id)
    assert code == 0
    token = re.search(r"download link: /roi/download/(\S+)", out)
    assert token
    assert run(capsys, "roi", "list", "--overdue")[1].strip() == "no requests overdue"

    visitor = Actor(user_id="link", roles=frozenset(ROLES), door="web", network_address="10.0.0.9")
    with open_context(load_settings(cwd=office)) as ctx:
        packet = roi.download_packet(ctx, visitor, token[1])
    pages = PdfReader(io.BytesIO(packet)).pages
    assert "Released to Maria Lopez" in pages[-1].extract_text()
    assert "other1" not in " ".join(p.extract_text() for p in pages)

    code, _, err = run(
        capsys, "roi", "new", "--type", "right_of_access", "--requester-type", "patient",
        "--requester", "Maria Lopez", "--patient", "10042", "--delivery", "link",
        "--from", "2026-01-01", "--to", "2025-01-01",
    )  # fmt: skip
    assert code == 8 and "reversed" in err
    code, _, err = run(
        capsys, "roi", "new", "--type", "authorization", "--requester-type", "attorney",
        "--requester", "X", "--patient", "10042", "--complete", "--delivery", "mail",
        "--authorization", "lab1",
    )  # fmt: skip
    assert code == 8 and "not as an authorization" in err
    with open_context(load_settings(cwd=office)) as ctx, ctx.database.session() as session:
        assert session.get(DocumentRow, "lab1") is not None
        assert len(roi.list_requests(ctx, visitor)) == 1  # the refused ones left nothing


def test_every_release_step_reports_itself_once(
    office: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = Actor(user_id="os:clerk", roles=frozenset(ROLES), door="cli", host="test")
    reported: list[AuditEvent] = []
    record = UnitOfWork.record

    def keep(unit: UnitOfWork, kind: str, **what: Any) -> AuditEvent:
        event = record(unit, kind, **what)
        reported.append(event)
        return event

    def events() -> list[tuple[str, tuple[str, ...]]]:
        found = [(e.kind, e.documents) for e in reported]
        reported.clear()
        return found

    monkeypatch.setattr(UnitOfWork, "record", keep)
    draft = roi.RequestDraft(
        request_type="authorization",
        requester_type="attorney",
        requester_name="Smith & Jones LLP",
        patient_mrn="",
        delivery="mail",
        received_on=dt.date.today(),
        doc_types=("lab_report",),
    )
    with open_context(load_settings(cwd=office)) as ctx:
        view = roi.new_request(ctx, clerk, draft, from_document="auth1")
        assert events() == [("request.create", ("auth1",))]
        with pytest.raises(ReleaseRefusedError):
            roi.approve_request(ctx, clerk, view.id)
        assert events() == []  # refused: nothing written, nothing reported
        for element in view.elements:
            roi.confirm_element(ctx, clerk, view.id, element.name)
        roi.verify_identity(ctx, clerk, view.id, "call_back")
        assert {action for action, _ in events()} == {"request.update"}
        roi.approve_request(ctx, clerk, view.id)
        release = roi.fulfil_request(ctx, clerk, view.id)
        assert events() == [("request.update", ("auth1",)), ("disclosure", ("lab1",))]
        assert release.link_token is None and release.password is None  # printed for mail
        roi.accounting_of_disclosures(ctx, clerk, "10042")
        roi.label_document(ctx, clerk, "lab1", add=["HIV"])
        assert events() == [("patient.read", ()), ("document.update", ("lab1",))]
