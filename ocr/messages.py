"""The errors the OCR stage raises, each a sentence a clerk can act on. They name the file, never
its content; intake uses them as quarantine reasons."""

from __future__ import annotations

from ocr.sniff import describe
from recordroom.core import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    FileTooLargeError,
    UnsupportedFileError,
)


def no_pages(name: str) -> EmptyFileError:
    return EmptyFileError(f"{name} has no pages; ask the sender to send it again")


def unsupported(name: str, media_type: str) -> UnsupportedFileError:
    return UnsupportedFileError(
        f"{name} is {describe(media_type)}; recordroom reads PDF, TIFF, PNG and JPEG, "
        "so print it to PDF or scan it and drop that file instead"
    )


def corrupt_pdf(name: str) -> CorruptFileError:
    return CorruptFileError(
        f"{name} is a damaged or incomplete PDF that cannot be opened; "
        "ask the sender to send it again"
    )


def corrupt_image(name: str) -> CorruptFileError:
    return CorruptFileError(
        f"{name} is a damaged or incomplete image that cannot be decoded; "
        "ask the sender to send it again"
    )


def encrypted(name: str) -> EncryptedFileError:
    return EncryptedFileError(
        f"{name} is protected by a password; ask the sender for an unprotected copy"
    )


def too_many_pixels(name: str, max_pixels: int) -> FileTooLargeError:
    return FileTooLargeError(
        f"{name} has a page of more than {max_pixels:,} pixels, too large to read safely; "
        "rescan it at 300 dpi or raise RECORDROOM_MAX_IMAGE_PIXELS"
    )


def too_many_pages(name: str, count: int, max_pages: int) -> FileTooLargeError:
    return FileTooLargeError(
        f"{name} has {count} pages, more than the limit of {max_pages}; "
        "split it into smaller files or raise RECORDROOM_MAX_PAGES"
    )
