"""Payer paperwork: prior-authorization forms, insurance cards, explanations of benefits."""

from __future__ import annotations

import random

from recordroom.core import Patient
from training.generate.common import (
    DIAGNOSES,
    DOCTORS,
    DRUGS,
    PAYERS,
    PRACTICES,
    _date,
    _fields,
    _money,
    _name,
    _pick,
    _recent,
    _sentences,
    _title,
)
from training.generate.paperwork import _pa_questionnaire, _remittance

# Shares of prior authorizations written as a drug questionnaire, and of EOBs as a remittance.
QUESTIONNAIRE_RATE = 0.5
REMITTANCE_RATE = 0.4


def _prior_auth(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    if rng.random() < QUESTIONNAIRE_RATE:
        return _pa_questionnaire(rng, patient, lang)
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


def _eob(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    if rng.random() < REMITTANCE_RATE:
        return _remittance(rng, patient, lang)
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
