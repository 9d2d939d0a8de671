"""What a page says about its patient: the labelled identifiers on the top of each page.

A spaCy ``PhraseMatcher`` (blank English tokenizer) finds the labels ("Patient Name:", "RE:",
"D.O.B.", "Fecha de nacimiento", "Med Rec #"…) on a copy of the text folded against case and OCR
slips, then label–value rules read what follows them: patient names, dates of birth, MRNs, phones,
member ids, home addresses, ages and the dates of service they were stated on. Under a row of
column heads ("Patient   DOB   MRN") the values are read from the row below, column by column.
Labels that belong to someone else ("Referring Physician Name:", "Subscriber DOB") are not read.
Nothing here logs or raises with document text in it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from classify.names import (
    SUFFIXES,
    fold,
    name_key,
    shape_key,
)
from classify.patient_dates import FoundDate, parse_dates
from classify.registry import normalise_phone
from classify.spacy_import import cacheable_defaults, import_spacy, outgrown
from recordroom.core.once import built_once
from recordroom.core.text import DIGITS_AS_LETTERS, LETTERS_AS_DIGITS

SCAN_FIRST_PAGE = 6000  # characters of the first page searched for identifiers
SCAN_OTHER_PAGES = 1500  # characters of the top of each later page


def _split(text: str) -> list[str]:
    """The words of a long literal (kept as text so lists of names stay readable)."""
    return text.split()


# --- what a page says ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonName:
    """A name as written on a document; ``first`` may be an initial or empty."""

    last: str
    first: str = ""
    middle: str = ""
    alias: str = ""  # a nickname given in quotes or parentheses
    source: int = 0  # where on the page it was read; the readings of one written name share it


@dataclass(frozen=True, slots=True)
class DocumentIdentifiers:
    """The patient identifiers found on a document."""

    names: tuple[PersonName, ...] = ()
    birth_dates: tuple[FoundDate, ...] = ()
    mrns: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    member_ids: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()  # the patient's street address lines, as written
    ages: tuple[int, ...] = ()  # ages stated in years
    service_dates: tuple[dt.date, ...] = ()  # the dates of service an age is stated on


# --- labels -------------------------------------------------------------------------------------

OTHER = "OTHER"  # a label of someone other than the patient: ends a value, is not read
NAME, FIRST, LAST, MIDDLE, DOB, MRN, PHONE, MEMBER, STOP = (
    "NAME",
    "FIRST",
    "LAST",
    "MIDDLE",
    "DOB",
    "MRN",
    "PHONE",
    "MEMBER",
    "STOP",
)
ADDRESS, AGE, SERVICE = "ADDRESS", "AGE", "SERVICE"
# Labels whose value may be someone else's when words before them say so ("Provider Address").
_PERSONAL = frozenset({NAME, DOB, PHONE, MEMBER, FIRST, LAST, ADDRESS, AGE})

# Label phrases as lower-case token sequences. "!" at the end: the label counts only when a colon
# or "#" follows it (bare words like "patient" or "name" are everywhere in prose).
_LABELS: dict[str, tuple[str, ...]] = {
    NAME: (
        "patient name",
        "patient 's name",
        "patients name",
        "name of patient",
        "patient full name",
        "pt name",
        "pt . name",
        "patient!",
        "pt!",
        "name!",
        "re!",
        "regarding!",
        "subject!",
        "member name",
        "member!",
        "client name",
        "full name!",
        "nombre del paciente",
        "nombre de paciente",
        "nombre!",
        "paciente!",
    ),
    LAST: ("last name", "surname", "family name", "apellido", "apellidos"),
    FIRST: ("first name", "given name", "primer nombre"),
    MIDDLE: ("middle name", "middle initial", "mi!", "m.i."),
    DOB: (
        "dob",
        "d0b",
        "d.o.b.",
        "d.o.b",
        "d o b",
        "date of birth",
        "birth date",
        "birthdate",
        "birthday",
        "born",
        "fecha de nacimiento",
        "fecha nacimiento",
        "fecha de nac",
        "fecha de nac.",
        "f. nac.",
        "fec . nac .",
        "f/n!",
        "dob/age",
    ),
    MRN: (
        "mrn",
        "mr #",
        "mr!",
        "mr no",
        "mr number",
        "med rec",
        "med rec #",
        "med rec no",
        "med . rec",
        "med . rec . #",
        "med . rec . no",
        "medical record",
        "medical record number",
        "medical record #",
        "medical record no",
        "chart #",
        "chart no",
        "chart number",
        "chart!",
        "chart id",
        "patient id",
        "pt id",
        "patient #",
        "patient no",
        "patient number",
        "record #",
        "record number",
        "expediente",
        "no . de expediente",
        "numero de expediente",
    ),
    PHONE: (
        "phone",
        "phone #",
        "phone number",
        "home phone",
        "cell phone",
        "mobile phone",
        "cell!",
        "mobile!",
        "tel!",
        "tel .",
        "telephone",
        "telefono",
        "teléfono",
        "ph!",
    ),
    MEMBER: (
        "member id",
        "member #",
        "member number",
        "subscriber id",
        "subscriber #",
        "policy #",
        "policy number",
        "policy no",
        "insurance id",
        "id #",
        "id number",
        "identification number",
        "no . de afiliado",
    ),
    ADDRESS: (
        "address!",
        "patient address",
        "home address",
        "street address",
        "mailing address",
        "addr!",
        "dirección!",
        "direccion!",
        "domicilio!",
    ),
    AGE: ("age!", "edad!"),
    SERVICE: (
        "date of service",
        "dos",
        "service date",
        "visit date",
        "exam date",
        "admit date",
        "admission date",
        "collected!",
        "fecha de servicio",
        "fecha de visita",
    ),
    STOP: (
        "date!",
        "fecha!",
        "discharge date",
        "received!",
        "reported!",
        "ordered!",
        "provider!",
        "physician!",
        "doctor!",
        "referring!",
        "ordering!",
        "attending!",
        "pcp!",
        "sex!",
        "gender!",
        "sexo!",
        "ssn!",
        "insurance!",
        "group!",
        "group #",
        "fax!",
        "fax #",
        "page!",
        "from!",
        "to!",
        "cc!",
        "acct!",
        "account!",
        "account #",
        "encounter!",
        "visit!",
        "room!",
        "location!",
        "diagnosis!",
        "dx!",
        "npi!",
        "signature!",
        "email!",
        "e-mail!",
        "attn!",
        "city!",
        "state!",
        "zip!",
        "time!",
        "ref!",
        "clinic!",
        "practice!",
        "facility!",
        "guarantor!",
        "subscriber!",
        "insured!",
        "responsible party",
        "emergency contact",
        "contact!",
        "parent!",
        "guardian!",
        "spouse!",
        "mother!",
        "father!",
        "signed by",
        "sender!",
        "recipient!",
    ),
}

# A label preceded on its line by one of these words is someone else's (the provider's name, the
# subscriber's birth date): it ends the value before it and is not read.
_OTHER_PEOPLE = frozenset(
    """provider physician doctor dr referring ordering attending rendering practice facility
    clinic hospital sender recipient from to attn attention contact emergency guarantor insured
    subscriber parent guardian spouse mother father pharmacy prescriber prescribing signature
    witness representative company employer agency requester requestor requesting attorney plan
    staff nurse user printed responsible party pcp office medico médico proveedor
    tutor padre madre firma""".replace("i", "l").split()
)  # i and l merged, as OCR confuses them

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "sr", "sra", "srta", "master"})
# "Dr. …", "…, MD", "… M.D.", "…, PA-C": a provider, not a patient.
_PROVIDER = re.compile(
    r"^\s*(dr|doctor|dra)\b|,\s*(md|do|np|pa|pa-c|rn|dds|dmd|dpm|phd|fnp|aprn|crnp|od|dc)\b"
    r"|\bm\.\s?d\b|\bd\.\s?o\.|\bn\.\s?p\.|\s(md|dds|fnp|pa-c)\.?\s*$",
    re.IGNORECASE,
)
_PARTICLES = frozenset({"de", "del", "la", "las", "los", "van", "von", "der", "den", "da", "di"})
_PARTICLES_LAST = _PARTICLES | {"st", "le", "mac", "mc", "dos", "du"}
_NOT_NAMES = frozenset(
    _split(
        """dob age sex male female unknown mrn yo y/o years year old and for the of with dos date
        patient paciente see attached referral consult consultation follow up results report request
        records authorization none n/a na"""
    )
)
_NAME_TOKEN = re.compile(r"[^\W_]|[|$]", re.UNICODE)
_COLUMN_GAP = re.compile(r"\t| {3,}")


@built_once
def _nlp() -> Any:
    """A blank English tokenizer that splits ":" and "#", and a PhraseMatcher of every label,
    both working on text folded by ``_label_text``."""
    import_spacy()
    from spacy.lang.en import English
    from spacy.matcher import PhraseMatcher

    # English with the extra infixes from the start: setting them on a built tokenizer loads its
    # 2,700 special cases a second time. Without the special cases that stop its cache
    # (``spacy_import.RESTATED_SPECIAL_CASES``).
    defaults = cacheable_defaults(English.Defaults, infixes=[*English.Defaults.infixes, r"[:#]"])
    nlp: Any = type("LabelEnglish", (English,), {"Defaults": defaults})()
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    for kind, phrases in _LABELS.items():
        for phrase in phrases:
            rule = f"{kind}!" if phrase.endswith("!") else kind
            matcher.add(rule, _phrase_docs(nlp, _label_text(phrase.rstrip("!"))))
    return nlp, matcher, len(nlp.vocab.strings)


def _phrase_docs(nlp: Any, phrase: str) -> list[Any]:
    """The tokens of a label phrase as the tokenizer splits it alone and before a colon (a
    trailing dot is split off or kept depending on what follows)."""
    docs: dict[tuple[str, ...], Any] = {}
    for context in (phrase, phrase + ":", phrase + " x"):
        doc = nlp.make_doc(context)
        tokens = [token for token in doc if token.idx + len(token) <= len(phrase)]
        if tokens and tokens[-1].idx + len(tokens[-1]) == len(phrase):
            span = doc[: len(tokens)]
            docs.setdefault(tuple(token.text for token in span), span.as_doc())
    return list(docs.values())


def _label_text(text: str) -> str:
    """``text`` folded for finding labels: lower case, i and l merged (OCR confuses them), and
    OCR digits inside words read as letters ("D0B", "PAT1ENT", "5ubscriber"). Same length as
    ``text``, so character offsets carry over."""

    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters grow when lowered ("İ")
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return _RUN.sub(_letters, lowered.replace("i", "l"))


_RUN = re.compile(r"[a-z0-9|$.]{2,15}")


def _letters(match: re.Match[str]) -> str:
    return _run_as_letters(match.group(0))


@functools.lru_cache(maxsize=8192)  # the same words come back page after page
def _run_as_letters(run: str) -> str:
    """A short run with one to three digits among letters, its digits read as letters."""
    digits = sum(ch.isdigit() for ch in run)
    if digits == 0 or digits > 3 or not any(ch.isalpha() for ch in run):
        return run
    return run.translate(DIGITS_AS_LETTERS)


@dataclass(frozen=True, slots=True)
class _Label:
    kind: str
    start: int
    end: int  # character offsets of the label in the scanned text


def extract_identifiers(text: str) -> DocumentIdentifiers:
    """The patient's identifiers found beside labels in ``text`` (the top of each page is read)."""
    scanned = _scanned_text(text)
    labels = _find_labels(scanned)
    names: list[PersonName] = []
    dates: list[FoundDate] = []
    mrns: list[str] = []
    phones: list[str] = []
    members: list[str] = []
    parts: dict[str, str] = {}
    addresses: list[str] = []
    ages: list[int] = []
    service: list[dt.date] = []
    for index, label in enumerate(labels):
        if _in_head_row(scanned, label, labels):
            value = _cell_below(scanned, label)
        else:
            value = _value_after(scanned, label, labels[index + 1 :])
        if not value:
            continue
        if label.kind == NAME:
            name_text, trailing = _split_name_value(value)
            names.extend(replace(name, source=label.start) for name in parse_names(name_text))
            dates.extend(
                FoundDate(found.date, found.reading, labelled=False)
                for found in parse_dates(trailing)
            )
        elif label.kind in (FIRST, LAST, MIDDLE):
            part = _name_part(label.kind, value)
            if part:
                parts.setdefault(label.kind, part)
        elif label.kind == DOB:
            day_first = fold(scanned[label.start : label.end]).startswith(("f", "nac"))
            dates.extend(parse_dates(value, labelled=True, day_first=day_first))
            names.extend(_names_before(scanned, label, labels))
        elif label.kind == MRN:
            mrns.extend(_identifier(value))
        elif label.kind == PHONE:
            phone = normalise_phone(_phone_text(value))
            if phone:
                phones.append(phone)
        elif label.kind == MEMBER:
            members.extend(_identifier(value))
        elif label.kind == ADDRESS:
            addresses.append(value)
        elif label.kind == AGE:
            ages.extend(_age(value))
        elif label.kind == SERVICE:
            service.extend(found.date for found in parse_dates(value, labelled=True))
    for name, birth_dates in print_headers(text):
        names.extend(name)
        dates.extend(birth_dates)
    if parts.get(LAST) and parts.get(FIRST):
        names.append(
            PersonName(
                last=parts[LAST], first=parts[FIRST], middle=parts.get(MIDDLE, ""), source=-1
            )
        )
    return DocumentIdentifiers(
        names=tuple(dict.fromkeys(names)),
        birth_dates=tuple(dict.fromkeys(dates)),
        mrns=tuple(dict.fromkeys(mrns)),
        phones=tuple(dict.fromkeys(phones)),
        member_ids=tuple(dict.fromkeys(members)),
        addresses=tuple(dict.fromkeys(addresses)),
        ages=tuple(dict.fromkeys(ages)),
        service_dates=tuple(dict.fromkeys(service)),
    )


