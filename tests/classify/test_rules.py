"""Title and keyword rules: each type in English and Spanish, and the traps between them."""

from __future__ import annotations

import pytest

from classify.rules import normalise, rule_doc_type, title_region

HEADER = "Riverside Family Medicine\n123 Main St, Springfield, IL 62704\nPhone 555-201-3344\n"

TITLED = [
    ("fax_cover_sheet", "FAX COVER SHEET\nTo: Dr. Park\nFrom: Riverside"),
    ("fax_cover_sheet", "Portada de fax\nPara: Clínica San José\nDe: Dr. Reyes"),
    ("referral", "Referral Form\nReferred to: Cardiology"),
    ("referral", "Formulario de referido\nEspecialidad: Cardiología"),
    ("lab_report", "LABORATORY REPORT\nCollected: 01/02/2025"),
    ("lab_report", "Resultados de laboratorio\nMuestra: A1234"),
    ("prior_authorization", "Prior Authorization Request Form\nMember ID: 123"),
    ("prior_authorization", "Formulario de autorización previa\nPlan de salud: Molina"),
    ("rx_refill_request", "Prescription Refill Request\nPharmacy: CVS"),
    ("rx_refill_request", "Solicitud de resurtido de receta\nFarmacia: La Familia"),
    ("eob", "EXPLANATION OF BENEFITS\nTHIS IS NOT A BILL"),
    ("eob", "Explicación de beneficios\nESTO NO ES UNA FACTURA"),
    ("records_request", "Request for Medical Records\nRequesting party: Law Offices"),
    ("records_request", "Solicitud de acceso a información médica\nSolicitante: abogado"),
    ("authorization", "Authorization for Release of Protected Health Information\nI authorize"),
    ("authorization", "Autorización para divulgar información médica protegida\nAutorizo"),
    ("intake_form", "New Patient Registration\nAddress: ____"),
    ("intake_form", "Formulario de registro del paciente\nDirección: ____"),
    ("other", "NOTICE OF PRIVACY PRACTICES\nThis notice describes how"),
    ("progress_note", "PROGRESS NOTE\nSUBJECTIVE: doing well."),
    ("progress_note", "Nota de evolución\nPaciente estable."),
    ("discharge_summary", "Discharge Summary\nAdmission date: 01/02/2025"),
    ("discharge_summary", "Resumen de alta\nFecha de ingreso: 01/02/2025"),
    ("operative_report", "OPERATIVE REPORT\nProcedure: appendectomy"),
    ("operative_report", "Informe quirúrgico\nProcedimiento: apendicectomía"),
    ("imaging_report", "Radiology Report\nExam: chest x-ray"),
    ("imaging_report", "Informe radiológico\nEstudio: radiografía de tórax"),
    ("ed_note", "Emergency Department Note\nChief complaint: fall"),
    ("ed_note", "Nota de urgencias\nMotivo: caída"),
    ("consult_note", "Consultation Note\nReason for consultation: murmur"),
    ("consult_note", "Nota de interconsulta\nMotivo: soplo"),
    ("other", "Aviso de prácticas de privacidad\nEste aviso describe"),
]


@pytest.mark.parametrize(("doc_type", "text"), TITLED)
def test_a_title_names_its_type(doc_type: str, text: str) -> None:
    assert rule_doc_type(HEADER + text) == doc_type


@pytest.mark.parametrize(
    ("text", "doc_type"),
    [
        # Instructions for completing an authorization are not the authorization itself.
        ("Instructions for Completing the Authorization for Release of Information", "other"),
        ("Instrucciones para llenar la autorización para divulgar información", "other"),
        # A payer's prior authorization is not a HIPAA authorization.
        (
            "Pharmacy Prior Authorization\nAuthorization to release records is not required",
            "prior_authorization",
        ),
        ("Patient Portal Proxy Authorization\nA proxy authorization grants access", "other"),
    ],
)
def test_rules_that_must_win_over_a_look_alike(text: str, doc_type: str) -> None:
    assert rule_doc_type(text) == doc_type


def test_a_checklist_of_record_kinds_is_not_a_title() -> None:
    text = (
        "AUTHORIZATION FOR RELEASE OF PROTECTED HEALTH INFORMATION\n"
        "□ discharge summary □ operative report □ pathology report □ lab results\n"
    )
    assert rule_doc_type(text) == "authorization"
    assert rule_doc_type("Patient Name: ____\n□ Lab results □ Imaging □ Pathology report") is None


def test_a_record_kind_in_an_authorizations_list_is_not_a_title() -> None:
    form = (
        "AUTHORIZATION FOR RELEASE OF HEALTH INFORMATION\nPatient Name: ____\nDate of Birth: ____\n"
        "Information to be released:\nMRN: ____\nDischarge Summary\nEmergency Room Record\n"
    )
    assert rule_doc_type(form) == "authorization"
    assert rule_doc_type(form.split("\n", 1)[1]) is None


def test_a_clinical_note_is_left_to_the_model() -> None:
    note = "CHIEF COMPLAINT: Chest pain.\nHISTORY OF PRESENT ILLNESS: A 54-year-old man..."
    assert rule_doc_type(note) is None
    assert rule_doc_type("REASON FOR REFERRAL: evaluate murmur.\nHISTORY: ...") is None


