"""The paperwork real offices receive and the first generator lacked, patterned on the real payer,
claim and remittance documents of ``paperwork_train.jsonl`` (never copied from them):

- drug prior-authorization questionnaires of many payers and PBMs: numbered criteria questions,
  diagnosis and ICD-10 code, therapies tried and failed, dose and quantity, prescriber NPI, "fax
  this form to";
- claim forms with numbered boxes (CMS-1500 and UB-04 style), typed ``other``;
- remittance advice tables with CARC/RARC codes, typed ``eob``.

Each builder draws its title (or none), field labels and order from the seeded ``rng``.
"""

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
    _money,
    _name,
    _phone,
    _pick,
    _recent,
    _sentences,
    _title,
)

PBMS = (
    "CVS Caremark", "Express Scripts", "OptumRx", "Prime Therapeutics", "MedImpact",
    "Navitus Health Solutions", "Elixir", "Magellan Rx Management", "AmeriHealth Caritas",
    "Highmark", "Florida Blue", "Priority Health", "Wellmark", "Capital Blue Cross", "SCAN",
)  # fmt: skip
SPECIALTY_DRUGS = (
    "Ozempic", "Wegovy", "Mounjaro", "Humira", "Dupixent", "Enbrel", "Stelara", "Xolair",
    "Repatha", "Eliquis", "Jardiance", "Trulicity", "Aimovig", "Nurtec ODT", "Otezla",
    "Skyrizi", "Rinvoq", "Victoza", "Entresto", "Botox",
)  # fmt: skip
CARC = (
    ("CO-45", "Charge exceeds fee schedule/maximum allowable"),
    ("PR-1", "Deductible amount"),
    ("PR-2", "Coinsurance amount"),
    ("PR-3", "Co-payment amount"),
    ("CO-97", "Benefit included in the payment for another service"),
    ("CO-16", "Claim lacks information needed for adjudication"),
    ("CO-197", "Precertification/authorization absent"),
    ("CO-50", "Non-covered: not deemed a medical necessity"),
    ("OA-23", "Impact of prior payer adjudication"),
    ("CO-29", "The time limit for filing has expired"),
)
RARC = (
    ("N130", "Consult plan benefit documents for coverage"),
    ("M15", "Separately billed services have been bundled"),
    ("N290", "Missing/incomplete/invalid rendering provider identifier"),
    ("MA130", "Claim contains incomplete information; resubmit"),
    ("N386", "This decision was based on a National Coverage Determination"),
    ("M86", "Service denied because payment already made for same/similar procedure"),
)


def _npi(rng: random.Random) -> str:
    return str(rng.randint(1000000000, 1999999999))


