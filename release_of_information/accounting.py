"""The accounting of disclosures (HIPAA.md §5, 164.528): six years back, without what the rule
leaves out, with every wrongful disclosure; as rows, CSV and PDF."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from release_of_information.models import DisclosureRow
from release_of_information.pdf import Block, render, wrap
from release_of_information.policy import ReleasePolicy
from release_of_information.vocabulary import ACCOUNTING_EXCLUDED

CSV_HEADER = (
    "date",
    "recipient_name",
    "recipient_address",
    "description",
    "purpose",
    "request_id",
    "wrongful",
)
YEARS = 6


@dataclass(frozen=True, slots=True)
class AccountingEntry:
    date: dt.date
    recipient_name: str
    recipient_address: str
    description: str
    purpose: str
    request_id: str | None
    wrongful: bool

    def as_row(self) -> tuple[str, ...]:
        return (
            self.date.isoformat(),
            self.recipient_name,
            self.recipient_address,
            self.description,
            self.purpose,
            self.request_id or "",
            "yes" if self.wrongful else "no",
        )


def period_start(as_of: dt.date, years: int = YEARS) -> dt.date:
    try:
        return as_of.replace(year=as_of.year - years)
    except ValueError:  # 29 February
        return as_of.replace(year=as_of.year - years, day=28)


def accounting(session: Session, patient_mrn: str, *, as_of: dt.date) -> list[AccountingEntry]:
    """The patient's accounting as of ``as_of``, oldest first: disclosures of the kinds the rule
    counts, and each wrongful disclosure (incident) whatever the disclosure's kind."""
    start = period_start(as_of)
    disclosures = session.scalars(
        select(DisclosureRow)
        .where(DisclosureRow.patient_mrn == patient_mrn)
        .options(selectinload(DisclosureRow.incidents))
        .order_by(DisclosureRow.disclosed_on, DisclosureRow.id)
    ).all()
    entries: list[AccountingEntry] = []
    for disclosure in disclosures:
        if (
            disclosure.request_type not in ACCOUNTING_EXCLUDED
            and start <= disclosure.disclosed_on <= as_of
        ):
            entries.append(
                AccountingEntry(
                    date=disclosure.disclosed_on,
                    recipient_name=disclosure.recipient_name,
                    recipient_address=disclosure.recipient_address,
                    description=disclosure.description,
                    purpose=disclosure.purpose,
                    request_id=disclosure.request_id,
                    wrongful=False,
                )
            )
        for incident in disclosure.incidents:
            if start <= incident.occurred_on <= as_of:
                entries.append(
                    AccountingEntry(
                        date=incident.occurred_on,
                        recipient_name=incident.recipient_name,
                        recipient_address=incident.recipient_address,
                        description=f"{incident.description} (not permitted: "
                        f"{disclosure.description})",
                        purpose=disclosure.purpose,
                        request_id=disclosure.request_id,
                        wrongful=True,
                    )
                )
    entries.sort(key=lambda entry: (entry.date, entry.wrongful))
    return entries


def accounting_csv(entries: Sequence[AccountingEntry]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(entry.as_row() for entry in entries)
    return buffer.getvalue()


def accounting_pdf(
    entries: Sequence[AccountingEntry],
    *,
    patient_mrn: str,
    as_of: dt.date,
    policy: ReleasePolicy,
) -> bytes:
    blocks: list[Block] = [
        ("title", "Accounting of disclosures"),
        f"{policy.practice_name}\n{policy.practice_address}".strip(),
        f"Patient MRN {patient_mrn}. Disclosures from {period_start(as_of).isoformat()} to "
        f"{as_of.isoformat()} (45 CFR 164.528).",
        "Not listed, as the rule provides: disclosures to you or at your direction, for "
        "treatment, payment or health care operations, and under your authorization. Listed: "
        "every other disclosure, and every disclosure that was not permitted.",
    ]
    if entries:
        rows = [["Date", "Recipient", "What was disclosed", "Purpose", "Request"]]
        rows += [
            [
                entry.date.isoformat(),
                wrap(f"{entry.recipient_name}\n{entry.recipient_address}".strip(), 28),
                wrap(("NOT PERMITTED: " if entry.wrongful else "") + entry.description, 36),
                wrap(entry.purpose, 22),
                entry.request_id or "",
            ]
            for entry in entries
        ]
        blocks.append(rows)
    else:
        blocks.append("No disclosure to list in this period.")
    return render(blocks, title=f"Accounting of disclosures, MRN {patient_mrn}")
