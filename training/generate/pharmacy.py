"""Pharmacy refill requests: a pharmacy asks the prescriber to renew a prescription, by fax
form, by an e-prescribing renewal printout or in a few lines; English and Spanish."""

from __future__ import annotations

import random

from recordroom.core import Patient
from training.generate.common import (
    DOCTORS,
    DRUGS,
    PHARMACIES,
    _date,
    _fields,
    _phone,
    _pick,
    _recent,
    _title,
)

FAX_FORM_RATE = 0.4


def _refill(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    if rng.random() < FAX_FORM_RATE:
        return _renewal_fax(rng, patient, lang)
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


def _renewal_fax(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    """The pharmacy's faxed renewal form or e-prescribing printout, with the prescriber's reply
    boxes: pharmacy identifiers (NCPDP, NPI), the prescription as last filled, days supply."""
    drug, strength = DRUGS[rng.randrange(len(DRUGS))]
    pharmacy = _pick(rng, PHARMACIES)
    es = lang == "es"
    filled = _date(rng, _recent(rng), lang=lang)
    if es:
        return [
            pharmacy,
            *_title(rng, ("Solicitud de renovación de receta", "Pedido de resurtido", "RESURTIDO")),
            f"Para: {_pick(rng, DOCTORS)}   Fax: {_phone(rng)}",
            f"De: {pharmacy}   NCPDP: {rng.randint(1000000, 9999999)}   Tel: {_phone(rng)}",
            "La farmacia solicita autorización para surtir nuevamente el siguiente medicamento:",
            f"Medicamento: {drug} {strength}   Cantidad: {rng.choice((30, 60, 90))}   "
            f"Días de suministro: {rng.choice((30, 90))}",
            f"Último surtido: {filled}   Resurtidos restantes: 0",
            _pick(
                rng,
                (
                    "Respuesta del médico: [ ] Aprobado  Resurtidos: ___  [ ] Denegado  "
                    "[ ] Necesita cita",
                    "Por favor firme y devuelva por fax a la farmacia.",
                ),
            ),
            "Firma del médico: ______________   Fecha: ________",
        ]
    lines = [
        pharmacy,
        *_title(
            rng,
            (
                "PRESCRIPTION RENEWAL REQUEST",
                "Refill Authorization Request",
                "Fax Refill Request",
                "Renewal Request - Please Respond",
                "Pharmacy Refill Request Form",
                "RxRenewal",
            ),
        ),
        f"{_pick(rng, ('To', 'Prescriber', 'Dr.'))}: {_pick(rng, DOCTORS)}   Fax: {_phone(rng)}",
        f"{_pick(rng, ('From', 'Pharmacy'))}: {pharmacy} #{rng.randint(1000, 19999)}   "
        f"NCPDP: {rng.randint(1000000, 9999999)}   Phone: {_phone(rng)}",
        _pick(
            rng,
            (
                "The patient listed below has requested a refill of the following prescription. "
                "There are no refills remaining.",
                "We have received a request to refill this prescription. Please review and "
                "respond.",
                "This prescription has expired. Please authorize a new prescription or refills.",
                "Patient requests a 90-day supply. Please authorize a new prescription for "
                "the quantity below.",
            ),
        ),
        f"{_pick(rng, ('Drug Dispensed', 'Medication', 'Rx'))}: {drug} {strength}   "
        f"{_pick(rng, ('Qty', 'Quantity'))}: {rng.choice((30, 60, 90, 180))}   "
        f"Days Supply: {rng.choice((30, 90))}",
        f"Original Rx #{rng.randint(1000000, 9999999)}   Date Written: "
        f"{_date(rng, _recent(rng))}   Last Filled: {filled}",
        f"Sig: {_pick(rng, ('TAKE 1 TABLET BY MOUTH DAILY', 'TAKE 1 CAPSULE TWICE DAILY'))}",
        f"Pharmacist: {_pick(rng, ('R. Patel, PharmD', 'J. Lee, RPh', 'M. Gomez, PharmD'))}",
        _pick(
            rng,
            (
                "PRESCRIBER RESPONSE:  [ ] Approved   # of refills ____   [ ] Denied - reason "
                "______   [ ] Patient must schedule an appointment",
                "[ ] OK to refill x ___   [ ] Do not refill   [ ] New Rx sent electronically",
                "Approve / Deny / Changed (see below)   Prescriber signature: ________  "
                "DEA # ________",
            ),
        ),
        _pick(
            rng,
            (
                "Please fax your response back to the pharmacy at the number above.",
                "If no response is received within 48 hours the patient will be advised to "
                "contact your office.",
            ),
        ),
    ]
    return lines
