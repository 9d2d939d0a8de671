"""Release of information: requests from receipt to disclosure, the accounting of disclosures and
the security labels on documents. Every function is one step a clerk takes at a door, in one
transaction, reported once to the audit trail (a release as a ``disclosure``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from indexer.labels import add_label, labels_of, labels_of_many, remove_label
from indexer.models import DocumentRow, PatientRow
from recordroom.core import NotFoundError, ObjectStore
from recordroom.core.actor import Actor
from recordroom.core.errors import InvalidRequestError
from recordroom.core.release import DocumentSummary
from recordroom.core.settings import Settings
from recordroom.wiring import Context, UnitOfWork
from release_of_information import accounting as accounts
from release_of_information import authorizations, fulfilment, letters, links, requests
from release_of_information.elements import ELEMENTS
from release_of_information.models import AuthorizationRow, RequestRow
from release_of_information.policy import ReleasePolicy
from release_of_information.records import Fee, RequestDraft, Selection, conflicts_reported
from release_of_information.requests import RequestCheck
from release_of_information.sensitivity import names_category, suggest_labels
from release_of_information.vocabulary import (
    DELIVERIES,
    DENIAL_GROUNDS,
    IDENTITY_METHODS,
    PENDING,
    REQUEST_TYPES,
    REQUESTER_TYPES,
    STATUSES,
)

# Besides the use-cases, the words a door offers a clerk (command-line choices, web form options)
# are exported here, so that no door imports the stage itself.
__all__ = [
    "DELIVERIES",
    "DENIAL_GROUNDS",
    "ELEMENTS",
    "IDENTITY_METHODS",
    "REQUESTER_TYPES",
    "REQUEST_TYPES",
    "STATUSES",
    "Fee",
    "RequestDraft",
    "RequestView",
    "Selection",
    "names_category",
]


class IndexReleaseSource:
    """The ``ReleaseSource`` over the index and the object store. Only documents filed to the
    patient with confidence (out of the review queue) and not duplicates are released."""

    def __init__(self, session: Session, store: ObjectStore) -> None:
        self.session = session
        self.store = store

    def patient_exists(self, mrn: str) -> bool:
        return self.session.get(PatientRow, mrn) is not None

    def _row(self, document_id: str) -> DocumentRow:
        row = self.session.get(DocumentRow, document_id)
        if row is None:
            raise NotFoundError(f"there is no document with id {document_id}")
        return row

    @staticmethod
    def _summary(row: DocumentRow, labels: frozenset[str]) -> DocumentSummary:
        return DocumentSummary(
            id=row.id,
            patient_mrn=row.patient_mrn,
            doc_type=row.doc_type,
            date=row.received_at.date(),
            page_count=row.page_count,
            labels=labels,
        )

    def document(self, document_id: str) -> DocumentSummary:
        return self._summary(self._row(document_id), labels_of(self.session, document_id))

    def documents_of(self, mrn: str) -> Sequence[DocumentSummary]:
        rows = self.session.scalars(
            select(DocumentRow)
            .where(DocumentRow.patient_mrn == mrn)
            .where(DocumentRow.needs_review.is_(False))
            .where(DocumentRow.duplicate_of.is_(None))
            .order_by(DocumentRow.received_at, DocumentRow.id)
        ).all()
        labels = labels_of_many(self.session, [row.id for row in rows])
        return [self._summary(row, labels[row.id]) for row in rows]

    def text(self, document_id: str) -> str:
        row = self.session.scalars(
            select(DocumentRow)
            .where(DocumentRow.id == document_id)
            .options(selectinload(DocumentRow.pages))
        ).one()
        return "\n\f".join(page.text for page in row.pages)

    def searchable_pdf(self, document_id: str) -> bytes:
        row = self._row(document_id)
        if row.searchable_pdf_key:
            return self.store.get(row.searchable_pdf_key)
        if row.media_type == "application/pdf":
            return self.store.get(row.original_key)
        raise InvalidRequestError(
            f"document {document_id} has no searchable PDF to release; ingest it again"
        )


def release_policy(settings: Settings) -> ReleasePolicy:
    return ReleasePolicy(
        practice_name=settings.roi_practice_name or "the practice",
        practice_address=settings.roi_practice_address,
        privacy_contact=settings.roi_privacy_contact,
        fee_mode="per_page" if settings.roi_fee_mode == "per_page" else "flat",
        flat_fee_cents=round(settings.roi_flat_fee * 100),
        per_page_cents=round(settings.roi_per_page_fee * 100),
        postage_cents=round(settings.roi_postage * 100),
        directive_flat_cents=round(settings.roi_directive_flat_fee * 100),
        directive_per_page_cents=round(settings.roi_directive_per_page_fee * 100),
        part2_notice_version=settings.roi_part2_notice_version,
        link_hours=settings.roi_link_hours,
    )


@dataclass(frozen=True, slots=True)
class ElementView:
    name: str
    value: str
    source: str
    confirmed: bool
    defect: str


@dataclass(frozen=True, slots=True)
class TransitionView:
    from_status: str | None
    to_status: str
    actor: str
    at: dt.datetime
    reason: str


@dataclass(frozen=True, slots=True)
class RequestView:
    """One request as a door shows it: its fields, history, authorization, what stands between
    it and approval, and (while it is open) what a release would enclose and cost."""

    id: str
    version: int
    status: str
    request_type: str
    requester_type: str
    requester_name: str
    requester_address: str
    requester_contact: str
    recipient_name: str
    recipient_address: str
    patient_mrn: str
    scope: str
    purpose: str
    delivery: str
    received_on: dt.date
    due: dt.date
    overdue: bool
    extension_reason: str
    identity_method: str | None
    fee: Fee | None
    denial_ground: str | None
    packet_sha256: str | None
    authorization_id: int | None
    authorization_document_id: str | None
    authorization_expires_on: dt.date | None
    authorization_categories: tuple[str, ...]
    elements: tuple[ElementView, ...]
    problems: tuple[str, ...]
    transitions: tuple[TransitionView, ...]
    enclosed: tuple[str, ...] = ()
    withheld: tuple[tuple[str, str], ...] = ()  # (document id, reason)
    disclosure_ids: tuple[int, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "version": self.version,
            "status": self.status,
            "request_type": self.request_type,
            "requester": {
                "type": self.requester_type,
                "name": self.requester_name,
                "address": self.requester_address,
                "contact": self.requester_contact,
            },
            "recipient": {"name": self.recipient_name, "address": self.recipient_address},
            "patient_mrn": self.patient_mrn,
            "scope": self.scope,
            "purpose": self.purpose,
            "delivery": self.delivery,
            "received_on": self.received_on.isoformat(),
            "due": self.due.isoformat(),
            "overdue": self.overdue,
            "extension_reason": self.extension_reason or None,
            "identity_method": self.identity_method,
            "fee_cents": self.fee.cents if self.fee else None,
            "fee_basis": self.fee.basis if self.fee else None,
            "denial_ground": self.denial_ground,
            "packet_sha256": self.packet_sha256,
            "authorization": None
            if self.authorization_id is None
            else {
                "id": self.authorization_id,
                "document_id": self.authorization_document_id,
                "expires_on": self.authorization_expires_on.isoformat()
                if self.authorization_expires_on
                else None,
                "categories": list(self.authorization_categories),
                "elements": [
                    {
                        "name": e.name,
                        "value": e.value,
                        "source": e.source,
                        "confirmed": e.confirmed,
                        "defect": e.defect or None,
                    }
                    for e in self.elements
                ],
            },
            "problems": list(self.problems),
            "enclosed": list(self.enclosed),
            "withheld": [{"document_id": d, "reason": r} for d, r in self.withheld],
            "transitions": [
                {
                    "from": t.from_status,
                    "to": t.to_status,
                    "actor": t.actor,
                    "at": t.at.isoformat(),
                    "reason": t.reason,
                }
                for t in self.transitions
            ],
        }


def _scope(row: RequestRow) -> str:
    parts = []
    if row.complete_record:
        parts.append("complete record")
    if row.doc_type_list:
        parts.append(", ".join(row.doc_type_list))
    if row.document_id_list:
        parts.append("documents " + ", ".join(row.document_id_list))
    if row.date_from or row.date_to:
        start = row.date_from.isoformat() if row.date_from else "…"
        end = row.date_to.isoformat() if row.date_to else "…"
        parts.append(f"{start} to {end}")
    return "; ".join(parts)


def _view(
    row: RequestRow,
    check: RequestCheck,
    today: dt.date,
    selection: Selection | None = None,
    fee: Fee | None = None,
) -> RequestView:
    auth: AuthorizationRow | None = row.authorization
    return RequestView(
        id=row.id,
        version=row.version,
        status=row.status,
        request_type=row.request_type,
        requester_type=row.requester_type,
        requester_name=row.requester_name,
        requester_address=row.requester_address,
        requester_contact=row.requester_contact,
        recipient_name=row.recipient_name,
        recipient_address=row.recipient_address,
        patient_mrn=row.patient_mrn,
        scope=_scope(row),
        purpose=row.purpose,
        delivery=row.delivery,
        received_on=row.received_on,
        due=row.due,
        overdue=row.status in PENDING and row.due < today,
        extension_reason=row.extension_reason,
        identity_method=row.identity_method,
        fee=fee if fee is not None else _quoted(row),
        denial_ground=row.denial_ground,
        packet_sha256=row.packet_sha256,
        authorization_id=auth.id if auth else None,
        authorization_document_id=auth.document_id if auth else None,
        authorization_expires_on=auth.expires_on if auth else None,
        authorization_categories=tuple(sorted(auth.category_codes)) if auth else (),
        elements=tuple(
            ElementView(e.name, e.value, e.source, e.confirmed, e.defect)
            for e in (auth.elements if auth else [])
        ),
        problems=check.problems,
        transitions=tuple(
            TransitionView(t.from_status, t.to_status, t.actor, t.at, t.reason)
            for t in row.transitions
        ),
        enclosed=tuple(d.id for d in selection.included) if selection else (),
        withheld=tuple((w.document.id, w.reason) for w in selection.withheld) if selection else (),
    )


def _quoted(row: RequestRow) -> Fee | None:
    return None if row.fee_cents is None else Fee(row.fee_cents, row.fee_basis)


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def _source(ctx: Context, unit: UnitOfWork) -> IndexReleaseSource:
    return IndexReleaseSource(unit.session, ctx.store)


def _report(unit: UnitOfWork, kind: str, row: RequestRow, detail: str) -> None:
    document_ids = [row.authorization.document_id] if row.authorization else []
    unit.record(
        kind,
        documents=document_ids,
        patients=[row.patient_mrn],
        requests=[row.id],
        detail=f"request {row.id}: {detail}",
    )


def new_request(
    ctx: Context,
    actor: Actor,
    draft: RequestDraft,
    *,
    from_document: str | None = None,
    today: dt.date | None = None,
) -> RequestView:
    """Log a request. ``from_document``: an ``authorization`` or ``records_request`` document
    just filed; its patient fills an empty MRN, and an authorization is linked with the elements
    its OCR'd text shows."""
    with ctx.unit_of_work(actor) as unit, conflicts_reported("the new request"):
        source = _source(ctx, unit)
        if from_document is not None:
            document = source.document(from_document)
            if document.doc_type not in ("authorization", "records_request"):
                raise InvalidRequestError(
                    f"document {from_document} is filed as {document.doc_type!r}; a request "
                    "starts from an authorization or a records request"
                )
            mrn = draft.patient_mrn or document.patient_mrn or ""
            auth_doc = from_document if document.doc_type == "authorization" else None
            draft = dataclasses.replace(
                draft,
                patient_mrn=mrn,
                authorization_document_id=draft.authorization_document_id or auth_doc,
            )
        row = requests.create_request(
            unit.session, source, draft, actor=actor.user_id, policy=release_policy(ctx.settings)
        )
        _report(unit, "request.create", row, f"logged, {row.request_type}")
        check = requests.check_request(unit.session, row.id, on=_today(today))
        return _view(row, check, _today(today))


