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
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from recordroom.core.models import Patient
from recordroom.core.text import DIGITS_AS_LETTERS, LETTERS_AS_DIGITS, fold

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


@lru_cache(maxsize=65536)
def shape_key(name: str) -> str:
    """Letters only, folded, OCR digits as letters: ``O'Brien`` and ``0BRIEN`` → ``obrien``."""
    # Applied to both sides, so "0'Brien" and "O'Brien" agree.
    folded = fold(name).translate(DIGITS_AS_LETTERS)
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
    as_digits = compact.translate(LETTERS_AS_DIGITS)
    if as_digits.isdigit() and any(ch.isdigit() for ch in compact):
        return as_digits.lstrip("0") or "0"
    return compact.upper()


def normalise_member_id(member_id: str) -> str:
    """The comparable form of an insurance member ID, as ``normalise_mrn``; "" when too short to
    mean anything (fewer than 5 characters)."""
    key = normalise_mrn(member_id) if member_id.strip() else ""
    return key if len(key) >= 5 else ""


def normalise_phone(phone: str) -> str:
    """The last 10 digits of a phone number (US country code dropped); "" when fewer than 7."""
    digits = re.sub(r"\D", "", phone.translate(LETTERS_AS_DIGITS))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) < 7:
        return ""
    return digits[-10:]


# Compass words before a street's name ("12 N. Oak St"), English and Spanish.
_STREET_DIRECTIONS = frozenset(
    {"n", "s", "e", "w", "ne", "nw", "se", "sw", "north", "south", "east", "west"}
    | {"norte", "sur", "este", "oeste"}
)


@lru_cache(maxsize=8192)
def normalise_address(address: str) -> str:
    """The comparable form of a street address: its house number and the first word of the
    street's name (``12 N. Oak St, Springfield`` → ``12 oak``), OCR letters in the number read as
    digits and OCR digits in the name as letters; "" unless it has both."""
    raw = address.replace(",", " ").split()
    words = [fold(word).strip(".#") for word in raw]
    if len(words) < 2:
        return ""
    number = raw[0].strip(".#").translate(LETTERS_AS_DIGITS)
    if not number.isdigit():
        return ""
    names = [word for word in words[1:] if word and word not in _STREET_DIRECTIONS]
    street = re.sub(r"[^a-z]", "", names[0].translate(DIGITS_AS_LETTERS)) if names else ""
    return f"{int(number)} {street.replace('i', 'l')}" if street else ""


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


# --- the shortlist rule, one for every registry ----------------------------------------------


@dataclass(frozen=True, slots=True)
class PatientKeys:
    """What a registry indexes of one patient to find them again (see ``Shortlist``)."""

    mrn_key: str
    phone_key: str  # "" when the patient has no usable phone
    member_key: str  # "" when the registry has no member ID for the patient
    birth_date: dt.date
    surname_keys: frozenset[str]  # ``last_name_search_keys``; phonetic keys start with "~"


def patient_keys(patient: Patient) -> PatientKeys:
    return PatientKeys(
        mrn_key=normalise_mrn(patient.mrn),
        phone_key=normalise_phone(patient.phone),
        member_key=normalise_member_id(patient.member_id),
        birth_date=patient.birth_date,
        surname_keys=last_name_search_keys(patient.last_name),
    )


def is_plain_surname_key(key: str) -> bool:
    """A surname shape key (not a phonetic ``~`` key): the keys fuzzy look-ups compare."""
    return key[:1] != "~"


@dataclass(frozen=True, slots=True)
class Shortlist:
    """The rule every ``PatientRegistry`` follows to shortlist candidates for a document.

    A patient is a candidate when any of these holds for any of the values found on it:

    - ``normalise_mrn`` of an MRN equals the patient's (``mrn_keys``);
    - a birth date equals the patient's, or equals it with day and month swapped (``birth_dates``);
    - ``normalise_phone`` of a phone equals the patient's, non-empty (``phone_keys``);
    - ``normalise_member_id`` of an insurance member ID equals the patient's (``member_keys``);
    - a last name shares a key with the patient's ``last_name_search_keys`` (shape key, the parts
      of a compound surname, and their Soundex keys), or its ``name_key`` is within fuzzy reach of
      one of the patient's plain surname keys (``surname_keys``: rapidfuzz ratio ≥ 80).

    Candidates are only a shortlist; the matcher decides. A registry looks the keys up in its own
    indexes (dictionaries in memory, indexed columns in SQL); it never applies a rule of its own.
    """

    mrn_keys: frozenset[str]
    phone_keys: frozenset[str]
    member_keys: frozenset[str]
    birth_dates: frozenset[dt.date]
    exact_surname_keys: frozenset[str]
    fuzzy_surname_keys: tuple[str, ...]  # name keys to compare with the registry's plain keys

    @classmethod
    def for_document(
        cls,
        *,
        last_names: Iterable[str] = (),
        birth_dates: Iterable[object] = (),
        mrns: Iterable[str] = (),
        phones: Iterable[str] = (),
        member_ids: Iterable[str] = (),
    ) -> Shortlist:
        dates: set[dt.date] = set()
        for value in birth_dates:
            date = as_date(value)
            if date is not None:
                dates.add(date)
                swapped = transposed(date)
                if swapped is not None:
                    dates.add(swapped)
        exact: set[str] = set()
        fuzzy: list[str] = []
        for name in last_names:
            exact |= last_name_search_keys(name)
            if name_key(name):
                fuzzy.append(name_key(name))
        return cls(
            mrn_keys=frozenset(normalise_mrn(mrn) for mrn in mrns) - {""},
            phone_keys=frozenset(normalise_phone(phone) for phone in phones) - {""},
            member_keys=frozenset(normalise_member_id(member) for member in member_ids) - {""},
            birth_dates=frozenset(dates),
            exact_surname_keys=frozenset(exact),
            fuzzy_surname_keys=tuple(fuzzy),
        )

    def surname_keys(self, plain_keys: Callable[[], Collection[str]]) -> frozenset[str]:
        """Every surname key to look up: the exact ones, and those of ``plain_keys()`` (the
        registry's plain surname keys, asked for only when there is a name to compare) within
        fuzzy reach."""
        if not self.fuzzy_surname_keys:
            return self.exact_surname_keys
        return self.exact_surname_keys | similar_name_keys(self.fuzzy_surname_keys, plain_keys())
