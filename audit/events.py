"""What an audit event says: the catalogue of event kinds, with their FHIR / DICOM codes, and the
records ``record`` takes and the queries return.

Codes follow FHIR R4 AuditEvent and, behind it, DICOM PS3.15 (IHE ATNA): the event *type* is a
DICOM audit event ID where one fits (110110 Patient Record, 110112 Query, 110106 Export, …); the
*subtype* is a FHIR RESTful interaction, a DICOM event type code (login, logout) or, for a
release of records, the ISO 21089 lifecycle event ``disclose``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Action = Literal["C", "R", "U", "D", "E"]
Outcome = Literal["success", "minor", "serious", "major"]

DICOM = "http://dicom.nema.org/resources/ontology/DCM"
REST = "http://hl7.org/fhir/restful-interaction"
LIFECYCLE = "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle"

# FHIR AuditEvent.outcome codes.
OUTCOME_CODES: dict[str, str] = {"success": "0", "minor": "4", "serious": "8", "major": "12"}
OUTCOME_NAMES: dict[str, str] = {code: name for name, code in OUTCOME_CODES.items()}

# Kinds of entity an event names; the values are ids, never names.
ENTITY_KINDS = ("patient", "document", "request", "user", "file")


@dataclass(frozen=True, slots=True)
class Coding:
    system: str
    code: str
    display: str


@dataclass(frozen=True, slots=True)
class EventKind:
    """One kind of event: its name in recordroom, FHIR type and subtype, and default action."""

    name: str
    type: Coding
    subtype: Coding | None
    action: Action
    description: str


def _dcm(code: str, display: str) -> Coding:
    return Coding(DICOM, code, display)


def _rest(code: str) -> Coding:
    return Coding(REST, code, code)


PATIENT_RECORD = _dcm("110110", "Patient Record")
QUERY = _dcm("110112", "Query")
EXPORT = _dcm("110106", "Export")
IMPORT = _dcm("110107", "Import")
AUTHENTICATION = _dcm("110114", "User Authentication")
SECURITY_ALERT = _dcm("110113", "Security Alert")
APPLICATION = _dcm("110100", "Application Activity")
AUDIT_LOG_USED = _dcm("110101", "Audit Log Used")
USER_ATTRIBUTES = _dcm("110137", "User Security Attributes Changed")

_KINDS = (
    EventKind(
        "login", AUTHENTICATION, _dcm("110122", "Login"), "E", "a user logged in (or failed to)"
    ),
    EventKind("logout", AUTHENTICATION, _dcm("110123", "Logout"), "E", "a user logged out"),
    EventKind("access.denied", SECURITY_ALERT, None, "E", "a permission check refused an action"),
    EventKind("document.create", IMPORT, _rest("create"), "C", "a document was stored"),
    EventKind("document.read", PATIENT_RECORD, _rest("read"), "R", "a document was shown"),
    EventKind(
        "document.export",
        EXPORT,
        _rest("read"),
        "R",
        "a document or page image left the system (download, page served)",
    ),
    EventKind(
        "document.update",
        PATIENT_RECORD,
        _rest("update"),
        "U",
        "a document's patient or type was changed",
    ),
    EventKind("document.delete", PATIENT_RECORD, _rest("delete"), "D", "a document was deleted"),
    EventKind(
        "document.split",
        PATIENT_RECORD,
        _rest("update"),
        "U",
        "a document was split in two at a page (both named)",
    ),
    EventKind(
        "document.merge",
        PATIENT_RECORD,
        _rest("update"),
        "U",
        "a document was merged into another from the same file (both named)",
    ),
    EventKind(
        "patient.read", PATIENT_RECORD, _rest("read"), "R", "a patient's registry record was shown"
    ),
    EventKind(
        "patient.import", IMPORT, _rest("create"), "C", "patients were imported into the registry"
    ),
    EventKind(
        "patient.update",
        PATIENT_RECORD,
        _rest("update"),
        "U",
        "a patient's registry record was changed",
    ),
    EventKind("search", QUERY, _rest("search-type"), "E", "a search, with its query"),
    EventKind("review.list", QUERY, _rest("search-type"), "E", "the review queue was listed"),
    EventKind(
        "classify",
        QUERY,
        _rest("search-type"),
        "E",
        "files were classified against the patient registry",
    ),
    EventKind(
        "request.create", PATIENT_RECORD, _rest("create"), "C", "a records request was opened"
    ),
    EventKind(
        "request.update", PATIENT_RECORD, _rest("update"), "U", "a records request changed state"
    ),
    EventKind(
        "disclosure",
        EXPORT,
        Coding(LIFECYCLE, "disclose", "Disclose"),
        "R",
        "records were released to a recipient",
    ),
    EventKind("user.update", USER_ATTRIBUTES, None, "U", "an account or its roles changed"),
    EventKind("settings.update", APPLICATION, None, "U", "a setting changed"),
    EventKind(
        "model.retrain", PATIENT_RECORD, _rest("read"), "R", "review decisions retrained the model"
    ),
    EventKind("document.not_duplicate", PATIENT_RECORD, _rest("update"), "U", "not a duplicate"),
    EventKind("mail.fetch", IMPORT, _rest("create"), "C", "e-faxes were fetched from the mailbox"),
    EventKind("mail.status", APPLICATION, None, "E", "what the mailbox fetcher did was shown"),
    EventKind("storage.verify", APPLICATION, None, "E", "the stored objects were checked"),
    EventKind("storage.encrypt", APPLICATION, None, "U", "stored objects were encrypted"),
    EventKind("storage.rotate_key", APPLICATION, None, "U", "the storage master key was rotated"),
    EventKind(
        "application.start",
        APPLICATION,
        _dcm("110120", "Application Start"),
        "E",
        "a recordroom process started",
    ),
    EventKind(
        "application.stop",
        APPLICATION,
        _dcm("110121", "Application Stop"),
        "E",
        "a recordroom process stopped",
    ),
    EventKind(
        "audit.read", AUDIT_LOG_USED, None, "R", "the audit trail was queried, verified or exported"
    ),
)

EVENT_KINDS: dict[str, EventKind] = {kind.name: kind for kind in _KINDS}


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One recorded event, as stored and as the queries return it."""

    seq: int
    recorded: dt.datetime  # UTC
    kind: str
    type_code: str
    subtype_code: str | None
    action: Action
    outcome: Outcome
    user_id: str
    roles: tuple[str, ...] = ()
    door: str = ""
    network_address: str | None = None
    site: str = ""
    host: str | None = None
    system: str = "recordroom"
    purpose: str | None = None
    query: str | None = None
    recipient: str | None = None
    detail: str | None = None
    entities: tuple[tuple[str, str], ...] = ()  # (kind, id), in the order recorded
    prev_hash: str = ""
    hash: str = ""

    def ids(self, kind: str) -> tuple[str, ...]:
        return tuple(value for entity_kind, value in self.entities if entity_kind == kind)

    @property
    def patients(self) -> tuple[str, ...]:
        return self.ids("patient")

    @property
    def documents(self) -> tuple[str, ...]:
        return self.ids("document")

    @property
    def requests(self) -> tuple[str, ...]:
        return self.ids("request")

    def as_json(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "recorded": iso_utc(self.recorded),
            "kind": self.kind,
            "type": self.type_code,
            "subtype": self.subtype_code,
            "action": self.action,
            "outcome": self.outcome,
            "user": self.user_id,
            "roles": list(self.roles),
            "door": self.door,
            "network_address": self.network_address,
            "site": self.site,
            "host": self.host,
            "purpose": self.purpose,
            "query": self.query,
            "recipient": self.recipient,
            "detail": self.detail,
            "patients": list(self.patients),
            "documents": list(self.documents),
            "requests": list(self.requests),
            "hash": self.hash,
        }


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events a query returns; every field left empty matches all."""

    user_id: str | None = None
    patient: str | None = None
    document: str | None = None
    request: str | None = None
    kind: str | None = None
    action: str | None = None
    outcome: str | None = None
    network_address: str | None = None
    since: dt.datetime | None = None  # inclusive
    until: dt.datetime | None = None  # exclusive


def as_utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC already (as SQLite returns it)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def iso_utc(moment: dt.datetime) -> str:
    """``2026-11-29T18:16:25.123456Z``: one spelling of a UTC instant, always with microseconds."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