PRINT_HEADER_LINES = 15  # an EHR prints its patient line within the top lines of every page
# "GARCIA, MARIA A (03/14/1961)", "Garcia, Maria (DOB: 03/14/1961) 64 y.o. F": the commonest EHR
# print header, on a line of its own with no label (its first letter may be OCR's digit: "8ryant").
_PRINT_HEADER = re.compile(
    r"^[^\w\n]{0,3}(?P<name>[^\W_][^\n,():;]{0,40},[ \t]*[^\W_][^\n,():;]{0,40}?)[ \t]*"
    r"\([ \t]*(?:(?:dob|d\.o\.b\.?|born|fdn|f\. ?de nac\.?|fecha de nacimiento)[ \t:.-]*)?"
    r"(?P<dob>[^()\n]{6,24}?)[ \t]*\)",
    re.IGNORECASE,
)


def print_headers(text: str) -> list[tuple[list[PersonName], list[FoundDate]]]:
    """The patient of an EHR print header (``SURNAME, GIVEN (date of birth)`` alone at the start
    of a line near the top of a page, no label): the names it can mean and the birth date, read
    as a labelled one. Only a line whose name and date both parse counts."""
    found: list[tuple[list[PersonName], list[FoundDate]]] = []
    for page_number, page in enumerate(text.split("\f")):
        for line_number, line in enumerate(page.splitlines()[:PRINT_HEADER_LINES]):
            match = _PRINT_HEADER.match(line)
            if match is None:
                continue
            source = -1000 * (page_number + 1) - line_number
            names = [
                replace(name, source=source)
                for name in parse_names(match.group("name"), strict=True)
            ]
            dates = parse_dates(match.group("dob"), labelled=True)
            if names and dates:
                found.append((names, dates))
    return found


