"""Referral forms and referral letters."""

from __future__ import annotations

import random

from recordroom.core import Patient
from training.generate.common import (
    DIAGNOSES,
    DOCTORS,
    PAYERS,
    SPECIALTIES,
    _fields,
    _pick,
    _sentences,
    _title,
)
from training.generate.damage import CLINICAL_LINES


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
