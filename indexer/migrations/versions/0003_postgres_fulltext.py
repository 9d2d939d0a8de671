"""full text on PostgreSQL

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-29

On PostgreSQL, page text gets what FTS5 gives it on SQLite: a ``tsvector`` of its words (simple
configuration: no stemming, lower case, accents folded like FTS5's ``remove_diacritics``), kept in
step by being a generated column, under a GIN index. Received dates get an index for the date
filters. SQLite needs nothing new but that index.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

POSTGRES_UP = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() is only STABLE (its dictionary could change); a generated column needs an
    # IMMUTABLE function, so the dictionary is named explicitly in a wrapper that promises it.
    "CREATE OR REPLACE FUNCTION recordroom_fold(value text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$",
    "ALTER TABLE pages ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, recordroom_fold(text))) STORED",
    "CREATE INDEX ix_pages_tsv ON pages USING gin (tsv)",
)
POSTGRES_DOWN = (
    "DROP INDEX IF EXISTS ix_pages_tsv",
    "ALTER TABLE pages DROP COLUMN IF EXISTS tsv",
    "DROP FUNCTION IF EXISTS recordroom_fold(text)",
)


def upgrade() -> None:
    op.create_index("ix_documents_received_at", "documents", ["received_at"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_DOWN:
            op.execute(statement)
    op.drop_index("ix_documents_received_at", table_name="documents")
