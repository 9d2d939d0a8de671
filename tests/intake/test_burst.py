"""A burst of files at once: outcomes in input order, finishing in turn, one failure stops none,
and a file waiting outside its place lets the next be read."""

from __future__ import annotations

import threading

import pytest

from intake.burst import Place, run_in_order
from recordroom.core import OcrEngineError


def test_items_run_at_once_and_finish_in_their_order() -> None:
    together = threading.Barrier(3, timeout=60)  # passes only when all three run at once
    second_waits = threading.Event()
    finished: list[str] = []

    def work(item: str, place: Place) -> str:
        together.wait()
        if item == "first":
            assert second_waits.wait(60)  # the second is ready to finish before the first
        if item == "second":
            second_waits.set()
        with place.turn():
            finished.append(item)
        return item.upper()

    outcomes = list(run_in_order(["first", "second", "third"], work, at_once=3))
    assert outcomes == ["FIRST", "SECOND", "THIRD"]
    assert finished == ["first", "second", "third"]


def test_one_failing_item_stops_none_and_its_error_comes_last() -> None:
    seen: list[str] = []

    def work(item: str, place: Place) -> str:
        if item == "bad":
            raise OcrEngineError("tesseract failed on bad.tif")
        with place.turn():
            return item

    with pytest.raises(OcrEngineError, match=r"bad\.tif"):
        for outcome in run_in_order(["a", "bad", "c", "d"], work, at_once=2):
            seen.append(outcome)
    assert seen == ["a", "c", "d"]


def test_a_failure_inside_its_turn_lets_the_next_finish() -> None:
    def work(item: str, place: Place) -> str:
        with place.turn():
            if item == "bad":
                raise OcrEngineError("the store refused bad.pdf")
            return item

    outcomes = run_in_order(["bad", "b"], work, at_once=2)
    assert next(outcomes) == "b"
    with pytest.raises(OcrEngineError):
        next(outcomes)


def test_an_item_waiting_after_its_reading_lets_the_next_be_read() -> None:
    # One place for reading. The first item, read, then waits (as a born-digital PDF waits for
    # the classifier to load) until the second has been read: it must not keep the place.
    second_read = threading.Event()
    reading_now: list[str] = []
    most_at_once = 0

    def work(item: str, place: Place) -> str:
        nonlocal most_at_once
        with place.reading():
            reading_now.append(item)
            most_at_once = max(most_at_once, len(reading_now))
            reading_now.remove(item)
        if item == "first":
            assert second_read.wait(60), "the second item was never read"
        else:
            second_read.set()
        with place.turn():
            return item

    assert list(run_in_order(["first", "second", "third"], work, at_once=1)) == [
        "first",
        "second",
        "third",
    ]
    assert most_at_once == 1
