"""One connection to an IMAP mailbox, through IMAPClient: TLS (or STARTTLS), login, the two
folders, fetch, move, and waiting for new mail (IDLE where offered, else a pause).

Every failure comes out as a ``MailError`` of one line naming the mailbox without its password.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from types import TracebackType

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from intake.mail.address import MailAddress
from recordroom.core import MailError

log = logging.getLogger("recordroom.mail")

TIMEOUT_SECONDS = 30.0
IDLE_RENEW_SECONDS = 25 * 60  # RFC 2177: re-issue IDLE before the server's 30-minute timeout


class MailSession:
    """A logged-in connection, used as a context manager."""

    def __init__(self, address: MailAddress, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.address = address
        self.timeout = timeout
        self.client: IMAPClient | None = None
        self._delimiter = "/"
        self._prefix = ""

    def __enter__(self) -> MailSession:
        with self.errors("connecting"):
            self.client = self._connect()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.logout()
            with contextlib.suppress(Exception):
                self.client.shutdown()
            self.client = None

    def _connect(self) -> IMAPClient:
        address = self.address
        context = ssl.create_default_context()
        client = IMAPClient(
            address.host,
            port=address.port,
            ssl=address.scheme == "imaps",
            ssl_context=context,
            timeout=self.timeout,
        )
        try:
            if address.needs_starttls:
                if not client.has_capability("STARTTLS"):
                    raise MailError(
                        f"{address.label}: the server offers no STARTTLS; use imaps:// "
                        "(recordroom sends a password in the clear only to a loopback address)"
                    )
                client.starttls(context)
            client.login(address.user, address.password)
        except BaseException:
            with contextlib.suppress(Exception):
                client.shutdown()
            raise
        return client

    @property
    def imap(self) -> IMAPClient:
        if self.client is None:
            raise MailError(f"{self.address.label}: not connected")
        return self.client

    @contextlib.contextmanager
    def errors(self, doing: str) -> Iterator[None]:
        """Turn whatever the network, TLS or the server raised into one line (no password)."""
        try:
            yield
        except MailError:
            raise
        except LoginError:
            raise MailError(
                f"{self.address.label}: the server refused the login of {self.address.user}; "
                "check the password (RECORDROOM_MAIL_PASSWORD_FILE)"
            ) from None
        except (IMAPClientError, imaplib.IMAP4.error, OSError, EOFError) as error:
            raise MailError(f"{self.address.label}: {doing}: {_explain(error)}") from None

    # -- folders ------------------------------------------------------------------------------

    def folder_name(self, name: str) -> str:
        """A folder below the personal namespace, its levels (written with "/") joined by the
        server's hierarchy delimiter."""
        return self._prefix + self._delimiter.join(p for p in name.split("/") if p)

    def prepare(self) -> tuple[str, str]:
        """Learn the delimiter and namespace; create the processed and failed folders if missing.
        Returns their names as the server spells them."""
        with self.errors("listing folders"):
            listed = self.imap.list_folders(pattern="INBOX")
            if listed and listed[0][1]:
                self._delimiter = _text(listed[0][1])
            if self.imap.has_capability("NAMESPACE"):
                personal = self.imap.namespace().personal
                if personal and personal[0][0]:
                    self._prefix = _text(personal[0][0])
            folders = []
            for name in (self.address.processed, self.address.failed):
                folder = self.folder_name(name)
                if not self.imap.folder_exists(folder):
                    self.imap.create_folder(folder)
                    log.info("%s: created folder %s", self.address.label, folder)
                folders.append(folder)
        return folders[0], folders[1]

    def open_folder(self) -> int:
        """Select the watched folder; returns its UIDVALIDITY."""
        with self.errors(f"opening folder {self.address.folder}"):
            selected = self.imap.select_folder(self.address.folder)
        return int(selected[b"UIDVALIDITY"])

    # -- messages -----------------------------------------------------------------------------

    def uids(self) -> list[int]:
        with self.errors("searching"):
            return sorted(int(uid) for uid in self.imap.search("ALL"))

    def summary(self, uid: int) -> tuple[int, str | None]:
        """(size, Message-ID) without downloading the message."""
        with self.errors(f"reading message {uid}"):
            data = self.imap.fetch([uid], ["RFC822.SIZE", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
        item = data.get(uid, {})
        header = bytes(item.get(b"BODY[HEADER.FIELDS (MESSAGE-ID)]", b"")).decode(
            "ascii", "replace"
        )
        message_id = header.partition(":")[2].strip() or None
        return int(item.get(b"RFC822.SIZE", 0)), message_id

    def fetch(self, uid: int) -> bytes:
        with self.errors(f"downloading message {uid}"):
            data = self.imap.fetch([uid], ["BODY.PEEK[]"])
        raw = data.get(uid, {}).get(b"BODY[]")
        if not isinstance(raw, bytes):
            raise MailError(f"{self.address.label}: message {uid} vanished while it was fetched")
        return raw

    def move(self, uid: int, folder: str) -> None:
        """Move a message to ``folder``. Never deleted: without MOVE it is copied first, and only
        then the original is flagged and expunged by UID."""
        with self.errors(f"moving message {uid} to {folder}"):
            if self.imap.has_capability("MOVE"):
                self.imap.move([uid], folder)
                return
            self.imap.copy([uid], folder)
            self.imap.add_flags([uid], [b"\\Deleted"])
            if self.imap.has_capability("UIDPLUS"):
                self.imap.uid_expunge([uid])

    def wait(self, stop: threading.Event, seconds: float) -> None:
        """Until the server says something changed (IDLE), ``seconds`` pass, or ``stop``."""
        if not self.imap.has_capability("IDLE"):
            with self.errors("waiting"):
                self.imap.noop()
            stop.wait(seconds)
            return
        # Messages left behind by a failure are looked at again every ``seconds`` even so.
        deadline = time.monotonic() + min(IDLE_RENEW_SECONDS, seconds)
        with self.errors("waiting for new mail"):
            self.imap.idle()
            try:
                while not stop.is_set() and time.monotonic() < deadline:
                    responses = self.imap.idle_check(timeout=1.0)
                    if any(b"EXISTS" in r for r in responses if isinstance(r, tuple)):
                        break
            finally:
                self.imap.idle_done()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _explain(error: BaseException) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"the server's TLS certificate is not trusted ({error.verify_message})"
    if isinstance(error, ssl.SSLError):
        return f"the TLS handshake failed ({error.reason or error.strerror})"
    if isinstance(error, ConnectionRefusedError):
        return "the connection was refused (is the mail server running?)"
    if isinstance(error, socket.gaierror):
        return "the host name does not resolve"
    if isinstance(error, TimeoutError | socket.timeout):
        return "the server did not answer in time"
    if isinstance(error, imaplib.IMAP4.abort | EOFError | ConnectionError):
        return "the connection was cut"
    if isinstance(error, OSError):
        return f"the connection failed ({error.strerror or type(error).__name__})"
    first_line = (str(error).splitlines() or [""])[0][:200]
    return f"the server answered with an error ({first_line or type(error).__name__})"
