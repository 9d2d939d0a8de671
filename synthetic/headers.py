"""Documents about a patient as offices write them: headers in many layouts (labels or none,
names in every order, dates in every format, English and Spanish), OCR damage, fax banners, and
lines naming someone else (a guarantor, a referring physician who is also a patient).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from recordroom.core import Patient
from synthetic.registries import NICKNAMED, TODAY, _phone, make_outsiders

PROVIDERS = [
    "Dr. Helen Wu",
    "Dr. Michael O'Neil",
    "Dr. Peter Novak",
    "Dr. Anita Shah, MD",
    "Rebecca Stone, NP",
    "Dr. James Carter",
    "Dr. Maria Lopez",
]
PRACTICES = [
    "Valley Family Medicine",
    "Northside Cardiology",
    "Quest Diagnostics",
    "St. Mary Medical Center",
    "Lakeside Orthopedics",
    "Riverbend Imaging",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MESES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
BODY = [
    "The patient was seen today for follow up of hypertension.",
    "Please see the attached results and call with questions.",
    "Thank you for referring this patient to our practice.",
    "Assessment: stable. Plan: continue current medications, return in 3 months.",
    "Specimen received in good condition. Results reviewed by the pathologist.",
    "Impression: no acute cardiopulmonary process.",
    "Authorization is requested for the procedure listed below.",
    "Medications: lisinopril 10 mg daily, metformin 500 mg twice daily.",
]


@dataclass(frozen=True, slots=True)
class BenchDocument:
    text: str
    truth_mrn: str | None  # None: the patient is not in the registry
    has_name_and_dob: bool
    kind: str  # which trap the subject belongs to
    style: str = ""  # how the header names the patient (``HEADER_STYLES``)
    medium: str = "scan"  # "scan", "fax" or "photo": how much the text is damaged
    doc_kind: str = "note"  # "note" or "operative report" (several clinicians named)
    has_mrn: bool = False
    # what the document says about its subject besides the name ("dob", "mrn", "member",
    # "phone", "address", "age"), for the bench's breakdown by evidence carried
    carries: tuple[str, ...] = ()


HEADER_STYLES: tuple[str, ...] = (
    "Patient: NAME  DOB: …",
    "fax banner, RE: NAME",
    "lab: PATIENT NAME / D.O.B.",
    "Last Name / First Name fields",
    "label above value",
    "Spanish labels",
    "referral, physician first",
    "NAME    DOB: … (no name label)",
    "letter, Re: NAME (DOB …)",
    "Pt: / Birth date:",
    "EHR print: SURNAME, GIVEN (DOB) + MRN",
    "EHR print: SURNAME, GIVEN (DOB), no MRN",
    "table: Patient Name | DOB | MRN columns",
)
# Layouts that print the date of service (a stated age is read against it).
_SHOWS_SERVICE_DATE = frozenset({0, 2, 9, 10, 11, 12})


@dataclass(frozen=True, slots=True)
class _Header:
    lines: list[str]
    style: str
    service: dt.date  # the date of service, printed when the layout has one
    shows_service: bool
    spanish: bool = False


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _written_name(rng: random.Random, patient: Patient) -> str:
    first = patient.first_name
    if first in NICKNAMED and rng.random() < 0.3:
        first = rng.choice(NICKNAMED[first])
    middle = patient.middle_name
    initial = f"{middle[0]}." if middle else ""
    last = patient.last_name
    suffix = rng.choice(["", "", "", " Jr.", " III", " Sr."]) if rng.random() < 0.1 else ""
    if rng.random() < 0.03:
        return f"{first[0]}. {last}"
    style = rng.randrange(7)
    if style == 0:
        text = f"{first} {last}{suffix}"
    elif style == 1:
        text = f"{last}{suffix}, {first}"
    elif style == 2:
        text = f"{last}, {first} {initial}".strip()
    elif style == 3:
        text = f"{first} {initial} {last}{suffix}".replace("  ", " ")
    elif style == 4:
        text = f"{first} {middle} {last}".replace("  ", " ")
    elif style == 5:
        text = f"{last.upper()}, {first.upper()} {middle[:1].upper()}".strip()
    else:
        text = f"{first.upper()} {last.upper()}{suffix.upper()}"
    return text


def _written_date(rng: random.Random, date: dt.date, spanish: bool = False) -> str:
    if spanish:
        return rng.choice(
            [
                f"{date.day} de {MESES[date.month - 1]} de {date.year}",
                f"{date.day:02d}/{date.month:02d}/{date.year}",
            ]
        )
    style = rng.randrange(8)
    if style == 0:
        return f"{date.month:02d}/{date.day:02d}/{date.year}"
    if style == 1:
        return (
            f"{date.month}/{date.day}/{date.year % 100:02d}"
            if date.year >= 1930
            else f"{date.month}/{date.day}/{date.year}"
        )
    if style == 2:
        return date.isoformat()
    if style == 3:
        return f"{MONTHS[date.month - 1][:3]} {date.day}, {date.year}"
    if style == 4:
        return f"{date.day} {MONTHS[date.month - 1]} {date.year}"
    if style == 5:
        return f"{date.month:02d}-{date.day:02d}-{date.year}"
    if style == 6:
        return f"{MONTHS[date.month - 1]} {date.day}, {date.year}"
    return f"{date.day:02d}.{date.month:02d}.{date.year}"


def _ocr_noise(rng: random.Random, text: str) -> str:
    swaps = {"O": "0", "o": "0", "l": "1", "I": "1", "S": "5", "B": "8"}
    return "".join(swaps[ch] if ch in swaps and rng.random() < 0.35 else ch for ch in text)


def _fax_banner(rng: random.Random) -> str:
    sent = TODAY - dt.timedelta(days=rng.randint(1, 400))
    return (
        f"{sent:%m/%d/%Y} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}  "
        f"FROM: {rng.choice(PRACTICES)}  TO: {_phone(rng)}  P.{rng.randint(1, 4)}/4"
    )


def _header(
    rng: random.Random, patient: Patient, with_dob: bool, with_mrn: bool, typo: bool
) -> _Header:
    name = _written_name(rng, patient)
    dob = _written_date(rng, patient.birth_date)
    # A typo in the birth date. Not for outsiders: a slip that turns an outsider's name and birth
    # date into exactly a registered namesake's is a document no matcher can tell apart.
    if typo and rng.random() < 0.02:
        dob = dob[:-1] + str((int(dob[-1]) + 1) % 10) if dob[-1].isdigit() else dob
    service_date = TODAY - dt.timedelta(days=rng.randint(1, 900))
    service = _written_date(rng, service_date)
    provider = rng.choice(PROVIDERS)
    mrn = patient.mrn
    layout = rng.randrange(len(HEADER_STYLES))
    lines: list[str]
    if layout == 0:
        lines = [
            f"Patient: {name}" + (f"    DOB: {dob}" if with_dob else ""),
            f"Date of Service: {service}",
            f"Provider: {provider}",
        ]
    elif layout == 1:
        lines = [_fax_banner(rng), "RE: " + name + (f"  DOB {dob}" if with_dob else "")]
    elif layout == 2:
        age = age_on(patient.birth_date, service_date)
        lines = [f"PATIENT NAME: {name}   SEX: {patient.sex[:1].upper()}   AGE: {age}"]
        lines += (
            [f"D.O.B.: {dob}   COLLECTED: {service}"] if with_dob else [f"COLLECTED: {service}"]
        )
    elif layout == 3:
        lines = [
            f"Last Name: {patient.last_name}   First Name: {patient.first_name}   "
            f"MI: {patient.middle_name[:1]}"
        ]
        lines += [f"Date of Birth: {dob}"] if with_dob else []
        lines += [f"Phone: {patient.phone}"] if patient.phone else []
    elif layout == 4:
        lines = ["Patient Name", name]
        lines += ["Date of Birth", dob] if with_dob else []
    elif layout == 5:
        spanish_dob = _written_date(rng, patient.birth_date, spanish=True)
        lines = [f"Nombre del paciente: {name}"]
        lines += [f"Fecha de nacimiento: {spanish_dob}"] if with_dob else []
    elif layout == 6:
        lines = [f"Referring Physician: {provider}", f"Patient Name: {name}"]
        lines += [f"DOB: {dob}"] if with_dob else []
        lines += ["Reason for referral: evaluation and treatment"]
    elif layout == 7:
        lines = [f"{name}    DOB: {dob}" if with_dob else f"Name: {name}"]
    elif layout == 8:
        lines = [
            f"Re: {name}" + (f" (DOB {dob})" if with_dob else ""),
            f"Dear {provider.split(',')[0]},",
        ]
    elif layout == 9:
        lines = [f"Pt: {name}", f"Visit date: {service}"]
        lines += [f"Birth date: {dob}"] if with_dob else []
        lines += [f"Tel: {patient.phone}"] if patient.phone and rng.random() < 0.5 else []
    elif layout == 12:  # a demographics table: a row of column heads, a row of values below
        columns = [(rng.choice(("Patient Name", "Patient", "Name")), name)]
        if with_dob:
            columns.append((rng.choice(("DOB", "Date of Birth", "D.O.B.")), dob))
        if with_mrn:
            columns.append((rng.choice(("MRN", "Patient ID", "Chart #")), mrn))
        columns.append((rng.choice(("Date of Service", "Visit Date")), service))
        widths = [max(len(head), len(value)) + rng.randint(3, 6) for head, value in columns]
        lines = [
            "".join(head.ljust(width) for (head, _), width in zip(columns, widths, strict=True)),
            "".join(value.ljust(width) for (_, value), width in zip(columns, widths, strict=True)),
        ]
        lines = [line.rstrip() for line in lines]
        return _Header(lines, HEADER_STYLES[layout], service_date, True)
    else:  # the commonest EHR print header: the patient alone on a line, no label
        lines = [_print_header_line(rng, patient, dob)]
        lines += [f"Date of Service: {service}   Provider: {provider}"]
        with_dob = True
        if layout == 10 and typo:  # registered: the EHR prints the MRN (an outsider has none)
            lines.insert(
                1, rng.choice([f"MRN: {mrn}", f"MRN: {mrn}   Acct: {rng.randint(10**6, 10**7)}"])
            )
            return _Header(lines, HEADER_STYLES[layout], service_date, True)
        with_mrn = False
    if with_mrn:
        lines.insert(
            rng.randint(1, len(lines)),
            rng.choice(
                [f"MRN: {mrn}", f"Med Rec #: {mrn}", f"Chart #: {mrn}", f"Patient ID: {mrn}"]
            ),
        )
    return _Header(
        lines, HEADER_STYLES[layout], service_date, layout in _SHOWS_SERVICE_DATE, layout == 5
    )


def _print_header_line(rng: random.Random, patient: Patient, dob: str) -> str:
    """``GARCIA, MARIA (03/14/1961)`` and its variants, as EHRs print it atop every page."""
    last, first = patient.last_name, patient.first_name
    middle = f" {patient.middle_name[0]}" if patient.middle_name and rng.random() < 0.4 else ""
    name = f"{last.upper()}, {first.upper()}{middle.upper()}"
    if rng.random() < 0.3:
        name = f"{last}, {first}{middle}"
    inside = rng.choice([dob, dob, f"DOB: {dob}", f"DOB {dob}"])
    tail = rng.choice(["", "", f" {rng.randint(18, 95)} y.o. {patient.sex[:1].upper()}"])
    return f"{name} ({inside}){tail}"


OPERATIVE_BODY = (
    "PREOPERATIVE DIAGNOSIS: Right inguinal hernia.",
    "POSTOPERATIVE DIAGNOSIS: Same.",
    "PROCEDURE: Laparoscopic right inguinal hernia repair with mesh.",
    "ANESTHESIA: General endotracheal.",
    "ESTIMATED BLOOD LOSS: Minimal.",
    "The patient was brought to the operating room and placed supine.",
)


def _clinician(rng: random.Random, others: list[Patient]) -> str:
    """A clinician's name; now and then the name of a registered patient (clinicians are patients
    too)."""
    if rng.random() < 0.3:
        other = rng.choice(others)
        return f"{other.first_name} {other.last_name}"
    return rng.choice(PROVIDERS).removeprefix("Dr. ").split(",")[0]


def _operative_lines(rng: random.Random, others: list[Patient]) -> list[str]:
    team = [
        f"SURGEON: {_clinician(rng, others)}, MD",
        f"ASSISTANT: {_clinician(rng, others)}, PA-C",
        f"ANESTHESIOLOGIST: {_clinician(rng, others)}, MD",
    ]
    if rng.random() < 0.5:
        team = [f"Surgeon: Dr. {_clinician(rng, others)}   Assistant: {_clinician(rng, others)}"]
    body = list(OPERATIVE_BODY)
    return ["OPERATIVE REPORT", *team, *body[: rng.randint(3, len(body))]]


def _member_line(header: list[str], patient: Patient) -> str:
    """An insurance member ID line on one document in four whose patient has one; drawn from its
    own generator, so the rest of the document is what it was without it."""
    rng = random.Random("member/" + "\n".join(header))
    if not patient.member_id or rng.random() >= 0.25:
        return ""
    label = rng.choice(("Member ID", "Member #", "Insurance ID", "Policy #"))
    return f"{label}: {patient.member_id}"


def _fax_lines(rng: random.Random) -> list[str]:
    """What a fax machine adds on top: its banner, now and then the sender's header block."""
    lines = [_fax_banner(rng)]
    if rng.random() < 0.3:
        lines += [
            f"To: {rng.choice(PRACTICES)}   Fax: {_phone(rng)}",
            f"From: {rng.choice(PRACTICES)}   Pages: {rng.randint(2, 9)}",
        ]
    return lines


