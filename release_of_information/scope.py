"""What a release encloses (minimum necessary, HIPAA.md §3) and what it costs (§2)."""

from __future__ import annotations

from collections.abc import Sequence

from recordroom.core.errors import InvalidRequestError
from recordroom.core.release import SECURITY_LABELS, DocumentSummary, ReleaseSource
from release_of_information.models import AuthorizationRow, RequestRow
from release_of_information.policy import ReleasePolicy
from release_of_information.records import Fee, Selection, Withheld
from release_of_information.sensitivity import names_category, suggest_labels
from release_of_information.vocabulary import ACCESS_TYPES, ELECTRONIC_DELIVERIES


def candidate_documents(request: RequestRow, source: ReleaseSource) -> list[DocumentSummary]:
    """The patient's documents the request asks for: the ones it names, else its types and date
    range, else (complete record) all of them. A named document of another patient is refused."""
    if request.document_id_list:
        documents = [source.document(doc_id) for doc_id in request.document_id_list]
    else:
        documents = list(source.documents_of(request.patient_mrn))
    for document in documents:
        if document.patient_mrn != request.patient_mrn:
            raise InvalidRequestError(
                f"document {document.id} is not filed under the patient of request {request.id}; "
                "a release holds only the patient's own documents"
            )
    if request.doc_type_list and not request.complete_record:
        documents = [d for d in documents if d.doc_type in request.doc_type_list]
    if request.date_from is not None:
        documents = [d for d in documents if d.date >= request.date_from]
    if request.date_to is not None:
        documents = [d for d in documents if d.date <= request.date_to]
    return documents


def _withholding_reason(
    request: RequestRow, authorization: AuthorizationRow | None, labels: frozenset[str]
) -> str:
    if request.request_type in ACCESS_TYPES:
        if "PSYTHPN" in labels:
            return (
                "psychotherapy notes are not part of the right of access (45 CFR 164.524(a)(1)(i))"
            )
        return ""
    named = authorization.category_codes if authorization is not None else frozenset()
    missing = sorted(code for code in labels if not names_category(named, code))
    if not missing:
        return ""
    what = "; ".join(dict.fromkeys(SECURITY_LABELS[code] for code in missing))
    if "PSYTHPN" in missing:
        rule = "psychotherapy notes need an authorization of their own (45 CFR 164.508(a)(2))"
    elif any(code in ("ETH", "SUD") for code in missing):
        rule = "Part 2 records need a consent that names them (42 CFR 2.31)"
    else:
        rule = "this category needs an authorization that names it"
    return f"{what} ({', '.join(missing)}): {rule}"


def select_documents(
    request: RequestRow, authorization: AuthorizationRow | None, source: ReleaseSource
) -> Selection:
    """The documents to enclose and those withheld because they are sensitive and the
    authorization does not name their category (labels stored on the document, plus those its
    text shows)."""
    included: list[DocumentSummary] = []
    withheld: list[Withheld] = []
    for document in candidate_documents(request, source):
        labels = document.labels | suggest_labels(source.text(document.id))
        document = _with_labels(document, labels)
        reason = _withholding_reason(request, authorization, labels)
        if reason:
            withheld.append(Withheld(document, reason))
        else:
            included.append(document)
    return Selection(included=tuple(included), withheld=tuple(withheld))


def _with_labels(document: DocumentSummary, labels: frozenset[str]) -> DocumentSummary:
    if labels == document.labels:
        return document
    return DocumentSummary(
        id=document.id,
        patient_mrn=document.patient_mrn,
        doc_type=document.doc_type,
        date=document.date,
        page_count=document.page_count,
        labels=labels,
    )


def quote_fee(request: RequestRow, pages: int, policy: ReleasePolicy) -> Fee:
    """The fee shown before fulfilment: the flat fee for electronic copies, else cost-based per
    page (plus postage for mail); never search and retrieval (164.524(c)(4))."""
    if request.request_type == "treatment":
        return Fee(0, "no fee for a disclosure for treatment")
    directive = request.request_type == "third_party_directive"
    flat = policy.directive_flat_cents if directive else policy.flat_fee_cents
    per_page = policy.directive_per_page_cents if directive else policy.per_page_cents
    schedule = "third-party directive schedule" if directive else "standard schedule"
    electronic = request.delivery in ELECTRONIC_DELIVERIES
    if policy.fee_mode == "flat" and electronic:
        return Fee(flat, f"flat fee for an electronic copy, {schedule}")
    cents = pages * per_page
    basis = f"{pages} pages at ${per_page / 100:.2f} a page, cost-based, {schedule}"
    if request.delivery == "mail" and policy.postage_cents:
        cents += policy.postage_cents
        basis += f", postage ${policy.postage_cents / 100:.2f}"
    return Fee(cents, basis)


def describe(documents: Sequence[DocumentSummary]) -> str:
    """A brief description of what was disclosed, for the accounting of disclosures."""
    if not documents:
        return "no documents"
    kinds = sorted({doc.doc_type.replace("_", " ") for doc in documents})
    first = min(doc.date for doc in documents).isoformat()
    last = max(doc.date for doc in documents).isoformat()
    pages = sum(doc.page_count for doc in documents)
    return f"{len(documents)} documents ({', '.join(kinds)}), {first} to {last}, {pages} pages"
