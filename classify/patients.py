"""Which registry patient a document belongs to.

Two steps. ``extract_identifiers`` finds the labelled identifiers on the top of each page: a spaCy
``PhraseMatcher`` (blank English tokenizer) finds the labels ("Patient Name:", "RE:", "D.O.B.",
"Fecha de nacimiento", "Med Rec #"…) on a copy of the text folded against case and OCR slips, then
label–value rules read what follows them: patient names, dates of birth, MRNs, phones, member ids.
Labels that belong to someone else ("Referring Physician Name:", "Subscriber DOB") are not read.

``match_patient`` asks the registry for candidates and scores each on the identifiers that agree
(``score_patient``); it names a patient only when the best is strong, clearly ahead of the second,
no other patient's MRN is on the page and the page names only one person — because a wrong
patient is far worse than none.

Nothing here logs or raises with document text in it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from rapidfuzz import fuzz

from classify.names import (
    SUFFIXES,
    are_nicknames,
    fold,
    match_key,
    name_key,
    shape_key,
    surname_parts,
)
from classify.registry import normalise_mrn, normalise_phone, transposed
from recordroom.core import Patient, PatientMatch, PatientRegistry

SECOND_READING = 0.85  # score of a birth date that agrees only when read the unusual way
MARGIN = 0.1  # how far the best candidate must be ahead of the second to be accepted
TOP_CANDIDATES = 5
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


@dataclass(frozen=True, slots=True)
class DocumentIdentifiers:
    """The patient identifiers found on a document."""

    names: tuple[PersonName, ...] = ()
    birth_dates: tuple[FoundDate, ...] = ()
    mrns: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    member_ids: tuple[str, ...] = ()


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
    STOP: (
        "date of service",
        "dos",
        "service date",
        "visit date",
        "date!",
        "fecha!",
        "admit date",
        "admission date",
        "discharge date",
        "exam date",
        "collected!",
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
        "age!",
        "edad!",
        "ssn!",
        "address!",
        "dirección!",
        "direccion!",
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


@cache
def _nlp() -> Any:
    """A blank English tokenizer that splits ":" and "#", and a PhraseMatcher of every label,
    both working on text folded by ``_label_text``."""
    import spacy
    from spacy.matcher import PhraseMatcher
    from spacy.util import compile_infix_regex

    nlp: Any = spacy.blank("en")
    infixes = [*nlp.Defaults.infixes, r"[:#]"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    for kind, phrases in _LABELS.items():
        for phrase in phrases:
            rule = f"{kind}!" if phrase.endswith("!") else kind
            matcher.add(rule, _phrase_docs(nlp, _label_text(phrase.rstrip("!"))))
    return nlp, matcher


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


_LABEL_OCR = str.maketrans({"0": "o", "8": "b", "5": "s", "1": "l", "|": "l", "$": "s"})


def _label_text(text: str) -> str:
    """``text`` folded for finding labels: lower case, i and l merged (OCR confuses them), and
    OCR digits inside words read as letters ("D0B", "PAT1ENT", "5ubscriber"). Same length as
    ``text``, so character offsets carry over."""

    def letters(match: re.Match[str]) -> str:
        run = match.group(0)
        digits = sum(ch.isdigit() for ch in run)
        if digits == 0 or digits > 3 or not any(ch.isalpha() for ch in run):
            return run
        return run.translate(_LABEL_OCR)

    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters grow when lowered ("İ")
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return re.sub(r"[a-z0-9|$.]{2,15}", letters, lowered.replace("i", "l"))


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
    for index, label in enumerate(labels):
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
    )


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
    nlp, matcher = _nlp()
    text = _label_text(text)
    doc = nlp.make_doc(text)
    found: list[_Label] = []
    for match_id, start, end in matcher(doc):
        rule = nlp.vocab.strings[match_id]
        span = doc[start:end]
        kind = rule.rstrip("!")
        if rule.endswith("!") and not _colon_follows(text, span.end_char):
            continue
        if (start > 0 and doc[start - 1].text in ("'", "’")) or _inside_word(text, span):
            continue
        if kind in (NAME, DOB, PHONE, MEMBER, FIRST, LAST) and not _names_the_patient(span):
            if _about_someone_else(text, span):
                kind = OTHER
        elif kind == STOP and set(_context_words(span.text)) & _OTHER_PEOPLE:
            kind = OTHER
        found.append(_Label(kind, span.start_char, span.end_char))
    return _after_someone_else(text, _without_overlaps(found))


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
        elif label.kind in (DOB, PHONE, MEMBER) and line == other_line:
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
_DATE_OCR = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "l": "1",
        "I": "1",
        "|": "1",
        "i": "1",
        "S": "5",
        "B": "8",
        "Z": "2",
    }
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


_WORD_OCR = str.maketrans({"0": "o", "1": "l", "5": "s", "8": "b", "|": "l"})


def _ocr_letters(value: str) -> str:
    """Digits OCR puts for letters, read back as letters inside words ("0ct0ber", "Apri1")."""

    def letters(match: re.Match[str]) -> str:
        word = match.group(0)
        count_letters = sum(ch.isalpha() for ch in word)
        if count_letters < 2 or count_letters <= sum(ch.isdigit() for ch in word):
            return word
        if re.fullmatch(r"\d+(st|nd|rd|th)", word, re.IGNORECASE):
            return word
        return word.translate(_WORD_OCR)

    return re.sub(r"[A-Za-z0-9|]+", letters, value)


def _ocr_digits(value: str) -> str:
    """Letters OCR puts for digits, read back as digits where they sit among digits."""
    return re.sub(
        r"[0-9OoDlIi|SBZ/.\-]{6,}",
        lambda match: (
            match.group(0).translate(_DATE_OCR)
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


# --- scoring ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CandidateScore:
    """How well one registry patient fits a document's identifiers."""

    patient: Patient
    score: float
    evidence: tuple[str, ...]


