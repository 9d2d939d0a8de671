"""Referral forms and referral letters.

Most referral forms a practice receives are the receiving practice's own printed form, filled in
by hand or sent blank: section headings (referring provider, patient, referral details, insurance),
labels with rules or nothing after them, a check-box list of the services that practice offers,
urgency boxes. ``_referral_form`` writes those, for many kinds of practice, in English and Spanish;
``_referral`` the EHR's filled referral order and the referral letter.
"""

from __future__ import annotations

import random

from recordroom.core import Patient
from training.generate.common import (
    DIAGNOSES,
    DOCTORS,
    PAYERS,
    SPECIALTIES,
    _checkboxes,
    _fields,
    _pick,
    _sentences,
    _title,
)
from training.generate.damage import CLINICAL_LINES

BLANK_FORM_RATE = 0.45


def _referral(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    if rng.random() < BLANK_FORM_RATE:
        return _referral_form(rng, lang)
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


# What the receiving practice offers, as its form's check-box list: (specialty, services).
PRACTICE_SERVICES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Pulmonary & Sleep", ("Pulmonary Medicine", "Sleep Medicine", "COPD / Asthma",
                           "Pulmonary Hypertension", "Lung nodule", "Sleep study")),
    ("Behavioral Health", ("Anxiety/Panic", "Depression/Mood", "ADHD Evaluation",
                           "Medication Management", "PTSD/Trauma", "Substance Use", "Therapy")),
    ("Oral & Maxillofacial Surgery", ("Extractions", "Dental Implants", "Bone Graft", "Biopsy",
                                      "TMJ Disorders", "Impacted teeth", "Orthognathic Surgery")),
    ("Orthodontics", ("Crowding / spacing", "Overbite", "Crossbite", "Open bite",
                      "Phase I evaluation", "Impacted teeth")),
    ("Pediatric Therapy", ("Physical Therapy", "Occupational Therapy", "Speech Therapy",
                           "Feeding Therapy", "Early Intervention", "Parent Training")),
    ("Cardiology", ("Chest pain", "Arrhythmia", "Heart failure", "Echocardiogram",
                    "Stress test", "Holter monitor", "Pre-operative clearance")),
    ("Gastroenterology", ("Colonoscopy", "EGD", "GERD", "Abnormal LFTs", "IBD", "GI bleed")),
    ("Dermatology", ("Skin lesion", "Mohs surgery", "Rash", "Acne", "Psoriasis", "Biopsy")),
    ("Orthopedics", ("Fracture", "Joint pain", "Sports injury", "Spine", "Hand",
                     "Joint injection")),
    ("Home Health & Support", ("Personal care", "Nursing", "Respite", "Community access",
                               "Wound care", "Medication management")),
    ("Acupuncture & Integrative", ("Ear acupuncture", "Chronic pain", "Headache", "Nausea",
                                   "Stress", "Addiction recovery")),
    ("Physical Therapy", ("Evaluate and treat", "Post-op rehab", "Gait training", "Vestibular",
                          "Pelvic floor", "Aquatic therapy")),
)  # fmt: skip
SERVICIOS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Cardiología", ("Dolor de pecho", "Arritmia", "Ecocardiograma", "Prueba de esfuerzo")),
    ("Salud mental", ("Ansiedad", "Depresión", "Evaluación de TDAH", "Manejo de medicamentos")),
    ("Terapia pediátrica", ("Terapia física", "Terapia ocupacional", "Terapia del habla")),
    ("Gastroenterología", ("Colonoscopía", "Endoscopía", "Reflujo", "Dolor abdominal")),
    ("Ortopedia", ("Fractura", "Dolor articular", "Columna", "Lesión deportiva")),
)  # fmt: skip


URGENCIES = (
    ("Routine", "Urgent", "STAT"),
    ("Routine", "Within 1 month", "Urgent - please call"),
    ("Routine", "Urgent", "Expedited"),
)


def _line(rng: random.Random, label: str) -> str:
    """A printed label with a rule, a box or nothing after it, as a blank form has."""
    return label + _pick(rng, (": ________________", ":___________", "  ", ":", " *", ""))