def _distractor(rng: random.Random, other: Patient) -> str:
    """A line naming someone else: a registered patient as the provider, guarantor or contact."""
    name = f"{other.first_name} {other.last_name}"
    dob = _written_date(rng, other.birth_date)
    return rng.choice(
        [
            f"Referring Physician: Dr. {name}",
            f"Provider Name: {name}, MD",
            f"Guarantor: {name}   Guarantor DOB: {dob}",
            f"Emergency Contact Name: {name}   Phone: {other.phone}",
            f"Subscriber Name: {name}   Subscriber DOB: {dob}",
            f"Attending: {name}, DO",
        ]
    )


# How often a document names its patient without a birth date anywhere, and what it carries then,
# as counted on the real documents of ../shared/data (forms_train and paperwork_train: 364 with a
# patient-name field; 32 of them, 8.8%, have no date-of-birth field anywhere; of those 32, 21 have
# a phone field, 18 an address, 7 an age, 5 an MRN or account number, 4 a member ID, 5 nothing).
WITH_DOB = 0.89  # in the header of the layouts that may leave it out (EHR print headers always
# have it): 91% of documents overall, as on the real ones
EXTRA_IDENTIFIERS = {"phone": 0.65, "address": 0.55, "age": 0.22}


def _extra_lines(header: _Header, patient: Patient, medium: str) -> list[str]:
    """The patient's phone, home address and age (with the date it was stated on), each at the
    rate real documents carry them; drawn from their own generator, so the rest of the document is
    what it was without them."""
    rng = random.Random("extra/" + "\n".join(header.lines))
    lines: list[str] = []
    spanish = header.spanish
    if patient.phone and rng.random() < EXTRA_IDENTIFIERS["phone"]:
        label = "Teléfono" if spanish else rng.choice(("Phone", "Home Phone", "Cell", "Tel"))
        lines.append(f"{label}: {patient.phone}")
    if patient.address_line and rng.random() < EXTRA_IDENTIFIERS["address"]:
        label = (
            "Dirección" if spanish else rng.choice(("Address", "Patient Address", "Home Address"))
        )
        town = f"{patient.city}, {patient.state} {patient.postal_code}"
        if rng.random() < 0.3:
            lines += [f"{label}: {patient.address_line}", town]
        else:
            lines.append(f"{label}: {patient.address_line}, {town}")
    if rng.random() < EXTRA_IDENTIFIERS["age"]:
        age = age_on(patient.birth_date, header.service)
        stated = (
            f"Edad: {age}"
            if spanish
            else rng.choice((f"Age: {age}", f"Age: {age} yrs", f"Age: {age} y.o."))
        )
        if not header.shows_service:
            label = "Fecha de servicio" if spanish else "Date of Service"
            stated += f"   {label}: {_written_date(rng, header.service, spanish)}"
        lines.append(stated)
    noise = {"scan": 0.1, "fax": 0.25, "photo": 0.3}[medium]
    if rng.random() < noise:
        lines = [_ocr_noise(rng, line) for line in lines]
    return lines


