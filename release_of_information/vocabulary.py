"""The words of a release: request types, requesters, deliveries, states, identity checks and
denial grounds, each with the sentence a clerk or a letter shows."""

from __future__ import annotations

REQUEST_TYPES: dict[str, str] = {
    "right_of_access": "the patient's right of access (45 CFR 164.524)",
    "third_party_directive": "the patient's directive to send a copy to a third party "
    "(45 CFR 164.524(c)(3)(ii); Ciox v. Azar)",
    "authorization": "a request under the patient's signed authorization (45 CFR 164.508)",
    "treatment": "a provider's request for treatment (45 CFR 164.506)",
    "payment": "a request for payment (45 CFR 164.506)",
    "operations": "a request for health care operations (45 CFR 164.506)",
    "required_by_law": "a disclosure required by law: court order, subpoena, government agency "
    "(45 CFR 164.512)",
}
# Request types the patient starts and receives (or directs): no authorization, identity instead.
ACCESS_TYPES = frozenset({"right_of_access", "third_party_directive"})
# What the accounting of disclosures leaves out (164.528(a)(1)): to the individual, TPO, under an
# authorization. Wrongful disclosures (incidents) are listed whatever their type.
ACCOUNTING_EXCLUDED = frozenset(
    {
        "right_of_access",
        "third_party_directive",
        "authorization",
        "treatment",
        "payment",
        "operations",
    }
)

REQUESTER_TYPES: dict[str, str] = {
    "patient": "the patient",
    "personal_representative": "the patient's personal representative",
    "provider": "a provider, for treatment",
    "payer": "a health plan or payer",
    "attorney": "an attorney",
    "government_agency": "a government agency",
    "other": "another requester",
}

DELIVERIES: dict[str, str] = {
    "link": "a secure download link that expires",
    "encrypted_pdf": "an encrypted PDF, its password delivered separately",
    "mail": "printed and mailed",
}
ELECTRONIC_DELIVERIES = frozenset({"link", "encrypted_pdf"})

IDENTITY_METHODS: dict[str, str] = {
    "photo_id": "government photo ID seen",
    "portal_login": "patient portal login",
    "call_back": "call-back to a number on file",
    "court_order": "court order or subpoena seen",
    "representative_papers": "personal representative papers seen",
    "provider_credentials": "provider identity and credentials confirmed",
    "notarized_signature": "notarized signature",
}

STATUSES = ("received", "in_review", "approved", "denied", "fulfilled", "closed", "cancelled")
TRANSITIONS: dict[str, frozenset[str]] = {
    "received": frozenset({"in_review", "cancelled"}),
    "in_review": frozenset({"approved", "denied", "cancelled"}),
    "approved": frozenset({"fulfilled", "cancelled"}),
    "denied": frozenset({"closed"}),
    "fulfilled": frozenset({"closed"}),
    "closed": frozenset(),
    "cancelled": frozenset(),
}
PENDING = frozenset({"received", "in_review", "approved"})

# Grounds for denying a request. 164.524(a)(2) unreviewable, (a)(3) reviewable; the last ones are
# for requests that are not the patient's right of access.
UNREVIEWABLE_GROUNDS: dict[str, str] = {
    "psychotherapy_notes": "the records asked for are psychotherapy notes "
    "(45 CFR 164.524(a)(1)(i))",
    "legal_proceedings": "the information was compiled in reasonable anticipation of, or for use "
    "in, a civil, criminal or administrative action or proceeding (45 CFR 164.524(a)(1)(ii))",
    "inmate": "you are an inmate and a copy would jeopardize health, safety, security, custody or "
    "rehabilitation (45 CFR 164.524(a)(2)(ii))",
    "research": "the information was created in research that is still in progress and you agreed "
    "to suspend access while it lasts (45 CFR 164.524(a)(2)(iii))",
    "confidential_source": "the information was obtained from someone other than a health care "
    "provider under a promise of confidentiality and access would reveal the source "
    "(45 CFR 164.524(a)(2)(v))",
}
REVIEWABLE_GROUNDS: dict[str, str] = {
    "endanger_life": "a licensed health care professional has judged that access is reasonably "
    "likely to endanger your life or physical safety or that of another person "
    "(45 CFR 164.524(a)(3)(i))",
    "harm_to_other": "the records name another person, and a licensed health care professional has "
    "judged that access is reasonably likely to cause that person substantial harm "
    "(45 CFR 164.524(a)(3)(ii))",
    "harm_via_representative": "a licensed health care professional has judged that access by "
    "your personal representative is reasonably likely to cause you or another person substantial "
    "harm (45 CFR 164.524(a)(3)(iii))",
}
OTHER_GROUNDS: dict[str, str] = {
    "defective_authorization": "the authorization we received is not valid "
    "(45 CFR 164.508(b)(2)); a new, complete authorization is needed",
    "identity_not_verified": "we could not verify the requester's identity or authority "
    "(45 CFR 164.514(h))",
    "no_records": "we hold no records that answer the request",
}
DENIAL_GROUNDS: dict[str, str] = {**UNREVIEWABLE_GROUNDS, **REVIEWABLE_GROUNDS, **OTHER_GROUNDS}
