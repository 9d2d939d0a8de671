"""The JSON API under ``/api/``: the same use-cases as the pages, described by OpenAPI.

Sign in with ``POST /api/login`` (the answer sets the session cookie and gives the CSRF token);
every unsafe request then carries the token in the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator, BaseModel, Field, WithJsonSchema

from recordroom.core import DOC_TYPES, Document, Patient
from recordroom.core.actor import ROLES, Actor
from recordroom.usecases import inbox, registry, users
from recordroom.usecases.documents import document_history, show_document
from recordroom.usecases.review import (
    assign_document,
    list_review,
    merge_documents,
    split_document,
)
from recordroom.usecases.search import SearchFilters, search_documents
from recordroom.web.auth import (
    EVERYONE,
    SESSION_COOKIE,
    allow,
    caller,
    clear_session_cookie,
    context_of,
    set_session_cookie,
)


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back without their zone; every one recordroom keeps is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


Utc = Annotated[dt.datetime, AfterValidator(_utc)]


def _one_of(choices: tuple[str, ...], what: str) -> Callable[[str], str]:
    """A check that a string is one of ``choices`` (OpenAPI shows them as an enum)."""

    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(f"{value!r} is not a {what}; use one of: {', '.join(choices)}")
        return value

    return check


Role = Annotated[str, AfterValidator(_one_of(ROLES, "role")), WithJsonSchema({"enum": list(ROLES)})]
DocType = Annotated[
    str,
    AfterValidator(_one_of(DOC_TYPES, "document type")),
    WithJsonSchema({"enum": list(DOC_TYPES)}),
]

ERRORS: dict[int | str, dict[str, object]] = {
    400: {"description": "refused, with the reason"},
    401: {"description": "not signed in"},
    403: {"description": "the user lacks the role, or the CSRF token is missing"},
    404: {"description": "no such record"},
    409: {"description": "it exists already"},
}
router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)

Intake = Annotated[Actor, Depends(allow("intake"))]
Reader = Annotated[Actor, Depends(allow("intake", "clerk"))]
Admin = Annotated[Actor, Depends(allow("admin"))]
Anyone = Annotated[Actor, Depends(allow(*EVERYONE))]
Id = Annotated[str, Path(min_length=1, max_length=64)]
FileName = Annotated[str, Path(min_length=1, max_length=255)]


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Me(BaseModel):
    username: str
    display_name: str
    roles: list[str]
    door: str


class SignedIn(Me):
    csrf_token: str
    must_change_password: bool


class Hit(BaseModel):
    document_id: str
    file: str
    doc_type: str
    patient_mrn: str | None
    received_at: Utc
    page: int
    snippet: str


class PageOut(BaseModel):
    number: int
    method: str
    confidence: float | None
    rotation: int
    text: str


class DocumentOut(BaseModel):
    id: str
    file: str
    sha256: str
    media_type: str
    size: int
    received_at: Utc
    doc_type: str
    doc_type_confidence: float
    patient_mrn: str | None
    patient_confidence: float
    needs_review: bool
    review_reasons: list[str]
    sender_name: str | None
    sender_fax: str | None
    pages: list[PageOut]


class HistoryOut(BaseModel):
    seq: int
    recorded: Utc
    what: str
    user: str
    door: str
    outcome: str
    detail: str


class ReviewOut(BaseModel):
    document_id: str
    file: str
    received_at: str
    doc_type: str
    doc_type_confidence: float
    patient_mrn: str | None
    patient_confidence: float
    reasons: list[str]


class Decision(BaseModel):
    patient_mrn: str = Field(min_length=1, max_length=64)
    doc_type: DocType


class SplitAt(BaseModel):
    at_page: int = Field(ge=2, le=100_000, description="the first page of the new document")


class SplitOut(BaseModel):
    document_id: str
    new_document_id: str


class MergeWith(BaseModel):
    other_document_id: str = Field(min_length=1, max_length=64)


class PatientOut(BaseModel):
    mrn: str
    last_name: str
    first_name: str
    middle_name: str
    birth_date: dt.date
    sex: str
    phone: str
    address_line: str
    city: str
    state: str
    postal_code: str


class DocumentSummaryOut(BaseModel):
    document_id: str
    file: str
    received_at: Utc
    doc_type: str
    patient_mrn: str | None
    pages: int
    needs_review: bool


class PatientRecordOut(BaseModel):
    patient: PatientOut
    documents: list[DocumentSummaryOut]


class JobOut(BaseModel):
    job_id: int
    file: str
    status: str
    reason: str | None
    document_ids: list[str]
    attempts: int
    created_at: Utc
    finished_at: Utc | None


class QuarantinedOut(BaseModel):
    name: str
    reason: str
    size: int
    quarantined_at: Utc


class InboxOut(BaseModel):
    waiting: list[str]
    waiting_count: int
    processing: list[JobOut]
    done_today: list[JobOut]
    done_today_count: int
    quarantined: list[QuarantinedOut]


class UserOut(BaseModel):
    username: str
    display_name: str
    roles: list[str]
    disabled: bool
    locked: bool
    created_at: Utc
    last_login_at: Utc | None


class NewUser(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")
    display_name: str = Field(default="", max_length=128)
    roles: list[Role] = Field(min_length=1, max_length=4)


class Roles(BaseModel):
    roles: list[Role] = Field(min_length=1, max_length=4)


class PasswordOut(BaseModel):
    username: str
    password: str


class Done(BaseModel):
    done: bool = True
    detail: str = ""


def _patient(patient: Patient) -> PatientOut:
    return PatientOut.model_validate(registry.patient_json(patient))


def _document(document: Document) -> DocumentOut:
    return DocumentOut(
        id=document.id,
        file=document.source_name,
        sha256=document.sha256,
        media_type=document.media_type,
        size=document.size,
        received_at=document.received_at,
        doc_type=document.doc_type,
        doc_type_confidence=document.doc_type_confidence,
        patient_mrn=document.patient_mrn,
        patient_confidence=document.patient_confidence,
        needs_review=document.needs_review,
        review_reasons=list(document.review_reasons),
        sender_name=document.sender_name,
        sender_fax=document.sender_fax,
        pages=[
            PageOut(
                number=p.number,
                method=p.method,
                confidence=p.confidence,
                rotation=p.rotation,
                text=p.text,
            )
            for p in document.pages
        ],
    )


# -- session ---------------------------------------------------------------------------------------


@router.post("/login", responses={200: {"description": "signed in; the cookie is set"}})
def api_login(request: Request, credentials: Credentials) -> JSONResponse:
    """Sign in: sets the session cookie and returns the CSRF token for unsafe requests."""
    session = users.sign_in(
        context_of(request), caller(request), credentials.username, credentials.password
    )
    body = SignedIn(
        username=session.actor.user_id,
        display_name=session.actor.display_name,
        roles=sorted(session.actor.roles),
        door="api",
        csrf_token=session.csrf_token,
        must_change_password=session.must_change_password,
    )
    response = JSONResponse(body.model_dump())
    set_session_cookie(request, response, session.token)
    return response


@router.post("/logout")
def api_logout(request: Request, actor: Anyone) -> Response:
    users.sign_out(context_of(request), actor, request.cookies.get(SESSION_COOKIE, ""))
    response = JSONResponse(Done().model_dump())
    clear_session_cookie(response)
    return response


@router.get("/me")
def me(actor: Anyone) -> Me:
    return Me(
        username=actor.user_id,
        display_name=actor.display_name,
        roles=sorted(actor.roles),
        door=actor.door,
    )


# -- documents, search, patients -------------------------------------------------------------------


@router.get("/search")
def api_search(
    request: Request,
    actor: Reader,
    q: Annotated[str, Query(max_length=500)] = "",
    patient: Annotated[str | None, Query(max_length=64)] = None,
    type: Annotated[str | None, Query(max_length=32)] = None,
    sender: Annotated[str | None, Query(max_length=200)] = None,
    received_from: Annotated[dt.date | None, Query(alias="from")] = None,
    received_to: Annotated[dt.date | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[Hit]:
    """Full-text search (every word; ``word*`` for a prefix) with metadata filters."""
    hits = search_documents(
        context_of(request),
        actor,
        q,
        SearchFilters(
            patient_mrn=patient or None,
            doc_type=type or None,
            sender=sender or None,
            received_from=(
                dt.datetime.combine(received_from, dt.time.min, dt.UTC) if received_from else None
            ),
            received_to=(
                dt.datetime.combine(received_to, dt.time.max, dt.UTC) if received_to else None
            ),
        ),
        limit=limit,
        offset=offset,
    )
    return [Hit.model_validate(hit.as_json()) for hit in hits]


@router.get("/documents/{document_id}")
def api_document(request: Request, actor: Reader, document_id: Id) -> DocumentOut:
    return _document(show_document(context_of(request), actor, document_id))


@router.get("/documents/{document_id}/history")
def api_document_history(
    request: Request,
    actor: Reader,
    document_id: Id,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[HistoryOut]:
    """What happened to the document, newest first, from the audit trail."""
    history = document_history(context_of(request), actor, document_id, limit=limit)
    return [HistoryOut.model_validate(entry.as_json()) for entry in history.entries]


@router.get("/patients")
def api_patients(
    request: Request,
    actor: Reader,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> list[PatientOut]:
    """Patients by MRN, surname or given name (prefixes) or birth date (YYYY-MM-DD)."""
    found = registry.search_patients(context_of(request), actor, q, limit=limit)
    return [_patient(p) for p in found]


@router.get("/patients/{mrn}")
def api_patient(request: Request, actor: Reader, mrn: Id) -> PatientRecordOut:
    record = registry.show_patient(context_of(request), actor, mrn)
    return PatientRecordOut(
        patient=_patient(record.patient),
        documents=[DocumentSummaryOut.model_validate(d.as_json()) for d in record.documents],
    )


# -- review and inbox (intake) ---------------------------------------------------------------------


@router.get("/review")
def api_review(
    request: Request, actor: Intake, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[ReviewOut]:
    items = list_review(context_of(request), actor, limit=limit)
    return [ReviewOut.model_validate(item.as_json()) for item in items]


@router.post("/review/{document_id}")
def api_assign(request: Request, actor: Intake, document_id: Id, decision: Decision) -> Done:
    """File a waiting document to a patient with a type."""
    assign_document(
        context_of(request),
        actor,
        document_id,
        patient_mrn=decision.patient_mrn,
        doc_type=decision.doc_type,
    )
    return Done(detail=f"document {document_id} filed")


@router.post("/review/{document_id}/split")
def api_split(request: Request, actor: Intake, document_id: Id, split: SplitAt) -> SplitOut:
    """Split a waiting document in two before a page; both parts wait for review."""
    new_id = split_document(context_of(request), actor, document_id, at_page=split.at_page)
    return SplitOut(document_id=document_id, new_document_id=new_id)


@router.post("/review/{document_id}/merge")
def api_merge(request: Request, actor: Intake, document_id: Id, other: MergeWith) -> Done:
    """Merge another part of the same file (never released) into a waiting document."""
    merge_documents(context_of(request), actor, document_id, other.other_document_id)
    return Done(detail=f"document {other.other_document_id} merged into {document_id}")


@router.get("/inbox")
def api_inbox(
    request: Request, actor: Intake, offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0
) -> InboxOut:
    overview = inbox.inbox_overview(context_of(request), actor, offset=offset)
    return InboxOut.model_validate(overview.as_json())


@router.post("/inbox/quarantine/{name}/retry")
def api_retry(request: Request, actor: Intake, name: FileName) -> Done:
    return Done(detail=inbox.retry_quarantined(context_of(request), actor, name))


@router.post("/inbox/quarantine/{name}/discard")
def api_discard(request: Request, actor: Intake, name: FileName) -> Done:
    inbox.discard_quarantined(context_of(request), actor, name)
    return Done()


# -- users (admins) --------------------------------------------------------------------------------


@router.get("/users")
def api_users(request: Request, actor: Admin) -> list[UserOut]:
    return [
        UserOut.model_validate(u.as_json()) for u in users.list_users(context_of(request), actor)
    ]


@router.post("/users")
def api_user_add(request: Request, actor: Admin, user: NewUser) -> PasswordOut:
    """A new account; its password is in this answer only."""
    made = users.add_user(
        context_of(request), actor, user.username, user.roles, display_name=user.display_name
    )
    return PasswordOut(username=made.username, password=made.password)


@router.post("/users/{username}/roles")
def api_user_roles(request: Request, actor: Admin, username: Id, roles: Roles) -> UserOut:
    user = users.set_roles(context_of(request), actor, username, roles.roles)
    return UserOut.model_validate(user.as_json())


@router.post("/users/{username}/disable")
def api_user_disable(request: Request, actor: Admin, username: Id) -> UserOut:
    return UserOut.model_validate(
        users.disable_user(context_of(request), actor, username).as_json()
    )


@router.post("/users/{username}/enable")
def api_user_enable(request: Request, actor: Admin, username: Id) -> UserOut:
    user = users.disable_user(context_of(request), actor, username, disabled=False)
    return UserOut.model_validate(user.as_json())


@router.post("/users/{username}/reset-password")
def api_user_reset(request: Request, actor: Admin, username: Id) -> PasswordOut:
    made = users.reset_password(context_of(request), actor, username)
    return PasswordOut(username=made.username, password=made.password)