def make_document(
    rng: random.Random,
    patient: Patient,
    truth: str | None,
    kind: str,
    others: list[Patient],
    with_dob_share: float = WITH_DOB,
) -> BenchDocument:
    with_dob = rng.random() < with_dob_share
    with_mrn = truth is not None and rng.random() < 0.25
    made = _header(rng, patient, with_dob, with_mrn, typo=truth is not None)
    header, style = list(made.lines), made.style
    if style.startswith("EHR print"):
        with_dob = True
        with_mrn = "no MRN" not in style and truth is not None
    if rng.random() < 0.2:
        header.insert(rng.choice((0, len(header))), _distractor(rng, rng.choice(others)))
    roll = rng.random()
    medium = "scan" if roll < 0.5 else "fax" if roll < 0.85 else "photo"
    noise = {"scan": 0.1, "fax": 0.25, "photo": 0.3}[medium]
    if rng.random() < noise:
        header = [_ocr_noise(rng, line) for line in header]
    member = _member_line(header, patient)
    extra = _extra_lines(made, patient, medium)
    carries = _carried(patient, with_dob, with_mrn, [*made.lines, *extra], bool(member))
    header += extra
    if member:
        header.append(member)
    operative = rng.random() < 0.15
    body = _operative_lines(rng, others) if operative else rng.sample(BODY, 3)
    lines = [
        *(_fax_lines(rng) if medium == "fax" else []),
        rng.choice(PRACTICES),
        *header,
        "",
        *body,
        f"Electronically signed by {rng.choice(PROVIDERS)} on {TODAY:%m/%d/%Y}",
    ]
    return BenchDocument(
        text="\n".join(lines),
        truth_mrn=truth,
        has_name_and_dob=with_dob,
        kind=kind,
        style=style,
        medium=medium,
        doc_kind="operative report" if operative else "note",
        has_mrn=with_mrn,
        carries=carries,
    )


