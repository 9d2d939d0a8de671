"""The pages: each parses the request, calls one use-case with the signed-in actor, renders."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from recordroom.core import DOC_TYPES, AuthenticationError, RecordroomError
from recordroom.core.actor import Actor
from recordroom.usecases import document_files, inbox, registry, roi, users
from recordroom.usecases.documents import document_history
from recordroom.usecases.review import (
    assign_document,
    list_review,
    merge_documents,
    review_document,
    split_document,
)
from recordroom.usecases.search import SearchFilters, search_documents
from recordroom.web.auth import (
    CSRF_FIELD,
    EVERYONE,
    LOGIN_CSRF_COOKIE,
    allow,
    caller,
    clear_session_cookie,
    context_of,
    current_session,
    set_session_cookie,
)
from recordroom.web.render import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
READERS = ("intake", "clerk")

Intake = Annotated[Actor, Depends(allow("intake"))]
Reader = Annotated[Actor, Depends(allow(*READERS))]
Admin = Annotated[Actor, Depends(allow("admin"))]
Anyone = Annotated[Actor, Depends(allow(*EVERYONE))]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def _see(path: str, msg: str | None = None) -> RedirectResponse:
    return RedirectResponse(f"{path}?msg={msg}" if msg else path, status_code=303)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an address elsewhere (``//host`` or ``https:``)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


# -- signing in and out ----------------------------------------------------------------------------


@router.get("/healthz")
def healthz() -> PlainTextResponse:
    return PlainTextResponse("ok")


@router.get("/login")
def login_form(request: Request, next: str = "/", expired: int = 0) -> Response:
    if current_session(request) is not None:
        return _see(_safe_next(next))
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        {"login_csrf": token, "next": _safe_next(next), "expired": bool(expired)},
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/login",
    )
    return response


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=64)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf_token):
        error = "The sign-in form expired; please try again."
    else:
        try:
            session = users.sign_in(context_of(request), caller(request), username, password)
        except AuthenticationError as failure:
            error = str(failure)
        else:
            target = "/account/password" if session.must_change_password else _safe_next(next)
            redirect = _see(target)
            set_session_cookie(request, redirect, session.token)
            redirect.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
            return redirect
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        {"login_csrf": token, "next": _safe_next(next), "error": error, "username": username},
        401,
    )
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.post("/logout")
def logout(request: Request, actor: Anyone) -> Response:
    token = request.cookies.get("rr_session", "")
    users.sign_out(context_of(request), actor, token)
    response = RedirectResponse("/login?msg=signed_out", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/")
def home(request: Request, actor: Anyone) -> Response:
    return render(request, "home.html", {})


@router.get("/account/password")
def password_form(request: Request, actor: Anyone) -> Response:
    return render(request, "password.html", {})


@router.post("/account/password")
def password_change(
    request: Request,
    actor: Anyone,
    current: Annotated[str, Form(max_length=256)],
    new: Annotated[str, Form(max_length=256)],
    again: Annotated[str, Form(max_length=256)],
) -> Response:
    try:
        if new != again:
            raise RecordroomError("the two new passwords differ")
        users.change_password(context_of(request), actor, current, new)
    except RecordroomError as error:
        return render(request, "password.html", {"error": str(error)}, 400)
    return _see("/", "password")


# -- inbox -----------------------------------------------------------------------------------------


@router.get("/inbox")
def inbox_page(request: Request, actor: Intake, offset: Offset = 0) -> Response:
    overview = inbox.inbox_overview(context_of(request), actor, offset=offset, limit=PAGE_SIZE)
    return render(
        request, "inbox.html", {"inbox": overview, "offset": offset, "page_size": PAGE_SIZE}
    )


@router.post("/inbox/quarantine/{name}/retry")
def quarantine_retry(request: Request, actor: Intake, name: str) -> Response:
    inbox.retry_quarantined(context_of(request), actor, name)
    return _see("/inbox", "retried")


@router.post("/inbox/quarantine/{name}/discard")
def quarantine_discard(request: Request, actor: Intake, name: str) -> Response:
    inbox.discard_quarantined(context_of(request), actor, name)
    return _see("/inbox", "discarded")


# -- review ----------------------------------------------------------------------------------------


@router.get("/review")
def review_page(request: Request, actor: Intake, offset: Offset = 0) -> Response:
    items = list_review(context_of(request), actor, limit=offset + PAGE_SIZE + 1)
    shown = items[offset : offset + PAGE_SIZE]
    return render(
        request,
        "review_list.html",
        {
            "items": shown,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "more": len(items) > offset + PAGE_SIZE,
        },
    )


@router.get("/review/{document_id}")
def review_item(
    request: Request,
    actor: Intake,
    document_id: str,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    ctx = context_of(request)
    item = review_document(ctx, actor, document_id)
    document = item.document
    found = registry.search_patients(ctx, actor, q) if q.strip() else []
    guess = None
    if document.patient_mrn:
        matches = registry.search_patients(ctx, actor, document.patient_mrn, limit=1)
        guess = matches[0] if matches and matches[0].mrn == document.patient_mrn else None
    return render(
        request,
        "review_item.html",
        {"document": document, "same_file": item.same_file, "q": q, "found": found, "guess": guess},
    )


@router.post("/review/{document_id}")
def review_decide(
    request: Request,
    actor: Intake,
    document_id: str,
    patient_mrn: Annotated[str, Form(min_length=1, max_length=64)],
    doc_type: Annotated[str, Form(max_length=32)],
    back: Annotated[str, Form(max_length=16)] = "review",
) -> Response:
    assign_document(
        context_of(request), actor, document_id, patient_mrn=patient_mrn, doc_type=doc_type
    )
    if back == "document":
        return _see(f"/documents/{quote(document_id)}", "filed")
    return _see("/review", "filed")


@router.post("/review/{document_id}/split")
def review_split(
    request: Request,
    actor: Intake,
    document_id: str,
    at_page: Annotated[int, Form(ge=1, le=100_000)],
) -> Response:
    new_id = split_document(context_of(request), actor, document_id, at_page=at_page)
    return _see(f"/review/{quote(document_id)}", f"split&new={quote(new_id)}")


@router.post("/review/{document_id}/merge")
def review_merge(
    request: Request,
    actor: Intake,
    document_id: str,
    other: Annotated[str, Form(min_length=1, max_length=64)],
) -> Response:
    merge_documents(context_of(request), actor, document_id, other)
    return _see(f"/review/{quote(document_id)}", "merged")


# -- documents, patients, search -------------------------------------------------------------------


@router.get("/documents/{document_id}")
def document_page(request: Request, actor: Reader, document_id: str) -> Response:
    history = document_history(context_of(request), actor, document_id)
    return render(request, "document.html", {"document": history.document, "history": history})


@router.get("/documents/{document_id}/pages/{page}.png")
def page_png(
    request: Request,
    actor: Reader,
    document_id: str,
    page: int,
    size: Annotated[str, Query(pattern="^(full|thumb)$")] = "full",
) -> Response:
    image = document_files.page_image(
        context_of(request), actor, document_id, page, small=size == "thumb"
    )
    return Response(
        image.data, media_type=image.media_type, headers={"Cache-Control": "private, no-store"}
    )


@router.get("/documents/{document_id}/original")
def original(request: Request, actor: Reader, document_id: str) -> Response:
    stored = document_files.original_file(context_of(request), actor, document_id)
    return Response(
        stored.data,
        media_type=stored.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(stored.name)}",
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/patients")
def patients_page(
    request: Request, actor: Reader, q: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    found = registry.search_patients(context_of(request), actor, q) if q.strip() else []
    return render(request, "patients.html", {"q": q, "found": found})


@router.get("/patients/{mrn}")
def patient_page(request: Request, actor: Reader, mrn: str) -> Response:
    ctx = context_of(request)
    record = registry.show_patient(ctx, actor, mrn)
    accounting = roi.accounting_of_disclosures(ctx, actor, mrn) if actor.has_role("clerk") else None
    return render(request, "patient.html", {"record": record, "accounting": accounting})


def _day(text: str, *, end: bool = False) -> dt.datetime | None:
    """A YYYY-MM-DD field as the start (or the end) of that day in UTC; None when empty or
    not a date."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
    moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min, dt.UTC)
    return moment


