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


GRID_LAYOUT_RATE = 0.5  # of lab reports, one of the result-grid layouts below


def _lab_report(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    es = lang == "es"
    if not es and rng.random() < 0.2:
        return _pathology(rng)
    if rng.random() < GRID_LAYOUT_RATE:
        return _lab_grid(rng, lang)
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


LABS = (
    "Quest Diagnostics", "LabCorp", "Regional Medical Laboratory", "Sonic Reference Lab",
    "Laboratorio Clínico Central", "BioReference Laboratories", "ARUP Laboratories",
    "Hospital Core Laboratory", "Mayo Clinic Laboratories",
)  # fmt: skip
PANELS = (
    "CBC With Differential/Platelet", "Comp. Metabolic Panel (14)", "Lipid Panel",
    "Basic Metabolic Panel", "Hemoglobin A1c", "TSH", "Urinalysis, Complete",
    "Hepatic Function Panel",
)  # fmt: skip
URINALYSIS = (
    ("Color", "Yellow", "Yellow"), ("Appearance", "Cloudy", "Clear"),
    ("Specific Gravity", "1.021", "1.005-1.030"), ("pH", "6.0", "5.0-7.5"),
    ("Protein", "Trace", "Negative"), ("Glucose", "Negative", "Negative"),
    ("Ketones", "Negative", "Negative"), ("Blood", "1+", "Negative"),
    ("Leukocyte Esterase", "Negative", "Negative"), ("Nitrite", "Negative", "Negative"),
)  # fmt: skip


def _value(
    rng: random.Random, test: tuple[str, str, float, float, float, float]
) -> tuple[str, str]:
    """A drawn value and its flag (H, L or nothing) against the reference range."""
    _name, _unit, low, high, lo_draw, hi_draw = test
    value = rng.uniform(lo_draw, hi_draw)
    flag = "H" if value > high else "L" if value < low else ""
    return f"{value:.1f}", flag


def _lab_grid(rng: random.Random, lang: str) -> list[str]:
    """Result grids in the layouts labs print: flag column, in/out-of-range columns, cumulative
    columns by date, qualitative urinalysis; English or Spanish."""
    es = lang == "es"
    lab = _pick(rng, LABS)
    tests = rng.sample(list(LAB_TESTS), rng.randint(4, 10))
    layout = rng.randrange(5)
    words = {
        "H": _pick(rng, ("A", "ALTO")) if es else _pick(rng, ("H", "High", "HI")),
        "L": _pick(rng, ("B", "BAJO")) if es else _pick(rng, ("L", "Low", "LO")),
        "": "",
    }
    rows: list[str] = []
    if layout == 0:
        header = (
            "PRUEBA   RESULTADO   INDICADOR   UNIDADES   VALORES DE REFERENCIA   LAB"
            if es
            else "TESTS   RESULT   FLAG   UNITS   REFERENCE INTERVAL   LAB"
        )
        for test in tests:
            value, flag = _value(rng, test)
            rows.append(
                f"{test[0]}   {value}   {words[flag]}   {test[1]}   {test[2]}-{test[3]}   01"
            )
    elif layout == 1:
        header = (
            "Prueba   Dentro del rango   Fuera del rango   Rango de referencia   Lab"
            if es
            else "Test Name   In Range   Out Of Range   Reference Range   Lab"
        )
        for test in tests:
            value, flag = _value(rng, test)
            placed = f"{value}   " if not flag else f"   {value} {words[flag]}"
            rows.append(f"{test[0]}   {placed}   {test[2]}-{test[3]} {test[1]}   {lab[:2].upper()}")
    elif layout == 2:
        dates = [_date(rng, _recent(rng), lang=lang) for _ in range(rng.randint(2, 4))]
        header = (
            f"{'Prueba' if es else 'Component'}   "
            + "   ".join(dates)
            + ("   Rango" if es else "   Ref Range")
        )
        for test in tests:
            cells: list[str] = []
            for _ in dates:
                value, flag = _value(rng, test)
                cells.append(f"{value} {words[flag]}".strip())
            rows.append(f"{test[0]}   " + "   ".join(cells) + f"   {test[2]}-{test[3]}")
    elif layout == 3:
        header = (
            "Examen general de orina   Resultado   Referencia"
            if es
            else _pick(rng, ("URINALYSIS   Result   Reference", "Urinalysis, Complete"))
        )
        for name, value, ref in rng.sample(URINALYSIS, rng.randint(5, len(URINALYSIS))):
            flag = " A" if es and value != ref and not ref[0].isdigit() else ""
            if not es and value != ref and not ref[0].isdigit():
                flag = _pick(rng, (" Abnormal", " A", " *"))
            rows.append(f"{name}   {value}{flag}   {ref}")
    else:
        header = _pick(
            rng,
            (
                "Test   Result   Units   Range   Status",
                "ANALYTE   VALUE   UNITS   NORMAL RANGE",
            ),
        )
        for test in tests:
            value, flag = _value(rng, test)
            mark = _pick(rng, ("*", "!", words[flag])) if flag else ""
            rows.append(
                f"{test[0]}{mark and ' ' + mark}   {value}   {test[1]}   ({test[2]}-{test[3]})   F"
            )
    top = [
        lab,
        *_title(
            rng,
            ("Informe de resultados", "Resultados de laboratorio", "Reporte final")
            if es
            else ("Patient Report", "Final Report", "Lab Results", "Results Report"),
        ),
    ]
    collected = (
        "Fecha de recolección"
        if es
        else _pick(rng, ("Date Collected", "Collected", "Specimen Collected"))
    )
    physician = (
        "Médico que ordena" if es else _pick(rng, ("Ordering Physician", "Physician", "Provider"))
    )
    info = [
        f"{collected}: {_date(rng, _recent(rng), lang=lang)}",
        f"{physician}: {_pick(rng, DOCTORS)}",
        f"{'Estado' if es else 'Report Status'}: Final",
        f"{'Pruebas ordenadas' if es else 'Tests Ordered'}: "
        + "; ".join(rng.sample(PANELS, rng.randint(1, 3))),
        f"{'Ayuno' if es else 'Fasting'}: {_pick(rng, ('Sí', 'No') if es else ('Yes', 'No'))}",
    ]
    legend = _pick(
        rng,
        (
            "A = Alto  B = Bajo  * = Crítico" if es else "H = High  L = Low  C = Critical",
            f"{'Realizado en' if es else 'Performing lab'}: {lab}, CLIA {rng.randint(10, 99)}D"
            f"{rng.randint(1000000, 9999999)}",
            "Resultados fuera de rango marcados."
            if es
            else "Flagged results are outside the reference range.",
        ),
    )
    return [*top, *rng.sample(info, rng.randint(2, len(info))), header, *rows, legend]
