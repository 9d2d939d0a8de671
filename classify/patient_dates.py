"""Dates of birth as documents write them: every common format, English and Spanish month names,
two-digit years, OCR slips, and the two readings of a date whose day and month could be swapped."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from classify.names import (
    fold,
)
from recordroom.core.text import DIGITS_AS_LETTERS, LETTERS_AS_DIGITS_IN_DATES


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date of birth read from a document.

    ``reading`` is "only" for an unambiguous date, "first" / "second" for the two readings of a
    numeric date whose day and month could be swapped (first: month/day for "01/02/1980", day/month
    for "01.02.1980" and under Spanish labels). ``labelled`` is False for an unlabelled date beside
    the patient's name: used when it agrees, ignored when it does not.
    """

    date: dt.date
    reading: str = "only"
    labelled: bool = True


# --- dates --------------------------------------------------------------------------------------

_MONTHS = {
    **{
        name: number
        for number, names in enumerate(
            (
                ("jan", "january", "ene", "enero"),
                ("feb", "february", "febrero"),
                ("mar", "march", "marzo"),
                ("apr", "april", "abr", "abril"),
                ("may", "mayo"),
                ("jun", "june", "junio"),
                ("jul", "july", "julio"),
                ("aug", "august", "ago", "agosto"),
                ("sep", "sept", "september", "septiembre", "setiembre"),
                ("oct", "october", "octubre"),
                ("nov", "november", "noviembre"),
                ("dec", "december", "dic", "diciembre"),
            ),
            start=1,
        )
        for name in names
    }
}
_MONTH_WORD = r"(?P<month>[A-Za-zé]{3,10})\.?"
_DATE_PATTERNS = (
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    re.compile(
        r"(?<!\d)(?P<a>\d{1,2})\s?(?P<sep>[-/.])\s?(?P<b>\d{1,2})\s?[-/.]\s?(?P<y>\d{4}|\d{2})(?!\d)"
    ),
    re.compile(rf"{_MONTH_WORD}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)"),
    re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s\-]+(?:de\s+)?{_MONTH_WORD}[\s\-,]+(?:de\s+|del\s+)?(?P<y>\d{{4}}|\d{{2}})(?!\d)"
    ),
    re.compile(r"(?<!\d)(?P<compact>\d{8})(?!\d)"),
)


def parse_dates(
    value: str, *, labelled: bool = False, day_first: bool = False, today: dt.date | None = None
) -> list[FoundDate]:
    """The birth dates a date field can mean, in every common format: 01/02/1980, 1-2-80,
    1980-01-02, Jan 2, 1980, 2 January 1980, 01.02.1980, 2 de enero de 1980, 19800102. A numeric
    date whose day and month can be swapped gives both readings, the usual one first: month/day,
    but day/month with dots or when ``day_first`` (Spanish labels). ``labelled``: the value follows
    a date-of-birth label, so OCR letters among its digits are read as digits. Future dates are
    dropped."""
    today = today or dt.date.today()
    text = _ocr_digits(_ocr_letters(value)) if labelled else value
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        if "compact" in match.groupdict() and match.group("compact") and not labelled:
            continue
        readings = _readings(match, today, day_first)
        if readings:
            return readings
    return []


def _ocr_letters(value: str) -> str:
    """Digits OCR puts for letters, read back as letters inside words ("0ct0ber", "Apri1")."""

    def letters(match: re.Match[str]) -> str:
        word = match.group(0)
        count_letters = sum(ch.isalpha() for ch in word)
        if count_letters < 2 or count_letters <= sum(ch.isdigit() for ch in word):
            return word
        if re.fullmatch(r"\d+(st|nd|rd|th)", word, re.IGNORECASE):
            return word
        return word.translate(DIGITS_AS_LETTERS)

    return re.sub(r"[A-Za-z0-9|]+", letters, value)


def _ocr_digits(value: str) -> str:
    """Letters OCR puts for digits, read back as digits where they sit among digits."""
    return re.sub(
        r"[0-9OoDlIi|SBZ/.\-]{6,}",
        lambda match: (
            match.group(0).translate(LETTERS_AS_DIGITS_IN_DATES)
            if sum(ch.isdigit() for ch in match.group(0)) >= 3
            else match.group(0)
        ),
        value,
    )


def _readings(match: re.Match[str], today: dt.date, day_first: bool) -> list[FoundDate]:
    groups = match.groupdict()
    if groups.get("compact"):
        digits = groups["compact"]
        options = [
            (int(digits[:4]), int(digits[4:6]), int(digits[6:])),
            (int(digits[4:]), int(digits[:2]), int(digits[2:4])),
        ]
        return _valid([(y, m, d, "only") for y, m, d in options], today)[:1]
    if groups.get("month"):
        month = _MONTHS.get(fold(groups["month"]).rstrip("."))
        if month is None:
            return []
        return _valid([(_full_year(groups["y"], today), month, int(groups["d"]), "only")], today)
    if groups.get("a"):
        first, second = int(groups["a"]), int(groups["b"])
        year = _full_year(groups["y"], today)
        if first > 12:
            return _valid([(year, second, first, "only")], today)
        if second > 12 or first == second:
            return _valid([(year, first, second, "only")], today)
        if day_first or groups.get("sep") == ".":
            first, second = second, first
        return _valid([(year, first, second, "first"), (year, second, first, "second")], today)
    return _valid([(int(groups["y"]), int(groups["m"]), int(groups["d"]), "only")], today)


def _full_year(year: str, today: dt.date) -> int:
    if len(year) == 4:
        return int(year)
    short = int(year)
    return 2000 + short if 2000 + short <= today.year else 1900 + short


def _valid(options: Iterable[tuple[int, int, int, str]], today: dt.date) -> list[FoundDate]:
    found: list[FoundDate] = []
    for year, month, day, reading in options:
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue
        if dt.date(1880, 1, 1) <= date <= today:
            found.append(FoundDate(date, reading))
    if len(found) == 1 and found[0].reading != "only":
        found = [FoundDate(found[0].date, "only")]
    return found