@router.get("/search")
def search_page(
    request: Request,
    actor: Reader,
    q: Annotated[str, Query(max_length=500)] = "",
    patient: Annotated[str, Query(max_length=64)] = "",
    type: Annotated[str, Query(max_length=32)] = "",
    sender: Annotated[str, Query(max_length=200)] = "",
    start: Annotated[str, Query(alias="from", max_length=10)] = "",
    end: Annotated[str, Query(alias="to", max_length=10)] = "",
    offset: Offset = 0,
) -> Response:
    asked = any(value.strip() for value in (q, patient, type, sender, start, end))
    hits = (
        search_documents(
            context_of(request),
            actor,
            q,
            SearchFilters(
                patient_mrn=patient.strip() or None,
                doc_type=type if type in DOC_TYPES else None,
                sender=sender.strip() or None,
                received_from=_day(start),
                received_to=_day(end, end=True),
            ),
            limit=PAGE_SIZE + 1,
            offset=offset,
        )
        if asked
        else []
    )
    return render(
        request,
        "search.html",
        {
            "q": q,
            "patient": patient,
            "type": type,
            "sender": sender,
            "start": start,
            "end": end,
            "asked": asked,
            "hits": hits[:PAGE_SIZE],
            "offset": offset,
            "page_size": PAGE_SIZE,
            "more": len(hits) > PAGE_SIZE,
        },
    )


# -- users (admins) --------------------------------------------------------------------------------


@router.get("/users")
def users_page(request: Request, actor: Admin) -> Response:
    return render(request, "users.html", {"users": users.list_users(context_of(request), actor)})


@router.post("/users")
def user_add(
    request: Request,
    actor: Admin,
    username: Annotated[str, Form(max_length=64)],
    display_name: Annotated[str, Form(max_length=128)] = "",
    role: Annotated[list[str] | None, Form()] = None,
) -> Response:
    ctx = context_of(request)
    try:
        made = users.add_user(ctx, actor, username, role or [], display_name=display_name)
    except RecordroomError as error:
        return render(
            request, "users.html", {"users": users.list_users(ctx, actor), "error": str(error)}, 400
        )
    return render(request, "password_once.html", {"made": made, "new_account": True})


@router.post("/users/{username}/roles")
def user_roles(
    request: Request,
    actor: Admin,
    username: str,
    role: Annotated[list[str] | None, Form()] = None,
) -> Response:
    users.set_roles(context_of(request), actor, username, role or [])
    return _see("/users", "roles")


@router.post("/users/{username}/disable")
def user_disable(request: Request, actor: Admin, username: str) -> Response:
    users.disable_user(context_of(request), actor, username)
    return _see("/users", "disabled")


@router.post("/users/{username}/enable")
def user_enable(request: Request, actor: Admin, username: str) -> Response:
    users.disable_user(context_of(request), actor, username, disabled=False)
    return _see("/users", "enabled")


@router.post("/users/{username}/reset-password")
def user_reset(request: Request, actor: Admin, username: str) -> Response:
    made = users.reset_password(context_of(request), actor, username)
    return render(request, "password_once.html", {"made": made, "new_account": False})
