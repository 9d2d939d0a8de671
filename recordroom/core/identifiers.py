"""Normal forms of patient identifiers, shared by the registry (SQL keys) and the matcher."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Upper case, accents removed: 'Peña' and 'PENA' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def normalise_mrn(mrn: str) -> str:
    """Letters and digits only, upper case, leading zeros dropped: 'mrn-000123' → 'MRN123'."""
    compact = re.sub(r"[^0-9A-Z]", "", fold(mrn))
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", compact)


def normalise_phone(phone: str) -> str:
    """The last ten digits of a phone number ('' when it has fewer than seven digits)."""
    digits = re.sub(r"\D", "", phone)
    return digits[-10:] if len(digits) >= 7 else ""


def last_name_key(last_name: str) -> str:
    """Letters only: "O'Brien" → 'OBRIEN', 'Smith-Jones' → 'SMITHJONES'."""
    return re.sub(r"[^A-Z]", "", fold(last_name))


def last_name_keys(last_name: str) -> set[str]:
    """The whole surname's key plus each part of a hyphenated or two-word surname."""
    keys = {last_name_key(last_name)}
    keys.update(last_name_key(part) for part in re.split(r"[-\s]+", last_name) if part)
    return {key for key in keys if key}
