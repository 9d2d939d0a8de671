"""Insurance cards, front and back, as a copy or a phone photo of one reads after OCR.

Real card text is short and has no sentences on the front: the payer's name and logo words, the
plan, the member's name and ID, group, payer ID, the ``(80840)`` issuer number, pharmacy routing
(Rx BIN, PCN, Group), copays, the primary care provider; the back carries phone lines for members,
providers and pharmacists, where to send claims, and what needs pre-authorization. Medicare's
card names the beneficiary, the Medicare number and the parts (A, B) with their start dates.
A photo of a card adds a border's stray marks to the OCR'd text.
"""

from __future__ import annotations

import random

from recordroom.core import Patient
from training.generate.common import (
    CITIES,
    DOCTORS,
    PAYERS,
    _name,
    _phone,
    _pick,
)

FRONT_RATE = 0.55
BACK_RATE = 0.25  # the rest: Medicare's card
PHOTO_RATE = 0.5
PLANS = (
    "Choice Plus", "PPO Select Plus", "HMO Blue", "Gold 80 HMO", "Community Plan",
    "Medicaid Plan", "Medicare Advantage PPO", "Open Access Plus", "Bronze HSA", "STAR Kids",
    "Essential EPO", "Dual Complete", "Plan Básico",
)  # fmt: skip
PCNS = ("ADV", "9999", "MCAIDMS", "WLHC", "00000", "9987", "MEDDPRIME")
RX_GROUPS = ("RX1234", "RX6436", "OPTUMRX", "HUMANA", "CVS")
PROGRAMS = ("MSCAN", "CHIP", "STAR", "Medi-Cal", "HUSKY A", "MassHealth", "BadgerCare Plus")


def _copay(rng: random.Random, low: int, high: int) -> str:
    return f"${rng.randint(low, high)}" if rng.random() < 0.8 else f"${rng.randint(low, high)}.00"


def _member_id(rng: random.Random) -> str:
    prefix = _pick(rng, ("", "", "XYZ", "W", "MBR", "U", "O0000", "H"))
    return f"{prefix}{rng.randint(10**7, 10**10)}"


def _photo_marks(rng: random.Random, line: str) -> str:
    """A card photo's border and glare, as OCR reads them around a line."""
    marks = ("|", "i", "'", "\\", ";", ":", "!", "}", "ae?", "g", "Q")
    if rng.random() < 0.3:
        line = f"{_pick(rng, marks)} {line}"
    if rng.random() < 0.3:
        line = f"{line} {_pick(rng, marks)}"
    return line


