"""Which registry patient a document belongs to.

Two steps. ``extract_identifiers`` (``classify.patient_text``, with dates read by
``classify.patient_dates``) finds the labelled identifiers on the top of each page.

``match_patient`` asks the registry for candidates and scores each on the identifiers that agree
(``score_patient``: a person's own identifiers, birth date and MRN, apart from a household's,
phone, address and a family plan's member ID); it names a patient only when the best is strong,
clearly ahead of the second, no other patient's MRN is on the page and the page names only one
person — because a wrong patient is far worse than none.

Nothing here logs or raises with document text in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from classify.names import (
    are_nicknames,
    match_key,
    name_key,
    surname_parts,
)
from classify.patient_dates import FoundDate, parse_dates
from classify.patient_text import (
    DocumentIdentifiers,
    PersonName,
    extract_identifiers,
    parse_names,
)
from classify.registry import normalise_mrn, normalise_phone, transposed
from recordroom.core import Patient, PatientMatch, PatientRegistry
from recordroom.core.identifiers import normalise_address, normalise_member_id

__all__ = [
    "CandidateScore",
    "DocumentIdentifiers",
    "FoundDate",
    "PersonName",
    "age_agreement",
    "extract_identifiers",
    "match_identifiers",
    "match_patient",
    "parse_dates",
    "parse_names",
    "score_patient",
]

SECOND_READING = 0.85  # score of a birth date that agrees only when read the unusual way
HOUSEHOLD_AND_AGE = 0.96  # a full name, the home phone or address, and the age on the day
MARGIN = 0.1  # how far the best candidate must be ahead of the second to be accepted
TOP_CANDIDATES = 5


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
    if not (found.names or found.birth_dates or found.mrns or found.phones or found.member_ids):
        return PatientMatch(mrn=None, confidence=0.0)
    candidates = registry.candidates(
        last_names=_query_last_names(found.names),
        birth_dates=[item.date for item in found.birth_dates],
        mrns=found.mrns,
        phones=found.phones,
        member_ids=found.member_ids,
    )
    scored = sorted(
        (score_patient(patient, found) for patient in candidates),
        key=lambda item: (-item.score, item.patient.mrn),
    )
    if not scored:
        return PatientMatch(mrn=None, confidence=0.0)
    best = scored[0]
    second = scored[1].score if len(scored) > 1 else 0.0
    # Another patient's MRN on the page, or their member ID beside a name that fits them too
    # and nothing against them (a family sharing the subscriber's ID): it may be about them.
    mrn_elsewhere = any(
        "mrn" in other.evidence
        or ({"member_id", "name"} <= set(other.evidence) and other.score >= threshold - MARGIN)
        for other in scored[1:]
    )
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

    Name and date of birth must both agree to come near 1; a name alone stays at or below 0.6, an
    MRN alone at 0.85; an MRN with a fitting name or birth date and nothing against it is 0.99.
    An insurance member ID beside a fitting name lifts it to 0.85 (a family may share a
    subscriber's ID: never filed on that alone), with the birth date too to 0.99.

    The home phone and street address are a household's, not a person's: beside a name they
    reach 0.85 (ranked first for review), since a same-named father, son or sibling at home
    shares them and may not be registered. They file (0.96 times the name's score) only with a
    full first name and an age, stated on a dated document, that is the patient's age on that
    date — which a relative of another generation or birth year does not share. A date of birth
    that disagrees sinks the score, and so does an age that disagrees unless the birth date on
    the page agrees (then the age is the slip).
    """
    name = max((name_score(written, patient) for written in found.names), default=None)
    dob = dob_score(found.birth_dates, patient.birth_date)
    mrn_agrees = any(normalise_mrn(mrn) == normalise_mrn(patient.mrn) for mrn in found.mrns)
    member = normalise_member_id(patient.member_id)
    member_agrees = bool(member) and any(
        normalise_member_id(value) == member for value in found.member_ids
    )
    phone = normalise_phone(patient.phone)
    phone_agrees = bool(phone) and phone in found.phones
    address = normalise_address(patient.address_line) if found.addresses else ""
    address_agrees = bool(address) and address in {
        normalise_address(line) for line in found.addresses
    }
    household = phone_agrees or address_agrees
    age = age_agreement(found.ages, found.service_dates, patient.birth_date)
    if age is False and dob is not None and dob >= 0.97:
        age = None  # the birth date agrees: the stated age is the slip, not another person
    if name is not None and dob is not None:
        score = name * dob
    elif name is not None and household and age is True and name >= 0.85:
        score = name * HOUSEHOLD_AND_AGE
    elif name is not None:
        score = name * (0.85 if household else 0.6)
    elif dob is not None:
        score = dob * (0.6 if phone_agrees else 0.3)
    else:
        score = 0.3 if phone_agrees else 0.0
    contradicted = (
        (name is not None and name < 0.5) or (dob is not None and dob < 0.8) or age is False
    )
    if mrn_agrees:
        if contradicted:
            score = max(score, 0.5)
        elif (name or 0.0) >= 0.5 or (dob or 0.0) >= 0.97:
            score = max(score, 0.99)
        else:
            score = max(score, 0.85)
    # A member ID is never enough with a name alone: a family plan gives a father and his
    # unregistered son of the same name one subscriber ID (the bench's namesakes filed 69 wrong of
    # 20,000 when it was). It ranks the patient for review, and with the birth date it confirms.
    if member_agrees and not contradicted and (name or 0.0) >= 0.85:
        score = max(score, 0.99 if (dob or 0.0) >= 0.97 else 0.85)
    evidence = [
        label
        for label, agreed in (
            ("name", name is not None and name >= 0.85),
            ("dob", dob is not None and dob >= 0.97),
            ("mrn", mrn_agrees),
            ("member_id", member_agrees),
            ("phone", phone_agrees),
            ("address", address_agrees),
            ("age", age is True),
        )
        if agreed
    ]
    if age is False:
        score = min(score, 0.5)
    return CandidateScore(patient=patient, score=min(score, 1.0), evidence=tuple(evidence))


def age_agreement(
    ages: Sequence[int], service_dates: Sequence[dt.date], birth_date: dt.date
) -> bool | None:
    """Whether the ages a document states are the patient's: True when each is the patient's
    age on every date of service it gives (every reading of an ambiguous date), False when one is
    two or more years off on all of them, None without both an age and a date to read it on (an
    age computed on another day may be a year out, so a year's difference is neither)."""
    if not ages or not service_dates:
        return None
    verdicts: list[bool | None] = []
    for stated in ages:
        actual = [_age_on(birth_date, day) for day in service_dates]
        if all(years == stated for years in actual):
            verdicts.append(True)
        elif all(abs(years - stated) >= 2 for years in actual):
            verdicts.append(False)
        else:
            verdicts.append(None)
    if False in verdicts:
        return False
    return True if all(verdict is True for verdict in verdicts) else None


def _age_on(birth_date: dt.date, day: dt.date) -> int:
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


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