def _pa_questionnaire(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    """A payer's or PBM's drug-specific questionnaire: numbered criteria questions."""
    payer = _pick(rng, PBMS + PAYERS)
    drug = _pick(rng, SPECIALTY_DRUGS)
    code, diagnosis = DIAGNOSES[rng.randrange(len(DIAGNOSES))]
    tried = [d for d, _ in rng.sample(DRUGS, 2)]
    es = lang == "es"
    titles = (
        (
            f"{drug} - Formulario de autorización previa",
            "Cuestionario de necesidad médica",
            f"Solicitud de excepción de medicamentos - {drug}",
            "Formulario de determinación de cobertura",
        )
        if es
        else (
            f"{drug} Prior Authorization Request",
            f"{drug} Medication Request Form",
            f"Prior Authorization Criteria Form: {drug}",
            "Drug Coverage Request Form",
            "Medication Exception Request",
            "Pharmacy Clinical Review Questionnaire",
            "Request for Medicare Prescription Drug Coverage Determination",
            "Step Therapy Exception Request",
            "Specialty Medication Precertification",
        )
    )
    questions = (
        (
            f"¿El paciente tiene diagnóstico de {diagnosis}? Sí / No",
            f"Código de diagnóstico CIE-10: {code}",
            f"¿Ha probado y fracasado con {tried[0]} o {tried[1]}? Sí / No  Fechas:",
            "¿El medicamento es recetado por un especialista o en consulta con uno? Sí / No",
            "Dosis y cantidad solicitada por 30 días:",
            "¿Es una continuación del tratamiento? Sí / No",
            "Adjunte notas clínicas y resultados de laboratorio que respalden la solicitud.",
        )
        if es
        else (
            f"Does the patient have a diagnosis of {diagnosis}? Yes / No",
            f"ICD-10 code(s): {code}",
            f"Has the patient tried and failed {tried[0]}? Yes / No  Dates of trial:",
            f"Has the patient had an inadequate response, intolerance or contraindication to "
            f"{tried[1]}? Yes / No",
            "Is the medication prescribed by or in consultation with a specialist? Yes / No",
            f"Requested dose and quantity per 28 days: {rng.randint(1, 4)} pens",
            "Is this request for continuation of therapy? Yes / No",
            "Will the drug be used in combination with another biologic? Yes / No",
            "Please provide the most recent A1c / lab values and the date drawn:",
            "Initial authorization will be approved for 6 months. Reauthorization requires "
            "documentation of response.",
        )
    )
    chosen = _sentences(rng, questions, 4, len(questions))
    numbered = rng.random() < 0.7
    lines = [f"{n}. {q}" if numbered else q for n, q in enumerate(chosen, start=1)]
    prescriber = (
        [
            f"Médico que receta: {_pick(rng, DOCTORS)}   NPI: {_npi(rng)}",
            f"Teléfono: {_phone(rng)}   Fax: {_phone(rng)}",
        ]
        if es
        else [
            f"{_pick(rng, ('Prescriber Name', 'Prescribing Physician', 'Provider'))}: "
            f"{_pick(rng, DOCTORS)}   NPI: {_npi(rng)}   DEA: ________",
            f"Office phone: {_phone(rng)}   Office fax: {_phone(rng)}",
        ]
    )
    member = (
        f"{'Nombre del miembro' if es else _pick(rng, ('Member Name', 'Patient Name', 'Enrollee'))}"
        f": {_name(rng, patient)}   "
        f"{'ID' if es else _pick(rng, ('Member ID', 'ID #', 'Subscriber ID'))}: "
        f"{rng.randint(100000000, 999999999)}"
    )
    fax_to = (
        f"Envíe este formulario por fax al {_phone(rng)}."
        if es
        else _pick(
            rng,
            (
                f"Fax this form to {payer} at {_phone(rng)}.",
                f"Please fax completed form to {_phone(rng)}. Questions: {_phone(rng)}",
                f"FAX: {_phone(rng)}  Incomplete forms will be returned for additional "
                "information.",
            ),
        )
    )
    body = [member, *lines, *prescriber]
    top = [payer, *_title(rng, titles)]
    return [*top, fax_to, *body] if rng.random() < 0.4 else [*top, *body, fax_to]


def _claim_form(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    """A claim with numbered boxes, CMS-1500 or UB-04 style (``other``)."""
    code, diagnosis = DIAGNOSES[rng.randrange(len(DIAGNOSES))]
    name = _name(rng, patient)
    if rng.random() < 0.6:
        title = _title(
            rng,
            (
                "HEALTH INSURANCE CLAIM FORM",
                "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12",
                "CMS-1500",
                "PICA",
            ),
        )
        boxes = [
            "1. MEDICARE MEDICAID TRICARE CHAMPVA GROUP HEALTH PLAN FECA BLK LUNG OTHER",
            f"1a. INSURED'S I.D. NUMBER {rng.randint(100000000, 999999999)}",
            f"2. PATIENT'S NAME (Last Name, First Name, Middle Initial) {name}",
            "3. PATIENT'S BIRTH DATE  SEX  M  F",
            "5. PATIENT'S ADDRESS (No., Street)   CITY   STATE   ZIP CODE",
            "6. PATIENT RELATIONSHIP TO INSURED  Self Spouse Child Other",
            "10. IS PATIENT'S CONDITION RELATED TO: a. EMPLOYMENT? b. AUTO ACCIDENT? c. OTHER?",
            "11. INSURED'S POLICY GROUP OR FECA NUMBER",
            "12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE  SIGNED  DATE",
            "17. NAME OF REFERRING PROVIDER OR OTHER SOURCE  17b. NPI",
            f"21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY  ICD Ind. 0  A. {code}",
            "24. A. DATE(S) OF SERVICE  B. PLACE OF SERVICE  D. PROCEDURES, SERVICES, OR "
            "SUPPLIES  E. DIAGNOSIS POINTER  F. $ CHARGES  J. RENDERING PROVIDER ID. #",
            f"{_date(rng, _recent(rng))}  11  {_pick(rng, ('99213', '99214', '93000'))}  A  "
            f"{_money(rng, 50, 400)}  {_npi(rng)}",
            "25. FEDERAL TAX I.D. NUMBER  SSN EIN  26. PATIENT'S ACCOUNT NO.  27. ACCEPT "
            "ASSIGNMENT?",
            f"28. TOTAL CHARGE {_money(rng, 50, 900)}  29. AMOUNT PAID  30. Rsvd for NUCC Use",
            "31. SIGNATURE OF PHYSICIAN OR SUPPLIER  32. SERVICE FACILITY LOCATION INFORMATION",
            f"33. BILLING PROVIDER INFO & PH # {_pick(rng, PRACTICES)}  a. {_npi(rng)}",
        ]
    else:
        title = _title(rng, ("UB-04", "UNIFORM BILL", "NUBC National Uniform Billing Committee"))
        boxes = [
            f"1 {_pick(rng, PRACTICES)}  2 PAY-TO NAME  3a PAT. CNTL # {rng.randint(10000, 99999)}",
            "4 TYPE OF BILL 0131  5 FED. TAX NO.  6 STATEMENT COVERS PERIOD FROM THROUGH",
            f"8 PATIENT NAME {name}  9 PATIENT ADDRESS",
            "10 BIRTHDATE 11 SEX 12 ADMISSION DATE 13 HR 14 TYPE 15 SRC 16 DHR 17 STAT",
            "18-28 CONDITION CODES  31-34 OCCURRENCE CODE DATE  39-41 VALUE CODES AMOUNT",
            "42 REV. CD.  43 DESCRIPTION  44 HCPCS / RATE / HIPPS CODE  45 SERV. DATE  "
            "46 SERV. UNITS  47 TOTAL CHARGES  48 NON-COVERED CHARGES",
            f"0300 LABORATORY  80053  1  {_money(rng, 30, 300)}",
            f"0450 EMERGENCY ROOM  99284  1  {_money(rng, 300, 2000)}",
            f"50 PAYER NAME {_pick(rng, PAYERS)}  51 HEALTH PLAN ID  56 NPI {_npi(rng)}",
            f"58 INSURED'S NAME  60 INSURED'S UNIQUE ID  67 PRIN. DIAG. CD. {code}",
            "74 PRINCIPAL PROCEDURE CODE DATE  76 ATTENDING NPI  80 REMARKS  81CC",
        ]
    count = rng.randint(max(6, len(boxes) - 6), len(boxes))
    kept = sorted(rng.sample(range(len(boxes)), count))
    return [*title, *(boxes[i] for i in kept), diagnosis if rng.random() < 0.3 else ""]


def _remittance(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    """A remittance advice or denial notice with CARC/RARC codes (``eob``)."""
    payer = _pick(rng, PAYERS)
    es = lang == "es"
    title = _title(
        rng,
        ("Aviso de remesa", "Explicación de pagos al proveedor", "Aviso de denegación de reclamo")
        if es
        else (
            "Remittance Advice",
            "Provider Remittance Advice",
            "Electronic Remittance Advice (835)",
            "Explanation of Payment",
            "Provider Explanation of Benefits",
            "Claim Denial Notice",
            "Notice of Claim Adjustment",
        ),
    )
    header = (
        "PACIENTE  FECHA SERV  CÓDIGO  FACTURADO  PERMITIDO  PAGADO  GRP/CARC  RARC"
        if es
        else _pick(
            rng,
            (
                "PATIENT NAME  DOS  PROC  BILLED  ALLOWED  DEDUCT  COINS  PAID  GRP/RC  REM",
                "SERV DATE  CPT/MOD  UNITS  CHARGE  ALLOWED  ADJ AMT  ADJ CODE  RARC  NET",
                "Line  Service  Submitted  Approved  Adjustment  Reason Code  Remark  Payment",
            ),
        )
    )
    rows = []
    for _ in range(rng.randint(1, 6)):
        carc, _meaning = CARC[rng.randrange(len(CARC))]
        rarc = RARC[rng.randrange(len(RARC))][0] if rng.random() < 0.6 else ""
        rows.append(
            f"{_date(rng, _recent(rng), lang=lang)}  "
            f"{_pick(rng, ('99213', '99214', '80053', '85025', '36415', '97110', 'J1100'))}  "
            f"{_money(rng, 40, 900)}  {_money(rng, 20, 400)}  {_money(rng, 0, 300)}  "
            f"{carc}  {rarc}"
        )
    glossary = [
        f"{code}: {meaning}"
        for code, meaning in rng.sample(CARC, rng.randint(1, 4)) + rng.sample(RARC, 1)
    ]
    pairs = [
        f"{'Pagador' if es else 'Payer'}: {payer}   "
        f"{'NPI del proveedor' if es else 'Payee NPI'}: {_npi(rng)}",
        f"{'Cheque/EFT' if es else _pick(rng, ('Check/EFT #', 'Trace number', 'ICN'))}: "
        f"{rng.randint(10**8, 10**10)}   {_date(rng, _recent(rng), lang=lang)}",
        f"{'Paciente' if es else _pick(rng, ('Patient', 'Member', 'Patient Name'))}: "
        f"{_name(rng, patient)}   {'Reclamo' if es else 'Claim #'}: {rng.randint(10**9, 10**10)}",
    ]
    closing = (
        "Códigos de ajuste y observaciones al final de este aviso."
        if es
        else _pick(
            rng,
            (
                "Glossary: Group, Reason, MOA, Remark and Adjustment codes",
                "You may appeal this decision within 180 days of the date of this notice.",
                f"TOTALS  BILLED {_money(rng, 100, 3000)}  PAID {_money(rng, 0, 1500)}",
            ),
        )
    )
    return [payer, *title, *pairs, header, *rows, *glossary, closing]
