"""What copying, faxing and OCR do to paper: borrowed lines, look-alike characters, split
words, mixed layouts."""

from __future__ import annotations

import random

from training.generate.common import (
    _STYLE,
    DIAGNOSES,
    DOCTORS,
    DRUGS,
    PAYERS,
    PHARMACIES,
    STANDARD,
    _date,
    _phone,
    _pick,
    _recent,
    _sentences,
)


def _typo(rng: random.Random, line: str, rate: float) -> str:
    """OCR-like damage: a few characters swapped for look-alikes or dropped."""
    if rate <= 0:
        return line
    swaps = {"l": "1", "O": "0", "o": "0", "i": "l", "e": "c", "S": "5", "rn": "m", "B": "8"}
    out = []
    for char in line:
        roll = rng.random()
        if roll < rate / 2:
            out.append(swaps.get(char, char))
        elif roll < rate * 0.6:
            continue
        else:
            out.append(char)
    return "".join(out)


# Lines any kind of office paper may carry, so that no single word gives a type away.
SHARED_LINES: tuple[str, ...] = (
    "Please fax the completed form back to our office.",
    "Signature: ______________________   Date: ____________",
    "FOR OFFICE USE ONLY   Reviewed by: ______",
    "Insurance: {payer}   Member ID: {number}",
    "Current medications: {drug}",
    "Diagnosis: {diagnosis}",
    "Provider: {doctor}   NPI: {number}",
    "If you have questions, please call {phone}.",
    "This communication contains protected health information. Handle per HIPAA.",
    "Attached: office notes, medication list and recent lab results.",
    "Pharmacy: {pharmacy}",
    "Patient was seen in clinic on {date} for follow-up.",
    "Por favor envíe este formulario por fax a nuestra oficina.",
    "Firma: ____________________   Fecha: __________",
)
CLINICAL_LINES: tuple[str, ...] = (
    "History: 58-year-old with worsening symptoms over three months despite therapy.",
    "Exam: alert, oriented, lungs clear, regular rate and rhythm, no edema.",
    "Assessment: condition not controlled on current regimen.",
    "Plan: continue current medications, follow up in four weeks.",
    "Allergies: penicillin (rash).",
    "Vitals: BP 142/88, HR 76, BMI 31.",
    "Recent labs reviewed; A1c 8.2%, creatinine 1.1.",
    "Imaging: MRI showed moderate degenerative changes.",
)


# Lines that borrow another type's words, as real paper does: a records request encloses an
# authorization, a registration form asks the patient to authorize billing, a cover sheet's subject
# names what follows. They keep the generated set from being separable by one keyword.
CONFUSABLE_LINES: dict[str, tuple[str, ...]] = {
    "records_request": (
        "A signed authorization for release of information is enclosed.",
        "This request is made pursuant to the patient's HIPAA authorization dated {date}.",
        "Please include referral letters, consultation notes and lab results.",
        "Attention: Custodian of Records / Release of Information Department",
    ),
    "referral": (
        "Prior authorization number: {number}   Visits approved: 3",
        "Please fax your consultation note and any lab results back to {phone}.",
        "Member ID: {number}   Health Plan: {payer}",
        "Medications: {drug}. Pharmacy: {pharmacy}",
    ),
    "prior_authorization": (
        "Referral on file with PCP: Yes / No",
        "Attach chart notes, lab results and imaging reports supporting the request.",
        "Pharmacy: {pharmacy}   Refills requested: 3",
        "Fax completed form to {phone}. Incomplete requests will be returned.",
    ),
    "rx_refill_request": (
        "Prior authorization may be required by the patient's plan.",
        "Insurance: {payer}   Member ID: {number}",
        "Last office visit: {date}   Last lab results: {date}",
        "Please sign and fax back to the pharmacy.",
    ),
    "lab_report": (
        "Referring physician: {doctor}   Copy to: {doctor}",
        "Insurance: {payer}   Member ID: {number}",
        "Fax results to ordering provider at {phone}.",
    ),
    "eob": (
        "Member ID: {number}   Group: {number}",
        "Prior authorization was not obtained for this service.",
        "Provider: {doctor}   Referral: not required",
        "Pharmacy claim processed by {pharmacy}.",
    ),
    "insurance_card": (
        "Prior authorization required for inpatient admission.",
        "Pharmacy help desk: {phone}",
        "Send claims to: PO Box {number}",
    ),
    "intake_form": (
        "I authorize the release of any medical information necessary to process my claims.",
        "Referring physician: __________   Primary care physician: __________",
        "Preferred pharmacy: __________   Insurance member ID: __________",
        "I request that copies of my records be sent to my primary care physician.",
    ),
    "fax_cover_sheet": (
        "RE: Records request - signed authorization attached",
        "Attached please find the referral and recent lab results.",
        "Prior authorization request for {drug} enclosed.",
        "Please review the attached refill request and fax back.",
    ),
    "authorization": (
        "Records requested: office notes, lab results, imaging reports.",
        "Purpose of the request: continuity of care / legal / insurance / personal.",
        "Fax completed form to the Release of Information Department at {phone}.",
    ),
}


