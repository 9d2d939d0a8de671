"""Full-text and metadata search: FTS5 on SQLite, word matching elsewhere."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Float, Integer, Select, String, and_, func, or_, select, text
from sqlalchemy.orm import Session

from indexer.models import DocumentRow, PageRow
from recordroom.core import SearchHit

WORD = re.compile(r"\w+", re.UNICODE)
# What a hit shows, in the order ``_best_page_per_document`` reads it, before the snippet.
HIT_COLUMNS = (
    DocumentRow.id,
    DocumentRow.source_name,
    DocumentRow.doc_type,
    DocumentRow.patient_mrn,
    DocumentRow.received_at,
    PageRow.number,
)


def fts_query(query: str) -> str:
    """The user's words as an FTS5 query: every word must appear; a trailing * keeps a prefix."""
    terms = []
    for match in re.finditer(r"\w+\*?", query, re.UNICODE):
        word = match.group()
        terms.append(f'"{word[:-1]}"*' if word.endswith("*") else f'"{word}"')
    return " ".join(terms)


def search(
    session: Session,
    query: str,
    *,
    patient_mrn: str | None = None,
    doc_type: str | None = None,
    sender: str | None = None,
    limit: int = 50,
) -> list[SearchHit]:
    """Documents whose text holds every word of ``query`` and that meet the filters, best first."""
    if session.get_bind().dialect.name == "sqlite" and WORD.search(query):
        return _search_fts(session, query, patient_mrn, doc_type, sender, limit)
    return _search_plain(session, query, patient_mrn, doc_type, sender, limit)


def _filters(
    statement: Select[Any],
    patient_mrn: str | None,
    doc_type: str | None,
    sender: str | None,
) -> Select[Any]:
    if patient_mrn:
        statement = statement.where(DocumentRow.patient_mrn == patient_mrn)
    if doc_type:
        statement = statement.where(DocumentRow.doc_type == doc_type)
    if sender:
        pattern = f"%{sender}%"
        statement = statement.where(
            or_(DocumentRow.sender_name.ilike(pattern), DocumentRow.sender_fax.ilike(pattern))
        )
    return statement


def _search_fts(
    session: Session,
    query: str,
    patient_mrn: str | None,
    doc_type: str | None,
    sender: str | None,
    limit: int,
) -> list[SearchHit]:
    ranked = (
        text(
            "SELECT rowid AS page_id, rank AS score, "
            "snippet(pages_fts, 0, '[', ']', '…', 12) AS snippet "
            "FROM pages_fts WHERE pages_fts MATCH :query"
        )
        .columns(page_id=Integer, score=Float, snippet=String)
        .subquery("ranked")
    )
    statement = (
        select(
            *HIT_COLUMNS,
            ranked.c.snippet,
            ranked.c.score,
        )
        .join(PageRow, PageRow.id == ranked.c.page_id)
        .join(DocumentRow, DocumentRow.id == PageRow.document_id)
        .order_by(ranked.c.score)
    )
    statement = _filters(statement, patient_mrn, doc_type, sender)
    rows = session.execute(statement, {"query": fts_query(query)}).all()
    return _best_page_per_document(rows, limit)


def _search_plain(
    session: Session,
    query: str,
    patient_mrn: str | None,
    doc_type: str | None,
    sender: str | None,
    limit: int,
) -> list[SearchHit]:
    words = WORD.findall(query)
    statement = (
        select(
            *HIT_COLUMNS,
            func.substr(PageRow.text, 1, 160),
            PageRow.id,
        )
        .join(PageRow, PageRow.document_id == DocumentRow.id)
        .where(and_(*(PageRow.text.ilike(f"%{word}%") for word in words)))
        .order_by(DocumentRow.received_at.desc(), PageRow.number)
    )
    statement = _filters(statement, patient_mrn, doc_type, sender)
    return _best_page_per_document(session.execute(statement).all(), limit)


def _best_page_per_document(rows: object, limit: int) -> list[SearchHit]:
    hits: dict[str, SearchHit] = {}
    for row in rows:  # type: ignore[attr-defined]
        doc_id = row[0]
        if doc_id in hits:
            continue
        hits[doc_id] = SearchHit(
            document_id=doc_id,
            source_name=row[1],
            doc_type=row[2],
            patient_mrn=row[3],
            received_at=row[4],
            page=row[5],
            snippet=" ".join(str(row[6]).split()),
        )
        if len(hits) >= limit:
            break
    return list(hits.values())
