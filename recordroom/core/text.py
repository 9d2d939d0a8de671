"""Text folding and the characters OCR confuses, one place for every reader of document text.

``fold`` is the one folder: lower case without accents. The rules, the matcher and the registry
keys all start from it.

``OCR_CONFUSIONS`` is the one table of digits and the characters OCR reads in their place. It is
read both ways: a digit inside a word is a letter (``J0HN``, ``D0B``, ``Apri1``), and a letter
inside a number is a digit (``0O12-345``, ``l2/O3/198O``). How far the second reading may go
depends on what the number is: in any identifier only the commonest look-alikes of 0 and 1 are
undone; in a labelled date, whose shape is known, more of them are.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

Scope = Literal["number", "date", "letters only"]

# (digit, look-alike, where the look-alike is read back as the digit)
OCR_CONFUSIONS: tuple[tuple[str, str, Scope], ...] = (
    ("0", "o", "number"),
    ("0", "O", "number"),
    ("0", "D", "date"),
    ("1", "l", "number"),
    ("1", "I", "number"),
    ("1", "|", "number"),
    ("1", "i", "date"),
    ("2", "Z", "date"),
    ("5", "s", "letters only"),
    ("5", "S", "date"),
    ("5", "$", "letters only"),
    ("6", "g", "letters only"),
    ("8", "b", "letters only"),
    ("8", "B", "date"),
)


def _letters_for_digits() -> dict[int, str]:
    """Each digit as its first lower-case look-alike; ``|`` and ``$`` as the same letter."""
    letter: dict[str, str] = {}
    for digit, lookalike, _scope in OCR_CONFUSIONS:
        if lookalike.islower():
            letter.setdefault(digit, lookalike)
    table = {digit: letter[digit] for digit in letter}
    for digit, lookalike, _scope in OCR_CONFUSIONS:
        if not lookalike.isalnum() and digit in letter:
            table[lookalike] = letter[digit]
    return str.maketrans(table)


def _digits_for_letters(*scopes: Scope) -> dict[int, str]:
    return str.maketrans(
        {lookalike: digit for digit, lookalike, scope in OCR_CONFUSIONS if scope in scopes}
    )


# str.translate tables derived from the one list above.
DIGITS_AS_LETTERS = _letters_for_digits()
LETTERS_AS_DIGITS = _digits_for_letters("number")
LETTERS_AS_DIGITS_IN_DATES = _digits_for_letters("number", "date")


def fold(text: str) -> str:
    """Lower case without accents: ``"José"`` → ``"jose"``."""
    if text.isascii():  # nothing to decompose: most pages
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