def _confusable_lines(rng: random.Random, doc_type: str) -> list[str]:
    options = CONFUSABLE_LINES.get(doc_type, ())
    if not options or rng.random() < 1.0 - _STYLE.get().confusable_rate:
        return []
    values = _fill_values(rng)
    return [line.format(**values) for line in _sentences(rng, options, 1, 2)]


def _fill_values(rng: random.Random) -> dict[str, str]:
    code, diagnosis = DIAGNOSES[rng.randrange(len(DIAGNOSES))]
    drug, strength = DRUGS[rng.randrange(len(DRUGS))]
    return {
        "payer": _pick(rng, PAYERS),
        "number": str(rng.randint(100000, 999999999)),
        "drug": f"{drug} {strength}",
        "diagnosis": f"{code} {diagnosis}",
        "doctor": _pick(rng, DOCTORS),
        "phone": _phone(rng),
        "pharmacy": _pick(rng, PHARMACIES),
        "date": _date(rng, _recent(rng)),
    }


def _mixed_layout(rng: random.Random, lines: list[str]) -> list[str]:
    """How text extraction lays a page out: two columns on one line, wrapped or split fields."""
    style = rng.random() * STANDARD.layout_rate / _STYLE.get().layout_rate
    if style < 0.25:  # two columns side by side, as ``pdftotext -layout`` keeps them
        out: list[str] = []
        i = 0
        while i < len(lines):
            if i + 1 < len(lines) and rng.random() < 0.5 and len(lines[i]) < 60:
                out.append(f"{lines[i]}{' ' * rng.randint(3, 12)}{lines[i + 1]}")
                i += 2
            else:
                out.append(lines[i])
                i += 1
        return out
    if style < 0.45:  # narrow columns: long lines wrapped at a word
        width = rng.randint(28, 50)
        wrapped: list[str] = []
        for line in lines:
            words, current = line.split(" "), ""
            for word in words:
                if current and len(current) + len(word) > width:
                    wrapped.append(current)
                    current = word
                else:
                    current = f"{current} {word}" if current else word
            wrapped.append(current)
        return wrapped
    return lines


def _ocr_words(rng: random.Random, line: str, rate: float) -> str:
    """OCR damage between words: a word split in two, two words run together, stray marks."""
    if rate <= 0:
        return line
    words = line.split(" ")
    out: list[str] = []
    for word in words:
        roll = rng.random()
        if roll < rate and len(word) > 5:
            cut = rng.randint(2, len(word) - 2)
            out.append(f"{word[:cut]} {word[cut:]}")
        elif roll < 2 * rate and out:
            out[-1] += word
        elif roll < 2.5 * rate:
            out.append(_pick(rng, ("|", "~", "'", ".", ",,", "_")) + word)
        else:
            out.append(word)
    return " ".join(out)


def _shared_lines(rng: random.Random, count: int) -> list[str]:
    values = _fill_values(rng)
    pool = list(SHARED_LINES) + list(CLINICAL_LINES)
    return [line.format(**values) for line in rng.sample(pool, count)]


def _with_noise_lines(rng: random.Random, body: list[str]) -> list[str]:
    """``body`` with a few shared lines put in among its lines (never before its first line)."""
    out = list(body)
    for line in _shared_lines(rng, rng.choice((0, 1, 2, 3, 4))):
        out.insert(rng.randint(1, max(1, len(out))), line)
    return out
