"""release of information

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-29

Security labels on documents; release-of-information requests, their transitions, authorizations
and their elements, disclosures, wrongful-disclosure incidents and delivery-link uses.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def _index(table: str, *columns: str) -> None:
    op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns))


def upgrade() -> None:
    op.create_table(
        "document_labels",
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("added_by", sa.String(128), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", "code"),
    )
    op.create_table(
        "roi_authorizations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.Column("patient_mrn", sa.String(64), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("expiration_event", sa.Text(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("categories", sa.String(200), nullable=False),
        sa.Column("compound", sa.Boolean(), nullable=False),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("revoked_by", sa.String(128), nullable=True),
        sa.Column("revocation_note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("roi_authorizations", "document_id")
    _index("roi_authorizations", "patient_mrn")
    op.create_table(
        "roi_authorization_elements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("authorization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("defect", sa.Text(), nullable=False),
        sa.Column("confirmed_by", sa.String(128), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["authorization_id"], ["roi_authorizations.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("roi_authorization_elements", "authorization_id")
    op.create_table(
        "roi_requests",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("request_type", sa.String(32), nullable=False),
        sa.Column("requester_type", sa.String(32), nullable=False),
        sa.Column("requester_name", sa.String(256), nullable=False),
        sa.Column("requester_address", sa.Text(), nullable=False),
        sa.Column("requester_contact", sa.String(256), nullable=False),
        sa.Column("recipient_name", sa.String(256), nullable=False),
        sa.Column("recipient_address", sa.Text(), nullable=False),
        sa.Column("patient_mrn", sa.String(64), nullable=False),
        sa.Column("complete_record", sa.Boolean(), nullable=False),
        sa.Column("doc_types", sa.String(600), nullable=False),
        sa.Column("document_ids", sa.Text(), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=True),
        sa.Column("date_to", sa.Date(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("delivery", sa.String(16), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("extended_due_on", sa.Date(), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=False),
        sa.Column("authorization_id", sa.Integer(), nullable=True),
        sa.Column("identity_method", sa.String(32), nullable=True),
        sa.Column("identity_note", sa.Text(), nullable=False),
        sa.Column("identity_verified_by", sa.String(128), nullable=True),
        sa.Column("identity_verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fee_cents", sa.Integer(), nullable=True),
        sa.Column("fee_basis", sa.Text(), nullable=False),
        sa.Column("denial_ground", sa.String(48), nullable=True),
        sa.Column("packet_sha256", sa.String(64), nullable=True),
        sa.Column("packet_key", sa.String(256), nullable=True),
        sa.Column("packet_pages", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["authorization_id"], ["roi_authorizations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("roi_requests", "status")
    _index("roi_requests", "patient_mrn")
    _index("roi_requests", "due_on")
    _index("roi_requests", "authorization_id")
    op.create_table(
        "roi_transitions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["roi_requests.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("roi_transitions", "request_id")
    op.create_table(
        "roi_disclosures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("patient_mrn", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(32), nullable=True),
        sa.Column("disclosed_on", sa.Date(), nullable=False),
        sa.Column("recipient_name", sa.String(256), nullable=False),
        sa.Column("recipient_address", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("request_type", sa.String(32), nullable=False),
        sa.Column("document_ids", sa.Text(), nullable=False),
        sa.Column("packet_sha256", sa.String(64), nullable=True),
        sa.Column("part2_notice_version", sa.String(32), nullable=True),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["roi_requests.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("roi_disclosures", "patient_mrn")
    _index("roi_disclosures", "request_id")
    _index("roi_disclosures", "disclosed_on")
    op.create_table(
        "roi_incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("recipient_name", sa.String(256), nullable=False),
        sa.Column("recipient_address", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["disclosure_id"], ["roi_disclosures.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("roi_incidents", "disclosure_id")
    op.create_table(
        "roi_link_uses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(32), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("network_address", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["roi_requests.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("roi_link_uses", "request_id")


def downgrade() -> None:
    for table in (
        "roi_link_uses",
        "roi_incidents",
        "roi_disclosures",
        "roi_transitions",
        "roi_requests",
        "roi_authorization_elements",
        "roi_authorizations",
        "document_labels",
    ):
        op.drop_table(table)
