"""Third-party records requests and patients' authorizations to release records."""

from __future__ import annotations

import random

from recordroom.core import Patient
from training.generate.common import _checkboxes, _date, _pick, _recent, _title


def _records_request(rng: random.Random, patient: Patient, lang: str) -> list[str]:
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
