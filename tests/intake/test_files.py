from __future__ import annotations

import os
import time
from pathlib import Path

from intake import files
from intake.watcher import needs_polling


def test_settle_tracker_waits_until_a_file_stops_changing(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"part one")
    tracker = files.SettleTracker(settle_seconds=5)
    start = time.monotonic()
    assert tracker.ready([path], now=start) == []
    with path.open("ab") as handle:
        handle.write(b" and part two")
    assert tracker.ready([path], now=start + 4) == []  # changed: the clock starts again
    assert tracker.ready([path], now=start + 8) == []
    assert tracker.ready([path], now=start + 9.5) == [path]


def test_file_older_than_settle_time_is_ready_at_once(tmp_path: Path) -> None:
    path = tmp_path / "old.tif"
    path.write_bytes(b"x")
    old = time.time() - 60
    os.utime(path, (old, old))
    assert files.SettleTracker(settle_seconds=5).ready([path]) == [path]


def test_inbox_listing_skips_hidden_and_partial_files(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / ".recordroom" / "processing").mkdir(parents=True)
    for name in [
        "a.pdf",
        "sub/b.tif",
        "sub/deeper/c.png",
        ".hidden.pdf",
        "d.pdf.part",
        "~$e.docx",
        ".recordroom/processing/x.pdf",
        "f.crdownload",
    ]:
        (tmp_path / name).write_bytes(b"x")
    found = sorted(str(p.relative_to(tmp_path)) for p in files.inbox_files(tmp_path))
    assert found == ["a.pdf", "sub/b.tif", "sub/deeper/c.png"]


def test_claim_is_a_rename_and_keeps_the_name(tmp_path: Path) -> None:
    source = tmp_path / "inbox" / "-odd name ü.pdf"
    source.parent.mkdir()
    source.write_bytes(b"data")
    processing = tmp_path / "inbox" / ".recordroom" / "processing"
    claimed = files.claim(source, processing, "sub/-odd name ü.pdf")
    assert claimed is not None and not source.exists()
    assert claimed.read_bytes() == b"data"
    assert claimed.name == "-odd name ü.pdf"
    assert files.claimed_files(processing) == [claimed]
    assert files.claim(source, processing, "x") is None  # already taken
    assert files.claimed_files(processing) == [claimed]
    files.remove_claimed(claimed)
    assert list(processing.iterdir()) == []
    half_copied = processing / "0123456789abcdef" / ".scan.pdf.copying"
    half_copied.parent.mkdir()
    half_copied.write_bytes(b"da")
    files.sweep_slots(processing)
    assert list(processing.iterdir()) == []


def test_quarantine_keeps_the_file_beside_its_reason(tmp_path: Path) -> None:
    first = tmp_path / "a"
    first.write_bytes(b"bad")
    target = files.quarantine(first, tmp_path / "q", "scan.pdf", "scan.pdf is empty.")
    second = tmp_path / "b"
    second.write_bytes(b"worse")
    other = files.quarantine(second, tmp_path / "q", "scan.pdf", "scan.pdf is corrupt.")
    assert target.read_bytes() == b"bad" and other.read_bytes() == b"worse"
    assert target != other
    assert Path(str(target) + ".reason.txt").read_text() == "scan.pdf is empty.\n"
    assert Path(str(other) + ".reason.txt").read_text() == "scan.pdf is corrupt.\n"


def test_network_shares_are_polled() -> None:
    mounts = (
        "/dev/vda / ext4 rw 0 0\n"
        "//server/scans /mnt/scans cifs rw 0 0\n"
        "server:/export /mnt/nfs nfs4 rw 0 0\n"
        "sshfs#x /mnt/ssh fuse.sshfs rw 0 0\n"
    )
    assert needs_polling(Path("/mnt/scans/inbox"), mounts)
    assert needs_polling(Path("/mnt/nfs"), mounts)
    assert needs_polling(Path("/mnt/ssh/in"), mounts)
    assert not needs_polling(Path("/home/office/inbox"), mounts)
    assert not needs_polling(Path("/mnt/scansextra"), mounts)