def test_an_operative_note_opens_with_its_diagnosis() -> None:
    assert rule_doc_type("PREOPERATIVE DIAGNOSIS: Cholelithiasis.\nPROCEDURE: ...") == (
        "operative_report"
    )


def test_an_insurance_card_by_its_pharmacy_fields() -> None:
    card = "Aetna\nMember: JOHN DOE\nMember ID W123456789\nGroup 0012345\nRxBIN 610502\nRxPCN ADV"
    assert rule_doc_type(card) == "insurance_card"
    tarjeta = "Molina\nMiembro: ANA LOPEZ\nID 99887766\nGrupo 123\nRxBIN 004336\nRxPCN MCAIDADV"
    assert rule_doc_type(tarjeta) == "insurance_card"


def test_a_lab_sheet_by_its_reference_ranges() -> None:
    sheet = (
        "Quest\nSpecimen: A12\nCollected 01/02/2025\n"
        "Test  Result  Reference Range\nGlucose 99 70-99"
    )
    assert rule_doc_type(sheet) == "lab_report"


def test_normalise_drops_accents_and_case() -> None:
    assert normalise("Autorización  PARA   Divulgación") == "autorizacion para divulgacion"
    assert "patient name" not in title_region("x\n" * 20 + "Patient Name")


@pytest.mark.parametrize(
    "text",
    [
        # A card's sentence, a fax's subject line, a referral's field: other forms named in passing.
        "Oscar Health\nMember: PEGGY BROWN\nPrior authorization required for inpatient admission.",
        "Fax\nTo: Dr. Park\nRE: Records request - signed authorization attached",
        "TO - Harbor Women's Health     RE: Records request - signed authorization attached",
        "Riverside Family Medicine\nPrior authorization number: 116359847   Visits approved: 3",
        "Pharmacy\nPrior authorization may be required by the patient's plan.",
        # A card's back: a directory of phone lines.
        "Member Services: 844-752-9434 TTY 711\nPreauthorization: 844-284-0146\nClaims: PO Box 52",
        "Precertification: (800) 555-0100\nPharmacy help desk: 1-800-555-0199",
        # A remittance page's glossary of adjustment codes.
        "04-02-2026  97110  $83.52  CO-29  M15\nCO-197: Precertification/authorization absent",
    ],
)
def test_a_form_named_in_passing_is_not_a_title(text: str) -> None:
    assert rule_doc_type(text) not in ("prior_authorization", "records_request", "authorization")


@pytest.mark.parametrize(
    "message",
    [
        "Prior authorization request for Adalimumab 40\nmg enclosed.",
        "Prior authorization request\nfor Semaglutide 1 mg\nenclosed.",
    ],
)
def test_a_sentence_wrapped_over_lines_is_not_a_title(message: str) -> None:
    cover = f"TO: Dr. O'Neil\nSender: Metro Urgent Care\nPages: 9\n{message}\nRe: Lab results"
    assert rule_doc_type(cover) != "prior_authorization"
    assert "prior authorization" not in title_region(cover)


def test_a_title_above_a_lower_case_line_still_counts() -> None:
    # Only a wrapped *sentence* (its last piece ends with a full stop) is set apart.
    form = "Prior Authorization Request Form\nplease complete every field\nMember ID: ____"
    assert rule_doc_type(form) == "prior_authorization"


def test_a_title_sharing_its_line_with_a_subject_field_still_counts() -> None:
    # The subject after the title names what the fax is about, not what the page is.
    cover = "FAX COVER SHEET   RE: Records request\nTo: Dr. Wu\nPages: 3"
    assert rule_doc_type(cover) == "fax_cover_sheet"


def test_a_title_with_a_colon_still_counts() -> None:
    text = "Record Request: Authorization for Release of Health Information\nPatient: ____"
    assert rule_doc_type(text) == "records_request"


@pytest.mark.parametrize(
    ("text", "doc_type"),
    [
        (
            "1500\nHEALTH INSURANCE CLAIM FORM\nAPPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE",
            "other",
        ),
        (
            "TYPE OF BILL\n6 STATEMENT COVERS PERIOD FROM THROUGH\n5 FED. TAX NO.\n8 PATIENT NAME",
            "other",
        ),
        (
            "Medical Necessity Denial\nClaim #: 123\nCARC 50 / RARC M15\nDenial: not necessary",
            "eob",
        ),
    ],
)
def test_claim_forms_and_remittance_codes(text: str, doc_type: str) -> None:
    assert rule_doc_type(text) == doc_type


def test_the_word_fax_alone_is_a_title_only_at_the_top() -> None:
    assert rule_doc_type("FAX\nTo: Dr. Park\nFrom: Riverside\nPages: 2") == "fax_cover_sheet"
    blank_form = "\n".join(
        ["Referral Details", "Reason for Referral", "Provider Name", "NPI", "Fax *", "Email"]
    )
    assert rule_doc_type(blank_form) != "fax_cover_sheet"