def _name_part(kind: str, value: str) -> str:
    words = _words(value)
    if kind == LAST:
        return " ".join(words[:4])
    if kind == MIDDLE:
        return words[0] if words and len(words[0]) <= 12 else ""
    return words[0] if words else ""


def _scanned_text(text: str) -> str:
    pages = text.split("\f")
    tops = [pages[0][:SCAN_FIRST_PAGE], *(page[:SCAN_OTHER_PAGES] for page in pages[1:])]
    return "\n".join(tops)


def _find_labels(text: str) -> list[_Label]:
    nlp, matcher, loaded_with = _nlp()
    if outgrown(nlp.vocab, loaded_with):
        _nlp.forget()  # built again for the next text (``spacy_import.VOCABULARY_GROWTH``)
    text = _label_text(text)
    doc = nlp.make_doc(text)
    found: list[_Label] = []
    column_heads: set[int] = set()  # labels taken without a colon, as heads of a table's column
    for match_id, start, end in matcher(doc):
        rule = nlp.vocab.strings[match_id]
        span = doc[start:end]
        kind = rule.rstrip("!")
        if rule.endswith("!") and not _colon_follows(text, span.end_char):
            if not _heads_a_column(text, span.start_char, span.end_char):
                continue
            column_heads.add(span.start_char)
        if (start > 0 and doc[start - 1].text in ("'", "’")) or _inside_word(text, span):
            continue
        if kind in _PERSONAL and not _names_the_patient(span):
            if _about_someone_else(text, span):
                kind = OTHER
        elif kind == STOP and set(_context_words(span.text)) & _OTHER_PEOPLE:
            kind = OTHER
        found.append(_Label(kind, span.start_char, span.end_char))
    labels = _without_overlaps(found)
    labels = [
        label
        for label in labels
        if label.start not in column_heads or _in_head_row(text, label, labels)
    ]
    return _after_someone_else(text, labels)


