"""The object store's upkeep: the integrity scrub and the master-key rotation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from indexer.documents import stored_objects
from recordroom.core.actor import Actor
from recordroom.wiring import Context
from release_of_information.models import RequestRow
from storage.encrypted import RotationReport, SealReport
from storage.envelope import ENVELOPES
from storage.keyring import key_file, load_keyring, new_key_file
from storage.verify import VerifyReport, verify_store


def verify_storage(
    ctx: Context, actor: Actor, progress: Callable[[int], None] | None = None
) -> VerifyReport:
    """Read every stored object back and check it against the index."""
    with ctx.unit_of_work(actor) as unit:
        expected: dict[str, str | None] = {}
        known: set[str] = set()
        for sha256, original, searchable in stored_objects(unit.session):
            known.add(sha256)
            expected[original] = sha256
            if searchable and searchable != original:
                expected.setdefault(searchable, None)
        expected.update(released_packets(unit.session))
        report = verify_store(ctx.store, expected, known, progress)
        unit.record(
            "storage.verify",
            detail=f"{report.checked} object(s) read, {len(report.problems)} problem(s)",
        )
    return report


def released_packets(session: Session) -> dict[str, str | None]:
    """The release-of-information packets kept in the store, by key, with their SHA-256."""
    rows = session.execute(
        select(RequestRow.packet_key, RequestRow.packet_sha256).where(
            RequestRow.packet_key.is_not(None)
        )
    )
    return {str(key): sha for key, sha in rows}


@dataclass(frozen=True, slots=True)
class KeyRotation:
    new_key_id: str
    old_key_files: tuple[str, ...]  # key files no envelope needs any more (safe to delete)
    from_environment: bool
    report: RotationReport
    old_envelope_versions_removed: int = 0  # on a versioned bucket


def rotate_master_key(ctx: Context, actor: Actor) -> KeyRotation:
    """Wrap every object's data key with a new master key; object bodies are not rewritten.

    With key files, a new key file becomes the current key. With ``RECORDROOM_MASTER_KEY``, the
    first key listed is the new one (the operator puts it first, keeping the old ones after it
    until this has run). Old key files are kept: reading still accepts them, and they are listed
    so the operator can delete them once every process has picked up the new key.
    """
    settings = ctx.settings
    store = ctx.store
    if not settings.master_key:
        new_key_file(settings.keys_dir)
        store.keyring = load_keyring(settings.keys_dir)
    report = store.rewrap_all()
    if not report.failed:
        report = _second_pass(store.rewrap_all(), report)
    keyring = store.keyring
    old_files: tuple[str, ...] = ()
    purged = 0
    if not report.failed:
        if not keyring.from_environment:
            old_files = tuple(str(key_file(settings.keys_dir, k.key_id)) for k in keyring.retired)
        from storage.s3 import S3ObjectStore  # the minio SDK: only when a key is rotated

        if isinstance(store.backend, S3ObjectStore):
            # Versioning keeps every envelope's earlier versions, wrapped with the old key.
            purged = store.backend.purge_old_versions(ENVELOPES)
    with ctx.unit_of_work(actor) as unit:
        unit.record(
            "storage.rotate_key",
            detail=f"master key {keyring.current.key_id}: {report.rewrapped} re-wrapped",
        )
    return KeyRotation(keyring.current.key_id, old_files, keyring.from_environment, report, purged)


def _second_pass(second: RotationReport, first: RotationReport) -> RotationReport:
    """A second pass catches an object another process wrapped with the old key meanwhile."""
    return RotationReport(first.rewrapped + second.rewrapped, first.already_current, second.failed)


def encrypt_existing_objects(ctx: Context, actor: Actor) -> SealReport:
    """Seal every object stored in plaintext by a version without encryption at rest."""
    report = ctx.store.seal_plaintext_objects()
    with ctx.unit_of_work(actor) as unit:
        unit.record("storage.encrypt", detail=f"{report.sealed} object(s) sealed")
    return report