def show_request(
    ctx: Context, actor: Actor, request_id: str, *, today: dt.date | None = None
) -> RequestView:
    """The request, with its problems and (while open) what a release would enclose, withhold
    and cost."""
    with ctx.unit_of_work(actor) as unit:
        row = requests.get_request(unit.session, request_id)
        check = requests.check_request(unit.session, request_id, on=_today(today))
        selection = fee = None
        if row.status in PENDING:
            selection, fee = fulfilment.preview(
                unit.session, _source(ctx, unit), request_id, policy=release_policy(ctx.settings)
            )
        _report(unit, "patient.read", row, "shown")
        return _view(row, check, _today(today), selection, fee)


def list_requests(
    ctx: Context,
    actor: Actor,
    *,
    overdue: bool = False,
    status: str | None = None,
    patient_mrn: str | None = None,
    today: dt.date | None = None,
) -> list[RequestView]:
    with ctx.unit_of_work(actor) as unit:
        rows = requests.list_requests(
            unit.session,
            status=status,
            patient_mrn=patient_mrn,
            overdue_on=_today(today) if overdue else None,
        )
        views = [
            _view(
                row, requests.check_request(unit.session, row.id, on=_today(today)), _today(today)
            )
            for row in rows
        ]
        unit.record(
            "patient.read",
            patients=sorted({row.patient_mrn for row in rows}),
            detail=f"{len(rows)} requests listed" + (", overdue" if overdue else ""),
        )
        return views


