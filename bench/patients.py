"""Patient identification bench: a synthetic registry full of traps, document headers in many
layouts, and how often ``match_patient`` files a document — and whether it ever files it wrong.

Run: ``.venv/bin/python -m bench.patients`` (or call ``run``; ``bench/classify.py`` does).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from dataclasses import dataclass, replace

from classify.names import are_nicknames
from classify.patients import match_patient
from classify.registry import InMemoryRegistry, transposed
from recordroom.core import Patient

REGISTRY_SIZE = 3000
TODAY = dt.date(2026, 1, 1)


def _split(text: str) -> list[str]:
    """The words of a long literal (kept as text so lists of names stay readable)."""
    return text.split()


MALE = _split(
    """James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel
Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy
Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin
Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry
Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy
Christian Keith Roger Terry Gerald Harold Sean Austin Carl Arthur Lawrence Dylan Jesse
Jordan Bryan Billy Joe Bruce Gabriel Logan Albert Willie Alan Juan Wayne Elijah Randy Roy
Vincent Ralph Eugene Russell Bobby Mason Philip Louis Luis Carlos Miguel Jorge Pedro
Manuel Francisco Rafael Ricardo Eduardo Wei Minh Hiroshi Raj Ahmed Omar Ibrahim Dmitri
Ivan Pierre Giovanni Liam Finn Declan Tariq Kwame"""
)
FEMALE = _split(
    """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty
Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah
Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma
Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Maria
Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn
Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances
Kathryn Janice Jean Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle
Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori
Guadalupe Dolores Carmen Rosa Lucia Sofia Mei Linh Yuki Priya Fatima Aisha Olga Svetlana
Siobhan Mary-Kate Anne-Marie Zoe Chloe"""
)
LAST = _split(
    """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White
Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres
Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts
Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales
Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos
Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes
Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry
Russell Sullivan Bell Coleman Butler Henderson Barnes Fisher Vasquez Simmons Romero Jordan
Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant
Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens
Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb
Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder
Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar
Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver
Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters
Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley
Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews Pena Richards
Contreras Willis Carpenter Lawrence Sandoval Wang Zhang Nakamura Yamamoto Kowalski Novak
Ivanov Petrov Okafor Mensah Haddad Khan Ali Singh Kaur Shah"""
)
APOSTROPHE = ["O'Brien", "O'Connor", "O'Neil", "D'Angelo", "O'Malley", "D'Souza", "O'Hara"]
COMPOUND = [
    "Smith-Jones",
    "Garcia-Lopez",
    "Taylor-Brown",
    "Lee-Chen",
    "Martinez-Ruiz",
    "Walker-Hill",
]
PARTICLE = ["De La Cruz", "Van Buren", "Del Rio", "Van der Berg", "De Leon", "Von Ahn"]
MIDDLE = _split(
    """A. B. C. D. E. J. L. M. R. S. T. Ann Lee Marie James Michael Lynn Rose Allen Ray Elizabeth
