"""Records for the web tests: patients, a document waiting for review (with stored page images)
and a filed one (a born-digital PDF whose pages are drawn from the PDF), a quarantined file, and
one user per role."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from indexer.documents import add_document
from indexer.patients import upsert_patients
from recordroom.core import Document, Page, Patient
from recordroom.core.actor import ROLES, Actor
from recordroom.core.hashing import file_sha256
from recordroom.usecases import users
from recordroom.wiring import Context
from storage import derivative_key, original_key
from synthetic.files import render_page, write_text_pdf

PASSWORD = "correct horse battery"
ADMIN = Actor("os:test", frozenset(ROLES), door="cli")
PATIENTS = (
    Patient("MRN1001", "Garcia", "Maria", dt.date(1961, 4, 2), sex="F", phone="555-0101"),
    Patient("MRN1002", "Okafor", "James", dt.date(1978, 11, 23), sex="M"),
    Patient("MRN1003", "Garcia", "Mario", dt.date(1990, 1, 15), sex="M"),
)
REVIEW_LINES = (
    ("LABORATORY REPORT", "Patient: Maria Garcia", "DOB: 04/02/1961", "Glucose 98 mg/dL"),
    ("LABORATORY REPORT (continued)", "Hemoglobin A1c 5.4 %", "Reviewed by Dr. Chen"),
)
FILED_LINES = (("CONSULTATION NOTE", "Patient: James Okafor", "Metformin started for diabetes."),)


@dataclass(frozen=True, slots=True)
class Seeded:
    review_id: str
    filed_id: str
    quarantined: str
    passwords: dict[str, str]  # role -> user name (each with PASSWORD)


def _store_pdf(ctx: Context, folder: Path, name: str, pages: tuple[tuple[str, ...], ...]) -> str:
    path = write_text_pdf(folder / name, [list(p) for p in pages])
    sha = file_sha256(path)
    ctx.store.put_file(original_key(sha), path)
    return sha


def _png(lines: tuple[str, ...]) -> bytes:
    out = io.BytesIO()
    render_page(lines, dpi=100).save(out, format="PNG")
    return out.getvalue()


def seed_records(ctx: Context, folder: Path) -> Seeded:
    folder.mkdir(parents=True, exist_ok=True)
    review_sha = _store_pdf(ctx, folder, "fax-0001.pdf", REVIEW_LINES)
    for number, lines in enumerate(REVIEW_LINES, start=1):
        ctx.store.put(derivative_key(review_sha, f"page-{number}.png"), _png(lines))
    filed_sha = _store_pdf(ctx, folder, "consult.pdf", FILED_LINES)
    now = dt.datetime.now(dt.UTC)
    review = Document(
        id="d" + review_sha[:15],
        source_name="fax-0001.pdf",
        sha256=review_sha,
        media_type="application/pdf",
        size=1000,
        received_at=now,
        pages=tuple(
            Page(number=i, text="\n".join(lines), method="ocr", confidence=71.0)
            for i, lines in enumerate(REVIEW_LINES, start=1)
        ),
        doc_type="lab_report",
        doc_type_confidence=0.55,
        patient_mrn=None,
        patient_confidence=0.62,
        needs_review=True,
        review_reasons=("patient not identified with confidence (best 0.62)",),
        sender_name="Valley Lab",
        sender_fax="555-0199",
        original_key=original_key(review_sha),
        source_pages=(1, 2),
    )
    filed = dataclasses.replace(
        review,
        id="d" + filed_sha[:15],
        source_name="consult.pdf",
        sha256=filed_sha,
        pages=(Page(number=1, text="\n".join(FILED_LINES[0]), method="text_layer"),),
        doc_type="consult_note",
        doc_type_confidence=0.97,
        patient_mrn="MRN1002",
        patient_confidence=0.99,
        needs_review=False,
        review_reasons=(),
        sender_name=None,
        sender_fax=None,
        original_key=original_key(filed_sha),
        source_pages=(1,),
    )
    with ctx.database.session() as session:
        upsert_patients(session, PATIENTS)
        add_document(session, review)
        add_document(session, filed)
        session.commit()
    quarantine = ctx.settings.quarantine_dir
    quarantine.mkdir(parents=True, exist_ok=True)
    (quarantine / "scan-broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    (quarantine / "scan-broken.pdf.reason.txt").write_text(
        "scan-broken.pdf is not a complete PDF; scan it again.\n", encoding="utf-8"
    )
    accounts = {}
    for role in ROLES:
        name = f"{role}-user"
        made = users.add_user(ctx, ADMIN, name, [role], display_name=f"{role.title()} User")
        person = Actor(name, frozenset([role]), door="web")
        users.change_password(ctx, person, made.password, PASSWORD)
        accounts[role] = name
    return Seeded(review.id, filed.id, "scan-broken.pdf", accounts)