def check_request(
    ctx: Context, actor: Actor, request_id: str, *, today: dt.date | None = None
) -> RequestView:
    """Begin (or continue) the review: the request moves to in_review and its problems are
    named, each missing or defective authorization element by name."""
    with ctx.unit_of_work(actor) as unit, conflicts_reported(f"request {request_id}"):
        row = requests.get_request(unit.session, request_id)
        if row.status == "received":
            row = requests.begin_review(unit.session, request_id, actor=actor.user_id)
        check = requests.check_request(unit.session, request_id, on=_today(today))
        _report(unit, "request.update", row, f"checked, {len(check.problems)} problems")
        return _view(row, check, _today(today))


def _authorization_of(row: RequestRow) -> AuthorizationRow:
    if row.authorization is None:
        raise InvalidRequestError(f"request {row.id} has no authorization linked")
    return row.authorization


def confirm_element(
    ctx: Context,
    actor: Actor,
    request_id: str,
    element: str,
    *,
    value: str | None = None,
    defect: str = "",
    today: dt.date | None = None,
) -> RequestView:
    """A clerk confirms, fills in or marks defective one element of the request's
    authorization."""
    with ctx.unit_of_work(actor) as unit, conflicts_reported(f"request {request_id}"):
        row = requests.get_request(unit.session, request_id)
        auth = _authorization_of(row)
        authorizations.confirm_element(
            unit.session, auth.id, element, actor=actor.user_id, value=value, defect=defect
        )
        check = requests.check_request(unit.session, request_id, on=_today(today))
        _report(unit, "request.update", row, f"authorization element {element} confirmed")
        return _view(row, check, _today(today))