def _heads_a_column(text: str, start: int, end: int) -> bool:
    """Whether a label without a colon is the head of a table column: alone in its cell (column
    gaps around it) on a line of at least two cells, with a line of values below."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        return False
    line = text[line_start:line_end]
    cells = [cell for cell in _COLUMN_GAP.split(line.strip()) if cell.strip()]
    if len(cells) < 2 or text[start:end] not in (cell.strip() for cell in cells):
        return False
    below = text[line_end + 1 : text.find("\n", line_end + 1) % (len(text) + 1)]
    return bool(below.strip()) and ":" not in below


def _cell_below(text: str, label: _Label) -> str:
    """The value under a column head: the cell of the next line that starts under the head's
    span (a table of column heads over a row of values)."""
    line_start = text.rfind("\n", 0, label.start) + 1
    line_end = text.find("\n", label.end)
    if line_end < 0:
        return ""
    next_end = text.find("\n", line_end + 1)
    below = text[line_end + 1 : len(text) if next_end < 0 else next_end]
    left, right = label.start - line_start, label.end - line_start
    for cell in re.finditer(r"\S+(?: {1,2}\S+)*", below):
        if left - 2 <= cell.start() <= right:
            return cell.group(0).strip(" :;,_")
    return ""


def _in_head_row(text: str, label: _Label, labels: Sequence[_Label]) -> bool:
    """Whether ``label`` is one of a row of column heads: a line of at least two labels with
    nothing but column gaps between them, over a line of values with no label in it."""
    line_start = text.rfind("\n", 0, label.start) + 1
    line_end = text.find("\n", label.end)
    if line_end < 0:
        return False
    on_line = [other for other in labels if line_start <= other.start < line_end]
    below_end = text.find("\n", line_end + 1)
    below_end = len(text) if below_end < 0 else below_end
    if len(on_line) < 2 or not text[line_end + 1 : below_end].strip():
        return False
    if any(line_end < other.start < below_end for other in labels):
        return False
    rest, cursor = [], line_start
    for other in on_line:
        rest.append(text[cursor : other.start])
        cursor = other.end
    rest.append(text[cursor:line_end])
    gaps = rest[1:-1]
    return all(not part.strip(" \t:#") for part in rest) and all(
        _COLUMN_GAP.search(gap) for gap in gaps
    )


def _after_someone_else(text: str, labels: list[_Label]) -> list[_Label]:
    """Labels after someone else's on the same line are theirs too, until a patient label:
    the phone in "Referring Physician: Dr. Wu   Phone: …"."""
    kept: list[_Label] = []
    other_line: int | None = None
    for label in labels:
        line = text.rfind("\n", 0, label.start)
        if label.kind == OTHER:
            other_line = line
        elif label.kind == NAME:
            other_line = None
        elif label.kind in (DOB, PHONE, MEMBER, ADDRESS, AGE) and line == other_line:
            label = _Label(OTHER, label.start, label.end)
        kept.append(label)
    return kept


_PATIENT_WORDS = frozenset({"patlent", "pt", "paclente", "re", "regardlng"})  # i and l merged


def _names_the_patient(span: Any) -> bool:
    """Whether a label says outright that it is the patient's ("Patient Name", "RE:")."""
    return bool(set(_context_words(span.text)) & _PATIENT_WORDS)


