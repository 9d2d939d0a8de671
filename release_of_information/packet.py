"""The release packet: cover letter, index of enclosed documents, the documents; every page
stamped with recipient, request, date, page i of n and "Confidential"; optionally AES-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from recordroom.core.errors import CorruptFileError
from recordroom.core.release import SECURITY_LABELS
from release_of_information.models import RequestRow
from release_of_information.pdf import Block, encrypted, render, stamp_pages, to_bytes, wrap
from release_of_information.policy import ReleasePolicy
from release_of_information.records import Fee, Selection
from release_of_information.vocabulary import REQUEST_TYPES


@dataclass(frozen=True, slots=True)
class Packet:
    data: bytes
    sha256: str
    pages: int
    password: str | None  # to be delivered separately from the packet
    part2_notice_version: str | None


def stamp_line(recipient: str, request_id: str, on: dt.date, page: int, pages: int) -> str:
    return (
        f"Released to {recipient} · Request {request_id} · {on.isoformat()} · "
        f"page {page} of {pages} · Confidential"
    )


def cover_letter(
    request: RequestRow, selection: Selection, fee: Fee, policy: ReleasePolicy, on: dt.date
) -> bytes:
    blocks: list[Block] = [
        ("title", "Release of health information"),
        f"{policy.practice_name}\n{policy.practice_address}".strip(),
        f"Date: {on.isoformat()}",
        f"To: {request.recipient_name}\n{request.recipient_address}".strip(),
        f"Request {request.id}, received {request.received_on.isoformat()}; patient MRN "
        f"{request.patient_mrn}.",
        f"Basis: {REQUEST_TYPES[request.request_type]}.",
    ]
    if request.purpose:
        blocks.append(f"Purpose: {request.purpose}")
    blocks.append(
        f"Enclosed: {len(selection.included)} documents, {selection.pages} pages, listed in "
        "the index that follows."
    )
    blocks.append(f"Fee: {fee}.")
    if selection.withheld:
        blocks.append(("heading", "Withheld from this release"))
        rows = [["Document", "Type", "Date", "Why it was withheld"]]
        rows += [
            [w.document.id, w.document.doc_type, w.document.date.isoformat(), w.reason]
            for w in selection.withheld
        ]
        blocks.append([[*row[:-1], wrap(row[-1], 60)] for row in rows])
    if selection.part2:
        blocks.append(("heading", f"Notice of 42 CFR 2.32 (version {policy.part2_notice_version})"))
        blocks.append(policy.part2_notice)
    blocks.append(("heading", "Confidential"))
    blocks.append(
        "This packet contains protected health information, disclosed for the purpose stated "
        "above only. If you are not the intended recipient, tell us at once and destroy it."
    )
    return render(blocks, title=f"Request {request.id}: cover letter")


def index_pages(selection: Selection, first_document_page: int) -> bytes:
    rows = [["#", "Document", "Type", "Date", "Pages", "Starts on page"]]
    page = first_document_page
    for number, document in enumerate(selection.included, start=1):
        labels = ", ".join(sorted(document.labels & set(SECURITY_LABELS)))
        kind = f"{document.doc_type} ({labels})" if labels else document.doc_type
        rows.append(
            [
                str(number),
                document.id,
                kind,
                document.date.isoformat(),
                str(document.page_count),
                str(page),
            ]
        )
        page += document.page_count
    return render([("title", "Index of enclosed documents"), rows], title="Index")


def _page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def assemble_packet(
    request: RequestRow,
    selection: Selection,
    pdfs: Mapping[str, bytes],
    *,
    fee: Fee,
    policy: ReleasePolicy,
    on: dt.date,
    encrypt: bool = False,
) -> Packet:
    """The packet for ``request``: ``pdfs`` maps each included document's id to its PDF."""
    cover = cover_letter(request, selection, fee, policy, on)
    cover_pages = _page_count(cover)
    # the index's own length decides where the documents start: render until it settles
    index = index_pages(selection, cover_pages + 1 + 1)
    index_count = _page_count(index)
    if index_count != 1:
        index = index_pages(selection, cover_pages + index_count + 1)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)))
    writer.append(PdfReader(io.BytesIO(index)))
    for document in selection.included:
        try:
            writer.append(PdfReader(io.BytesIO(pdfs[document.id])))
        except (PdfReadError, ValueError) as exc:
            raise CorruptFileError(
                f"the stored PDF of document {document.id} cannot be read; run storage verify"
            ) from exc
    total = len(writer.pages)
    stamp_pages(
        writer,
        [stamp_line(request.recipient_name, request.id, on, i, total) for i in range(1, total + 1)],
    )
    writer.add_metadata({"/Title": f"Release {request.id}", "/Producer": "recordroom"})
    data = to_bytes(writer)
    password = None
    if encrypt:
        password = secrets.token_urlsafe(12)
        data = encrypted(data, password)
    return Packet(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        pages=total,
        password=password,
        part2_notice_version=policy.part2_notice_version if selection.part2 else None,
    )