def name_categories(
    ctx: Context,
    actor: Actor,
    request_id: str,
    codes: Sequence[str],
    *,
    today: dt.date | None = None,
) -> RequestView:
    """The sensitive categories (security labels) the request's authorization names."""
    with ctx.unit_of_work(actor) as unit, conflicts_reported(f"request {request_id}"):
        row = requests.get_request(unit.session, request_id)
        authorizations.name_categories(
            unit.session, _authorization_of(row).id, frozenset(c.upper() for c in codes)
        )
        check = requests.check_request(unit.session, request_id, on=_today(today))
        _report(unit, "request.update", row, f"categories named: {','.join(codes) or 'none'}")
        return _view(row, check, _today(today))


def verify_identity(
    ctx: Context,
    actor: Actor,
    request_id: str,
    method: str,
    *,
    note: str = "",
    today: dt.date | None = None,
) -> RequestView:
    with ctx.unit_of_work(actor) as unit, conflicts_reported(f"request {request_id}"):
        row = requests.verify_identity(
            unit.session, request_id, method, actor=actor.user_id, note=note
        )
        check = requests.check_request(unit.session, request_id, on=_today(today))
        _report(unit, "request.update", row, f"identity verified: {method}")
        return _view(row, check, _today(today))


def approve_request(
    ctx: Context,
    actor: Actor,
    request_id: str,
    *,
    reason: str = "",
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> RequestView:
    """Approve a request whose check is clean; refused (``ReleaseRefusedError``) with every
    problem named otherwise. The fee is quoted on it."""
    with ctx.unit_of_work(actor) as unit, conflicts_reported(f"request {request_id}"):
        source = _source(ctx, unit)
        row = requests.approve(
            unit.session,
            source,
            request_id,
            actor=actor.user_id,
            on=_today(today),
            policy=release_policy(ctx.settings),
            reason=reason,
            expected_version=expected_version,
        )
        check = requests.check_request(unit.session, request_id, on=_today(today))
        _report(unit, "request.update", row, f"approved, fee {row.fee_cents} cents")
        return _view(row, check, _today(today))


@dataclass(frozen=True, slots=True)
class Letter:
    request: RequestView
    pdf: bytes


def deny_request(
    ctx: Context,
    actor: Actor,
    request_id: str,
    ground: str,
    *,
    reason: str = "",
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Letter:
    """Deny a request on a ground of 164.524(a)(2)/(a)(3) (or a defective authorization); the
    denial letter comes back as a PDF."""
    with ctx.unit_of_work(actor) as unit, conflicts_reported(f"request {request_id}"):
        row = requests.deny(
            unit.session,
            request_id,
            ground,
            actor=actor.user_id,
            reason=reason,
            expected_version=expected_version,
        )
        pdf = letters.denial_letter(row, release_policy(ctx.settings), _today(today))
        check = requests.check_request(unit.session, request_id, on=_today(today))
        _report(unit, "request.update", row, f"denied: {ground}")
        return Letter(_view(row, check, _today(today)), pdf)


def extend_request(
    ctx: Context,
    actor: Actor,
    request_id: str,
    reason: str,
    *,
    days: int = 30,
    today: dt.date | None = None,
) -> Letter:
    """The one extension, with its reason; the extension notice comes back as a PDF."""
    with ctx.unit_of_work(actor) as unit, conflicts_reported(f"request {request_id}"):
        policy = release_policy(ctx.settings)
        row = requests.extend(
            unit.session, request_id, reason, actor=actor.user_id, days=days, policy=policy
        )
        pdf = letters.extension_notice(row, policy, _today(today))
        check = requests.check_request(unit.session, request_id, on=_today(today))
        _report(unit, "request.update", row, f"extended to {row.due.isoformat()}")
        return Letter(_view(row, check, _today(today)), pdf)


def cancel_request(
    ctx: Context, actor: Actor, request_id: str, *, reason: str, today: dt.date | None = None
) -> RequestView:
    with ctx.unit_of_work(actor) as unit, conflicts_reported(f"request {request_id}"):
        row = requests.cancel(unit.session, request_id, actor=actor.user_id, reason=reason)
        check = requests.check_request(unit.session, request_id, on=_today(today))
        _report(unit, "request.update", row, "cancelled")
        return _view(row, check, _today(today))


def close_request(
    ctx: Context, actor: Actor, request_id: str, *, reason: str = "", today: dt.date | None = None
) -> RequestView:
    with ctx.unit_of_work(actor) as unit, conflicts_reported(f"request {request_id}"):
        row = requests.close(unit.session, request_id, actor=actor.user_id, reason=reason)
        check = requests.check_request(unit.session, request_id, on=_today(today))
        _report(unit, "request.update", row, "closed")
        return _view(row, check, _today(today))


@dataclass(frozen=True, slots=True)
class Release:
    """A fulfilled request: where its packet is kept, its hash, and how it goes out."""

    request: RequestView
    packet_key: str
    packet_sha256: str
    pages: int
    password: str | None  # deliver separately from the packet
    link_token: str | None  # for delivery by link: /roi/download/<token>
    link_expires_at: dt.datetime | None
    part2_notice_version: str | None
    disclosure_id: int


def packet_key(request_id: str, sha256: str) -> str:
    return f"releases/{request_id}/{sha256}.pdf"


def fulfil_request(
    ctx: Context,
    actor: Actor,
    request_id: str,
    *,
    encrypt: bool = False,
    expected_version: int | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Release:
    """Assemble, stamp and keep the packet of an approved request, record the disclosure, and
    make its download link when it goes out by link."""
    policy = release_policy(ctx.settings)
    with ctx.unit_of_work(actor) as unit, conflicts_reported(f"request {request_id}"):
        done = fulfilment.fulfil(
            unit.session,
            _source(ctx, unit),
            request_id,
            actor=actor.user_id,
            on=_today(today),
            policy=policy,
            encrypt=encrypt,
            expected_version=expected_version,
        )
        row = done.request
        key = packet_key(row.id, done.packet.sha256)
        ctx.store.put(key, done.packet.data)
        row.packet_key = key
        token = expires = None
        if row.delivery == "link":
            expires = (now or dt.datetime.now(dt.UTC)) + dt.timedelta(hours=policy.link_hours)
            link_key = links.load_link_key(ctx.settings.roi_link_key_path)
            token = links.make_link_token(link_key, row.id, done.packet.sha256, expires)
        unit.record(
            "disclosure",
            documents=[doc.id for doc in done.selection.included],
            patients=[row.patient_mrn],
            requests=[row.id],
            recipient=row.recipient_name,
            purpose=row.request_type,
            detail=f"request {row.id}: {row.request_type} release of {done.packet.pages} pages "
            f"to a {row.requester_type}, purpose {row.request_type}, packet {done.packet.sha256}",
        )
        check = requests.check_request(unit.session, request_id, on=_today(today))
        view = _view(row, check, _today(today), done.selection)
    return Release(
        request=view,
        packet_key=key,
        packet_sha256=done.packet.sha256,
        pages=done.packet.pages,
        password=done.packet.password,
        link_token=token,
        link_expires_at=expires,
        part2_notice_version=done.packet.part2_notice_version,
        disclosure_id=done.disclosure.id,
    )


def download_packet(
    ctx: Context, actor: Actor, token: str, *, now: dt.datetime | None = None
) -> bytes:
    """The packet a download link names, its use logged (for the web app's download route)."""
    key = links.load_link_key(ctx.settings.roi_link_key_path)
    claim = links.read_link_token(key, token, now=now or dt.datetime.now(dt.UTC))
    with ctx.unit_of_work(actor) as unit:
        links.record_link_use(unit.session, claim, network_address=actor.network_address)
        row = requests.get_request(unit.session, claim.request_id)
        data = ctx.store.get(packet_key(row.id, claim.packet_sha256))
        _report(unit, "document.export", row, "release packet downloaded by link")
        return data


def revoke_authorization(
    ctx: Context,
    actor: Actor,
    request_id: str,
    *,
    received_on: dt.date,
    note: str = "",
) -> list[str]:
    """Record the written revocation of the request's authorization; every pending request under
    it is cancelled (their ids are returned), what was released stays on record."""
    with ctx.unit_of_work(actor) as unit, conflicts_reported(f"request {request_id}"):
        row = requests.get_request(unit.session, request_id)
        auth = _authorization_of(row)
        cancelled = requests.revoke_authorization(
            unit.session, auth.id, received_on=received_on, actor=actor.user_id, note=note
        )
        _report(unit, "request.update", row, f"authorization {auth.id} revoked")
        return cancelled


def record_incident(
    ctx: Context,
    actor: Actor,
    request_id: str,
    *,
    occurred_on: dt.date,
    recipient_name: str,
    description: str,
    recipient_address: str = "",
) -> int:
    """A wrongful disclosure of the request's packet (wrong fax number, wrong recipient): it goes
    on the patient's accounting of disclosures. Returns the incident's id."""
    with ctx.unit_of_work(actor) as unit:
        row = requests.get_request(unit.session, request_id)
        disclosure = fulfilment.disclosure_of_request(unit.session, row)
        incident = fulfilment.record_incident(
            unit.session,
            disclosure.id,
            occurred_on=occurred_on,
            recipient_name=recipient_name,
            recipient_address=recipient_address,
            description=description,
            actor=actor.user_id,
        )
        _report(unit, "request.update", row, f"wrongful disclosure recorded ({incident.id})")
        return incident.id


@dataclass(frozen=True, slots=True)
class Accounting:
    patient_mrn: str
    as_of: dt.date
    entries: tuple[accounts.AccountingEntry, ...]

    def csv(self) -> str:
        return accounts.accounting_csv(self.entries)


def accounting_of_disclosures(
    ctx: Context, actor: Actor, patient_mrn: str, *, today: dt.date | None = None
) -> Accounting:
    with ctx.unit_of_work(actor) as unit:
        if unit.session.get(PatientRow, patient_mrn) is None:
            raise NotFoundError(f"no patient with MRN {patient_mrn} in the registry")
        entries = accounts.accounting(unit.session, patient_mrn, as_of=_today(today))
        unit.record(
            "patient.read",
            patients=[patient_mrn],
            detail=f"accounting of disclosures, {len(entries)} entries",
        )
    return Accounting(patient_mrn, _today(today), tuple(entries))


def accounting_pdf(ctx: Context, accounting: Accounting) -> bytes:
    return accounts.accounting_pdf(
        accounting.entries,
        patient_mrn=accounting.patient_mrn,
        as_of=accounting.as_of,
        policy=release_policy(ctx.settings),
    )


@dataclass(frozen=True, slots=True)
class Labels:
    document_id: str
    labels: frozenset[str]
    suggested: frozenset[str]  # what the text shows, for the clerk to confirm


def label_document(
    ctx: Context,
    actor: Actor,
    document_id: str,
    *,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> Labels:
    """Flag a document with security labels by hand (or take them off); returns its labels and
    those its text suggests."""
    with ctx.unit_of_work(actor) as unit:
        source = _source(ctx, unit)
        document = source.document(document_id)
        for code in add:
            add_label(unit.session, document_id, code, source="manual", added_by=actor.user_id)
        for code in remove:
            remove_label(unit.session, document_id, code)
        unit.session.flush()
        labels = labels_of(unit.session, document_id)
        unit.record(
            "document.update" if add or remove else "document.read",
            documents=[document_id],
            patients=[document.patient_mrn or ""],
            detail=f"security labels: {','.join(sorted(labels)) or 'none'}",
        )
        return Labels(document_id, labels, suggest_labels(source.text(document_id)))
