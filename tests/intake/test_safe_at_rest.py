"""Safe at rest: links in the inbox are never followed, and nothing under the home is readable
by other users, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from indexer.database import Database
from indexer.intake_index import SqlIntakeIndex
from indexer.models import JobRow
from intake.pipeline import Pipeline
from intake.watcher import InboxWatcher
from ocr import TesseractEngine
from recordroom.core.settings import Settings
from storage import open_store
from synthetic import files as samples

SECRET = "Zanzibarite"  # a word that appears only in the file the link points at


@pytest.fixture
def pipeline(settings: Settings, database: Database) -> Iterator[Pipeline]:
    engine = TesseractEngine(settings.with_changes(ocr_workers=1))
    yield Pipeline(settings, SqlIntakeIndex(database), open_store(settings), engine, None)
    engine.close()


def run_inbox_once(pipeline: Pipeline) -> None:
    settings = pipeline.settings.with_changes(ocr_workers=1, settle_seconds=0.0)
    InboxWatcher(settings, pipeline.take_from_inbox).run_once()


def age(path: Path) -> None:
    old = os_time() - 60
    os.utime(path, (old, old), follow_symlinks=False)


def os_time() -> float:
    import time

    return time.time()


def reasons(settings: Settings) -> dict[str, str]:
    return {
        path.name.removesuffix(".reason.txt"): path.read_text()
        for path in settings.quarantine_dir.glob("*.reason.txt")
    }


def test_links_and_special_files_are_quarantined_unread(
    pipeline: Pipeline, settings: Settings, database: Database, tmp_path: Path
) -> None:
    settings.inbox.mkdir(parents=True, exist_ok=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    target = samples.write_text_pdf(outside / "private.pdf", [["LAB REPORT", SECRET]])
    before = target.read_bytes()
    (settings.inbox / "symlink.pdf").symlink_to(target)
    os.link(target, settings.inbox / "hardlink.pdf")
    (settings.inbox / "folder-link").symlink_to(outside, target_is_directory=True)
    os.mkfifo(settings.inbox / "pipe.pdf")
    for name in ("symlink.pdf", "hardlink.pdf", "folder-link", "pipe.pdf"):
        age(settings.inbox / name)

    run_inbox_once(pipeline)

    found = reasons(settings)
    assert set(found) == {"symlink.pdf", "hardlink.pdf", "folder-link", "pipe.pdf"}
    for name in ("symlink.pdf", "hardlink.pdf", "folder-link"):
        assert "a link, not a file" in found[name]
    assert "a special file, not a file" in found["pipe.pdf"]
    assert target.read_bytes() == before and (outside / "private.pdf").exists()
    assert list(pipeline.store.keys()) == []  # nothing stored
    assert not any(settings.inbox.glob("*.pdf"))
    with database.session() as session:
        statuses = {job.source_name: job.status for job in session.scalars(select(JobRow))}
    assert set(statuses.values()) == {"quarantined"}
    assert not any(SECRET in reason for reason in found.values())


def modes_under(root: Path) -> dict[str, int]:
    return {
        str(path.relative_to(root)): stat.S_IMODE(path.lstat().st_mode)
        for path in [root, *root.rglob("*")]
        if not path.is_symlink()
    }


def test_everything_under_home_is_private_whatever_the_umask(
    settings: Settings, tmp_path: Path
) -> None:
    old_umask = os.umask(0o022)
    try:
        database = Database(settings.database)
        database.migrate()
        engine = TesseractEngine(settings.with_changes(ocr_workers=1))
        pipeline = Pipeline(settings, SqlIntakeIndex(database), open_store(settings), engine, None)
        try:
            good = samples.write_text_pdf(tmp_path / "letter.pdf", [["CONSULTATION", "Dear"]])
            bad = tmp_path / "broken.pdf"
            bad.write_bytes(b"%PDF-1.4 broken")
            outcomes = pipeline.ingest_paths([good, bad])
        finally:
            engine.close()
            database.dispose()
    finally:
        os.umask(old_umask)
    assert [o.status for o in outcomes] == ["stored", "quarantined"]
    modes = modes_under(settings.home)
    assert "recordroom.db" in modes and any(name.startswith("quarantine/") for name in modes)
    assert any(name.startswith("objects/") for name in modes)
    assert any(name.startswith("keys/") for name in modes)
    wrong = {name: oct(mode) for name, mode in modes.items() if mode & 0o077}
    assert wrong == {}
