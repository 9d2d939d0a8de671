"""``built_once``: one build however many threads ask at once; a failed build is tried again."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from recordroom.core.once import built_once


def test_threads_asking_together_share_one_build() -> None:
    builds: list[int] = []
    all_asking = threading.Barrier(8, timeout=60)
    building = threading.Event()

    @built_once
    def matcher() -> object:
        builds.append(1)
        building.set()
        threading.Event().wait(0.2)  # long enough for every other thread to ask meanwhile
        return object()

    def ask() -> object:
        all_asking.wait()
        return matcher()

    with ThreadPoolExecutor(8) as pool:
        values = list(pool.map(lambda _: ask(), range(8)))
    assert building.is_set()
    assert len(builds) == 1
    assert all(value is values[0] for value in values)


def test_a_failed_build_is_tried_again() -> None:
    attempts: list[int] = []

    @built_once
    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("model folder not mounted yet")
        return "ready"

    with pytest.raises(OSError):
        flaky()
    assert flaky() == "ready"
    assert flaky() == "ready"
    assert len(attempts) == 2


def test_a_forgotten_value_is_built_again_and_its_holders_keep_theirs() -> None:
    @built_once
    def pipeline() -> list[int]:
        return [1]

    first = pipeline()
    assert pipeline() is first
    pipeline.forget()
    second = pipeline()
    assert second is not first and second == first == [1]
    assert pipeline() is second
