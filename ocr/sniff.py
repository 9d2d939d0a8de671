"""What kind of file this is, by its first bytes rather than its name."""

from __future__ import annotations

from pathlib import Path

PDF = "application/pdf"
TIFF = "image/tiff"
PNG = "image/png"
JPEG = "image/jpeg"
READABLE: frozenset[str] = frozenset({PDF, TIFF, PNG, JPEG})

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"PK\x03\x04", "application/zip"),
    (b"MZ", "application/vnd.microsoft.portable-executable"),
    (b"\x7fELF", "application/x-executable"),
    (b"\xd0\xcf\x11\xe0", "application/x-ole-storage"),
    (b"GIF8", "image/gif"),
)


def sniff_media_type(path: Path) -> str:
    """The media type of ``path`` from its magic bytes: one of ``READABLE`` for files recordroom
    reads, another type or ``application/octet-stream`` otherwise (``inode/x-empty`` when empty)."""
    with path.open("rb") as stream:
        head = stream.read(1024)
    if not head:
        return "inode/x-empty"
    # The PDF specification lets the header start anywhere in the first 1024 bytes.
    if b"%PDF-" in head:
        return PDF
    for magic, media_type in _SIGNATURES:
        if head.startswith(magic):
            return media_type
    return "application/octet-stream"


def describe(media_type: str) -> str:
    """A few words a clerk understands for a media type recordroom does not read."""
    return {
        "application/zip": "a zip archive (such as a Word or Excel file)",
        "application/vnd.microsoft.portable-executable": "a Windows program",
        "application/x-executable": "a program",
        "application/x-ole-storage": "an old Microsoft Office file",
        "image/gif": "a GIF image",
    }.get(media_type, "not a PDF, TIFF, PNG or JPEG file")
