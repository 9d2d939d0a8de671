"""``recordroom … | head -1``: when the reader goes away, the program stops quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_into_a_closed_pipe(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The program writing into a pipe whose reader has gone, as ``head -1`` leaves it once it
    has its line (made deterministic: the reader is gone before the first write)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECORDROOM_")}
    env["RECORDROOM_HOME"] = str(tmp_path / "var")
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "recordroom.cli", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tmp_path,
            text=True,
            timeout=300,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "args",
    [
        ("search", "potassium"),  # one short line: the pipe breaks when it is flushed
        ("settings",),  # more than the 8 KiB buffer: the pipe breaks inside print()
    ],
)
def test_a_reader_that_goes_away_ends_the_program_quietly(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    result = run_into_a_closed_pipe(tmp_path, *args)
    assert result.stderr == ""  # no traceback, no "Exception ignored … BrokenPipeError"
    assert result.returncode == 141  # 128 + SIGPIPE, as `yes | head -1` reports under pipefail
