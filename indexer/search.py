"""Full-text and metadata search: FTS5 on SQLite, ``tsvector`` + GIN on PostgreSQL.

Both backends answer the same question the same way: a document matches when one of its pages
holds every word of the query (a trailing ``*`` keeps a prefix), accents and case folded, no
stemming; it is shown with its best page. Only the score differs (BM25 on SQLite, ``ts_rank`` on
PostgreSQL), so the order of equally good hits may differ; ties go to the newest document.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from indexer.models import DocumentRow, PageRow
from recordroom.core import SearchHit

WORD = re.compile(r"\w+", re.UNICODE)
TERM = re.compile(r"\w+\*?", re.UNICODE)
SNIPPET_WORDS = 12
AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """The metadata a search may be narrowed by; ``None`` means any. Every door builds one and
    the use-case passes it through: this is the one list of filters."""

    patient_mrn: str | None = None
    doc_type: str | None = None
    sender: str | None = None
    received_from: dt.datetime | None = None  # inclusive
    received_to: dt.datetime | None = None  # exclusive
    needs_review: bool | None = None

    def terms(self) -> list[str]:
        """The filters given, written ``name:value`` (as the audit trail keeps a search)."""
        values = {
            "patient": self.patient_mrn,
            "type": self.doc_type,
            "sender": self.sender,
            "received_from": self.received_from.isoformat() if self.received_from else None,
            "received_to": self.received_to.isoformat() if self.received_to else None,
            "needs_review": None if self.needs_review is None else str(self.needs_review).lower(),
        }
        return [f"{name}:{value}" for name, value in values.items() if value]


NO_FILTERS = SearchFilters()


def fts_query(query: str) -> str:
    """The user's words as an FTS5 query: every word must appear; a trailing * keeps a prefix."""
    terms = []
    for match in TERM.finditer(query):
        word = match.group()
        terms.append(f'"{word[:-1]}"*' if word.endswith("*") else f'"{word}"')
    return " ".join(terms)


def tsquery(query: str) -> str:
    """The same words as a PostgreSQL ``to_tsquery`` text (``\\w`` words need no escaping)."""
    terms = []
    for match in TERM.finditer(query):
        word = match.group()
        terms.append(f"'{word[:-1]}':*" if word.endswith("*") else f"'{word}'")
    return " & ".join(terms)


def search(
    session: Session,
    query: str,
    filters: SearchFilters = NO_FILTERS,
    *,
    limit: int = 50,
    offset: int = 0,
) -> list[SearchHit]:
    """Documents whose text holds every word of ``query`` and that meet the filters, best first."""
    if not WORD.search(query):
        return _list_documents(session, filters, limit, offset)
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return _search_sqlite(session, query, filters, limit, offset)
    if dialect == "postgresql":
        return _search_postgres(session, query, filters, limit, offset)
    return _search_plain(session, query, filters, limit, offset)


def _filtered(statement: AnySelect, filters: SearchFilters) -> AnySelect:
    if filters.patient_mrn:
        statement = statement.where(DocumentRow.patient_mrn == filters.patient_mrn)
    if filters.doc_type:
        statement = statement.where(DocumentRow.doc_type == filters.doc_type)
    if filters.sender:
        statement = statement.where(_sender_matches(filters.sender))
    if filters.received_from is not None:
        statement = statement.where(DocumentRow.received_at >= filters.received_from)
    if filters.received_to is not None:
        statement = statement.where(DocumentRow.received_at < filters.received_to)
    if filters.needs_review is not None:
        statement = statement.where(DocumentRow.needs_review == filters.needs_review)
    return statement