def match_patient(text: str, registry: PatientRegistry, *, threshold: float = 0.9) -> PatientMatch:
    """The registry patient ``text`` is about, or ``mrn=None`` when not identified with confidence.

    The best candidate is accepted only when its score reaches ``threshold`` and it leads the
    second by ``MARGIN``, and no other patient's MRN is on the page. ``candidates`` holds the top
    few scores either way, for the review queue.
    """
    found = extract_identifiers(text)
    return match_identifiers(found, registry, threshold=threshold)


def match_identifiers(
    found: DocumentIdentifiers, registry: PatientRegistry, *, threshold: float = 0.9
) -> PatientMatch:
    """``match_patient`` for identifiers already extracted."""
    if not (found.names or found.birth_dates or found.mrns or found.phones):
        return PatientMatch(mrn=None, confidence=0.0)
    candidates = registry.candidates(
        last_names=_query_last_names(found.names),
        birth_dates=[item.date for item in found.birth_dates],
        mrns=found.mrns,
        phones=found.phones,
    )
    scored = sorted(
        (score_patient(patient, found) for patient in candidates),
        key=lambda item: (-item.score, item.patient.mrn),
    )
    if not scored:
        return PatientMatch(mrn=None, confidence=0.0)
    best = scored[0]
    second = scored[1].score if len(scored) > 1 else 0.0
    mrn_elsewhere = any("mrn" in other.evidence for other in scored[1:])
    accepted = (
        best.score >= threshold
        and best.score - second >= MARGIN
        and not mrn_elsewhere
        and not several_people(found.names)
    )
    return PatientMatch(
        mrn=best.patient.mrn if accepted else None,
        confidence=round(best.score, 4),
        candidates=tuple(
            (item.patient.mrn, round(item.score, 4)) for item in scored[:TOP_CANDIDATES]
        ),
        evidence=best.evidence,
    )


def several_people(names: Sequence[PersonName]) -> bool:
    """Whether the names read on a page belong to more than one person (a guarantor or relative
    the labels did not give away): then no name on it can be trusted to be the patient's."""
    readings: dict[int, list[PersonName]] = {}
    for name in names:
        readings.setdefault(name.source, []).append(name)
    groups = list(readings.values())
    return any(
        not any(_same_person(a, b) for a in first for b in second)
        for index, first in enumerate(groups)
        for second in groups[index + 1 :]
    )


def _same_person(a: PersonName, b: PersonName) -> bool:
    """Whether two written names can be one person's (spelling, OCR, nickname or initial aside)."""
    if last_name_score(a.last, b.last) == 0.0:
        return False
    if not a.first or not b.first:
        return True
    return first_name_score(a, _stand_in(b)) > 0.0 or first_name_score(b, _stand_in(a)) > 0.0


def _stand_in(name: PersonName) -> Patient:
    """A written name as a registry record, to compare two written names with the same rules."""
    return Patient(
        mrn="",
        last_name=name.last,
        first_name=name.first,
        middle_name=name.middle,
        birth_date=dt.date.min,
    )


def _query_last_names(names: Iterable[PersonName]) -> list[str]:
    query: list[str] = []
    for name in names:
        query.append(name.last)
        query.extend(name.last.replace("-", " ").split())
    return [item for item in dict.fromkeys(query) if len(name_key(item)) >= 2]


