"""Letters to the requester, as PDFs: the denial letter (164.524(d)) and the extension notice
(164.524(b)(2)(ii)), in plain language."""

from __future__ import annotations

import datetime as dt

from recordroom.core.errors import InvalidRequestError
from release_of_information.models import RequestRow
from release_of_information.pdf import Block, render
from release_of_information.policy import ReleasePolicy
from release_of_information.vocabulary import (
    DENIAL_GROUNDS,
    REVIEWABLE_GROUNDS,
    UNREVIEWABLE_GROUNDS,
)

HHS_COMPLAINT = (
    "the U.S. Department of Health and Human Services, Office for Civil Rights: "
    "www.hhs.gov/ocr/complaints, 1-800-368-1019, or 200 Independence Avenue S.W., Washington, "
    "D.C. 20201"
)


def _heading(request: RequestRow, policy: ReleasePolicy, on: dt.date, title: str) -> list[Block]:
    return [
        ("title", title),
        f"{policy.practice_name}\n{policy.practice_address}".strip(),
        f"Date: {on.isoformat()}",
        f"To: {request.requester_name}\n{request.requester_address}".strip(),
        f"Your request {request.id}, received {request.received_on.isoformat()}, for the records "
        f"of patient MRN {request.patient_mrn}.",
    ]


def denial_letter(request: RequestRow, policy: ReleasePolicy, on: dt.date) -> bytes:
    ground = request.denial_ground
    if request.status != "denied" or ground is None:
        raise InvalidRequestError(f"request {request.id} is {request.status}, not denied")
    blocks = _heading(request, policy, on, "Your request for records is denied")
    blocks.append(f"We cannot provide the records you asked for, because {DENIAL_GROUNDS[ground]}.")
    if ground in REVIEWABLE_GROUNDS:
        blocks.append(("heading", "Your right to a review"))
        blocks.append(
            "You may ask for this denial to be reviewed. A licensed health care professional "
            "chosen by us, who took no part in the decision to deny, will review it and we will "
            "do what the reviewer decides. To ask for a review, write to "
            f"{policy.privacy_contact} at {policy.practice_name} and name request {request.id}."
        )
    elif ground in UNREVIEWABLE_GROUNDS:
        blocks.append(
            "This ground cannot be reviewed (45 CFR 164.524(a)(2)). Where only part of what you "
            "asked for falls under it, you may ask again for the rest."
        )
    else:
        blocks.append(
            "You may send a new request once the problem is put right; we will act on it "
            "within 30 days of receiving it."
        )
    blocks.append(("heading", "How to complain"))
    blocks.append(
        f"You may complain to {policy.privacy_contact} at {policy.practice_name}"
        f"{', ' + policy.practice_address if policy.practice_address else ''}, or to "
        f"{HHS_COMPLAINT}. We will not retaliate against you for complaining."
    )
    return render(blocks, title=f"Request {request.id}: denial")


def extension_notice(request: RequestRow, policy: ReleasePolicy, on: dt.date) -> bytes:
    if request.extended_due_on is None:
        raise InvalidRequestError(f"request {request.id} has not been extended")
    blocks = _heading(request, policy, on, "We need more time for your request")
    blocks.append(
        f"We need more time to act on your request, because {request.extension_reason}. "
        f"We will act on it by {request.extended_due_on.isoformat()} instead of "
        f"{request.due_on.isoformat()}. This is the only extension the law allows "
        "(45 CFR 164.524(b)(2))."
    )
    blocks.append(f"Questions: {policy.privacy_contact}, {policy.practice_name}.")
    return render(blocks, title=f"Request {request.id}: extension notice")
