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


def test_ready_files_come_oldest_first_whatever_their_names(tmp_path: Path) -> None:
    now = time.time()
    ages = {"a-latest.pdf": 70, "b-first.tif": 300, "c-second.png": 200, "d-second-too.jpg": 200}
    for name, age in ages.items():
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (now - age, now - age))
    ready = files.SettleTracker(settle_seconds=5).ready(sorted(tmp_path.iterdir()))
    assert [path.name for path in ready] == [
        "b-first.tif",
        "c-second.png",
        "d-second-too.jpg",  # the same time: by name
        "a-latest.pdf",
    ]


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
    half_copied = processing / "0123456789abcdef" / ".scan.pdf.copying"  # an older version's
    half_copied.parent.mkdir()
    half_copied.write_bytes(b"da")
    for slot in files.orphaned_slots(processing, stale_after=60):
        assert files.adopt(slot) == []
    assert list(processing.iterdir()) == []


def test_a_slot_is_recovered_only_once_its_owner_is_gone(tmp_path: Path) -> None:
    import subprocess
    import sys

    processing = tmp_path / "processing"
    here = files.claim_slot(processing, "mine.pdf").parent
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        host, _, _ = files.process_identity().split(".")
        other_alive = processing / f"{'1' * 16}.{host}.{alive.pid}.{start_of(alive.pid)}"
        other_dead = processing / f"{'2' * 16}.{host}.999999999.12345"
        far_fresh = processing / f"{'3' * 16}.elsewhere.42.777"
        for slot in (other_alive, other_dead, far_fresh):
            slot.mkdir()
            (slot / "scan.pdf").write_bytes(b"data")
        orphaned = files.orphaned_slots(processing, stale_after=60)
        assert sorted(orphaned) == sorted([here, other_dead])
        # another host's slot: once older than the stale time
        assert far_fresh in files.orphaned_slots(processing, stale_after=-1)
    finally:
        alive.kill()
        alive.wait()
    assert other_alive in files.orphaned_slots(processing, stale_after=60)  # now gone
    adopted = files.adopt(other_dead)
    assert [p.read_bytes() for p in adopted] == [b"data"]
    assert files.claim_name(adopted[0]) == f"{'2' * 16}/scan.pdf"  # its identity stays
    assert adopted[0].parent.name.endswith(files.process_identity())
    assert files.adopt(other_dead) == []  # a second recoverer finds it gone


def start_of(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]


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
