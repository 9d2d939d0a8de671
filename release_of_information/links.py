"""Expiring download links: an HMAC-SHA256 signed token naming the request, the packet's hash
and the expiry time, with a key kept under ``RECORDROOM_HOME``. The web app verifies the token and
logs each use."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from recordroom.core.errors import InvalidRequestError
from release_of_information.models import LinkUseRow, RequestRow

KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class LinkClaim:
    request_id: str
    packet_sha256: str
    expires_at: dt.datetime


def load_link_key(path: Path) -> bytes:
    """The signing key at ``path``, made (readable by the owner only) when missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES))
    key = path.read_bytes()
    if len(key) < KEY_BYTES:
        raise InvalidRequestError(f"the link key {path} is too short; remove it to make a new one")
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_link_token(
    key: bytes, request_id: str, packet_sha256: str, expires_at: dt.datetime
) -> str:
    payload = json.dumps(
        {"r": request_id, "h": packet_sha256, "e": int(expires_at.timestamp())},
        separators=(",", ":"),
    ).encode()
    mac = hmac.new(key, payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def read_link_token(key: bytes, token: str, *, now: dt.datetime) -> LinkClaim:
    """The claim a token carries; ``InvalidRequestError`` when it is forged, damaged or expired."""
    try:
        payload_text, mac_text = token.split(".", 1)
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except ValueError as exc:
        raise InvalidRequestError("this download link is not valid") from exc
    if not hmac.compare_digest(mac, hmac.new(key, payload, hashlib.sha256).digest()):
        raise InvalidRequestError("this download link is not valid")
    data = json.loads(payload)
    expires_at = dt.datetime.fromtimestamp(int(data["e"]), dt.UTC)
    if now >= expires_at:
        raise InvalidRequestError(
            f"this download link expired at {expires_at.isoformat()}; "
            "ask the practice for a new one"
        )
    return LinkClaim(request_id=str(data["r"]), packet_sha256=str(data["h"]), expires_at=expires_at)


def record_link_use(
    session: Session, claim: LinkClaim, *, network_address: str | None
) -> LinkUseRow:
    """Log one use of a verified link; a link to a packet that is no longer the request's
    (re-released, cancelled) is refused."""
    request = session.get(RequestRow, claim.request_id)
    if request is None or request.packet_sha256 != claim.packet_sha256:
        raise InvalidRequestError("this download link no longer names a released packet")
    if request.status not in ("fulfilled", "closed"):
        raise InvalidRequestError(f"request {request.id} is {request.status}; nothing to download")
    row = LinkUseRow(request_id=claim.request_id, network_address=network_address)
    session.add(row)
    session.flush()
    return row
