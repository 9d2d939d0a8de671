"""Registration and history questionnaires."""

from __future__ import annotations

import random

from recordroom.core import Patient
from training.generate.common import _blank, _checkboxes, _fields, _pick, _sentences, _title


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