def _card_front(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    payer = _pick(rng, PAYERS)
    es = lang == "es"
    fields = [
        f"{'Miembro' if es else _pick(rng, ('Member', 'Member Name', 'Subscriber', 'Name'))}: "
        f"{_name(rng, patient)}",
        f"{'ID de miembro' if es else _pick(rng, ('Member ID', 'ID', 'Subscriber ID', 'ID #'))}: "
        f"{_member_id(rng)}",
        f"{'Grupo' if es else _pick(rng, ('Group', 'Group Number', 'Group No', 'GRP'))}: "
        f"{_pick(rng, (str(rng.randint(10000, 9999999)), 'GRP-' + str(rng.randint(1000, 99999))))}",
        f"Health Plan (80840) {rng.randint(100, 999)}-{rng.randint(10000, 99999)}-"
        f"{rng.randint(1, 99):02d}",
        f"Payer ID{_pick(rng, (': ', ' '))}{rng.randint(10000, 99999)}",
        f"{_pick(rng, ('RxBIN', 'Rx Bin', 'RX BIN', 'BIN'))}: {rng.randint(1, 999999):06d}",
        f"{_pick(rng, ('RxPCN', 'Rx PCN', 'PCN'))}: {_pick(rng, PCNS)}",
        f"{_pick(rng, ('RxGRP', 'Rx Grp', 'RXGRP'))}: {_pick(rng, RX_GROUPS)}",
        f"{'Médico primario' if es else _pick(rng, ('PCP Name', 'PCP', 'Primary Care Provider'))}"
        f": {_pick(rng, DOCTORS)}",
        f"{'Teléfono' if es else 'PCP Phone'}: {_phone(rng)}",
        f"{'Copagos' if es else _pick(rng, ('Copays', 'COPAYS:', 'Copay'))}",
        f"{_pick(rng, ('Office', 'Primary Care', 'PCP', 'OV'))}: {_copay(rng, 5, 40)} "
        f"{_pick(rng, ('ER', 'Emergency Room'))}: {_copay(rng, 50, 350)}",
        f"{_pick(rng, ('UrgCare', 'Urgent Care'))}: {_copay(rng, 20, 150)} "
        f"{_pick(rng, ('Spec', 'Specialist'))}: {_copay(rng, 20, 80)}",
        f"{_pick(rng, ('Eff. Date', 'Effective', 'Coverage Date'))}: "
        f"{rng.randint(1, 12):02d}/01/{rng.randint(2019, 2026)}",
        f"{_pick(rng, ('Plan', 'Product', 'Network', 'Program'))}: "
        f"{_pick(rng, ('PPO', 'HMO', 'EPO', 'POS', *PROGRAMS))}",
    ]
    chosen = [fields[0], fields[1], *rng.sample(fields[2:], rng.randint(3, len(fields) - 3))]
    top = [payer]
    if rng.random() < 0.6:
        top.append(f"{payer} {_pick(rng, PLANS)}")
    if rng.random() < 0.3:
        top.append(_pick(rng, ("HEALTH INSURANCE CARD", "MEMBER ID CARD", "TARJETA DE MIEMBRO")))
    tail = []
    if rng.random() < 0.4:
        tail.append(f"Administered by {payer}, Inc.")
    if rng.random() < 0.3:
        tail.append(
            "See your Certificate and Benefits Summary for complete benefit information."
            if not es
            else "Consulte su resumen de beneficios."
        )
    return [*top, *chosen, *tail]


def _card_back(rng: random.Random, lang: str) -> list[str]:
    city, state, postal = CITIES[rng.randrange(len(CITIES))]
    if lang == "es":
        lines = [
            f"Servicios para miembros: {_phone(rng)} TTY 711",
            f"Línea de enfermería 24 horas: {_phone(rng)}",
            f"Proveedores: {_phone(rng)}",
            f"Reclamos: PO Box {rng.randint(100, 99999)}, {city}, {state} {postal}",
            "En caso de emergencia, llame al 911 o vaya a la sala de emergencias más cercana.",
            "Lleve esta tarjeta con usted. Muéstrela cada vez que reciba servicios.",
            f"Farmacéuticos: {_phone(rng)}",
        ]
    else:
        lines = [
            f"Member Services{_pick(rng, ('', '/Behavioral'))}: {_phone(rng)} TTY 711",
            f"NurseLine: {_phone(rng)} TTY 711",
            f"Transportation: {_phone(rng)}",
            f"For Providers: {_pick(rng, ('UHCprovider.com', 'www.planprovider.com'))} "
            f"{_phone(rng)}",
            f"Claims: PO Box {rng.randint(100, 99999)}, {city}, {state} {postal}",
            f"{_pick(rng, ('Preauthorization', 'Precertification', 'Prior Auth'))}: {_phone(rng)}",
            f"Pharmacy Claims: {_pick(rng, ('OptumRX', 'CVS Caremark', 'Express Scripts'))}, "
            f"PO Box {rng.randint(100, 99999)}",
            f"For Pharmacists: {_phone(rng)}",
            "In an emergency go to the nearest emergency room or call 911.",
            "Carry card at all times. Present this card when you receive care.",
            "Possession of this card does not guarantee eligibility for benefits.",
            "Hospitals: preadmission certification required for non-emergency admissions.",
            f"Behavioral Health: {_phone(rng)}   Dental: {_phone(rng)}",
            f"Printed: {rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(19, 26)}",
        ]
    return rng.sample(lines, rng.randint(4, len(lines)))


def _medicare_card(rng: random.Random, patient: Patient) -> list[str]:
    name = f"{patient.first_name} {patient.last_name}".upper()
    start = f"{rng.randint(1, 12):02d}-01-{rng.randint(1980, 2025)}"
    if rng.random() < 0.5:  # the red, white and blue card with a claim number
        return [
            _pick(rng, ("MEDICARE HEALTH INSURANCE", "MEDICARE & HEALTH INSURANCE")),
            "1-800-MEDICARE (1-800-633-4227)",
            "NAME OF BENEFICIARY",
            name,
            "MEDICARE CLAIM NUMBER   SEX",
            f"{rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}-A   "
            f"{_pick(rng, ('FEMALE', 'MALE'))}",
            "IS ENTITLED TO   EFFECTIVE DATE",
            f"HOSPITAL (PART A)   {start}",
            f"MEDICAL (PART B)   {start}",
            "SIGN HERE",
        ]
    mbi = "".join(_pick(rng, "ACDEFGHJKMNPQRTUVWXY0123456789") for _ in range(11))
    return [
        "MEDICARE",
        "HEALTH INSURANCE",
        "Name/Nombre",
        name,
        "Medicare Number/Número de Medicare",
        mbi,
        "Entitled to/Con derecho a   Coverage starts/Cobertura empieza",
        f"HOSPITAL (PART A)   {start}",
        f"MEDICAL (PART B)   {start}",
    ]


def _insurance_card(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    roll = rng.random()
    if roll < FRONT_RATE:
        lines = _card_front(rng, patient, lang)
    elif roll < FRONT_RATE + BACK_RATE:
        lines = _card_back(rng, lang)
        if rng.random() < 0.5:  # a copy of both sides on one page
            lines = [*_card_front(rng, patient, lang), "", *lines]
    else:
        lines = _medicare_card(rng, patient)
    if rng.random() < PHOTO_RATE:
        lines = [_photo_marks(rng, line) for line in lines]
    return lines
