"""Pharmacy refill requests."""

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
