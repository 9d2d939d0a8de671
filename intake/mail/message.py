"""One e-mail: which of its parts are documents, and what it says of the sending fax.

A part is a document by its bytes (PDF, TIFF, PNG, JPEG magic), never by its Content-Type or name:
e-fax services send ``application/octet-stream`` named ``fax.dat``, inline parts, RFC 2231 names,
and forwarded messages with the fax inside a ``message/rfc822`` part (``walk`` goes into those).
A PNG or JPEG under ``SMALL_IMAGE_PIXELS`` is the e-mail's own decoration (a logo, a signature),
not a document: a page scanned or photographed at the lowest usable resolution has far more.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import io
import re
from dataclasses import dataclass
from email.message import EmailMessage, Message

from PIL import Image

from recordroom.core import MailOrigin

PDF, TIFF, PNG, JPEG = "application/pdf", "image/tiff", "image/png", "image/jpeg"
SMALL_IMAGE_PIXELS = 250_000  # about 500 × 500: below this a PNG or JPEG is not a page
EXTENSIONS = {PDF: ".pdf", TIFF: ".tif", PNG: ".png", JPEG: ".jpg"}
_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG), (b"II*\x00", TIFF))

_PHONE = r"(\+?1?[\s.\-]?\(?\d{3}\)?[\s.\-]?\d{3}[\s.\-]?\d{4})"
_FAX_NUMBER = re.compile(
    r"(?:fax|caller[\s-]?id|from|sender|sent\s+from|remote\s+number|ani)\W{0,20}?" + _PHONE,
    re.IGNORECASE,
)
_CSID = re.compile(
    r"(?:csid|tsid|station\s+id|remote\s+(?:station\s+)?id|remote\s+csid|sender\s+id)"
    r"\s*[:=]?\s*\"?([^\r\n\"]{1,40}?)\"?\s*(?:$|[\r\n,;)])",
    re.IGNORECASE | re.MULTILINE,
)
_PAGES = re.compile(
    r"(?:\b(\d{1,4})\s*pages?(?:\(s\))?\b)|(?:\bpages?(?:\s+received)?\s*[:=]\s*(\d{1,4})\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    media_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    origin: MailOrigin
    documents: tuple[Attachment, ...]
    skipped_images: int  # small inline images left out


def parse_message(raw: bytes, mailbox: str) -> ParsedMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    documents: list[Attachment] = []
    skipped = 0
    for number, part in enumerate(message.walk(), start=1):
        if part.is_multipart():
            continue
        data = _payload(part)
        media_type = sniff(data)
        if media_type is None:
            continue
        if media_type in (PNG, JPEG) and _is_small_image(data):
            skipped += 1
            continue
        documents.append(Attachment(_name(part, number, media_type), media_type, data))
    return ParsedMessage(_origin(message, mailbox), tuple(documents), skipped)


def sniff(data: bytes) -> str | None:
    """The document type of an attachment from its first bytes; None if it is no document."""
    if b"%PDF-" in data[:1024]:
        return PDF
    if data.startswith(b"MM\x00*"):
        return TIFF
    return next((kind for magic, kind in _SIGNATURES if data.startswith(magic)), None)


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except (ValueError, LookupError):  # a broken transfer encoding: nothing usable
        return b""
    return data if isinstance(data, bytes) else b""


def _is_small_image(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (OSError, Image.DecompressionBombError):
        return False  # unreadable or huge: intake decides, and quarantines it with a reason
    return width * height < SMALL_IMAGE_PIXELS


def _name(part: Message, number: int, media_type: str) -> str:
    try:
        name = part.get_filename()  # RFC 2231 and RFC 2047 names decoded
    except (ValueError, LookupError):
        name = None
    name = (name or "").replace("/", "_").replace("\\", "_").strip(" .")
    if not name:
        name = f"attachment-{number}{EXTENSIONS[media_type]}"
    return name


def _origin(message: EmailMessage | Message, mailbox: str) -> MailOrigin:
    subject = _header(message, "Subject")
    body = _body_text(message)
    words = f"{subject}\n{body}"
    received = None
    try:
        date = email.utils.parsedate_to_datetime(_header(message, "Date"))
        received = date if date.tzinfo else None
    except (TypeError, ValueError, IndexError):
        pass
    fax = _FAX_NUMBER.search(words)
    csid = _CSID.search(words)
    pages = _PAGES.search(words)
    return MailOrigin(
        mailbox=mailbox,
        message_id=_header(message, "Message-ID").strip() or None,
        from_address=email.utils.parseaddr(_header(message, "From"))[1],
        subject=subject,
        received_at=received,
        fax_number=_digits(fax.group(1)) if fax else None,
        csid=csid.group(1).strip() if csid else None,
        page_count=int(pages.group(1) or pages.group(2)) if pages else None,
    )


def _header(message: EmailMessage | Message, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, LookupError, IndexError):
        return ""
    return " ".join(str(value or "").split())


def _body_text(message: EmailMessage | Message) -> str:
    """The first text part, tags dropped from HTML: where e-fax services write the sender."""
    for part in message.walk():
        if part.get_content_maintype() == "text" and not part.get_filename():
            text = _payload(part).decode(part.get_content_charset() or "utf-8", "replace")
            if part.get_content_subtype() == "html":
                text = re.sub(r"<[^>]+>", " ", text)
            return text[:10_000]
    return ""


def _digits(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