def _sender_matches(sender: str) -> ColumnElement[bool]:
    """The sender as the cover sheet or the e-mail named it: name, fax number (however it was
    typed: (555) 123-4567, 555.123.4567), station ID, From address or subject."""
    pattern = f"%{sender}%"
    columns = (
        DocumentRow.sender_name,
        DocumentRow.sender_fax,
        DocumentRow.sender_csid,
        DocumentRow.mail_from,
        DocumentRow.mail_subject,
    )
    matches = [column.ilike(pattern) for column in columns]
    digits = re.sub(r"\D", "", sender)
    if len(digits) >= 7:
        matches.append(DocumentRow.sender_fax.like(f"%{digits[-10:]}%"))
    return or_(*matches)


def _best_pages(
    session: Session,
    ranked: Any,
    filters: SearchFilters,
    params: dict[str, object],
    limit: int,
    offset: int,
) -> list[tuple[str, int]]:
    """``(document id, page id)`` of each matching document's best page, best document first.

    ``ranked`` yields ``page_id``, ``document_id``, ``number`` and ``score`` (lower is better) for
    every matching page. The match, the filters and the score sit in one join, so both databases
    check a page's document against the filters before they score the page (FTS5 reads ``rank``,
    PostgreSQL computes ``ts_rank``, only for the rows the join keeps).
    """
    per_page = select(
        ranked.c.document_id.label("document_id"),
        DocumentRow.received_at.label("received_at"),
        ranked.c.page_id.label("page_id"),
        ranked.c.score.label("score"),
        func.row_number()
        .over(partition_by=ranked.c.document_id, order_by=(ranked.c.score, ranked.c.number))
        .label("place"),
    ).select_from(ranked.join(DocumentRow, DocumentRow.id == ranked.c.document_id))
    best = _filtered(per_page, filters).subquery("best")
    statement = (
        select(best.c.document_id, best.c.page_id)
        .where(best.c.place == 1)
        .order_by(best.c.score, best.c.received_at.desc(), best.c.document_id)
        .limit(limit)
        .offset(offset)
    )
    return [(row[0], row[1]) for row in session.execute(statement, params).all()]


def _page_filters(filters: SearchFilters, params: dict[str, object]) -> str:
    """The type and patient filters on the page's own copy of them (migration 0014), for the
    full-text query: pages of other documents are dropped as the index finds them, before a
    lookup in ``documents`` or a score (``_filtered`` checks ``documents`` afterwards)."""
    conditions = ""
    if filters.doc_type:
        conditions += " AND pages.doc_type = :page_doc_type"
        params["page_doc_type"] = filters.doc_type
    if filters.patient_mrn:
        conditions += " AND pages.patient_mrn = :page_patient_mrn"
        params["page_patient_mrn"] = filters.patient_mrn
    return conditions


RANKED_COLUMNS: dict[str, Any] = {
    "page_id": Integer,
    "document_id": String,
    "number": Integer,
    "score": Float,
}


def _search_sqlite(
    session: Session, query: str, filters: SearchFilters, limit: int, offset: int
) -> list[SearchHit]:
    params: dict[str, object] = {"query": fts_query(query)}
    ranked = (
        text(
            "SELECT pages.id AS page_id, pages.document_id AS document_id, "
            "pages.number AS number, pages_fts.rank AS score "
            "FROM pages_fts JOIN pages ON pages.id = pages_fts.rowid "
            "WHERE pages_fts MATCH :query" + _page_filters(filters, params)
        )
        .columns(**RANKED_COLUMNS)
        .subquery("ranked")
    )
    best = _best_pages(session, ranked, filters, params, limit, offset)
    if not best:
        return []
    snippets = session.execute(
        text(
            "SELECT rowid, snippet(pages_fts, 0, '[', ']', '…', :words) FROM pages_fts "
            "WHERE pages_fts MATCH :query AND rowid IN :page_ids"
        ).bindparams(bindparam("page_ids", expanding=True)),
        {**params, "words": SNIPPET_WORDS, "page_ids": [page for _, page in best]},
    ).all()
    return _hits(session, best, {row[0]: row[1] for row in snippets})


