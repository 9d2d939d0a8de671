"""Synthetic document text for the types the real data lacks, and header blocks for patient tests.

Real incoming paper is mostly forms, and the shared data holds only clinical notes and the forms
providers publish. This module writes the rest: referrals, lab sheets, payer prior-authorization
forms, pharmacy refill requests, insurance cards, EOBs, fax cover sheets, third-party records
requests and more intake forms, in English and Spanish, with titles, layouts, field orders and noise
drawn from a seeded ``random.Random`` so a run can be repeated exactly.

Every document may carry a header block naming a patient (name, birth date, MRN in the many ways
offices write them); ``generate_document`` is the entry point other benches call.

One module per document family; ``damage`` holds what copying and OCR do to any of them.
"""

from __future__ import annotations

import random

from recordroom.core import DOC_TYPES, Patient
from training.generate.cards import _insurance_card
from training.generate.common import (
    _STYLE,
    GENERATOR_VERSION,
    HARD,
    STANDARD,
    TRAINING_TYPES,
    Builder,
    Style,
    _fax_banner,
    _letterhead,
    header_block,
    random_patient,
)
from training.generate.damage import (
    _confusable_lines,
    _mixed_layout,
    _ocr_words,
    _typo,
    _with_noise_lines,
)
from training.generate.fax import _fax_cover, fax_header_lines
from training.generate.intake import _intake
from training.generate.notes import NOTE_LINES, _note
from training.generate.paperwork import _claim_form
from training.generate.payer import _eob, _prior_auth
from training.generate.pharmacy import _refill
from training.generate.referrals import _referral
from training.generate.requests import _authorization, _records_request
from training.generate.results import _lab_report

__all__ = [
    "GENERATOR_VERSION",
    "HARD",
    "STANDARD",
    "TRAINING_TYPES",
    "Style",
    "generate_corpus",
    "generate_document",
    "generate_lines",
    "header_block",
    "random_patient",
]

CLAIM_RATE = 0.7  # of `other` documents, claim forms; the rest privacy-notice acknowledgements


def _other(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    if rng.random() < CLAIM_RATE:
        return _claim_form(rng, patient, lang)
    return _note("other")(rng, patient, lang)


BUILDERS: dict[str, Builder] = {
    "fax_cover_sheet": _fax_cover,
    "referral": _referral,
    "lab_report": _lab_report,
    "prior_authorization": _prior_auth,
    "rx_refill_request": _refill,
    "insurance_card": _insurance_card,
    "eob": _eob,
    "records_request": _records_request,
    "intake_form": _intake,
    "authorization": _authorization,
    **{doc_type: _note(doc_type) for doc_type in NOTE_LINES},
    "other": _other,
}
assert set(BUILDERS) == set(DOC_TYPES)

# Where the patient header goes: cover sheets and cards carry none of their own.
NO_HEADER = frozenset({"fax_cover_sheet"})
SPANISH_RATE = 0.2
# Content pages sent with the fax software's header block printed above them: still the content.
FAX_BLOCK_RATE = 0.12


def generate_lines(
    rng: random.Random,
    doc_type: str,
    patient: Patient | None = None,
    *,
    lang: str | None = None,
    noise: bool = True,
) -> list[str]:
    """The lines of one made-up document of ``doc_type``, with a patient header where it fits.

    ``lang`` is "en" or "es" (None: Spanish one time in five); ``noise=False`` leaves out the
    OCR-like character damage some documents otherwise carry.
    """
    if doc_type not in BUILDERS:
        raise ValueError(f"unknown document type {doc_type!r}; expected one of {DOC_TYPES}")
    patient = patient or random_patient(rng)
    if lang is None:
        lang = "es" if rng.random() < SPANISH_RATE else "en"
    body = BUILDERS[doc_type](rng, patient, lang)
    if doc_type in TRAINING_TYPES or doc_type == "authorization":
        body = _with_noise_lines(rng, body)
        for line in _confusable_lines(rng, doc_type):
            body.insert(rng.randint(1, max(1, len(body))), line)
    lines: list[str] = []
    if rng.random() < 0.35:
        lines.append(_fax_banner(rng))
    if doc_type != "fax_cover_sheet" and rng.random() < FAX_BLOCK_RATE:
        lines.extend(fax_header_lines(rng, lang))
    if rng.random() < 0.7 and doc_type not in ("insurance_card",):
        lines.extend(_letterhead(rng))
    if doc_type in NO_HEADER or doc_type == "insurance_card":
        lines.extend(body)
    else:
        header = header_block(rng, patient, lang)
        # Title first, then the header; or the header above the title as EHR banners do.
        if body and rng.random() < 0.7:
            lines.extend([body[0], *header, *body[1:]])
        else:
            lines.extend([*header, *body])
    if rng.random() < 0.3:
        lines.append(f"Page 1 of {rng.randint(1, 3)}")
    lines = _mixed_layout(rng, lines)
    rate = rng.choice(_STYLE.get().noise_rates)
    if not noise:
        return lines
    return [_ocr_words(rng, _typo(rng, line, rate), rate / 2) for line in lines]


def generate_document(
    rng: random.Random,
    doc_type: str,
    patient: Patient | None = None,
    *,
    noise: bool = True,
    style: Style = STANDARD,
) -> str:
    """The text of one made-up document of ``doc_type`` about ``patient`` (or a made-up one)."""
    token = _STYLE.set(style)
    try:
        return "\n".join(generate_lines(rng, doc_type, patient, noise=noise))
    finally:
        _STYLE.reset(token)


def generate_corpus(seed: int, per_type: int, *, style: Style = STANDARD) -> list[tuple[str, str]]:
    """``(text, doc_type)`` pairs, ``per_type`` of each training type, from one seed."""
    rng = random.Random(seed)
    return [
        (generate_document(rng, doc_type, style=style), doc_type)
        for doc_type in TRAINING_TYPES
        for _ in range(per_type)
    ]
