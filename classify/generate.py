"""Synthetic document text for the types the real data lacks, and header blocks for patient tests.

Real incoming paper is mostly forms, and the shared data holds only clinical notes and the forms
providers publish. This module writes the rest: referrals, lab sheets, payer prior-authorization
forms, pharmacy refill requests, insurance cards, EOBs, fax cover sheets, third-party records
requests and more intake forms, in English and Spanish, with titles, layouts, field orders and noise
drawn from a seeded ``random.Random`` so a run can be repeated exactly.

Every document may carry a header block naming a patient (name, birth date, MRN in the many ways
offices write them); ``generate_document`` is the entry point other benches call.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from recordroom.core import DOC_TYPES, Patient

GENERATOR_VERSION = "2"

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


# ---------------------------------------------------------------- document bodies


def _fax_cover(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    pages = str(rng.randint(2, 12))
    if lang == "es":
        title = _title(rng, ("Portada de fax", "Hoja de envío de fax", "FAX", "Carátula de fax"))
        pairs = [
            ("Para", _pick(rng, PRACTICES)),
            ("De", _pick(rng, DOCTORS + PRACTICES)),
            ("Fax del destinatario", _phone(rng)),
            ("Fax del remitente", _phone(rng)),
            ("Teléfono", _phone(rng)),
            ("Fecha", _date(rng, _recent(rng), lang="es")),
            ("Número de páginas (incluida la portada)", pages),
            ("Asunto", _pick(rng, ("Expediente médico", "Resultados", "Referido", "Receta"))),
        ]
        notice = (
            "AVISO DE CONFIDENCIALIDAD: Este fax contiene información médica confidencial. "
            "Si usted lo recibió por error, notifique al remitente y destruya los documentos."
        )
        return title + _fields(rng, pairs) + [_checkboxes(rng, ("Urgente", "Para revisar")), notice]
    title = _title(
        rng,
        (
            "Fax Cover Sheet",
            "Facsimile Transmittal",
            "FAX",
            "Confidential Fax",
            "Fax Transmission",
            "Cover Page",
            "fax",
        ),
    )
    pairs = [
        (_pick(rng, ("To", "Attn", "TO")), _pick(rng, PRACTICES + DOCTORS)),
        (_pick(rng, ("From", "FROM", "Sender")), _pick(rng, DOCTORS + PRACTICES)),
        (_pick(rng, ("To Fax", "Recipient Fax", "Fax (to)", "Their Fax")), _phone(rng)),
        (_pick(rng, ("From Fax", "Sender Fax", "Return Fax", "Fax (from)")), _phone(rng)),
        (_pick(rng, ("Phone", "Tel", "Sender Phone")), _phone(rng)),
        ("Date", _date(rng, _recent(rng))),
        (_pick(rng, ("Pages", "Number of pages", "Pages (including cover)", "# of Pages")), pages),
        (
            _pick(rng, ("Re", "Subject", "RE")),
            _pick(
                rng, ("Records", "Lab results", "Referral", "Prior auth", "Refill", "Patient info")
            ),
        ),
    ]
    notice = _pick(
        rng,
        (
            "CONFIDENTIALITY NOTICE: This facsimile contains privileged and confidential "
            "information intended only for the use of the addressee. If you have received this "
            "fax in error, please notify the sender immediately and destroy the documents.",
            "The information contained in this transmission is confidential and protected under "
            "HIPAA. Any review, dissemination or copying by anyone other than the intended "
            "recipient is prohibited. If received in error, call the sender.",
            "PLEASE DELIVER IMMEDIATELY. If you did not receive all pages, please call.",
        ),
    )
    check = _checkboxes(rng, ("Urgent", "For Review", "Please Comment", "Please Reply"))
    lines = title + _fields(rng, pairs) + [check]
    if rng.random() < 0.5:
        lines.append(_pick(rng, ("Comments:", "Message:", "Notes:")))
    return [*lines, notice]


def _referral(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    code, diagnosis = DIAGNOSES[rng.randrange(len(DIAGNOSES))]
    specialty = _pick(rng, SPECIALTIES)
    if lang == "es":
        title = _title(
            rng,
            (
                "Formulario de referido",
                "Solicitud de referencia",
                "Orden de interconsulta",
                "Referido a especialista",
            ),
        )
        pairs = [
            ("Especialidad", specialty),
            ("Médico que refiere", _pick(rng, DOCTORS)),
            ("Referido a", _pick(rng, DOCTORS)),
            ("Diagnóstico", f"{diagnosis} ({code})"),
            ("Motivo del referido", _pick(rng, ("Evaluación y tratamiento", "Segunda opinión"))),
            ("Prioridad", _pick(rng, ("Rutina", "Urgente"))),
            ("Seguro", _pick(rng, PAYERS)),
        ]
        return title + _fields(rng, pairs) + ["Por favor envíe la nota de consulta al médico."]
    if rng.random() < 0.25:
        return _referral_letter(rng, specialty, f"{diagnosis} ({code})")
    title = _title(
        rng,
        (
            "Referral Form",
            "Patient Referral",
            "Referral Request",
            "Consultation Request",
            "Outpatient Referral Order",
            f"Referral to {specialty}",
            "Specialist Referral",
            "Request for Consultation",
        ),
    )
    pairs = [
        (
            _pick(rng, ("Referring Provider", "Referred by", "Ordering Physician")),
            _pick(rng, DOCTORS),
        ),
        (_pick(rng, ("Referred To", "Consultant", "Specialist")), _pick(rng, DOCTORS)),
        (_pick(rng, ("Specialty", "Service Requested", "Department")), specialty),
        (_pick(rng, ("Diagnosis", "Dx", "ICD-10")), f"{code} {diagnosis}"),
        (
            _pick(rng, ("Reason for Referral", "Reason for consult", "Clinical question")),
            _pick(
                rng,
                (
                    "Evaluate and treat",
                    "Please evaluate for surgery",
                    "Second opinion",
                    "Worsening symptoms despite therapy",
                    "Consult only, return to PCP",
                ),
            ),
        ),
        (
            _pick(rng, ("Urgency", "Priority")),
            _pick(rng, ("Routine", "Urgent", "STAT", "Within 2 weeks")),
        ),
        (_pick(rng, ("Insurance", "Payer", "Health Plan")), _pick(rng, PAYERS)),
        (
            _pick(rng, ("Authorization #", "Referral #", "Visits Approved")),
            str(rng.randint(1, 999999)),
        ),
    ]
    extra = _sentences(
        rng,
        (
            "Please send consult notes to the referring provider.",
            "Records and recent labs attached.",
            "Patient has been informed of this referral and will call to schedule.",
            "Number of visits requested: 1 evaluation plus follow up.",
            "Please contact our office with the appointment date.",
        ),
        1,
        3,
    )
    return title + _fields(rng, pairs) + extra


def _referral_letter(rng: random.Random, specialty: str, diagnosis: str) -> list[str]:
    """A referral written as a letter, with no form title at all."""
    return [
        f"Dear {_pick(rng, DOCTORS)},",
        _pick(
            rng,
            (
                f"I am referring the above patient to {specialty} for evaluation of {diagnosis}.",
                f"Thank you for agreeing to see this patient in consultation for {diagnosis}.",
                f"Please evaluate and treat this patient for {diagnosis}; we request a "
                f"{specialty.lower()} consultation.",
            ),
        ),
        *_sentences(rng, CLINICAL_LINES, 1, 3),
        "Please send your consultation note and recommendations to our office.",
        _pick(rng, ("Sincerely,", "Best regards,", "Thank you,")),
        _pick(rng, DOCTORS),
    ]


def _pathology(rng: random.Random) -> list[str]:
    """A narrative pathology report rather than a table of results."""
    site = _pick(rng, ("skin, left forearm", "colon, sigmoid", "gallbladder", "breast, right"))
    return [
        _pick(rng, ("SURGICAL PATHOLOGY REPORT", "Pathology Report", "CYTOLOGY REPORT")),
        f"Specimen: {site}, {_pick(rng, ('biopsy', 'excision', 'polypectomy'))}",
        f"Collected: {_date(rng, _recent(rng))}   Accession: S25-{rng.randint(1000, 99999)}",
        "GROSS DESCRIPTION: Received in formalin, a tan-pink tissue fragment measuring "
        f"{rng.randint(2, 30)} x {rng.randint(2, 20)} mm, entirely submitted.",
        "MICROSCOPIC DESCRIPTION: Sections show "
        + _pick(rng, ("benign mucosa", "chronic inflammation", "a tubular adenoma")),
        "FINAL DIAGNOSIS: "
        + _pick(rng, ("No malignancy identified.", "Tubular adenoma.", "Chronic cholecystitis.")),
        f"Electronically signed by {_pick(rng, DOCTORS)}, pathologist",
    ]


LAB_TESTS = (
    ("Glucose", "mg/dL", 70, 99, 60, 250), ("Sodium", "mmol/L", 136, 145, 128, 150),
    ("Potassium", "mmol/L", 3.5, 5.1, 3.0, 6.0), ("Creatinine", "mg/dL", 0.6, 1.3, 0.5, 3.0),
    ("BUN", "mg/dL", 7, 20, 5, 50), ("Hemoglobin A1c", "%", 4.0, 5.6, 4.5, 12.0),
    ("WBC", "K/uL", 4.5, 11.0, 2.0, 20.0), ("Hemoglobin", "g/dL", 12.0, 17.5, 8.0, 18.0),
    ("Platelets", "K/uL", 150, 400, 80, 600), ("TSH", "uIU/mL", 0.4, 4.0, 0.1, 10.0),
    ("LDL Cholesterol", "mg/dL", 0, 99, 50, 220), ("ALT", "U/L", 7, 56, 5, 200),
    ("Hematocrit", "%", 36, 50, 28, 55), ("Calcium", "mg/dL", 8.5, 10.2, 7.5, 11.5),
)  # fmt: skip


def _lab_report(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    es = lang == "es"
    if not es and rng.random() < 0.2:
        return _pathology(rng)
    title = _title(
        rng,
        ("Informe de laboratorio", "Resultados de laboratorio", "Reporte de laboratorio")
        if es
        else (
            "Laboratory Report",
            "Lab Results",
            "Final Report",
            "Clinical Laboratory Report",
            "Comprehensive Metabolic Panel",
            "Cumulative Lab Report",
            "Test Results",
        ),
    )
    collected = _date(rng, _recent(rng), lang=lang)
    pairs = [
        (
            "Recolectado" if es else _pick(rng, ("Collected", "Collection Date", "Date Collected")),
            collected,
        ),
        ("Recibido" if es else _pick(rng, ("Received", "Reported", "Resulted")), collected),
        (
            "Médico" if es else _pick(rng, ("Ordering Physician", "Ordered By", "Provider")),
            _pick(rng, DOCTORS),
        ),
        (
            "Muestra" if es else _pick(rng, ("Specimen", "Accession #", "Specimen ID")),
            f"{_pick(rng, ('A', 'S', 'LB'))}{rng.randint(10000, 999999)}",
        ),
    ]
    header = (
        "Prueba   Resultado   Unidades   Rango de referencia"
        if es
        else _pick(
            rng,
            (
                "Test   Result   Flag   Units   Reference Range",
                "TEST NAME   RESULT   UNITS   REF RANGE",
                "Component   Value   Ref Range   Units",
                "Analyte   Result   Reference Interval",
            ),
        )
    )
    rows = []
    for name, unit, low, high, lo_draw, hi_draw in rng.sample(list(LAB_TESTS), rng.randint(3, 9)):
        value = rng.uniform(lo_draw, hi_draw)
        flag = "H" if value > high else "L" if value < low else ""
        rows.append(f"{name}   {value:.1f}   {flag}   {unit}   {low}-{high}")
    lab = _pick(
        rng,
        (
            "Quest Diagnostics",
            "LabCorp",
            "Regional Medical Laboratory",
            "Sonic Reference Lab",
            "Laboratorio Clínico Central",
        ),
    )
    footer = _pick(
        rng,
        (
            f"Performed at {lab}. CLIA #{rng.randint(10, 99)}D{rng.randint(1000000, 9999999)}",
            "H = High  L = Low  * = Critical",
            "Results reviewed electronically.",
            f"{lab}  Laboratory Director: {_pick(rng, DOCTORS)}",
        ),
    )
    return [*title, lab, *_fields(rng, pairs), header, *rows, footer]


def _prior_auth(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    drug, strength = DRUGS[rng.randrange(len(DRUGS))]
    code, diagnosis = DIAGNOSES[rng.randrange(len(DIAGNOSES))]
    payer = _pick(rng, PAYERS)
    if lang == "es":
        title = _title(
            rng,
            (
                "Formulario de autorización previa",
                "Solicitud de autorización previa de medicamentos",
                "Precertificación",
            ),
        )
        pairs = [
            ("Plan de salud", payer),
            ("Número de miembro", f"{rng.randint(100000000, 999999999)}"),
            ("Medicamento solicitado", f"{drug} {strength}"),
            ("Diagnóstico", f"{code} {diagnosis}"),
            ("Médico que receta", _pick(rng, DOCTORS)),
            ("NPI", str(rng.randint(1000000000, 1999999999))),
        ]
        text = "¿El paciente ha probado otros medicamentos? Sí / No. Justificación médica:"
        return [payer, *title, *_fields(rng, pairs), text]
    service = _pick(
        rng,
        (
            f"{drug} {strength}",
            "MRI lumbar spine without contrast",
            "CT abdomen/pelvis with contrast",
            "Sleep study",
            "Total knee arthroplasty",
            "Physical therapy 12 visits",
            "Continuous glucose monitor",
        ),
    )
    title = _title(
        rng,
        (
            "Prior Authorization Request Form",
            "Prior Authorization Request",
            "Precertification Request",
            "Pharmacy Prior Authorization",
            "Request for Prior Approval",
            "Pre-Authorization Form",
            "Medication Prior Authorization",
            "Coverage Determination Request",
            "Utilization Management Review Request",
        ),
    )
    pairs = [
        (
            _pick(rng, ("Member ID", "Subscriber ID", "Member #")),
            f"{rng.randint(100000000, 999999999)}",
        ),
        (_pick(rng, ("Health Plan", "Payer", "Plan Name")), payer),
        (
            _pick(
                rng,
                ("Requested Service", "Medication Requested", "Drug Name/Strength", "CPT/HCPCS"),
            ),
            service,
        ),
        (_pick(rng, ("Diagnosis (ICD-10)", "Dx Code", "Diagnosis")), f"{code} {diagnosis}"),
        (
            _pick(rng, ("Prescriber", "Requesting Provider", "Ordering Physician")),
            _pick(rng, DOCTORS),
        ),
        ("NPI", str(rng.randint(1000000000, 1999999999))),
        (_pick(rng, ("Quantity", "Units", "Days supply")), str(rng.randint(1, 90))),
        (_pick(rng, ("Request Type", "Review Type")), _pick(rng, ("Standard", "Expedited/Urgent"))),
    ]
    questions = _sentences(
        rng,
        (
            "Has the patient tried and failed formulary alternatives? Yes / No",
            "List previous medications tried and dates:",
            "Clinical rationale / medical necessity:",
            "Please attach chart notes and relevant lab results.",
            "Incomplete requests will delay the coverage decision.",
            "Fax completed form to the pharmacy benefit manager.",
            "Is this a continuation of therapy? Yes / No",
            f"Step therapy requirement: trial of generic {drug.lower()} alternatives.",
        ),
        2,
        5,
    )
    return [payer, *title, *_fields(rng, pairs), *questions]


def _refill(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    drug, strength = DRUGS[rng.randrange(len(DRUGS))]
    pharmacy = _pick(rng, PHARMACIES)
    if lang == "es":
        title = _title(
            rng,
            (
                "Solicitud de resurtido de receta",
                "Renovación de receta",
                "Solicitud de renovación de medicamento",
            ),
        )
        pairs = [
            ("Farmacia", pharmacy),
            ("Medicamento", f"{drug} {strength}"),
            ("Indicaciones", "Tomar 1 tableta por boca diariamente"),
            ("Cantidad", str(rng.choice((30, 60, 90)))),
            ("Resurtidos restantes", "0"),
            ("Médico", _pick(rng, DOCTORS)),
        ]
        return [pharmacy, *title, *_fields(rng, pairs), "Aprobado ___  Denegado ___  Firma:"]
    if rng.random() < 0.2:
        return [
            _pick(rng, ("RENEWAL REQUEST", "eRx Renewal", "Pharmacy Request")),
            f"{pharmacy} is requesting a renewal of the following prescription:",
            f"{drug} {strength}, #{rng.choice((30, 90))}, "
            f"last filled {_date(rng, _recent(rng))}, 0 refills remaining",
            "Respond: approve with refills ___ / deny (reason) ___ / patient must be seen",
        ]
    title = _title(
        rng,
        (
            "Refill Request",
            "Prescription Refill Request",
            "Rx Renewal Request",
            "Refill Authorization Request",
            "Prescription Renewal",
            "Medication Refill Request",
            "Request for Refill Authorization",
        ),
    )
    pairs = [
        (_pick(rng, ("Pharmacy", "From Pharmacy", "Dispensing Pharmacy")), pharmacy),
        (_pick(rng, ("Pharmacy Phone", "Ph")), _phone(rng)),
        (_pick(rng, ("Drug", "Medication", "Rx", "Drug Prescribed")), f"{drug} {strength}"),
        (
            _pick(rng, ("Sig", "Directions", "SIG")),
            _pick(
                rng,
                (
                    "Take 1 tablet by mouth daily",
                    "1 PO BID",
                    "Inhale 2 puffs q4-6h prn",
                    "Inject weekly as directed",
                ),
            ),
        ),
        (_pick(rng, ("Qty", "Quantity", "Disp")), str(rng.choice((30, 60, 90, 1)))),
        (
            _pick(rng, ("Refills Remaining", "Refills left", "Last Fill Date")),
            _pick(rng, ("0", "0", _date(rng, _recent(rng)))),
        ),
        (_pick(rng, ("Prescriber", "Doctor", "Prescribing Physician")), _pick(rng, DOCTORS)),
        (_pick(rng, ("Rx #", "Prescription #", "Original Rx")), str(rng.randint(1000000, 9999999))),
    ]
    reply = _pick(
        rng,
        (
            "[ ] Approved  Refills: ____   [ ] Denied   [ ] Patient needs appointment",
            "Prescriber response: APPROVE / DENY / NEW RX TO FOLLOW   Signature: ________",
            "Please fax back authorization for additional refills.",
        ),
    )
    return [pharmacy, *title, *_fields(rng, pairs), reply]


def _insurance_card(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    payer = _pick(rng, PAYERS)
    member = f"{_pick(rng, ('', 'XYZ', 'W', 'MBR'))}{rng.randint(100000000, 999999999)}"
    es = lang == "es"
    pairs = [
        (
            "Miembro" if es else _pick(rng, ("Member", "Member Name", "Subscriber", "Name")),
            _name(rng, patient),
        ),
        (
            "ID de miembro" if es else _pick(rng, ("Member ID", "ID", "Subscriber ID", "ID #")),
            member,
        ),
        (
            "Grupo" if es else _pick(rng, ("Group", "Group #", "Group No", "GRP")),
            str(rng.randint(10000, 9999999)),
        ),
        ("RxBIN", str(rng.randint(100000, 999999))),
        ("RxPCN", _pick(rng, ("ADV", "9999", "MEDDPRIME", "WLHC"))),
        ("RxGRP", _pick(rng, ("RX1234", "HUMANA", "OPTUMRX"))),
        (_pick(rng, ("PCP Copay", "Office Visit", "Copago")), _money(rng, 5, 60)),
        (_pick(rng, ("Specialist", "ER", "Urgent Care")), _money(rng, 20, 300)),
        (_pick(rng, ("Plan", "Product", "Network")), _pick(rng, ("PPO", "HMO", "EPO", "POS"))),
    ]
    pick = [pairs[0], *rng.sample(pairs[1:], rng.randint(4, len(pairs) - 1))]
    back = _pick(
        rng,
        (
            f"Member Services {_phone(rng)}   Provider Services {_phone(rng)}",
            "Present this card when you receive care. Possession does not guarantee eligibility.",
            f"Claims: PO Box {rng.randint(100, 99999)}, {_pick(rng, ('Atlanta GA', 'Dallas TX'))}",
            "Servicios para miembros: llame al número en el reverso de esta tarjeta.",
        ),
    )
    return [payer, *_fields(rng, pick), back]


def _eob(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    payer = _pick(rng, PAYERS)
    es = lang == "es"
    title = _title(
        rng,
        ("Explicación de beneficios", "Explicación de Beneficios - Esto no es una factura")
        if es
        else (
            "Explanation of Benefits",
            "Your Explanation of Benefits",
            "EOB",
            "Remittance Advice",
            "Claim Summary",
            "Explanation of Health Care Benefits",
        ),
    )
    not_bill = (
        "ESTO NO ES UNA FACTURA"
        if es
        else _pick(rng, ("THIS IS NOT A BILL", "This is not a bill."))
    )
    pairs = [
        (
            "Reclamo" if es else _pick(rng, ("Claim #", "Claim Number", "Claim ID")),
            str(rng.randint(10**9, 10**10)),
        ),
        (
            "Proveedor"
            if es
            else _pick(rng, ("Provider", "Rendering Provider", "Service Provider")),
            _pick(rng, PRACTICES),
        ),
        (
            "Fecha de servicio" if es else _pick(rng, ("Date of Service", "Service Dates")),
            _date(rng, _recent(rng), lang=lang),
        ),
        ("Miembro" if es else _pick(rng, ("Member", "Patient", "Subscriber")), _name(rng, patient)),
    ]
    header = (
        "Servicio   Cargo   Permitido   Pagado por el plan   Su responsabilidad"
        if es
        else _pick(
            rng,
            (
                "Service   Amount Billed   Allowed Amount   Plan Paid   You Owe",
                "CPT   Billed   Discount   Deductible   Copay   Coinsurance   Paid",
                "Description   Charges   Not Covered   Paid by Plan   Patient Responsibility",
            ),
        )
    )
    rows = [
        f"{_pick(rng, ('99213', '99214', '80053', '71046', '36415', 'Office visit'))}   "
        f"{_money(rng, 40, 900)}   {_money(rng, 20, 400)}   "
        f"{_money(rng, 0, 300)}   {_money(rng, 0, 80)}"
        for _ in range(rng.randint(1, 5))
    ]
    codes = _pick(
        rng,
        (
            "Remark codes: PR-1 Deductible amount. CO-45 Charge exceeds fee schedule.",
            "Appeal rights: you may request a review within 180 days of this notice.",
            "Deductible met to date: " + _money(rng, 0, 3000),
            "Si tiene preguntas sobre este reclamo, llame a Servicios para Miembros.",
        ),
    )
    return [payer, *title, not_bill, *_fields(rng, pairs), header, *rows, codes]


def _records_request(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    requester = _pick(
        rng,
        (
            "Law Offices of Miller & Grant, LLP",
            "Social Security Administration - Disability Determination Services",
            "State Farm Insurance Claims",
            "Veterans Affairs Regional Office",
            "Ciox Health on behalf of Anthem",
            "Workers' Compensation Board",
            "Datavant Records Retrieval",
            "Abogados Hernández y Asociados",
        ),
    )
    if lang == "es":
        title = _title(
            rng,
            (
                "Solicitud de expediente médico",
                "Solicitud de copias de registros médicos",
                "Solicitud de acceso a información médica",
            ),
        )
        body = [
            f"Solicitante: {requester}",
            "Por medio de la presente solicitamos copias del expediente médico del paciente "
            "indicado, incluyendo notas, resultados y facturas del "
            f"{_date(rng, _recent(rng), lang='es')} a la fecha.",
            "Se adjunta autorización firmada. Envíe los registros por fax o correo.",
        ]
        return title + body
    if rng.random() < 0.25:
        return _records_request_letter(rng, requester)
    title = _title(
        rng,
        (
            "Request for Medical Records",
            "Medical Records Request",
            "Records Request",
            "Subpoena Duces Tecum - Records",
            "Request for Copies of Health Information",
            "Patient Request for Access to Health Information",
            "Request for Records",
        ),
    )
    period = f"{_date(rng, _recent(rng))} to present"
    body = [
        _pick(rng, ("Requesting party:", "From:", "Requestor:")) + " " + requester,
        _pick(
            rng,
            (
                f"Please provide copies of all medical records for the above patient for {period}.",
                "We request complete records including office notes, test results, imaging "
                "reports and itemized billing.",
                "Pursuant to the enclosed signed authorization, kindly forward certified copies "
                "of the records listed below.",
            ),
        ),
        _checkboxes(
            rng, ("Office notes", "Lab results", "Imaging", "Billing records", "All records")
        ),
        _pick(
            rng,
            (
                "Records may be sent via fax or secure email.",
                "A HIPAA-compliant authorization is enclosed.",
                f"Our file/claim number: {rng.randint(10000, 999999)}",
                "Please invoice us for any copying fees allowed by law.",
            ),
        ),
        _pick(
            rng,
            (
                "Format requested: paper / electronic (CD) / patient portal",
                f"Deliver to: {requester}",
                "Date needed by: within 30 days",
            ),
        ),
    ]
    return title + body


def _records_request_letter(rng: random.Random, requester: str) -> list[str]:
    """A third party's request written as a letter: no form title, a letter's words."""
    return [
        _pick(rng, ("Dear Custodian of Records:", "To Whom It May Concern:", "Dear Sir or Madam:")),
        _pick(
            rng,
            (
                "This office represents the above-named individual. Please forward copies of "
                "all medical and billing records in your possession.",
                "We are evaluating a claim for the above patient and ask that you send your "
                "treatment records, including office notes and test results.",
                "Enclosed is a signed authorization. Kindly provide the records listed below "
                "at your earliest convenience.",
            ),
        ),
        _pick(
            rng,
            (
                f"Please remit your invoice for copying charges to {requester}.",
                "If there is a charge for this service, please contact our office first.",
                "Thank you for your prompt attention to this request.",
            ),
        ),
        _pick(rng, ("Sincerely,", "Very truly yours,", "Regards,")),
        requester,
    ]


def _intake(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    if lang == "es":
        title = _title(
            rng,
            (
                "Formulario de registro del paciente",
                "Información del paciente nuevo",
                "Cuestionario de historia médica",
            ),
        )
        pairs = [
            ("Nombre", _blank(rng)),
            ("Dirección", _blank(rng)),
            ("Teléfono", _blank(rng)),
            ("Contacto de emergencia", _blank(rng)),
            ("Seguro médico", _blank(rng)),
            ("Alergias", _blank(rng)),
            ("Medicamentos actuales", _blank(rng)),
        ]
        history = _checkboxes(rng, ("Diabetes", "Presión alta", "Asma", "Cáncer", "Depresión"))
        return title + _fields(rng, pairs) + ["Historia médica:", history]
    title = _title(
        rng,
        (
            "New Patient Registration",
            "Patient Registration Form",
            "New Patient Intake Form",
            "Patient Information Form",
            "Medical History Questionnaire",
            "Health History Form",
            "Welcome to our practice",
            "Patient Demographics",
        ),
    )
    pairs = [
        (_pick(rng, ("Address", "Home Address", "Street")), _blank(rng)),
        (_pick(rng, ("Home Phone", "Cell Phone", "Phone")), _blank(rng)),
        (_pick(rng, ("Emergency Contact", "In case of emergency notify")), _blank(rng)),
        (_pick(rng, ("Primary Insurance", "Insurance Carrier")), _blank(rng)),
        (_pick(rng, ("Employer", "Occupation")), _blank(rng)),
        (_pick(rng, ("Marital Status", "Preferred Language", "Race/Ethnicity")), _blank(rng)),
        (_pick(rng, ("Pharmacy", "Preferred Pharmacy")), _blank(rng)),
        (_pick(rng, ("Allergies", "Drug Allergies")), _blank(rng)),
        (_pick(rng, ("Current Medications", "Medications")), _blank(rng)),
        (_pick(rng, ("Reason for visit", "Chief concern")), _blank(rng)),
    ]
    history = _checkboxes(
        rng,
        _sentences(
            rng,
            (
                "Diabetes",
                "High blood pressure",
                "Asthma",
                "Heart disease",
                "Cancer",
                "Depression",
                "Stroke",
                "Thyroid disease",
                "Kidney disease",
                "Smoking",
                "Alcohol use",
            ),
            4,
            8,
        ),
    )
    closing = _pick(
        rng,
        (
            "I certify the above information is correct. Signature of patient or guardian:",
            "Please bring your insurance card and photo ID to your first visit.",
            "Family history: Mother ____ Father ____ Siblings ____",
        ),
    )
    return (
        title
        + _fields(rng, pairs)
        + ["Past medical history (check all that apply):", history, closing]
    )


def _authorization(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    if lang == "es":
        title = _title(
            rng,
            (
                "Autorización para divulgar información médica",
                "Autorización para el uso y divulgación de información de salud",
            ),
        )
        return [
            *title,
            "Autorizo a divulgar mi información médica protegida a la persona indicada abajo.",
            "Esta autorización vence en la fecha: ________. Puedo revocarla por escrito.",
            "Firma del paciente o representante legal: ____________",
        ]
    title = _title(
        rng,
        (
            "Authorization for Release of Protected Health Information",
            "HIPAA Authorization",
            "Authorization to Use and Disclose Health Information",
            "Consent to Release Medical Information",
        ),
    )
    return [
        *title,
        "I authorize the release of my health information to the person or organization below.",
        _checkboxes(rng, ("Entire record", "Lab results", "Imaging", "Mental health notes")),
        "This authorization expires on ________. I may revoke it in writing at any time.",
        "Signature of patient or legal representative: ______________   Date: ______",
    ]


# Short clinical notes, for documents with headers the patient bench needs; not used in training.
NOTE_LINES: dict[str, tuple[str, ...]] = {
    "imaging_report": ("RADIOLOGY REPORT", "EXAM: Chest x-ray, two views", "FINDINGS: Lungs clear.",
                       "IMPRESSION: No acute cardiopulmonary process."),
    "consult_note": ("CONSULTATION", "REASON FOR CONSULTATION: Chest pain.",
                     "HISTORY OF PRESENT ILLNESS: Intermittent pain for two weeks.",
                     "ASSESSMENT AND PLAN: Stress test; follow up in clinic."),
    "progress_note": ("OFFICE VISIT", "SUBJECTIVE: Feeling better.", "OBJECTIVE: BP 128/80.",
                      "ASSESSMENT: Hypertension, controlled.", "PLAN: Continue lisinopril."),
    "discharge_summary": ("DISCHARGE SUMMARY", "ADMISSION DIAGNOSIS: Pneumonia.",
                          "HOSPITAL COURSE: Treated with IV antibiotics, improved.",
                          "DISCHARGE MEDICATIONS: Amoxicillin.", "FOLLOW UP: PCP in one week."),
    "operative_report": ("OPERATIVE REPORT", "PREOPERATIVE DIAGNOSIS: Cholelithiasis.",
                         "PROCEDURE: Laparoscopic cholecystectomy.", "ANESTHESIA: General.",
                         "ESTIMATED BLOOD LOSS: Minimal."),
    "ed_note": ("EMERGENCY DEPARTMENT REPORT", "CHIEF COMPLAINT: Fall.",
                "ED COURSE: X-ray negative, pain controlled.", "DISPOSITION: Discharged home."),
    "correspondence": ("Dear Dr. Reyes,", "Thank you for referring this patient to our clinic.",
                       "I saw her today and agree with your plan.", "Sincerely,"),
    "other": ("NOTICE OF PRIVACY PRACTICES ACKNOWLEDGEMENT",
              "I acknowledge that I received the notice of privacy practices.", "Signature:"),
}  # fmt: skip


def _note(doc_type: str) -> Builder:
    def build(rng: random.Random, patient: Patient, lang: str) -> list[str]:
        return list(NOTE_LINES[doc_type])

    return build


BUILDERS: dict[str, Builder] = {
    "fax_cover_sheet": _fax_cover,
    "referral": _referral,
    "lab_report": _lab_report,
    "prior_authorization": _prior_auth,
    "rx_refill_request": _refill,
    "insurance_card": _insurance_card,
    "eob": _eob,
    "records_request": _records_request,
    "intake_form": _intake,
    "authorization": _authorization,
    **{doc_type: _note(doc_type) for doc_type in NOTE_LINES},
}
assert set(BUILDERS) == set(DOC_TYPES)

# Where the patient header goes: cover sheets and cards carry none of their own.
NO_HEADER = frozenset({"fax_cover_sheet"})
SPANISH_RATE = 0.2


def _typo(rng: random.Random, line: str, rate: float) -> str:
    """OCR-like damage: a few characters swapped for look-alikes or dropped."""
    if rate <= 0:
        return line
    swaps = {"l": "1", "O": "0", "o": "0", "i": "l", "e": "c", "S": "5", "rn": "m", "B": "8"}
    out = []
    for char in line:
        roll = rng.random()
        if roll < rate / 2:
            out.append(swaps.get(char, char))
        elif roll < rate * 0.6:
            continue
        else:
            out.append(char)
    return "".join(out)


# Lines any kind of office paper may carry, so that no single word gives a type away.
SHARED_LINES: tuple[str, ...] = (
    "Please fax the completed form back to our office.",
    "Signature: ______________________   Date: ____________",
    "FOR OFFICE USE ONLY   Reviewed by: ______",
    "Insurance: {payer}   Member ID: {number}",
    "Current medications: {drug}",
    "Diagnosis: {diagnosis}",
    "Provider: {doctor}   NPI: {number}",
    "If you have questions, please call {phone}.",
    "This communication contains protected health information. Handle per HIPAA.",
    "Attached: office notes, medication list and recent lab results.",
    "Pharmacy: {pharmacy}",
    "Patient was seen in clinic on {date} for follow-up.",
    "Por favor envíe este formulario por fax a nuestra oficina.",
    "Firma: ____________________   Fecha: __________",
)
CLINICAL_LINES: tuple[str, ...] = (
    "History: 58-year-old with worsening symptoms over three months despite therapy.",
    "Exam: alert, oriented, lungs clear, regular rate and rhythm, no edema.",
    "Assessment: condition not controlled on current regimen.",
    "Plan: continue current medications, follow up in four weeks.",
    "Allergies: penicillin (rash).",
    "Vitals: BP 142/88, HR 76, BMI 31.",
    "Recent labs reviewed; A1c 8.2%, creatinine 1.1.",
    "Imaging: MRI showed moderate degenerative changes.",
)


# Lines that borrow another type's words, as real paper does: a records request encloses an
# authorization, a registration form asks the patient to authorize billing, a cover sheet's subject
# names what follows. They keep the generated set from being separable by one keyword.
CONFUSABLE_LINES: dict[str, tuple[str, ...]] = {
    "records_request": (
        "A signed authorization for release of information is enclosed.",
        "This request is made pursuant to the patient's HIPAA authorization dated {date}.",
        "Please include referral letters, consultation notes and lab results.",
        "Attention: Custodian of Records / Release of Information Department",
    ),
    "referral": (
        "Prior authorization number: {number}   Visits approved: 3",
        "Please fax your consultation note and any lab results back to {phone}.",
        "Member ID: {number}   Health Plan: {payer}",
        "Medications: {drug}. Pharmacy: {pharmacy}",
    ),
    "prior_authorization": (
        "Referral on file with PCP: Yes / No",
        "Attach chart notes, lab results and imaging reports supporting the request.",
        "Pharmacy: {pharmacy}   Refills requested: 3",
        "Fax completed form to {phone}. Incomplete requests will be returned.",
    ),
    "rx_refill_request": (
        "Prior authorization may be required by the patient's plan.",
        "Insurance: {payer}   Member ID: {number}",
        "Last office visit: {date}   Last lab results: {date}",
        "Please sign and fax back to the pharmacy.",
    ),
    "lab_report": (
        "Referring physician: {doctor}   Copy to: {doctor}",
        "Insurance: {payer}   Member ID: {number}",
        "Fax results to ordering provider at {phone}.",
    ),
    "eob": (
        "Member ID: {number}   Group: {number}",
        "Prior authorization was not obtained for this service.",
        "Provider: {doctor}   Referral: not required",
        "Pharmacy claim processed by {pharmacy}.",
    ),
    "insurance_card": (
        "Prior authorization required for inpatient admission.",
        "Pharmacy help desk: {phone}",
        "Send claims to: PO Box {number}",
    ),
    "intake_form": (
        "I authorize the release of any medical information necessary to process my claims.",
        "Referring physician: __________   Primary care physician: __________",
        "Preferred pharmacy: __________   Insurance member ID: __________",
        "I request that copies of my records be sent to my primary care physician.",
    ),
    "fax_cover_sheet": (
        "RE: Records request - signed authorization attached",
        "Attached please find the referral and recent lab results.",
        "Prior authorization request for {drug} enclosed.",
        "Please review the attached refill request and fax back.",
    ),
    "authorization": (
        "Records requested: office notes, lab results, imaging reports.",
        "Purpose of the request: continuity of care / legal / insurance / personal.",
        "Fax completed form to the Release of Information Department at {phone}.",
    ),
}


def _confusable_lines(rng: random.Random, doc_type: str) -> list[str]:
    options = CONFUSABLE_LINES.get(doc_type, ())
    if not options or rng.random() < 1.0 - _STYLE.get().confusable_rate:
        return []
    values = _fill_values(rng)
    return [line.format(**values) for line in _sentences(rng, options, 1, 2)]


def _fill_values(rng: random.Random) -> dict[str, str]:
    code, diagnosis = DIAGNOSES[rng.randrange(len(DIAGNOSES))]
    drug, strength = DRUGS[rng.randrange(len(DRUGS))]
    return {
        "payer": _pick(rng, PAYERS),
        "number": str(rng.randint(100000, 999999999)),
        "drug": f"{drug} {strength}",
        "diagnosis": f"{code} {diagnosis}",
        "doctor": _pick(rng, DOCTORS),
        "phone": _phone(rng),
        "pharmacy": _pick(rng, PHARMACIES),
        "date": _date(rng, _recent(rng)),
    }


def _mixed_layout(rng: random.Random, lines: list[str]) -> list[str]:
    """How text extraction lays a page out: two columns on one line, wrapped or split fields."""
    style = rng.random() * STANDARD.layout_rate / _STYLE.get().layout_rate
    if style < 0.25:  # two columns side by side, as ``pdftotext -layout`` keeps them
        out: list[str] = []
        i = 0
        while i < len(lines):
            if i + 1 < len(lines) and rng.random() < 0.5 and len(lines[i]) < 60:
                out.append(f"{lines[i]}{' ' * rng.randint(3, 12)}{lines[i + 1]}")
                i += 2
            else:
                out.append(lines[i])
                i += 1
        return out
    if style < 0.45:  # narrow columns: long lines wrapped at a word
        width = rng.randint(28, 50)
        wrapped: list[str] = []
        for line in lines:
            words, current = line.split(" "), ""
            for word in words:
                if current and len(current) + len(word) > width:
                    wrapped.append(current)
                    current = word
                else:
                    current = f"{current} {word}" if current else word
            wrapped.append(current)
        return wrapped
    return lines


def _ocr_words(rng: random.Random, line: str, rate: float) -> str:
    """OCR damage between words: a word split in two, two words run together, stray marks."""
    if rate <= 0:
        return line
    words = line.split(" ")
    out: list[str] = []
    for word in words:
        roll = rng.random()
        if roll < rate and len(word) > 5:
            cut = rng.randint(2, len(word) - 2)
            out.append(f"{word[:cut]} {word[cut:]}")
        elif roll < 2 * rate and out:
            out[-1] += word
        elif roll < 2.5 * rate:
            out.append(_pick(rng, ("|", "~", "'", ".", ",,", "_")) + word)
        else:
            out.append(word)
    return " ".join(out)


def _shared_lines(rng: random.Random, count: int) -> list[str]:
    code, diagnosis = DIAGNOSES[rng.randrange(len(DIAGNOSES))]
    drug, strength = DRUGS[rng.randrange(len(DRUGS))]
    values = {
        "payer": _pick(rng, PAYERS),
        "number": str(rng.randint(100000, 999999999)),
        "drug": f"{drug} {strength}",
        "diagnosis": f"{code} {diagnosis}",
        "doctor": _pick(rng, DOCTORS),
        "phone": _phone(rng),
        "pharmacy": _pick(rng, PHARMACIES),
        "date": _date(rng, _recent(rng)),
    }
    pool = list(SHARED_LINES) + list(CLINICAL_LINES)
    return [line.format(**values) for line in rng.sample(pool, count)]


def _with_noise_lines(rng: random.Random, body: list[str]) -> list[str]:
    """``body`` with a few shared lines put in among its lines (never before its first line)."""
    out = list(body)
    for line in _shared_lines(rng, rng.choice((0, 1, 2, 3, 4))):
        out.insert(rng.randint(1, max(1, len(out))), line)
    return out


def generate_lines(
    rng: random.Random,
    doc_type: str,
    patient: Patient | None = None,
    *,
    lang: str | None = None,
    noise: bool = True,
) -> list[str]:
    """The lines of one made-up document of ``doc_type``, with a patient header where it fits.

    ``lang`` is "en" or "es" (None: Spanish one time in five); ``noise=False`` leaves out the
    OCR-like character damage some documents otherwise carry.
    """
    if doc_type not in BUILDERS:
        raise ValueError(f"unknown document type {doc_type!r}; expected one of {DOC_TYPES}")
    patient = patient or random_patient(rng)
    if lang is None:
        lang = "es" if rng.random() < SPANISH_RATE else "en"
    body = BUILDERS[doc_type](rng, patient, lang)
    if doc_type in TRAINING_TYPES or doc_type == "authorization":
        body = _with_noise_lines(rng, body)
        for line in _confusable_lines(rng, doc_type):
            body.insert(rng.randint(1, max(1, len(body))), line)
    lines: list[str] = []
    if rng.random() < 0.35:
        lines.append(_fax_banner(rng))
    if rng.random() < 0.7 and doc_type not in ("insurance_card",):
        lines.extend(_letterhead(rng))
    if doc_type in NO_HEADER or doc_type == "insurance_card":
        lines.extend(body)
    else:
        header = header_block(rng, patient, lang)
        # Title first, then the header; or the header above the title as EHR banners do.
        if body and rng.random() < 0.7:
            lines.extend([body[0], *header, *body[1:]])
        else:
            lines.extend([*header, *body])
    if rng.random() < 0.3:
        lines.append(f"Page 1 of {rng.randint(1, 3)}")
    lines = _mixed_layout(rng, lines)
    rate = rng.choice(_STYLE.get().noise_rates)
    if not noise:
        return lines
    return [_ocr_words(rng, _typo(rng, line, rate), rate / 2) for line in lines]


def generate_document(
    rng: random.Random,
    doc_type: str,
    patient: Patient | None = None,
    *,
    noise: bool = True,
    style: Style = STANDARD,
) -> str:
    """The text of one made-up document of ``doc_type`` about ``patient`` (or a made-up one)."""
    token = _STYLE.set(style)
    try:
        return "\n".join(generate_lines(rng, doc_type, patient, noise=noise))
    finally:
        _STYLE.reset(token)


def generate_corpus(seed: int, per_type: int, *, style: Style = STANDARD) -> list[tuple[str, str]]:
    """``(text, doc_type)`` pairs, ``per_type`` of each training type, from one seed."""
    rng = random.Random(seed)
    return [
        (generate_document(rng, doc_type, style=style), doc_type)
        for doc_type in TRAINING_TYPES
        for _ in range(per_type)
    ]