def _search_postgres(
    session: Session, query: str, filters: SearchFilters, limit: int, offset: int
) -> list[SearchHit]:
    # One visit to pages: the GIN index finds them, ANDed with the btree on the page's type or
    # patient when filtered; ts_rank runs on what is left (no second join to pages by id).
    params: dict[str, object] = {"query": tsquery(query)}
    ranked = (
        text(
            "SELECT pages.id AS page_id, pages.document_id AS document_id, "
            "pages.number AS number, -ts_rank(pages.tsv, q.query) AS score "
            "FROM pages, to_tsquery('simple', recordroom_fold(:query)) AS q(query) "
            "WHERE pages.tsv @@ q.query" + _page_filters(filters, params)
        )
        .columns(**RANKED_COLUMNS)
        .subquery("ranked")
    )
    best = _best_pages(session, ranked, filters, params, limit, offset)
    if not best:
        return []
    options = f"StartSel=[, StopSel=], MaxWords={SNIPPET_WORDS + 4}, MinWords={SNIPPET_WORDS // 2}"
    snippets = session.execute(
        text(
            "SELECT pages.id, ts_headline('simple', pages.text, "
            "to_tsquery('simple', recordroom_fold(:query)), :options) "
            "FROM pages WHERE pages.id IN :page_ids"
        ).bindparams(bindparam("page_ids", expanding=True)),
        {**params, "options": options, "page_ids": [page for _, page in best]},
    ).all()
    return _hits(session, best, {row[0]: row[1] for row in snippets})


def _search_plain(
    session: Session, query: str, filters: SearchFilters, limit: int, offset: int
) -> list[SearchHit]:
    """Any other SQL database: word matching on the page text, newest first."""
    words = WORD.findall(query)
    ranked = (
        select(
            PageRow.id.label("page_id"),
            PageRow.document_id.label("document_id"),
            PageRow.number.label("number"),
            literal(0.0, Float).label("score"),
        )
        .where(and_(*(PageRow.text.ilike(f"%{word}%") for word in words)))
        .subquery("ranked")
    )
    best = _best_pages(session, ranked, filters, {}, limit, offset)
    return _hits(session, best, {})


def _list_documents(
    session: Session, filters: SearchFilters, limit: int, offset: int
) -> list[SearchHit]:
    """No words: the documents that meet the filters, newest first, each from its first page."""
    statement = (
        select(DocumentRow.id, PageRow.id)
        .join(PageRow, and_(PageRow.document_id == DocumentRow.id, PageRow.number == 1))
        .order_by(DocumentRow.received_at.desc(), DocumentRow.id)
        .limit(limit)
        .offset(offset)
    )
    best = [(row[0], row[1]) for row in session.execute(_filtered(statement, filters)).all()]
    return _hits(session, best, {})


def _hits(
    session: Session, best: list[tuple[str, int]], snippets: dict[int, str]
) -> list[SearchHit]:
    """The hits in ``best`` order; a page without a highlighted snippet shows its opening."""
    if not best:
        return []
    rows = session.execute(
        select(
            PageRow.id,
            DocumentRow.id,
            DocumentRow.source_name,
            DocumentRow.doc_type,
            DocumentRow.patient_mrn,
            DocumentRow.received_at,
            PageRow.number,
            func.substr(PageRow.text, 1, 160),
        )
        .join(DocumentRow, DocumentRow.id == PageRow.document_id)
        .where(PageRow.id.in_([page for _, page in best]))
    ).all()
    by_page = {row[0]: row for row in rows}
    hits = []
    for _, page_id in best:
        row = by_page[page_id]
        snippet = snippets.get(page_id) or row[7]
        hits.append(
            SearchHit(
                document_id=row[1],
                source_name=row[2],
                doc_type=row[3],
                patient_mrn=row[4],
                received_at=row[5],
                page=row[6],
                snippet=" ".join(str(snippet).split()),
            )
        )
    return hits
