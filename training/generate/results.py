"""Laboratory and pathology reports."""

from __future__ import annotations

import random

from recordroom.core import Patient
from training.generate.common import DOCTORS, _date, _fields, _pick, _recent, _title


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
