"""Shared pieces of the form generator: word lists, the style knobs, dates, phones, names,
the patient header block, letterheads, titles, fields and check boxes."""

from __future__ import annotations

import contextvars
import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from recordroom.core import Patient

GENERATOR_VERSION = "4"

# The types the generator writes for training: those the shared data lacks or holds too few of.
TRAINING_TYPES: tuple[str, ...] = (
    "referral",
    "lab_report",
    "prior_authorization",
    "rx_refill_request",
    "insurance_card",
    "eob",
    "fax_cover_sheet",
    "records_request",
    "intake_form",
    # Real provider forms hold many authorizations, but none short, faxed or OCR-damaged.
    "authorization",
    # Claim forms (CMS-1500, UB-04 boxes) and notices: paper that is no one's clinical record.
    "other",
)

FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "William",
    "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Maria", "Jose", "Juan", "Guadalupe", "Luis", "Carmen", "Ana", "Carlos", "Rosa", "Miguel",
    "Wei", "Mei", "Nguyen", "Aisha", "Mohammed", "Priya", "Raj", "Olga", "Dmitri", "Fatima",
    "Keisha", "DeShawn", "Bill", "Peggy", "Siobhan", "Sean", "Chloe", "Liam", "Noah", "Emma",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "O'Brien", "Smith-Jones", "McDonald", "De La Cruz", "Nguyen", "Patel", "Kim", "Okafor",
    "Kowalski", "Schmidt", "D'Angelo", "Van Buren", "St. John", "Ramirez-Torres", "Chen",
)  # fmt: skip
PRACTICES = (
    "Riverside Family Medicine", "Northgate Internal Medicine", "Lakeview Pediatrics",
    "Summit Orthopaedic Associates", "Valley Cardiology Group", "Clinica Familiar San Jose",
    "Harbor Women's Health", "Pinecrest Medical Group", "Eastside Dermatology",
    "Centro Medico del Valle", "Oak Street Primary Care", "Mountain View Neurology",
    "Bayside Gastroenterology", "Sunrise Endocrinology", "Metro Urgent Care",
)  # fmt: skip
DOCTORS = (
    "Dr. Alan Reyes", "Dr. Susan Park", "Dr. Michael O'Neil", "Dr. Laura Jimenez",
    "Dr. Ahmed Khan", "Dr. Rebecca Stone", "Dr. Carlos Mendoza", "Dr. Helen Wu",
    "Dra. Sofia Castillo", "Dr. Peter Novak", "Dr. Grace Adeyemi", "Dr. Thomas Byrne",
)  # fmt: skip
PAYERS = (
    "Blue Cross Blue Shield", "Aetna", "UnitedHealthcare", "Cigna", "Humana", "Molina Healthcare",
    "Kaiser Permanente", "Medicaid", "Medicare Advantage", "Anthem", "Ambetter", "Oscar Health",
    "Health Net", "WellCare", "Tricare",
)  # fmt: skip
PHARMACIES = (
    "CVS Pharmacy", "Walgreens", "Rite Aid", "Walmart Pharmacy", "Kroger Pharmacy",
    "Farmacia La Familia", "Costco Pharmacy", "Express Scripts Home Delivery", "OptumRx",
)  # fmt: skip
DRUGS = (
    ("Lisinopril", "10 mg"), ("Metformin", "500 mg"), ("Atorvastatin", "20 mg"),
    ("Amlodipine", "5 mg"), ("Levothyroxine", "50 mcg"), ("Omeprazole", "20 mg"),
    ("Sertraline", "50 mg"), ("Albuterol HFA", "90 mcg"), ("Gabapentin", "300 mg"),
    ("Losartan", "50 mg"), ("Hydrochlorothiazide", "25 mg"), ("Insulin glargine", "100 units/mL"),
    ("Adalimumab", "40 mg"), ("Semaglutide", "1 mg"), ("Apixaban", "5 mg"),
)  # fmt: skip
SPECIALTIES = (
    "Cardiology", "Gastroenterology", "Orthopedics", "Neurology", "Dermatology", "Endocrinology",
    "Physical Therapy", "Pulmonology", "Urology", "Rheumatology", "Ophthalmology", "Oncology",
)  # fmt: skip
DIAGNOSES = (
    ("I10", "Essential hypertension"), ("E11.9", "Type 2 diabetes mellitus"),
    ("M54.5", "Low back pain"), ("R07.9", "Chest pain, unspecified"),
    ("K21.9", "Gastro-esophageal reflux disease"), ("J45.909", "Asthma, unspecified"),
    ("M17.11", "Primary osteoarthritis, right knee"), ("G43.909", "Migraine"),
    ("E03.9", "Hypothyroidism"), ("R10.9", "Abdominal pain"), ("L40.0", "Psoriasis vulgaris"),
)  # fmt: skip
CITIES = (
    ("Springfield", "IL", "62704"), ("Fresno", "CA", "93721"), ("El Paso", "TX", "79901"),
    ("Tampa", "FL", "33602"), ("Albany", "NY", "12207"), ("Tucson", "AZ", "85701"),
    ("Dayton", "OH", "45402"), ("Boise", "ID", "83702"), ("Raleigh", "NC", "27601"),
)  # fmt: skip
STREETS = ("Main St", "Oak Ave", "Elm Street", "Maple Dr", "Calle Sol", "Park Blvd", "2nd Ave")


