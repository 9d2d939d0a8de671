"""Third-party records requests and patients' authorizations to release records."""

from __future__ import annotations

import random

from recordroom.core import Patient
from training.generate.common import _checkboxes, _date, _pick, _recent, _sentences, _title

THIRD_PARTY_RATE = 0.45


def _records_request(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    if rng.random() < THIRD_PARTY_RATE:
        return _third_party_request(rng, lang)
    requester = _pick(
        rng,
        (
            "Law Offices of Miller & Grant, LLP",
            "Social Security Administration - Disability Determination Services",
            "State Farm Insurance Claims",
            "Veterans Affairs Regional Office",
            "Ciox Health on behalf of Anthem",
            "Workers' Compensation Board",
            "Datavant Records Retrieval",
            "Abogados Hernández y Asociados",
        ),
    )
    if lang == "es":
        title = _title(
            rng,
            (
                "Solicitud de expediente médico",
                "Solicitud de copias de registros médicos",
                "Solicitud de acceso a información médica",
            ),
        )
        body = [
            f"Solicitante: {requester}",
            "Por medio de la presente solicitamos copias del expediente médico del paciente "
            "indicado, incluyendo notas, resultados y facturas del "
            f"{_date(rng, _recent(rng), lang='es')} a la fecha.",
            "Se adjunta autorización firmada. Envíe los registros por fax o correo.",
        ]
        return title + body
    if rng.random() < 0.25:
        return _records_request_letter(rng, requester)
    title = _title(
        rng,
        (
            "Request for Medical Records",
            "Medical Records Request",
            "Records Request",
            "Subpoena Duces Tecum - Records",
            "Request for Copies of Health Information",
            "Patient Request for Access to Health Information",
            "Request for Records",
        ),
    )
    period = f"{_date(rng, _recent(rng))} to present"
    body = [
        _pick(rng, ("Requesting party:", "From:", "Requestor:")) + " " + requester,
        _pick(
            rng,
            (
                f"Please provide copies of all medical records for the above patient for {period}.",
                "We request complete records including office notes, test results, imaging "
                "reports and itemized billing.",
                "Pursuant to the enclosed signed authorization, kindly forward certified copies "
                "of the records listed below.",
            ),
        ),
        _checkboxes(
            rng, ("Office notes", "Lab results", "Imaging", "Billing records", "All records")
        ),
        _pick(
            rng,
            (
                "Records may be sent via fax or secure email.",
                "A HIPAA-compliant authorization is enclosed.",
                f"Our file/claim number: {rng.randint(10000, 999999)}",
                "Please invoice us for any copying fees allowed by law.",
            ),
        ),
        _pick(
            rng,
            (
                "Format requested: paper / electronic (CD) / patient portal",
                f"Deliver to: {requester}",
                "Date needed by: within 30 days",
            ),
        ),
    ]
    return title + body


def _records_request_letter(rng: random.Random, requester: str) -> list[str]:
    """A third party's request written as a letter: no form title, a letter's words."""
    return [
        _pick(rng, ("Dear Custodian of Records:", "To Whom It May Concern:", "Dear Sir or Madam:")),
        _pick(
            rng,
            (
                "This office represents the above-named individual. Please forward copies of "
                "all medical and billing records in your possession.",
                "We are evaluating a claim for the above patient and ask that you send your "
                "treatment records, including office notes and test results.",
                "Enclosed is a signed authorization. Kindly provide the records listed below "
                "at your earliest convenience.",
            ),
        ),
        _pick(
            rng,
            (
                f"Please remit your invoice for copying charges to {requester}.",
                "If there is a charge for this service, please contact our office first.",
                "Thank you for your prompt attention to this request.",
            ),
        ),
        _pick(rng, ("Sincerely,", "Very truly yours,", "Regards,")),
        requester,
    ]


def _authorization(rng: random.Random, patient: Patient, lang: str) -> list[str]:
    if lang == "es":
        title = _title(
            rng,
            (
                "Autorización para divulgar información médica",
                "Autorización para el uso y divulgación de información de salud",
            ),
        )
        return [
            *title,
            "Autorizo a divulgar mi información médica protegida a la persona indicada abajo.",
            "Esta autorización vence en la fecha: ________. Puedo revocarla por escrito.",
            "Firma del paciente o representante legal: ____________",
        ]
    title = _title(
        rng,
        (
            "Authorization for Release of Protected Health Information",
            "HIPAA Authorization",
            "Authorization to Use and Disclose Health Information",
            "Consent to Release Medical Information",
        ),
    )
    return [
        *title,
        "I authorize the release of my health information to the person or organization below.",
        _checkboxes(rng, ("Entire record", "Lab results", "Imaging", "Mental health notes")),
        "This authorization expires on ________. I may revoke it in writing at any time.",
        "Signature of patient or legal representative: ______________   Date: ______",
    ]


# Who asks for a patient's records, what they call the request, and why.
REQUESTERS: tuple[tuple[str, str, str], ...] = (
    ("Law Offices of Miller & Grant, LLP", "attorney", "personal injury claim"),
    ("Baker, Ruiz & Associates, Attorneys at Law", "attorney", "motor vehicle accident"),
    ("Hartley Injury Lawyers, PC", "attorney", "litigation"),
    ("Disability Determination Services", "disability", "disability claim"),
    ("Social Security Administration", "disability", "Social Security disability claim"),
    ("State Department of Rehabilitation - Disability Evaluation", "disability", "disability"),
    ("Northwestern Mutual Life Insurance Company", "insurer", "life insurance application"),
    ("MetLife Disability", "insurer", "long-term disability claim"),
    ("Liberty Mutual Claims", "insurer", "auto claim"),
    ("Prudential Group Insurance", "insurer", "short-term disability claim"),
    ("State Farm Insurance Claims", "insurer", "bodily injury claim"),
    ("Workers' Compensation Board", "insurer", "workers' compensation claim"),
    ("Veterans Benefits Administration", "disability", "VA disability compensation"),
    ("ExamOne / Parameds", "insurer", "underwriting"),
)  # fmt: skip
SOLICITANTES = (
    "Abogados Hernández y Asociados", "Bufete Legal Morales", "Aseguradora Mapfre",
    "Administración del Seguro Social", "Oficina de Determinación de Incapacidad",
)  # fmt: skip


def _third_party_request(rng: random.Random, lang: str) -> list[str]:
    """An attorney's, insurer's or disability agency's request for a patient's records: it asks
    to review and/or receive copies, names the claim, and encloses the patient's authorization."""
    since = _date(rng, _recent(rng), lang=lang)
    if lang == "es":
        requester = _pick(rng, SOLICITANTES)
        return [
            requester,
            *_title(
                rng,
                (
                    "Solicitud de registros médicos",
                    "Solicitud de copias del expediente",
                    "Petición de información médica",
                ),
            ),
            _pick(rng, ("Estimado custodio de registros:", "A quien corresponda:")),
            f"Representamos al paciente indicado en relación con su reclamo. Solicitamos revisar "
            f"y/o recibir copias de todos los registros médicos y de facturación desde el {since}.",
            "Se adjunta la autorización firmada por el paciente conforme a HIPAA.",
            f"Número de reclamo / expediente: {rng.randint(10000, 999999)}",
            "Envíe los registros y su factura por los cargos de copias a nuestra oficina.",
            "Atentamente,",
        ]
    requester, kind, purpose = REQUESTERS[rng.randrange(len(REQUESTERS))]
    titles = {
        "attorney": (
            "Request for Medical Records and Billing",
            "Records Request - Attorney",
            "RE: Request for Records of Our Client",
        ),
        "disability": (
            "Request for Medical Evidence",
            "Request for Medical Records - Disability Claim",
            "Medical Evidence of Record Request",
        ),
        "insurer": (
            "Attending Physician Statement / Records Request",
            "Request for Medical Records",
            "Medical Records Request - Claim Review",
        ),
    }[kind]
    asks = (
        "Please allow our representative to review and/or receive copies of all medical "
        "records in your possession for the above-named patient.",
        f"We request copies of all office notes, test results, imaging reports and itemized "
        f"bills from {since} to the present.",
        "Kindly provide complete and legible copies of the records described below. A signed "
        "HIPAA-compliant authorization is enclosed.",
        "The claimant has filed a claim and named you as a treating source. Please send "
        "medical evidence of record, including treatment notes, diagnoses and test results.",
        "To review and/or receive copies of: entire medical chart, billing ledger, "
        "radiology films and reports.",
    )
    fields = [
        f"{_pick(rng, ('Our client', 'Claimant', 'Insured', 'Applicant', 'Re'))}: see patient "
        "named above",
        f"{_pick(rng, ('Claim No.', 'File No.', 'Our File #', 'Policy No.', 'Case ID'))}: "
        f"{_pick(rng, ('', 'CL-', 'DDS-'))}{rng.randint(100000, 99999999)}",
        f"{_pick(rng, ('Date of Loss', 'Date of Injury', 'Date of Accident', 'Onset date'))}: "
        f"{_date(rng, _recent(rng))}",
        f"Purpose: {purpose}",
    ]
    closing = _sentences(
        rng,
        (
            "Please invoice us for any reasonable copying charges permitted by state law.",
            "If records are maintained electronically, electronic copies are acceptable.",
            "Please respond within 10 business days. Fees will be paid on receipt of invoice.",
            "If you have no records for this patient, please so indicate and return this request.",
            "Certification of records: I certify that the enclosed records are true copies. "
            "Custodian signature: ________",
        ),
        1,
        3,
    )
    salutation = _pick(rng, ("Dear Custodian of Records:", "To Whom It May Concern:", ""))
    sign = [_pick(rng, ("Sincerely,", "Very truly yours,", "Thank you,")), requester]
    return [
        requester,
        *_title(rng, titles),
        *([salutation] if salutation else []),
        *_sentences(rng, asks, 1, 2),
        *rng.sample(fields, rng.randint(2, len(fields))),
        _checkboxes(rng, ("Office notes", "Lab results", "Imaging", "Billing records", "All")),
        *closing,
        *sign,
    ]