def _referral_form(rng: random.Random, lang: str) -> list[str]:
    """A practice's own referral form, blank or barely filled: sections, labels, check boxes."""
    if lang == "es":
        specialty, services = SERVICIOS[rng.randrange(len(SERVICIOS))]
        sections = [
            [
                "Información del médico que refiere",
                *(
                    _line(rng, label)
                    for label in ("Nombre del médico", "NPI", "Clínica", "Teléfono", "Fax")
                ),
            ],
            [
                "Información del paciente",
                *(
                    _line(rng, label)
                    for label in ("Nombre", "Fecha de nacimiento", "Teléfono", "Seguro médico")
                ),
            ],
            [
                "Detalles del referido",
                _line(rng, "Motivo del referido"),
                _line(rng, "Diagnóstico / Código CIE-10"),
                "Servicio solicitado: " + _checkboxes(rng, services),
                "Urgencia: " + _checkboxes(rng, ("Rutina", "Urgente", "Lo antes posible")),
            ],
        ]
        title = _title(
            rng,
            (
                f"Formulario de referido - {specialty}",
                "Formulario de referido",
                "Hoja de referencia",
                f"Referido a {specialty}",
                "Solicitud de referido",
            ),
        )
        closing = _pick(
            rng,
            (
                "Envíe este formulario por fax junto con las notas clínicas y la lista de "
                "medicamentos.",
                "Nos comunicaremos con el paciente en 2 a 3 días hábiles para programar la cita.",
                "Firma del médico que refiere: ____________  Fecha: ________",
            ),
        )
        rng.shuffle(sections)
        return [*title, *(line for section in sections for line in section), closing]
    specialty, services = PRACTICE_SERVICES[rng.randrange(len(PRACTICE_SERVICES))]
    title = _title(
        rng,
        (
            "Referral Form",
            f"{specialty} Referral Form",
            f"{specialty.split(' ')[0].upper()} REFERRAL",
            "Initial Referral Form",
            "Online Referral Form",
            "New Patient Referral",
            "Participant Referral Form",
            "Provider Referral Form",
            "Referral",
            "Physician Referral Form",
        ),
    )
    referrer = [
        _pick(
            rng,
            (
                "Referring Provider Information",
                "REFERRING DOCTOR / PRACTICE",
                "1. Referrer details",
                "Referred by",
                "Your Name/Organization",
            ),
        ),
        *(
            _line(rng, label)
            for label in rng.sample(
                (
                    "Provider Name",
                    "NPI Number",
                    "Practice Name",
                    "Clinic / Hospital",
                    "Office Phone",
                    "Practice Fax",
                    "Email",
                    "Organisation / role",
                    "Preferred contact method",
                ),
                rng.randint(3, 6),
            )
        ),
    ]
    person = _pick(rng, ("Patient", "Client", "Participant", "Patient / Client"))
    patient = [
        f"{person} Information",
        *(
            _line(rng, label)
            for label in rng.sample(
                (
                    f"{person} Name",
                    "Date of Birth",
                    "Gender",
                    "Phone",
                    "Address",
                    "Parent / Guardian Name",
                    "Language Preference",
                    "Insurance Provider",
                    "Member ID",
                ),
                rng.randint(3, 7),
            )
        ),
    ]
    details = [
        _pick(rng, ("Referral Details", "REASON FOR REFERRAL", "Supports requested", "Referral")),
        _line(rng, _pick(rng, ("Reason for Referral", "Reason for referral / goals", "Concern"))),
        _line(rng, _pick(rng, ("Diagnosis (if known)", "Diagnosis / ICD-10 Code(s)", "Dx"))),
        _pick(
            rng, ("Requested Specialty", "Service requested (check one)", "Recommended Treatment")
        )
        + "  "
        + _checkboxes(rng, rng.sample(services, rng.randint(3, len(services)))),
        _pick(rng, ("Urgency", "Urgency Level", "Priority"))
        + "  "
        + _checkboxes(rng, URGENCIES[rng.randrange(len(URGENCIES))]),
        _line(rng, _pick(rng, ("Clinical Notes / Additional Information", "Comments"))),
    ]
    sections = [referrer, patient, details]
    rng.shuffle(sections)
    closings = _sentences(
        rng,
        (
            "Please fax this form with recent office notes and imaging to our office.",
            "We will contact the patient within 24-48 business hours to schedule.",
            "Please give this completed form to the patient to bring to the first appointment.",
            "The patient has consented to this referral and to being contacted by our office.",
            "Radiographs:  Enclosed   With patient   Emailed",
            "Referring provider signature: ______________   Date: ________",
            "Please email the completed slip to our office.",
        ),
        1,
        3,
    )
    return [*title, *(line for section in sections for line in section), *closings]
