"""Release of information for clerks: the requests, each step of one, the packet, the letters;
a patient's accounting of disclosures; the recipient's download link."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from recordroom.core.actor import Actor
from recordroom.usecases import roi, roi_files
from recordroom.web.auth import allow, caller, context_of
from recordroom.web.render import render

router = APIRouter(include_in_schema=False)
Clerk = Annotated[Actor, Depends(allow("clerk"))]
Text = Annotated[str, Form(max_length=2000)]
PAGE_SIZE = 25

VOCABULARY = {
    "request_types": roi.REQUEST_TYPES,
    "requester_types": roi.REQUESTER_TYPES,
    "deliveries": roi.DELIVERIES,
    "identity_methods": roi.IDENTITY_METHODS,
    "denial_grounds": roi.DENIAL_GROUNDS,
    "elements": roi.ELEMENTS,
    "statuses": roi.STATUSES,
}


def _back(request_id: str, msg: str) -> RedirectResponse:
    return RedirectResponse(f"/requests/{quote(request_id)}?msg={msg}", status_code=303)


def _pdf(data: bytes, name: str) -> Response:
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text.strip() else None


@router.get("/requests")
def requests_page(
    request: Request,
    actor: Clerk,
    overdue: Annotated[int, Query(ge=0, le=1)] = 0,
    status: Annotated[str, Query(max_length=16)] = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    views = roi.list_requests(
        context_of(request),
        actor,
        overdue=bool(overdue),
        status=status if status in roi.STATUSES else None,
    )
    views.sort(key=lambda v: (v.status not in ("received", "in_review", "approved"), v.due))
    return render(
        request,
        "requests.html",
        {
            "views": views[offset : offset + PAGE_SIZE],
            "overdue": overdue,
            "status": status,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "more": len(views) > offset + PAGE_SIZE,
            "today": dt.date.today(),
            **VOCABULARY,
        },
    )


@router.get("/requests/new")
def request_form(
    request: Request,
    actor: Clerk,
    patient: Annotated[str, Query(max_length=64)] = "",
    document: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    return render(
        request,
        "request_new.html",
        {"patient": patient, "document": document, "today": dt.date.today(), **VOCABULARY},
    )


@router.post("/requests")
def request_create(
    request: Request,
    actor: Clerk,
    request_type: Annotated[str, Form(max_length=32)],
    requester_type: Annotated[str, Form(max_length=32)],
    requester_name: Annotated[str, Form(min_length=1, max_length=200)],
    patient_mrn: Annotated[str, Form(max_length=64)],
    delivery: Annotated[str, Form(max_length=32)],
    received_on: Annotated[str, Form(max_length=10)],
    requester_address: Text = "",
    requester_contact: Text = "",
    recipient_name: Text = "",
    recipient_address: Text = "",
    purpose: Text = "",
    complete_record: Annotated[str, Form(max_length=3)] = "",
    doc_type: Annotated[list[str] | None, Form()] = None,
    date_from: Annotated[str, Form(max_length=10)] = "",
    date_to: Annotated[str, Form(max_length=10)] = "",
    authorization_document: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        received = _date(received_on) or dt.date.today()
        start, end = _date(date_from), _date(date_to)
    except ValueError:
        return render(
            request,
            "request_new.html",
            {"error": "a date is not YYYY-MM-DD", "today": dt.date.today(), **VOCABULARY},
            400,
        )
    draft = roi.RequestDraft(
        request_type=request_type,
        requester_type=requester_type,
        requester_name=requester_name.strip(),
        patient_mrn=patient_mrn.strip(),
        delivery=delivery,
        received_on=received,
        requester_address=requester_address.strip(),
        requester_contact=requester_contact.strip(),
        recipient_name=recipient_name.strip(),
        recipient_address=recipient_address.strip(),
        purpose=purpose.strip(),
        complete_record=bool(complete_record),
        doc_types=tuple(doc_type or ()),
        date_from=start,
        date_to=end,
    )
    view = roi.new_request(
        context_of(request),
        actor,
        draft,
        from_document=authorization_document.strip() or None,
    )
    return _back(view.id, "request_new")


@router.get("/requests/{request_id}")
def request_page(request: Request, actor: Clerk, request_id: str) -> Response:
    view = roi.show_request(context_of(request), actor, request_id)
    return render(request, "request.html", {"view": view, **VOCABULARY})


@router.post("/requests/{request_id}/check")
def request_check(request: Request, actor: Clerk, request_id: str) -> Response:
    roi.check_request(context_of(request), actor, request_id)
    return _back(request_id, "checked")


@router.post("/requests/{request_id}/elements/{element}")
def request_element(
    request: Request,
    actor: Clerk,
    request_id: str,
    element: str,
    value: Text = "",
    defect: Text = "",
) -> Response:
    roi.confirm_element(
        context_of(request),
        actor,
        request_id,
        element,
        value=value.strip() or None,
        defect=defect.strip(),
    )
    return _back(request_id, "element")


@router.post("/requests/{request_id}/identity")
def request_identity(
    request: Request,
    actor: Clerk,
    request_id: str,
    method: Annotated[str, Form(max_length=32)],
    note: Text = "",
) -> Response:
    roi.verify_identity(context_of(request), actor, request_id, method, note=note.strip())
    return _back(request_id, "identity")


@router.post("/requests/{request_id}/approve")
def request_approve(
    request: Request,
    actor: Clerk,
    request_id: str,
    version: Annotated[int, Form(ge=0)],
    reason: Text = "",
) -> Response:
    roi.approve_request(
        context_of(request), actor, request_id, reason=reason, expected_version=version
    )
    return _back(request_id, "approved")


@router.post("/requests/{request_id}/deny")
def request_deny(
    request: Request,
    actor: Clerk,
    request_id: str,
    ground: Annotated[str, Form(max_length=40)],
    version: Annotated[int, Form(ge=0)],
    reason: Text = "",
) -> Response:
    letter = roi.deny_request(
        context_of(request), actor, request_id, ground, reason=reason, expected_version=version
    )
    return _pdf(letter.pdf, f"denial-letter-{request_id}.pdf")


@router.post("/requests/{request_id}/extend")
def request_extend(
    request: Request,
    actor: Clerk,
    request_id: str,
    reason: Annotated[str, Form(min_length=1, max_length=2000)],
) -> Response:
    letter = roi.extend_request(context_of(request), actor, request_id, reason)
    return _pdf(letter.pdf, f"extension-notice-{request_id}.pdf")


@router.post("/requests/{request_id}/fulfil")
def request_fulfil(
    request: Request,
    actor: Clerk,
    request_id: str,
    version: Annotated[int, Form(ge=0)],
) -> Response:
    release = roi.fulfil_request(
        context_of(request),
        actor,
        request_id,
        encrypt=False,
        expected_version=version,
    )
    return render(request, "released.html", {"release": release, **VOCABULARY})


@router.get("/requests/{request_id}/packet")
def request_packet(request: Request, actor: Clerk, request_id: str) -> Response:
    packet = roi_files.packet_file(context_of(request), actor, request_id)
    return _pdf(packet.data, packet.name)


@router.post("/requests/{request_id}/close")
def request_close(request: Request, actor: Clerk, request_id: str, reason: Text = "") -> Response:
    roi.close_request(context_of(request), actor, request_id, reason=reason)
    return _back(request_id, "closed")


@router.post("/requests/{request_id}/cancel")
def request_cancel(
    request: Request,
    actor: Clerk,
    request_id: str,
    reason: Annotated[str, Form(min_length=1, max_length=2000)],
) -> Response:
    roi.cancel_request(context_of(request), actor, request_id, reason=reason)
    return _back(request_id, "cancelled")


@router.get("/patients/{mrn}/accounting.{kind}")
def accounting_file(request: Request, actor: Clerk, mrn: str, kind: str) -> Response:
    ctx = context_of(request)
    accounting = roi.accounting_of_disclosures(ctx, actor, mrn)
    name = f"accounting-of-disclosures-{mrn}-{accounting.as_of.isoformat()}"
    if kind == "pdf":
        return _pdf(roi.accounting_pdf(ctx, accounting), f"{name}.pdf")
    if kind == "csv":
        return Response(
            accounting.csv(),
            media_type="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="{name}.csv"',
                "Cache-Control": "private, no-store",
            },
        )
    return render(
        request, "error.html", {"title": "Not found", "detail": "pdf or csv", "status": 404}, 404
    )


@router.get("/roi/download/{token}")
def link_download(request: Request, token: str) -> Response:
    """The recipient's download link: no account, the signed token is the key; it expires."""
    data = roi.download_packet(context_of(request), caller(request), token)
    return _pdf(data, "records.pdf")