def _carried(
    patient: Patient, with_dob: bool, with_mrn: bool, lines: list[str], member: bool
) -> tuple[str, ...]:
    """What the lines written about the patient (before OCR damage) identify them by."""
    text = "\n".join(lines)
    return tuple(
        what
        for what, present in (
            ("dob", with_dob),
            ("mrn", with_mrn),
            ("member", member),
            ("phone", bool(patient.phone) and patient.phone in text),
            ("address", bool(patient.address_line) and patient.address_line in text),
            ("age", "Age:" in text or "AGE:" in text or "Edad:" in text),
        )
        if present
    )


def make_documents(
    rng: random.Random,
    registry: list[Patient],
    kinds: dict[str, str],
    count: int,
    with_dob_share: float = WITH_DOB,
) -> list[BenchDocument]:
    """``count`` documents: most about registered patients (traps over-represented), a sixth about
    people who are not in the registry. ``with_dob_share``: how often a header that may leave the
    birth date out gives it (the same documents otherwise, so shares can be compared)."""
    outsiders = make_outsiders(rng, registry, count // 6)
    traps = [patient for patient in registry if kinds[patient.mrn] != "plain"]
    documents = [
        make_document(rng, patient, None, kind, registry, with_dob_share)
        for patient, kind in outsiders
    ]
    while len(documents) < count:
        patient = rng.choice(traps) if rng.random() < 0.4 else rng.choice(registry)
        truth = patient.mrn
        documents.append(make_document(rng, patient, truth, kinds[truth], registry, with_dob_share))
    rng.shuffle(documents)
    return documents


def fax_header_block(rng: random.Random, *, spanish: bool = False) -> list[str]:
    """The header block a sender's fax software prints above the first page of what it sends
    (To / From / Fax / Pages / Date), with no message: the page under it is the document."""
    to, sender = rng.sample(PRACTICES, 2)
    date = f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/2026"
    pages = rng.randint(1, 9)
    if spanish:
        lines = [
            rng.choice(["FAX", "Fax", ""]),
            f"Para: {to}     Fax: {_phone(rng)}",
            f"De: {sender}     Fax: {_phone(rng)}",
            f"Páginas: {pages}     Fecha: {date}",
        ]
    else:
        lines = [
            rng.choice(["FAX", "Fax", "FACSIMILE", ""]),
            f"To: {to}     Fax: {_phone(rng)}",
            f"From: {sender}     Fax: {_phone(rng)}",
            rng.choice([f"Pages: {pages}     Date: {date}", f"Date: {date}   Pages: {pages}"]),
        ]
        if rng.random() < 0.3:
            lines.insert(1, _fax_banner(rng))
    return [line for line in lines if line]