def score_patient(patient: Patient, found: DocumentIdentifiers) -> CandidateScore:
    """Score 0..1 of ``patient`` against the identifiers of a document, and what agreed.

    Name and date of birth must both agree to come near 1; a name alone stays at or below 0.6, a
    name and phone at or below 0.85, an MRN alone at 0.85; an MRN with a fitting name or birth
    date and nothing against it is 0.99. A date of birth that disagrees sinks the score.
    """
    name = max((name_score(written, patient) for written in found.names), default=None)
    dob = dob_score(found.birth_dates, patient.birth_date)
    mrn_agrees = any(normalise_mrn(mrn) == normalise_mrn(patient.mrn) for mrn in found.mrns)
    phone = normalise_phone(patient.phone)
    phone_agrees = bool(phone) and phone in found.phones
    if name is not None and dob is not None:
        score = name * dob
    elif name is not None:
        score = name * (0.85 if phone_agrees else 0.6)
    elif dob is not None:
        score = dob * (0.6 if phone_agrees else 0.3)
    else:
        score = 0.3 if phone_agrees else 0.0
    if mrn_agrees:
        contradicted = (name is not None and name < 0.5) or (dob is not None and dob < 0.8)
        if contradicted:
            score = max(score, 0.5)
        elif (name or 0.0) >= 0.5 or (dob or 0.0) >= 0.97:
            score = max(score, 0.99)
        else:
            score = max(score, 0.85)
    evidence = [
        label
        for label, agreed in (
            ("name", name is not None and name >= 0.85),
            ("dob", dob is not None and dob >= 0.97),
            ("mrn", mrn_agrees),
            ("phone", phone_agrees),
        )
        if agreed
    ]
    return CandidateScore(patient=patient, score=min(score, 1.0), evidence=tuple(evidence))


def name_score(written: PersonName, patient: Patient) -> float:
    """How well a written name fits the patient's: 1 exact; 0.95 a nickname; about 0.9 one part of
    a compound surname; lower for initials, fuzzy spellings and middle names used as first."""
    last = last_name_score(written.last, patient.last_name)
    if last == 0.0:
        return 0.0
    first = first_name_score(written, patient)
    score = last * first
    if _middles_disagree(written.middle, patient.middle_name):
        score *= 0.8
    return score


def last_name_score(written: str, registered: str) -> float:
    doc_key, reg_key = name_key(written), name_key(registered)
    if not doc_key or not reg_key:
        return 0.0
    if doc_key == reg_key:
        return 1.0
    doc_parts, reg_parts = surname_parts(written), surname_parts(registered)
    if doc_parts and reg_parts and sorted(doc_parts) == sorted(reg_parts):
        return 0.95
    if doc_key in reg_parts or reg_key in doc_parts:
        return 0.92
    ratio = fuzz.ratio(doc_key, reg_key) / 100
    return ratio * 0.85 if ratio >= 0.75 else 0.0


def first_name_score(written: PersonName, patient: Patient) -> float:
    doc_key, reg_key = match_key(written.first), match_key(patient.first_name)
    if not doc_key or not reg_key:
        return 0.3
    if doc_key == reg_key:
        return 1.0
    if are_nicknames(doc_key, reg_key) or (written.alias and _same_given(written.alias, reg_key)):
        return 0.95
    if len(doc_key) == 1:
        return 0.6 if reg_key.startswith(doc_key) else 0.0
    middle = match_key(patient.middle_name.split()[0]) if patient.middle_name.split() else ""
    if middle and doc_key == middle:
        return 0.85  # goes by the middle name
    if min(len(doc_key), len(reg_key)) >= 4 and (
        doc_key.startswith(reg_key) or reg_key.startswith(doc_key)
    ):
        return 0.85
    ratio = fuzz.ratio(doc_key, reg_key) / 100
    return ratio * 0.8 if ratio >= 0.8 else 0.0


def _same_given(alias: str, reg_key: str) -> bool:
    alias_key = match_key(alias)
    return alias_key == reg_key or are_nicknames(alias_key, reg_key)


def _middles_disagree(written: str, registered: str) -> bool:
    doc_key, reg_key = match_key(written), match_key(registered)
    return bool(doc_key) and bool(reg_key) and doc_key[0] != reg_key[0]


def dob_score(found: Sequence[FoundDate], birth_date: dt.date) -> float | None:
    """1 for the date as written; 0.85 for the unusual reading of an ambiguous one (01/02 read as
    day/month) and 0.8 for a date with day and month swapped, both below any sane threshold, since
    a namesake may be born on the swapped date; 0.6 for a one-digit slip; 0 when it disagrees.
    None when the document gives no birth date, or only unlabelled dates that disagree."""
    best: float | None = None
    for item in found:
        agreement = _date_agreement(item, birth_date)
        if item.labelled or agreement == 1.0 or (agreement and item.reading == "second"):
            best = max(best or 0.0, agreement)
    return best


def _date_agreement(item: FoundDate, birth_date: dt.date) -> float:
    if item.date == birth_date:
        return SECOND_READING if item.reading == "second" else 1.0
    if not item.labelled or item.reading == "second":
        return 0.0  # the other reading of this date is scored on its own
    if transposed(item.date) == birth_date:
        return 0.8
    if _one_digit_apart(item.date, birth_date):
        return 0.6
    return 0.0


def _one_digit_apart(first: dt.date, second: dt.date) -> bool:
    a, b = first.strftime("%Y%m%d"), second.strftime("%Y%m%d")
    return sum(1 for x, y in zip(a, b, strict=True) if x != y) == 1
