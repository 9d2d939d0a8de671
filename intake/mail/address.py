"""A mailbox's URL (``imaps://USER@HOST:993/FOLDER``) and its password, which is never shown."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from recordroom.core import ConfigurationError
from recordroom.core.settings import Mailbox

DEFAULT_PORTS = {"imaps": 993, "imap": 143}


@dataclass(frozen=True, slots=True)
class MailAddress:
    scheme: str  # imaps | imap (STARTTLS, or plain to a loopback address)
    user: str
    host: str
    port: int
    folder: str
    password: str = field(repr=False)
    processed: str = "recordroom-processed"
    failed: str = "recordroom-failed"

    @property
    def label(self) -> str:
        """The mailbox as logs and the ledger name it: the URL without a password."""
        return f"{self.scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"

    @property
    def needs_starttls(self) -> bool:
        return self.scheme == "imap" and not is_loopback(self.host)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_mailbox(mailbox: Mailbox) -> MailAddress:
    """The mailbox's address and password; a ConfigurationError (without the password) if wrong."""
    try:
        parts = urlsplit(mailbox.url)
        port = parts.port
    except ValueError as exc:
        raise ConfigurationError("RECORDROOM_MAIL_URL is not a valid imaps:// URL") from exc
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or not parts.username:
        raise ConfigurationError(
            "RECORDROOM_MAIL_URL must look like imaps://USER@HOST:993/FOLDER "
            "(or imap:// with STARTTLS)"
        )
    where = f"{parts.scheme}://{unquote(parts.username)}@{parts.hostname}"
    if parts.password is not None:
        raise ConfigurationError(
            f"the mailbox URL {where} holds a password; put it in RECORDROOM_MAIL_PASSWORD_FILE "
            "instead, where it is not shown with the URL"
        )
    return MailAddress(
        scheme=parts.scheme,
        user=unquote(parts.username),
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        password=_password(mailbox, where),
        processed=mailbox.processed,
        failed=mailbox.failed,
    )


def _password(mailbox: Mailbox, where: str) -> str:
    if mailbox.password_file:
        try:
            return Path(mailbox.password_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise ConfigurationError(
                f"the password file of {where} ({mailbox.password_file}) cannot be read: "
                f"{exc.strerror}"
            ) from None
    if mailbox.password:
        return mailbox.password
    raise ConfigurationError(
        f"no password for {where}: set RECORDROOM_MAIL_PASSWORD_FILE (or RECORDROOM_MAIL_PASSWORD)"
    )
