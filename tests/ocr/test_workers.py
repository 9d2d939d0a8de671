"""The OCR pool's workers end with the process that started them, even when it is SIGKILLed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from synthetic.files import write_fax_tiff

ROOT = Path(__file__).resolve().parents[2]

# The caller: starts the pool eagerly, as ``ingest``/``watch``/``serve`` do, and reads a fax.
CALLER = """
import sys
from pathlib import Path
from ocr import TesseractEngine
from recordroom.core.settings import Settings

engine = TesseractEngine(Settings(ocr_workers=2, home=Path(sys.argv[1])))
engine.start()
print("reading", flush=True)
engine.extract(Path(sys.argv[2]))
print("done", flush=True)
"""


def children(pid: int) -> set[int]:
    """The pids whose parent is ``pid``."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def descendants(pid: int) -> set[int]:
    found = children(pid)
    for child in list(found):
        found |= descendants(child)
    return found


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_caller_leaves_no_worker_and_closes_its_pipes(
    tmp_path: Path, page: Image.Image, other_page: Image.Image
) -> None:
    fax = write_fax_tiff(tmp_path / "fax.tif", [page, other_page, page, other_page])
    caller = subprocess.Popen(
        [sys.executable, "-c", CALLER, str(tmp_path / "home"), str(fax)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert caller.stdout is not None
        assert caller.stdout.readline() == "reading\n"
        # Wait for the forkserver and both workers below the caller (the resource tracker too).
        helpers: set[int] = set()
        while caller.poll() is None and len(helpers) < 4:
            time.sleep(0.05)
            helpers = descendants(caller.pid)
        assert caller.poll() is None, "the fax was read before the workers were seen"
        caller.kill()
        # Returns once every process holding the caller's stdout and stderr is gone.
        out, _ = caller.communicate(timeout=120)
    finally:
        caller.kill()
        caller.wait()
    assert caller.returncode == -9
    assert "done" not in out, "the kill came after the work was done; nothing was tested"
    deadline = time.monotonic() + 60
    while any(running(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in helpers if running(pid)] == []
