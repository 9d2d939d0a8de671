"""Fax cover sheets."""

from __future__ import annotations

import random

from recordroom.core import Patient
from training.generate.common import (
    DOCTORS,
    PRACTICES,
    _checkboxes,
    _date,
    _fields,
    _phone,
    _pick,
    _recent,
    _title,
)


def _fax_cover(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    pages = str(rng.randint(2, 12))
    if lang == "es":
        title = _title(rng, ("Portada de fax", "Hoja de envío de fax", "FAX", "Carátula de fax"))
        pairs = [
            ("Para", _pick(rng, PRACTICES)),
            ("De", _pick(rng, DOCTORS + PRACTICES)),
            ("Fax del destinatario", _phone(rng)),
            ("Fax del remitente", _phone(rng)),
            ("Teléfono", _phone(rng)),
            ("Fecha", _date(rng, _recent(rng), lang="es")),
            ("Número de páginas (incluida la portada)", pages),
            ("Asunto", _pick(rng, ("Expediente médico", "Resultados", "Referido", "Receta"))),
        ]
        notice = (
            "AVISO DE CONFIDENCIALIDAD: Este fax contiene información médica confidencial. "
            "Si usted lo recibió por error, notifique al remitente y destruya los documentos."
        )
        return title + _fields(rng, pairs) + [_checkboxes(rng, ("Urgente", "Para revisar")), notice]
    title = _title(
        rng,
        (
            "Fax Cover Sheet",
            "Facsimile Transmittal",
            "FAX",
            "Confidential Fax",
            "Fax Transmission",
            "Cover Page",
            "fax",
        ),
    )
    pairs = [
        (_pick(rng, ("To", "Attn", "TO")), _pick(rng, PRACTICES + DOCTORS)),
        (_pick(rng, ("From", "FROM", "Sender")), _pick(rng, DOCTORS + PRACTICES)),
        (_pick(rng, ("To Fax", "Recipient Fax", "Fax (to)", "Their Fax")), _phone(rng)),
        (_pick(rng, ("From Fax", "Sender Fax", "Return Fax", "Fax (from)")), _phone(rng)),
        (_pick(rng, ("Phone", "Tel", "Sender Phone")), _phone(rng)),
        ("Date", _date(rng, _recent(rng))),
        (_pick(rng, ("Pages", "Number of pages", "Pages (including cover)", "# of Pages")), pages),
        (
            _pick(rng, ("Re", "Subject", "RE")),
            _pick(
                rng, ("Records", "Lab results", "Referral", "Prior auth", "Refill", "Patient info")
            ),
        ),
    ]
    notice = _pick(
        rng,
        (
            "CONFIDENTIALITY NOTICE: This facsimile contains privileged and confidential "
            "information intended only for the use of the addressee. If you have received this "
            "fax in error, please notify the sender immediately and destroy the documents.",
            "The information contained in this transmission is confidential and protected under "
            "HIPAA. Any review, dissemination or copying by anyone other than the intended "
            "recipient is prohibited. If received in error, call the sender.",
            "PLEASE DELIVER IMMEDIATELY. If you did not receive all pages, please call.",
        ),
    )
    check = _checkboxes(rng, ("Urgent", "For Review", "Please Comment", "Please Reply"))
    lines = title + _fields(rng, pairs) + [check]
    if rng.random() < 0.5:
        lines.append(_pick(rng, ("Comments:", "Message:", "Notes:")))
    return [*lines, notice]


def fax_header_lines(rng: random.Random, lang: str) -> list[str]:
    """The block a sender's fax software prints above the first content page (To / From / Fax /
    Pages / Date), with no message or notice: the page under it is the document itself."""
    to, sender = rng.sample(PRACTICES, 2)
    pages = str(rng.randint(1, 9))
    when = _date(rng, _recent(rng), lang=lang)
    if lang == "es":
        pairs = [
            ("Para", to),
            ("De", sender),
            ("Fax", _phone(rng)),
            ("Teléfono", _phone(rng)),
            ("Páginas", pages),
            ("Fecha", when),
        ]
    else:
        pairs = [
            (_pick(rng, ("To", "TO", "Recipient")), to),
            (_pick(rng, ("From", "FROM", "Sender")), sender),
            (_pick(rng, ("Fax", "Fax #", "Fax Number")), _phone(rng)),
            (_pick(rng, ("Phone", "Tel")), _phone(rng)),
            (_pick(rng, ("Pages", "Total Pages")), pages),
            (_pick(rng, ("Date", "Sent")), when),
        ]
    chosen = rng.sample(pairs, rng.randint(3, len(pairs)))
    # Fax software prints "Label: value", one or two to a line.
    lines: list[str] = []
    for label, value in chosen:
        if lines and rng.random() < 0.3:
            lines[-1] += f"     {label}: {value}"
        else:
            lines.append(f"{label}: {value}")
    if rng.random() < 0.4:
        lines.insert(0, _pick(rng, ("FAX", "Fax", "FACSIMILE")))
    return [*lines, ""]
