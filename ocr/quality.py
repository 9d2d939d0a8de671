"""How close recognised text is to the known text (used by the tests and the bench)."""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein


def normalise(text: str) -> str:
    """Words separated by single spaces: layout (line breaks, blank lines) is not an error."""
    return " ".join(text.split())


def character_error_rate(reference: str, recognised: str) -> float:
    """Edit distance over the reference's length, after ``normalise`` (0.0 is perfect)."""
    expected = normalise(reference)
    if not expected:
        return 0.0 if not normalise(recognised) else 1.0
    return Levenshtein.distance(expected, normalise(recognised)) / len(expected)
