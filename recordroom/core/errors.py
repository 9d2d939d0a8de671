"""One exception hierarchy. Messages say what happened to which file and what to do, and never
carry patient information: they name file names, document ids and hashes only.

Each class carries the command-line exit code it maps to (listed in the README).
"""

from __future__ import annotations


class RecordroomError(Exception):
    """Base of every error recordroom raises on purpose."""

    exit_code = 1


class ConfigurationError(RecordroomError):
    """A setting is missing or wrong."""

    exit_code = 2


class QuarantineError(RecordroomError):
    """The file cannot be processed; it goes to quarantine with this message as its reason."""

    exit_code = 3


class EmptyFileError(QuarantineError):
    pass


class UnsupportedFileError(QuarantineError):
    pass


class CorruptFileError(QuarantineError):
    pass


class EncryptedFileError(QuarantineError):
    pass


class FileTooLargeError(QuarantineError):
    pass


class NotAFileError(QuarantineError):
    """A link (symbolic or hard) or a special file in the inbox: never followed, never read."""


class OcrEngineError(RecordroomError):
    """The OCR engine itself failed (missing, crashed, timed out): not the file's fault."""

    exit_code = 4


class OcrFailedOnFileError(OcrEngineError):
    """The OCR engine crashed or ran out of time on one file: perhaps the file's doing, so it
    counts against the file (``RECORDROOM_MAX_FILE_FAILURES``), unlike a missing engine."""


class LeaseLostError(RecordroomError):
    """A worker's lease on a job ran out and another worker took the job over: the first one's
    work is dropped (the job is finished once, by the other)."""


class StorageError(RecordroomError):
    """The object store could not keep or return an object."""

    exit_code = 5


class CorruptObjectError(StorageError):
    """A stored object does not decrypt or does not match its hash: changed or damaged at rest."""


class NotFoundError(RecordroomError):
    """A document, patient or other record asked for does not exist."""

    exit_code = 6


class ClassifierError(RecordroomError):
    """The classification model is missing or unusable."""

    exit_code = 7


class InvalidRequestError(RecordroomError):
    """What was asked cannot be done as asked: a reversed date range, a document of another patient,
    a step the request's state does not allow, an authorization that is not one."""

    exit_code = 8


class ConflictError(RecordroomError):
    """Someone else changed the same record first, or it exists already; reload and try again."""

    exit_code = 9


class ReleaseRefusedError(RecordroomError):
    """A release is refused: its authorization is defective, expired or revoked, or the requester's
    identity is not verified. The message names every missing or defective element."""

    exit_code = 10


class AccessDeniedError(RecordroomError):
    """The person acting does not hold a role this action needs."""

    exit_code = 12


class AuthenticationError(RecordroomError):
    """A sign-in failed: unknown user, wrong password, disabled or locked account. The message
    never says which, so it cannot be used to find account names."""

    exit_code = 13


class MailError(RecordroomError):
    """The e-fax mailbox could not be reached, refused the login or failed in a session. The
    message names the mailbox without its password; the fetcher retries with a growing pause."""

    exit_code = 11


class AuditIntegrityError(RecordroomError):
    """The audit trail failed verification: an event was modified, deleted, inserted or
    reordered, or a checkpoint does not match."""

    exit_code = 14