def _colon_follows(text: str, end: int) -> bool:
    """A colon or "#" after the label, or a spaced dash ("Member - Smith, John")."""
    rest = text[end : end + 4].lstrip(" .")
    return rest[:1] in (":", "#") or (rest[:2] == "- " and text[end : end + 1] == " ")


def _inside_word(text: str, span: Any) -> bool:
    before = text[span.start_char - 1 : span.start_char]
    return bool(before) and (before.isalnum() or before in "-'")


def _about_someone_else(text: str, span: Any) -> bool:
    """Whether words before the label on its line (or a heading line just above) name someone
    other than the patient: "Referring Physician Name:", "Subscriber DOB"."""
    line_start = text.rfind("\n", 0, span.start_char) + 1
    before = text[line_start : span.start_char]
    segment = _COLUMN_GAP.split(before)[-1] if before.strip() else ""
    words = _context_words(segment)[-4:]
    if segment.count(":") == 0 and any(word in _OTHER_PEOPLE for word in words):
        return True
    if before.strip():
        return False
    previous_start = text.rfind("\n", 0, max(0, line_start - 1)) + 1
    heading = text[previous_start : max(previous_start, line_start - 1)]
    if ":" in heading or len(heading.split()) > 3:
        return False
    return any(word in _OTHER_PEOPLE for word in _context_words(heading))


