"""The auditors' reports (HIPAA.md §8): a patient's accesses, a user's period, access outside
working hours, users reading many patients in a day, users reading a patient who shares their
surname or address, and disclosures.

Working hours are local to the office (``WorkingHours.zone``); events are kept in UTC. Users'
surnames and addresses come from the accounts (the shell passes them in as ``Person`` records);
patients' from the registry (the shell passes a lookup), so this stage reads no other's tables.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from audit.events import AuditEvent, EventFilter
from audit.queries import iter_events
from recordroom.core import ConfigurationError, Patient
from recordroom.core.identifiers import name_key
from recordroom.core.text import fold

READ_ACTIONS = frozenset({"R", "E"})  # reads, and queries (searches list patients' documents)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class WorkingHours:
    start: dt.time
    end: dt.time
    days: frozenset[int]  # 0 = Monday
    zone: dt.tzinfo

    @classmethod
    def parse(cls, hours: str, days: str, zone: str = "") -> WorkingHours:
        """From the settings' spelling: ``"07:00-19:00"``, ``"mon,tue,wed,thu,fri"``, and an IANA
        time zone (empty: the machine's)."""
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", hours)
        if match is None:
            raise ConfigurationError(
                f"RECORDROOM_AUDIT_WORKING_HOURS is {hours!r}; write it as 07:00-19:00"
            )
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        try:
            start, end = dt.time(h1, m1), dt.time(h2, m2) if h2 < 24 else dt.time.max
        except ValueError as exc:
            raise ConfigurationError(f"RECORDROOM_AUDIT_WORKING_HOURS: {exc}") from exc
        names = [day.strip().lower()[:3] for day in days.split(",") if day.strip()]
        unknown = [name for name in names if name not in DAYS]
        if unknown:
            raise ConfigurationError(
                f"RECORDROOM_AUDIT_WORKING_DAYS names {', '.join(unknown)}; use mon … sun"
            )
        return cls(start, end, frozenset(DAYS.index(name) for name in names), _zone(zone))

    def covers(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(self.zone)
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def local_day(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.zone).date()


def _zone(name: str) -> dt.tzinfo:
    if not name:
        local = dt.datetime.now().astimezone().tzinfo
        return local if local is not None else dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(f"RECORDROOM_AUDIT_TIMEZONE {name!r} is not a time zone") from exc


@dataclass(frozen=True, slots=True)
class Person:
    """What the same-surname report knows of a user (from their account)."""

    last_name: str
    address_line: str = ""
    postal_code: str = ""


@dataclass(frozen=True, slots=True)
class HeavyReader:
    user_id: str
    day: dt.date
    patients: int
    first_seq: int
    last_seq: int


@dataclass(frozen=True, slots=True)
class CloseAccess:
    user_id: str
    patient: str
    reason: str  # "surname", "address" or "surname and address"
    event: AuditEvent


def patient_access(
    session: Session, mrn: str, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> Iterator[AuditEvent]:
    """Who accessed patient ``mrn``, when, and why: every event that names them."""
    return iter_events(session, EventFilter(patient=mrn, since=since, until=until))


def user_activity(
    session: Session, user_id: str, since: dt.datetime, until: dt.datetime
) -> Iterator[AuditEvent]:
    """Everything ``user_id`` did in ``[since, until)``."""
    return iter_events(session, EventFilter(user_id=user_id, since=since, until=until))


def after_hours(
    session: Session, hours: WorkingHours, since: dt.datetime, until: dt.datetime
) -> Iterator[AuditEvent]:
    """People's events outside working hours (the system's own processes are left out)."""
    for event in iter_events(session, EventFilter(since=since, until=until)):
        if _is_person(event.user_id) and not hours.covers(event.recorded):
            yield event


def many_patients(
    session: Session,
    threshold: int,
    hours: WorkingHours,
    since: dt.datetime,
    until: dt.datetime,
) -> list[HeavyReader]:
    """Users who read more than ``threshold`` distinct patients in one (local) day."""
    seen: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    span: dict[tuple[str, dt.date], tuple[int, int]] = {}
    for event in _reads(session, since, until):
        key = (event.user_id, hours.local_day(event.recorded))
        seen[key].update(event.patients)
        first, _last = span.get(key, (event.seq, event.seq))
        span[key] = (first, event.seq)
    return sorted(
        (
            HeavyReader(user, day, len(patients), *span[(user, day)])
            for (user, day), patients in seen.items()
            if len(patients) > threshold
        ),
        key=lambda reader: (reader.day, -reader.patients, reader.user_id),
    )


def same_surname_or_address(
    session: Session,
    people: Mapping[str, Person],
    lookup: Callable[[Sequence[str]], Mapping[str, Patient]],
    since: dt.datetime,
    until: dt.datetime,
) -> list[CloseAccess]:
    """Reads by a user of a patient who shares their surname or their address.

    ``people`` maps user ids to what their accounts say of them; ``lookup`` returns the registry
    records of the MRNs it is given (the shell reads the registry)."""
    found: list[CloseAccess] = []
    batch: list[AuditEvent] = []

    def flush() -> None:
        mrns = sorted({mrn for event in batch for mrn in event.patients})
        patients = lookup(mrns) if mrns else {}
        for event in batch:
            person = people[event.user_id]
            for mrn in event.patients:
                patient = patients.get(mrn)
                reason = _closeness(person, patient) if patient else ""
                if reason:
                    found.append(CloseAccess(event.user_id, mrn, reason, event))
        batch.clear()

    for event in _reads(session, since, until):
        if event.user_id in people and event.patients:
            batch.append(event)
            if len(batch) >= 1000:
                flush()
    flush()
    return found


def disclosures(
    session: Session,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    *,
    recipient: str | None = None,
    purpose: str | None = None,
) -> Iterator[AuditEvent]:
    """Every release of records in the period, optionally to one recipient or for one purpose."""
    for event in iter_events(session, EventFilter(kind="disclosure", since=since, until=until)):
        if recipient and fold(event.recipient or "") != fold(recipient):
            continue
        if purpose and (event.purpose or "").lower() != purpose.lower():
            continue
        yield event


def _reads(session: Session, since: dt.datetime, until: dt.datetime) -> Iterable[AuditEvent]:
    for event in iter_events(session, EventFilter(since=since, until=until)):
        read = event.action in READ_ACTIONS and event.outcome == "success"
        if read and event.patients and _is_person(event.user_id):
            yield event


def _is_person(user_id: str) -> bool:
    return not user_id.startswith("system:")


def _address_key(line: str, postal_code: str) -> str:
    words = re.findall(r"[a-z0-9]+", fold(line))
    return " ".join(words) + "|" + postal_code.strip()[:5] if words else ""


def _closeness(person: Person, patient: Patient) -> str:
    reasons = []
    if person.last_name and name_key(person.last_name) == name_key(patient.last_name):
        reasons.append("surname")
    mine = _address_key(person.address_line, person.postal_code)
    if mine and mine == _address_key(patient.address_line, patient.postal_code):
        reasons.append("address")
    return " and ".join(reasons)
