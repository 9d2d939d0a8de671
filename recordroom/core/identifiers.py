"""Normal forms of patient identifiers, shared by the registry (in memory and SQL) and the matcher.

A *shape key* folds what legitimately varies in how a name is written (case, accents, apostrophes,
hyphens, spaces) and the commonest OCR confusions of digits for letters (``J0HN`` → ``john``). A
*match key* also merges i and l, which OCR confuses with each other and with 1 (``W1LLI5``,
``Willis`` → ``wllls``); names are compared by match key.
A *phonetic key* (Soundex) groups spellings that sound alike (Smith / Smyth); it is for finding
candidates only, never for accepting one.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MRN_OCR = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})
_PHONE_OCR = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})

# Digits OCR reads in place of letters. Applied to both sides, so "0'Brien" and "O'Brien" agree.
_OCR_DIGITS = str.maketrans({"0": "o", "1": "l", "|": "l", "5": "s", "8": "b", "6": "g", "$": "s"})

_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}

# Groups of given names that are the same person's name. A name may sit in several groups
# (Chris: Christopher and Christine). Lower case.


def fold(text: str) -> str:
    """Lower case without accents: ``"José"`` → ``"jose"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=65536)
def shape_key(name: str) -> str:
    """Letters only, folded, OCR digits as letters: ``O'Brien`` and ``0BRIEN`` → ``obrien``."""
    folded = fold(name).translate(_OCR_DIGITS)
    return "".join(ch for ch in folded if "a" <= ch <= "z")


SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "2nd", "3rd", "md", "phd"})


def strip_suffix(name: str) -> str:
    """A surname without a trailing generational suffix: ``"Smith Jr."`` → ``"Smith"``."""
    pieces = name.replace(",", " ").split()
    while len(pieces) > 1 and fold(pieces[-1]).strip(".") in SUFFIXES:
        pieces.pop()
    return " ".join(pieces)


@lru_cache(maxsize=65536)
def match_key(name: str) -> str:
    """The key two spellings of a name share when they are the same name (see the module doc)."""
    return shape_key(name).replace("i", "l")


@lru_cache(maxsize=65536)
def name_key(last_name: str) -> str:
    """The exact-match key of a surname (``match_key`` without a suffix); what the SQL registry
    indexes."""
    return match_key(strip_suffix(last_name))


@lru_cache(maxsize=65536)
def phonetic_key(name: str) -> str:
    """American Soundex of the name's shape key (``Smith``, ``Smyth`` → ``S530``); "" if none."""
    letters = shape_key(name)
    if not letters:
        return ""
    first = letters[0]
    digits: list[str] = []
    previous = _SOUNDEX_CODES.get(first, "")
    for ch in letters[1:]:
        code = _SOUNDEX_CODES.get(ch, "")
        if code and code != previous:
            digits.append(code)
        if ch not in "hw":  # h and w do not separate equal codes; vowels do
            previous = code
    return (first.upper() + "".join(digits) + "000")[:4]


def surname_parts(last_name: str) -> tuple[str, ...]:
    """Match keys of the pieces of a compound surname (``Smith-Jones`` → ``smith``, ``jones``)."""
    pieces = strip_suffix(last_name).replace("-", " ").replace("\u2010", " ").split()
    if len(pieces) < 2:
        return ()
    return tuple(key for key in (match_key(piece) for piece in pieces) if len(key) >= 3)


def last_name_search_keys(last_name: str) -> frozenset[str]:
    """Every key under which a surname is found: its shape key, the keys of its parts, and their
    phonetic keys (prefixed ``~``). A registry patient is a name candidate for a document when
    their keys intersect; the SQL registry stores these in an indexed side table."""
    keys: set[str] = set()
    pieces = strip_suffix(last_name).replace("-", " ").split()
    for text in (last_name, *(pieces if len(pieces) > 1 else ())):
        key = name_key(text)
        if len(key) >= 2:
            keys.add(key)
            keys.add("~" + phonetic_key(strip_suffix(text)))
    return frozenset(keys)


def similar_name_keys(
    query_keys: Iterable[str], known_keys: Collection[str], *, cutoff: float = 80.0
) -> set[str]:
    """Those of ``known_keys`` (surname shape keys) within fuzzy reach of any of ``query_keys``."""
    found: set[str] = set()
    for query in query_keys:
        if len(query) < 3:
            continue
        for key, _score, _index in process.extract(
            query, known_keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        ):
            found.add(key)
    return found


def normalise_mrn(mrn: str) -> str:
    """The comparable form of an MRN: upper case, without spaces and separators; in a numeric MRN,
    OCR letters read as digits and leading zeros dropped (``0O12-345`` → ``12345``)."""
    compact = re.sub(r"[\s\-./#:]", "", mrn.strip())
    as_digits = compact.translate(_MRN_OCR)
    if as_digits.isdigit() and any(ch.isdigit() for ch in compact):
        return as_digits.lstrip("0") or "0"
    return compact.upper()


def normalise_phone(phone: str) -> str:
    """The last 10 digits of a phone number (US country code dropped); "" when fewer than 7."""
    digits = re.sub(r"\D", "", phone.translate(_PHONE_OCR))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) < 7:
        return ""
    return digits[-10:]


def as_date(value: object) -> dt.date | None:
    """A ``date`` from a ``date``, ``datetime`` or ISO ``YYYY-MM-DD`` string; else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def transposed(date: dt.date) -> dt.date | None:
    """The date with day and month swapped, when that is a different valid date."""
    if date.day > 12 or date.day == date.month:
        return None
    return date.replace(month=date.day, day=date.month)
