"""the job queue: originals in the store, leases, failures the file caused

Revision ID: 0010_job_queue
Revises: 0014
Create Date: 2026-11-29

A job now carries the key of its original in the object store (the watcher puts it there before
it enqueues the job), the lease of the worker that took it (a token and when it runs out), the
count of failures the file itself caused, and the e-mail the file came in (so a worker on another
machine files its documents with their message). Jobs left ``claimed`` by an older version are
``queued``; their files are still in the processing folder and are handed off again by the
watcher's recovery.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_job_queue"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_key", sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("leased_by", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("origin", sa.Text(), nullable=True))
        batch_op.create_index("ix_jobs_status_id", ["status", "id"], unique=False)
    op.execute("UPDATE jobs SET status = 'queued' WHERE status = 'claimed'")


def downgrade() -> None:
    op.execute("UPDATE jobs SET status = 'claimed' WHERE status = 'queued'")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_status_id")
        batch_op.drop_column("origin")
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("leased_by")
        batch_op.drop_column("failures")
        batch_op.drop_column("original_key")