Builder = Callable[[random.Random, Patient, str], list[str]]


@dataclass(frozen=True, slots=True)
class Style:
    """How hard the generated paper is to read.

    ``STANDARD`` is what the model trains on. ``HARD`` is for held-out sets only: more documents
    without a readable title, always another type's words, heavier OCR damage and layout mixing,
    so the set measures reading the body rather than remembering the generator.
    """

    title_drop_rate: float  # real paper often has no title a rule could read (cropped, in a logo)
    confusable_rate: float
    noise_rates: tuple[float, ...]
    layout_rate: float


STANDARD = Style(
    title_drop_rate=0.4,
    confusable_rate=0.6,
    noise_rates=(0.0, 0.0, 0.01, 0.03, 0.06),
    layout_rate=0.45,
)
HARD = Style(
    title_drop_rate=0.75,
    confusable_rate=1.0,
    noise_rates=(0.02, 0.04, 0.06, 0.09),
    layout_rate=0.9,
)
_STYLE: contextvars.ContextVar[Style] = contextvars.ContextVar("generator_style", default=STANDARD)


# ---------------------------------------------------------------- small pieces


def _pick(rng: random.Random, options: Sequence[str]) -> str:
    return options[rng.randrange(len(options))]


def _phone(rng: random.Random) -> str:
    area, mid, end = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
    style = rng.randrange(3)
    if style == 0:
        return f"({area}) {mid}-{end:04d}"
    if style == 1:
        return f"{area}-{mid}-{end:04d}"
    return f"{area}.{mid}.{end:04d}"


def _date(rng: random.Random, day: dt.date, *, lang: str = "en") -> str:
    style = rng.randrange(5)
    if lang == "es" and style < 2:
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if style == 0:
        return f"{day.month:02d}/{day.day:02d}/{day.year}"
    if style == 1:
        return f"{day.month}/{day.day}/{day.year}"
    if style == 2:
        return day.isoformat()
    if style == 3:
        return day.strftime("%B %d, %Y").replace(" 0", " ")
    return f"{day.month:02d}-{day.day:02d}-{day.year}"


def _recent(rng: random.Random) -> dt.date:
    return dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(600))


def _money(rng: random.Random, low: float, high: float) -> str:
    return f"${rng.uniform(low, high):,.2f}"


def _blank(rng: random.Random) -> str:
    return _pick(rng, ("", "____________", "_______________________", "[ ]", " "))


def random_patient(rng: random.Random) -> Patient:
    """A made-up patient (not from any registry)."""
    birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(33000))
    city, state, postal = CITIES[rng.randrange(len(CITIES))]
    return Patient(
        mrn=f"{rng.randint(100000, 9999999)}",
        last_name=_pick(rng, LAST_NAMES),
        first_name=_pick(rng, FIRST_NAMES),
        middle_name=_pick(rng, ("", "", "A", "Lee", "Marie", "J", "Elena")),
        birth_date=birth,
        sex=_pick(rng, ("F", "M")),
        phone=_phone(rng),
        address_line=f"{rng.randint(10, 9999)} {_pick(rng, STREETS)}",
        city=city,
        state=state,
        postal_code=postal,
    )


def _name(rng: random.Random, patient: Patient) -> str:
    first, last, middle = patient.first_name, patient.last_name, patient.middle_name
    style = rng.randrange(6)
    if style == 0:
        return f"{last}, {first}"
    if style == 1:
        return f"{first} {last}"
    if style == 2 and middle:
        return f"{first} {middle[0]}. {last}"
    if style == 3:
        return f"{last.upper()}, {first.upper()}"
    if style == 4:
        return f"{first.upper()} {last.upper()}"
    return f"{last}, {first} {middle}".strip()


