"""OCR scratch files (page images and text: PHI) stay in a private folder under the home, and the
folders a killed process left behind are swept."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

from PIL import Image

from ocr import TesseractEngine
from recordroom.core.private import sweep_work_dirs
from recordroom.core.settings import Settings
from synthetic.files import write_png


def test_pages_are_read_in_a_private_folder_under_the_home(
    engine: TesseractEngine, settings: Settings, page: Image.Image, tmp_path: Path
) -> None:
    result = engine.extract(write_png(tmp_path / "scan.png", page), make_searchable_pdf=False)
    assert result.pages[0].method == "ocr"
    assert settings.work_dir.is_dir()
    assert stat.S_IMODE(settings.work_dir.stat().st_mode) == 0o700
    assert list(settings.work_dir.iterdir()) == []  # each page's folder is removed after it


def test_folders_of_dead_processes_are_swept_and_live_ones_kept(tmp_path: Path) -> None:
    dead_pid = subprocess.Popen(["true"])
    dead_pid.wait()
    dead = tmp_path / f"recordroom-ocr-{dead_pid.pid}-abc"
    live = tmp_path / f"recordroom-ocr-{1}-def"  # init never exits
    for folder in (dead, live):
        folder.mkdir()
        (folder / "page.png").write_bytes(b"page")
    assert sweep_work_dirs(tmp_path) == 1
    assert not dead.exists() and live.exists()


def test_an_engine_sweeps_what_a_killed_run_left_when_it_opens(settings: Settings) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    left = settings.work_dir / f"recordroom-ocr-{gone.pid}-xyz"
    left.mkdir(parents=True)
    (left / "page.png").write_bytes(b"page")
    with TesseractEngine(settings):
        assert not left.exists()
