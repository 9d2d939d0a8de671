"""Exports for auditors: CSV, and FHIR R4 AuditEvent resources one per line (NDJSON) in the IHE
BALP shape — the user as ``agent.who``, what was touched as ``entity.what``, the reason as
``purposeOfUse`` — so that a SIEM that reads FHIR or ATNA can take the trail in.
"""

from __future__ import annotations

import base64
import csv
import ipaddress
import json
from collections.abc import Iterable
from typing import IO, Any

from audit.events import (
    EVENT_KINDS,
    OUTCOME_CODES,
    AuditEvent,
    iso_utc,
)

CSV_HEADER = (
    "seq",
    "recorded",
    "kind",
    "type",
    "subtype",
    "action",
    "outcome",
    "user",
    "roles",
    "door",
    "network_address",
    "site",
    "host",
    "patients",
    "documents",
    "requests",
    "purpose",
    "query",
    "recipient",
    "detail",
    "prev_hash",
    "hash",
)

USER_SYSTEM = "urn:recordroom:user"
ENTITY_SYSTEMS = {
    "patient": "urn:recordroom:mrn",
    "document": "urn:recordroom:document",
    "request": "urn:recordroom:request",
    "user": USER_SYSTEM,
    "file": "urn:recordroom:sha256",
}
ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
# (entity type, object role) per kind of entity: Person/Patient, System Object/Report, …
ENTITY_CODES = {
    "patient": (("1", "Person"), ("1", "Patient")),
    "document": (("2", "System Object"), ("3", "Report")),
    "request": (("2", "System Object"), ("4", "Domain Resource")),
    "user": (("1", "Person"), ("11", "Security User Entity")),
    "file": (("2", "System Object"), ("3", "Report")),
}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def write_csv(events: Iterable[AuditEvent], out: IO[str]) -> int:
    """One row per event under ``CSV_HEADER``; returns the number of events written."""
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    count = 0
    for event in events:
        writer.writerow(
            [
                event.seq,
                iso_utc(event.recorded),
                event.kind,
                event.type_code,
                event.subtype_code or "",
                event.action,
                event.outcome,
                _cell(event.user_id),
                " ".join(event.roles),
                event.door,
                event.network_address or "",
                _cell(event.site),
                _cell(event.host or ""),
                " ".join(event.patients),
                " ".join(event.documents),
                " ".join(event.requests),
                _cell(event.purpose or ""),
                _cell(event.query or ""),
                _cell(event.recipient or ""),
                _cell(event.detail or ""),
                event.prev_hash,
                event.hash,
            ]
        )
        count += 1
    return count


def _cell(text: str) -> str:
    # A spreadsheet runs a cell that starts with = + - @ as a formula; a quote keeps it text.
    return "'" + text if text.startswith(_FORMULA) else text


def write_ndjson(events: Iterable[AuditEvent], out: IO[str]) -> int:
    """One FHIR R4 AuditEvent a line; returns the number written."""
    count = 0
    for event in events:
        out.write(json.dumps(fhir_audit_event(event), ensure_ascii=False, sort_keys=True))
        out.write("\n")
        count += 1
    return count


def fhir_audit_event(event: AuditEvent) -> dict[str, Any]:
    """The event as a FHIR R4 AuditEvent resource (a dict ready for JSON)."""
    kind = EVENT_KINDS[event.kind]
    resource: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "id": f"{event.seq}",
        "type": _coding(kind.type.system, kind.type.code, kind.type.display),
        "action": event.action,
        "recorded": iso_utc(event.recorded),
        "outcome": OUTCOME_CODES[event.outcome],
        "agent": [_user_agent(event)],
        "source": {
            "site": event.site,
            "observer": {"display": f"{event.system}@{event.host or event.site}"},
            "type": [_coding(SOURCE_TYPE, "4", "Application Server")],
        },
    }
    if kind.subtype is not None:
        subtype = kind.subtype
        resource["subtype"] = [_coding(subtype.system, subtype.code, subtype.display)]
    if event.detail:
        resource["outcomeDesc"] = event.detail
    if event.purpose:
        resource["purposeOfEvent"] = [_purpose(event.purpose)]
    if event.recipient:
        resource["agent"].append(
            {
                "type": {"coding": [_coding(PARTICIPATION, "IRCP", "information recipient")]},
                "who": {"display": event.recipient},
                "requestor": False,
            }
        )
    entities = [_entity(event, kind_, value) for kind_, value in event.entities]
    if event.query is not None:
        entities.append(
            {
                "type": _coding(ENTITY_TYPE, "2", "System Object"),
                "role": _coding(OBJECT_ROLE, "24", "Query"),
                "query": base64.b64encode(event.query.encode()).decode(),
            }
        )
    if entities:
        resource["entity"] = entities
    return resource


def _user_agent(event: AuditEvent) -> dict[str, Any]:
    author = event.action in ("C", "U", "D")
    agent: dict[str, Any] = {
        "type": {
            "coding": [
                _coding(PARTICIPATION, "AUT", "author (originator)")
                if author
                else _coding(PARTICIPATION, "IRCP", "information recipient")
            ]
        },
        "who": {"identifier": {"system": USER_SYSTEM, "value": event.user_id}},
        "requestor": True,
    }
    if event.roles:
        agent["role"] = [{"text": role} for role in event.roles]
    if event.network_address:
        agent["network"] = {
            "address": event.network_address,
            "type": "2" if _is_ip(event.network_address) else "1",
        }
    if event.purpose:
        agent["purposeOfUse"] = [_purpose(event.purpose)]
    return agent


def _entity(event: AuditEvent, kind: str, value: str) -> dict[str, Any]:
    (type_code, type_display), (role_code, role_display) = ENTITY_CODES[kind]
    entity: dict[str, Any] = {
        "what": {"identifier": {"system": ENTITY_SYSTEMS[kind], "value": value}},
        "type": _coding(ENTITY_TYPE, type_code, type_display),
        "role": _coding(OBJECT_ROLE, role_code, role_display),
    }
    if kind == "patient":
        entity["what"]["type"] = "Patient"
    if event.kind == "disclosure" and kind in ("document", "patient"):
        entity["lifecycle"] = _coding(
            "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle", "disclose", "Disclose"
        )
    return entity


def _purpose(purpose: str) -> dict[str, Any]:
    if purpose.isalpha() and purpose.isupper():
        return {"coding": [{"system": ACT_REASON, "code": purpose}]}
    return {"text": purpose}


def _coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def _is_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True