def _context_words(text: str) -> list[str]:
    return [word.replace("i", "l") for word in re.findall(r"[^\W\d_]+", fold(text))]


def _without_overlaps(labels: list[_Label]) -> list[_Label]:
    """The longest of overlapping labels, in text order."""
    kept: list[_Label] = []
    for label in sorted(labels, key=lambda lab: (lab.start, -(lab.end - lab.start))):
        if kept and label.start < kept[-1].end:
            continue
        kept.append(label)
    return kept


def _value_after(text: str, label: _Label, following: Sequence[_Label]) -> str:
    """What follows a label up to the next label, a column gap or the end of the line; the next
    line when the label stands alone at the end of its line."""
    line_end = text.find("\n", label.end)
    line_end = len(text) if line_end < 0 else line_end
    stop = line_end
    if following and following[0].start < stop:
        stop = following[0].start
    raw = text[label.end : stop]
    value = raw.lstrip(" \t:#.-–=")
    gap = _COLUMN_GAP.search(value)
    if gap:
        value = value[: gap.start()]
    unknown_label = re.search(r"[^\W\d_][\w./]*\s?:", value)  # "Product: EPO"
    if unknown_label:
        value = value[: unknown_label.start()]
    value = value.strip(" \t:;,_")
    if value or stop != line_end or line_end >= len(text):
        return value if value.strip("_ ") else ""
    next_end = text.find("\n", line_end + 1)
    next_line = text[line_end + 1 : len(text) if next_end < 0 else next_end]
    if following and following[0].start <= line_end + 1 + len(next_line) - len(next_line.lstrip()):
        return ""
    candidate = _COLUMN_GAP.split(next_line.strip())[0].strip(" :;,_")
    return candidate if 0 < len(candidate) <= 60 and ":" not in candidate else ""


def _names_before(text: str, label: _Label, labels: Sequence[_Label]) -> list[PersonName]:
    """An unlabelled name starting the line of a DOB label: "SMITH, JOHN   DOB: 01/02/1980"."""
    line_start = text.rfind("\n", 0, label.start) + 1
    if any(line_start <= other.start < label.start for other in labels):
        return []
    before = text[line_start : label.start].strip(" \t,;(-")
    if not before or ":" in before:
        return []
    name_text, _ = _split_name_value(before)
    return [replace(name, source=label.start) for name in parse_names(name_text, strict=True)]


def _identifier(value: str) -> list[str]:
    token = value.split()[0] if value.split() else ""
    token = token.strip(".,;:()[]")
    if len(token) < 3 or not any(ch.isdigit() for ch in token):
        return []
    return [token]


