"""The plain records the release stage takes and returns, and the version check every change
makes (two clerks on one request: one wins, the other is told)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from recordroom.core.errors import ConflictError
from recordroom.core.release import DocumentSummary

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RequestDraft:
    """What a clerk enters for a new request."""

    request_type: str
    requester_type: str
    requester_name: str
    patient_mrn: str
    delivery: str
    received_on: dt.date
    requester_address: str = ""
    requester_contact: str = ""
    recipient_name: str = ""  # a directive's third party; the requester when empty
    recipient_address: str = ""
    purpose: str = ""
    complete_record: bool = False
    doc_types: tuple[str, ...] = ()
    document_ids: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    authorization_document_id: str | None = None


@dataclass(frozen=True, slots=True)
class Withheld:
    document: DocumentSummary
    reason: str


@dataclass(frozen=True, slots=True)
class Selection:
    """The documents a release encloses and those it leaves out, with the reason."""

    included: tuple[DocumentSummary, ...]
    withheld: tuple[Withheld, ...]

    @property
    def pages(self) -> int:
        return sum(doc.page_count for doc in self.included)

    @property
    def part2(self) -> bool:
        return any(doc.is_part2 for doc in self.included)


@dataclass(frozen=True, slots=True)
class Fee:
    cents: int
    basis: str

    def __str__(self) -> str:
        return f"${self.cents / 100:.2f} ({self.basis})"


def check_version(current: int, expected: int | None, what: str) -> None:
    """Refuse a change made from a stale view: ``expected`` is the version the clerk saw."""
    if expected is not None and expected != current:
        raise ConflictError(
            f"{what} was changed by someone else (version {current}, you saw {expected}); "
            "show it again and repeat your step if it still applies"
        )


@contextmanager
def conflicts_reported(what: str) -> Iterator[None]:
    """Turn a lost optimistic-lock race into a ``ConflictError`` naming the record."""
    try:
        yield
    except StaleDataError as exc:
        raise ConflictError(
            f"{what} was changed by someone else at the same time; nothing of your step was "
            "saved: show it again and repeat your step if it still applies"
        ) from exc
    except OperationalError as exc:
        if "locked" not in str(exc).lower():
            raise
        raise ConflictError(
            f"{what} is being changed by someone else right now; nothing of your step was "
            "saved: try again in a moment"
        ) from exc


def flushed(session: Session, what: str, value: T) -> T:
    with conflicts_reported(what):
        session.flush()
    return value