Edward Grace Jean Louise Paul"""
)
NICKNAMED = {
    "William": ["Bill", "Will", "Billy"],
    "Robert": ["Bob", "Rob", "Bobby"],
    "Margaret": ["Peggy", "Maggie", "Meg"],
    "Richard": ["Rick", "Dick", "Rich"],
    "Elizabeth": ["Liz", "Beth", "Betty"],
    "James": ["Jim", "Jimmy"],
    "Michael": ["Mike"],
    "Thomas": ["Tom"],
    "Katherine": ["Kate", "Kathy"],
    "Christopher": ["Chris"],
    "Joseph": ["Joe"],
    "Patricia": ["Patty", "Pat"],
    "Deborah": ["Debbie"],
    "Charles": ["Charlie", "Chuck"],
    "Jennifer": ["Jenny", "Jen"],
    "Edward": ["Ed", "Eddie", "Ted"],
}
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


@dataclass(frozen=True, slots=True)
class PatientBenchResult:
    """The figures the bench prints."""

    registry_size: int
    documents: int
    wrong_patient: int
    not_in_registry: int
    auto_filed: int
    name_and_dob_documents: int
    name_and_dob_auto_filed: int
    ms_per_document: float

    @property
    def wrong_patient_rate(self) -> float:
        return self.wrong_patient / self.documents if self.documents else 0.0

    @property
    def auto_file_rate(self) -> float:
        return self.auto_filed / self.documents if self.documents else 0.0

    @property
    def name_and_dob_auto_file_rate(self) -> float:
        total = self.name_and_dob_documents
        return self.name_and_dob_auto_filed / total if total else 0.0

    def table(self) -> str:
        rows = [
            ("registry patients", f"{self.registry_size}"),
            ("documents", f"{self.documents} ({self.not_in_registry} patients not in registry)"),
            ("wrong-patient rate", f"{self.wrong_patient_rate:.2%} ({self.wrong_patient})"),
            (
                "auto-filed, header has name + DOB",
                f"{self.name_and_dob_auto_file_rate:.1%} "
                f"({self.name_and_dob_auto_filed}/{self.name_and_dob_documents})",
            ),
            ("auto-filed, all documents", f"{self.auto_file_rate:.1%} ({self.auto_filed})"),
            ("ms per document", f"{self.ms_per_document:.2f}"),
        ]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


# --- registry -----------------------------------------------------------------------------------


def _birth_date(rng: random.Random) -> dt.date:
    return dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 33_000))


def _phone(rng: random.Random) -> str:
    return f"({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"


def _last_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return rng.choice(APOSTROPHE)
    if roll < 0.10:
        return rng.choice(COMPOUND)
    if roll < 0.13:
        return rng.choice(PARTICLE)
    return rng.choice(LAST)


def _person(rng: random.Random, mrn: str) -> Patient:
    female = rng.random() < 0.5
    first = rng.choice(FEMALE if female else MALE)
    if rng.random() < 0.15:
        first = rng.choice(list(NICKNAMED))
    middle = rng.choice(MIDDLE).rstrip(".") if rng.random() < 0.6 else ""
    return Patient(
        mrn=mrn,
        last_name=_last_name(rng),
        first_name=first,
        middle_name=middle,
        birth_date=_birth_date(rng),
        sex="female" if female else "male",
        phone=_phone(rng) if rng.random() < 0.8 else "",
    )


def _other_first(rng: random.Random, first: str) -> str:
    """A first name that is neither ``first`` nor one of its nicknames (a twin, a sibling)."""
    while True:
        other = rng.choice(MALE + FEMALE)
        if other[0] != first[0] and not are_nicknames(other, first):
            return other


def make_registry(
    rng: random.Random, size: int = REGISTRY_SIZE
) -> tuple[list[Patient], dict[str, str]]:
    """Patients, and the trap each belongs to ("twin", "namesake", "junior", "plain")."""
    patients: list[Patient] = []
    kinds: dict[str, str] = {}
    serial = iter(rng.sample(range(100_000, 999_999), size + 10))

    def add(patient: Patient, kind: str) -> None:
        patients.append(patient)
        kinds[patient.mrn] = kind

    while len(patients) < size:
        base = _person(rng, f"{next(serial)}")
        roll = rng.random()
        if roll < 0.06:  # twins: same surname, birth date and phone; different first names
            add(base, "twin")
            add(
                replace(
                    base,
                    mrn=f"{next(serial)}",
                    first_name=_other_first(rng, base.first_name),
                    middle_name="",
                ),
                "twin",
            )
        elif roll < 0.12:  # namesakes: same name, different birth date
            add(base, "namesake")
            add(
                replace(
                    base,
                    mrn=f"{next(serial)}",
                    birth_date=_birth_date(rng),
                    middle_name=rng.choice(["", base.middle_name]),
                    phone=_phone(rng),
                ),
                "namesake",
            )
        elif roll < 0.14:  # father and son: same full name, a generation apart
            add(base, "junior")
            son_birth = base.birth_date + dt.timedelta(days=rng.randint(8000, 12000))
            if son_birth < TODAY:
                add(replace(base, mrn=f"{next(serial)}", birth_date=son_birth), "junior")
        else:
            add(base, "plain")
    return patients[:size], kinds


def make_outsiders(
    rng: random.Random, registry: list[Patient], count: int
) -> list[tuple[Patient, str]]:
    """Patients NOT in the registry, many of them dangerously like someone who is."""
    outsiders: list[tuple[Patient, str]] = []
    for number in range(count):
        model = rng.choice(registry)
        mrn = f"X{number}"
        roll = rng.random()
        swapped = transposed(model.birth_date)
        if roll < 0.3:  # an unregistered twin of a registered patient
            outsider = replace(
                model, mrn=mrn, first_name=_other_first(rng, model.first_name), middle_name=""
            )
            outsiders.append((outsider, "outsider twin"))
        elif roll < 0.45 and swapped is not None:  # a namesake born on the day/month-swapped date
            outsider = replace(model, mrn=mrn, birth_date=swapped, phone=_phone(rng))
            outsiders.append((outsider, "outsider swapped-date namesake"))
        elif roll < 0.55:  # a namesake born a digit away
            year = model.birth_date.year + rng.choice((-10, -1, 1, 10))
            outsider = replace(model, mrn=mrn, birth_date=model.birth_date.replace(year=year))
            outsiders.append((outsider, "outsider near-date namesake"))
        elif roll < 0.7:  # a namesake of a registered patient
            outsider = replace(model, mrn=mrn, birth_date=_birth_date(rng), phone=_phone(rng))
            outsiders.append((outsider, "outsider namesake"))
        else:
            outsiders.append((_person(rng, mrn), "outsider"))
    return outsiders


# --- documents ----------------------------------------------------------------------------------


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
) -> list[str]:
    name = _written_name(rng, patient)
    dob = _written_date(rng, patient.birth_date)
    # A typo in the birth date. Not for outsiders: a slip that turns an outsider's name and birth
    # date into exactly a registered namesake's is a document no matcher can tell apart.
    if typo and rng.random() < 0.02:
        dob = dob[:-1] + str((int(dob[-1]) + 1) % 10) if dob[-1].isdigit() else dob
    service = _written_date(rng, TODAY - dt.timedelta(days=rng.randint(1, 900)))
    provider = rng.choice(PROVIDERS)
    mrn = patient.mrn
    layout = rng.randrange(10)
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
        lines = [f"PATIENT NAME: {name}   SEX: {patient.sex[:1].upper()}   AGE: 47"]
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
    else:
        lines = [f"Pt: {name}", f"Visit date: {service}"]
        lines += [f"Birth date: {dob}"] if with_dob else []
        lines += [f"Tel: {patient.phone}"] if patient.phone and rng.random() < 0.5 else []
    if with_mrn:
        lines.insert(
            rng.randint(1, len(lines)),
            rng.choice(
                [f"MRN: {mrn}", f"Med Rec #: {mrn}", f"Chart #: {mrn}", f"Patient ID: {mrn}"]
            ),
        )
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


def make_document(
    rng: random.Random, patient: Patient, truth: str | None, kind: str, others: list[Patient]
) -> BenchDocument:
    with_dob = rng.random() < 0.8
    with_mrn = truth is not None and rng.random() < 0.25
    header = _header(rng, patient, with_dob, with_mrn, typo=truth is not None)
    if rng.random() < 0.2:
        header.insert(rng.choice((0, len(header))), _distractor(rng, rng.choice(others)))
    if rng.random() < 0.15:
        header = [_ocr_noise(rng, line) for line in header]
    lines = [
        rng.choice(PRACTICES),
        *header,
        "",
        *rng.sample(BODY, 3),
        f"Electronically signed by {rng.choice(PROVIDERS)} on {TODAY:%m/%d/%Y}",
    ]
    return BenchDocument(
        text="\n".join(lines), truth_mrn=truth, has_name_and_dob=with_dob, kind=kind
    )


def make_documents(
    rng: random.Random, registry: list[Patient], kinds: dict[str, str], count: int
) -> list[BenchDocument]:
    """``count`` documents: most about registered patients (traps over-represented), a sixth about
    people who are not in the registry."""
    outsiders = make_outsiders(rng, registry, count // 6)
    traps = [patient for patient in registry if kinds[patient.mrn] != "plain"]
    documents = [make_document(rng, patient, None, kind, registry) for patient, kind in outsiders]
    while len(documents) < count:
        patient = rng.choice(traps) if rng.random() < 0.4 else rng.choice(registry)
        documents.append(make_document(rng, patient, patient.mrn, kinds[patient.mrn], registry))
    rng.shuffle(documents)
    return documents


# --- run ----------------------------------------------------------------------------------------


def run(n_documents: int = 600, seed: int = 7) -> PatientBenchResult:
    """Build the registry and documents from ``seed``, match every document, count."""
    rng = random.Random(seed)
    patients, kinds = make_registry(rng)
    registry = InMemoryRegistry(patients)
    documents = make_documents(rng, patients, kinds, n_documents)
    wrong = auto = name_dob = name_dob_auto = 0
    match_patient("Patient: warm up", registry)  # builds the spaCy matcher outside the timing
    started = time.perf_counter()
    for document in documents:
        match = match_patient(document.text, registry)
        if match.mrn is not None:
            auto += 1
            if match.mrn != document.truth_mrn:
                wrong += 1
        if document.truth_mrn is not None and document.has_name_and_dob:
            name_dob += 1
            name_dob_auto += match.mrn == document.truth_mrn
    elapsed = time.perf_counter() - started
    return PatientBenchResult(
        registry_size=len(registry),
        documents=len(documents),
        wrong_patient=wrong,
        not_in_registry=sum(1 for document in documents if document.truth_mrn is None),
        auto_filed=auto,
        name_and_dob_documents=name_dob,
        name_and_dob_auto_filed=name_dob_auto,
        ms_per_document=1000 * elapsed / max(1, len(documents)),
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    count = int(args[0]) if args else 600
    result = run(count)
    print(result.table())
    return 0 if result.wrong_patient == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["BenchDocument", "PatientBenchResult", "main", "make_documents", "make_registry", "run"]