def _age(value: str) -> list[int]:
    """An age in years: "47", "47 yrs", "47 y.o.", "47Y" (OCR letters in the number read as
    digits); not an age in months or days."""
    match = re.match(
        r"([0-9OolI|]{1,3})\s*(y\b|y\.|yo\b|yrs?\b|years?\b|años\b|$|[,/ ]\s*[mf]\b)",
        value,
        re.I,
    )
    if match is None or not any(ch.isdigit() for ch in match.group(1)):
        return []
    years = int(match.group(1).translate(LETTERS_AS_DIGITS))
    return [years] if years <= 120 else []


def _phone_text(value: str) -> str:
    match = re.search(r"\+?1?[\s.-]*\(?\d{3}\)?[\s.-]*\d{3}[\s.-]*\d{4}", value)
    return match.group(0) if match else ""


# --- names --------------------------------------------------------------------------------------


def _split_name_value(value: str) -> tuple[str, str]:
    """The name part of a name label's value, and the rest (where a birth date may follow)."""
    match = re.search(
        r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}|\(\s*\d|\bd[o0]b\b|\bd\.o\.b|\bage\b|\d{4}",
        value,
        re.IGNORECASE,
    )
    if not match:
        return value, ""
    return value[: match.start()], value[match.start() :]


def parse_names(value: str, *, strict: bool = False) -> list[PersonName]:
    """The person names a name field can mean: "Smith, John A.", "JOHN A SMITH JR", "Mary-Kate
    O'Brien", "William (Bill) Jones". Empty when it does not look like a person's name (a
    provider's, a sentence). ``strict``: the text had no label, so demand two name words."""
    alias = ""
    alias_match = re.search(r"[(\"“']([A-Za-z]{2,})[)\"”']", value)
    if alias_match and alias_match.start() > 0:
        alias = alias_match.group(1)
        value = value[: alias_match.start()] + " " + value[alias_match.end() :]
    value = re.sub(r"\s+", " ", value).strip(" ,;:-")
    if not value or len(value) > 60 or _PROVIDER.search(value):
        return []
    if "," in value:
        last_part, _, given_part = value.partition(",")
        given_part = given_part.split(",")[0]
        last_words = _words(last_part)
        given_words = _words(given_part)
        if not last_words or not given_words or len(last_words) > 4:
            return []
        return _checked(
            PersonName(
                last=" ".join(_strip_suffixes(last_words)),
                first=given_words[0],
                middle=" ".join(_strip_suffixes(given_words[1:])),
                alias=alias,
            ),
            strict,
        )
    words = _strip_suffixes(_words(value))
    if len(words) >= 3 and fold(words[-1]) in ("m", "f"):
        words = words[:-1]  # a sex code after the name
    if not words or len(words) > 5:
        return []
    if len(words) == 1:
        return [] if strict else _checked(PersonName(last=words[0], alias=alias), strict)
    last_start = len(words) - 1
    while last_start > 1 and fold(words[last_start - 1]).strip(".") in _PARTICLES_LAST:
        last_start -= 1
    name = PersonName(
        last=" ".join(words[last_start:]),
        first=words[0],
        middle=" ".join(words[1:last_start]),
        alias=alias,
    )
    found = _checked(name, strict)
    if found and len(words) == 2 and value.isupper():
        found.append(PersonName(last=words[0], first=words[1], alias=alias))  # "SMITH JOHN"
    return found


def _words(text: str) -> list[str]:
    """The words of a name; stops at the first word that cannot be part of one."""
    words: list[str] = []
    for raw in text.replace("/", " ").split():
        word = raw.strip(".,;:")
        folded = fold(word)
        if not word or folded in _TITLES:
            continue
        letters = sum(1 for ch in word if ch.isalpha())
        digits = sum(1 for ch in word if ch.isdigit())
        if letters == 0 or (digits and letters < digits + 2):
            break
        if folded in _NOT_NAMES or shape_key(word) in _NOT_NAMES or not _NAME_TOKEN.match(word):
            break
        words.append(word)
    return words


def _strip_suffixes(words: list[str]) -> list[str]:
    kept = list(words)
    while len(kept) > 1 and fold(kept[-1]).strip(".") in SUFFIXES:
        kept.pop()
    return kept


def _checked(name: PersonName, strict: bool) -> list[PersonName]:
    """The name, unless it has no usable surname."""
    if len(name_key(name.last)) < 2:
        return []
    if strict and (not name.first or len(shape_key(name.first)) < 1):
        return []
    return [name]
