"""The audit bench runs on a small trail and prints its table (the timings are not asserted)."""

from __future__ import annotations

from bench.audit import run, table


def test_the_bench_runs_and_prints_every_measure() -> None:
    results = run(3000)
    printed = table(results)
    for measure in ("patient history", "user's day", "verify whole chain", "record() per action"):
        assert measure in printed
    assert results["events"] == 3000
