"""Content-addressed object keys: the same bytes always land under the same key. Intake names
the keys, every object store keeps them."""

from __future__ import annotations


def original_key(sha256: str) -> str:
    return f"originals/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def derivative_key(sha256: str, kind: str) -> str:
    """A file derived from the original with this hash, e.g. ``kind="searchable.pdf"``."""
    return f"derived/{sha256[:2]}/{sha256[2:4]}/{sha256}.{kind}"


def source_sha256(key: str) -> str | None:
    """The hash of the original an object belongs to (itself or a file derived from it)."""
    parts = key.split("/")
    if len(parts) != 4 or parts[0] not in ("originals", "derived"):
        return None
    return parts[3].split(".", 1)[0]