def header_block(rng: random.Random, patient: Patient, lang: str = "en") -> list[str]:
    """Lines naming the patient, as a form's header or an EHR's banner writes them."""
    name, dob = _name(rng, patient), _date(rng, patient.birth_date, lang=lang)
    if lang == "es":
        name_label = _pick(rng, ("Nombre del paciente:", "Paciente:", "Nombre:"))
        dob_label = _pick(rng, ("Fecha de nacimiento:", "F. de nac.:", "Fecha de Nac:"))
        mrn_label = _pick(rng, ("N.º de expediente:", "Expediente:", "MRN:"))
    else:
        name_label = _pick(
            rng, ("Patient:", "Patient Name:", "Name:", "RE:", "PATIENT NAME:", "Pt:")
        )
        dob_label = _pick(rng, ("DOB:", "Date of Birth:", "D.O.B.", "Birth Date:", "DOB"))
        mrn_label = _pick(rng, ("MRN:", "MR#:", "Medical Record #:", "Chart #:", "Acct/MRN:"))
    name_line = f"{name_label} {name}"
    dob_line = f"{dob_label} {dob}"
    mrn_line = f"{mrn_label} {patient.mrn}"
    style = rng.randrange(4)
    if style == 0:
        return [f"{name_line}    {dob_line}    {mrn_line}"]
    if style == 1:
        return [name_line, dob_line, mrn_line]
    if style == 2:
        return [f"{name_line}   {dob_line}", mrn_line]
    return [name_line, dob_line] + ([mrn_line] if rng.random() < 0.5 else [])


def _letterhead(rng: random.Random) -> list[str]:
    city, state, postal = CITIES[rng.randrange(len(CITIES))]
    lines = [_pick(rng, PRACTICES)]
    if rng.random() < 0.8:
        lines.append(f"{rng.randint(10, 9999)} {_pick(rng, STREETS)}, {city}, {state} {postal}")
    if rng.random() < 0.8:
        lines.append(f"Phone {_phone(rng)}   Fax {_phone(rng)}")
    return lines


def _fax_banner(rng: random.Random) -> str:
    when = _recent(rng)
    page = rng.randint(1, 3)
    return (
        f"{when.month:02d}/{when.day:02d}/{when.year} {rng.randint(7, 18):02d}:"
        f"{rng.randint(0, 59):02d}   FROM: {_phone(rng)}   TO: {_phone(rng)}   "
        f"P.{page:03d}/{page + rng.randint(0, 4):03d}"
    )


def _title(rng: random.Random, titles: Sequence[str]) -> list[str]:
    """A title in one of several casings, or none at all (the body must then speak for itself)."""
    if rng.random() < _STYLE.get().title_drop_rate:
        return []
    title = _pick(rng, titles)
    casing = rng.randrange(3)
    if casing == 0:
        title = title.upper()
    elif casing == 1:
        title = title.title()
    return [title]


def _fields(rng: random.Random, pairs: Sequence[tuple[str, str]]) -> list[str]:
    """Label-value lines, sometimes two to a line, sometimes with blanks instead of values."""
    items = list(pairs)
    if rng.random() < 0.5:
        rng.shuffle(items)
    lines: list[str] = []
    sep = _pick(rng, (": ", ":  ", " ", ": ", " - "))
    blank_rate = rng.choice((0.0, 0.0, 0.3))
    i = 0
    while i < len(items):
        label, value = items[i]
        shown = _blank(rng) if rng.random() < blank_rate else value
        text = f"{label}{sep}{shown}"
        if i + 1 < len(items) and rng.random() < 0.3:
            label2, value2 = items[i + 1]
            text += f"     {label2}{sep}{value2}"
            i += 1
        lines.append(text)
        i += 1
    return lines


def _checkboxes(rng: random.Random, options: Sequence[str]) -> str:
    box = _pick(rng, ("[ ]", "☐", "□", "( )", "___"))
    checked = _pick(rng, ("[X]", "☒", "■", "(x)", "_X_"))
    return "  ".join(f"{checked if rng.random() < 0.3 else box} {o}" for o in options)


def _sentences(rng: random.Random, options: Sequence[str], low: int, high: int) -> list[str]:
    count = min(len(options), rng.randint(low, high))
    return rng.sample(list(options), count)
