"""A burst of files run at once, their outcomes in the order they were given.

``recordroom ingest PATH…`` hands over many files at a time. Run one after another, a one-page
file keeps one OCR worker busy and leaves the others idle; so several files run at once and
their pages share the OCR pool. Each file still *finishes* (is checked against what is stored,
then stored) in its turn, after every file before it has finished: a copy or a re-sent fax
later in the same burst is recognised as one, as it would be were the files run one by one.

A file holds one of the ``at_once`` places for reading only while it is read. Waiting for its
turn, or for the classifier still loading, it holds none, and a later file is read meanwhile:
else a long fax early in the burst, or its first born-digital PDFs while spaCy loads, would
leave the OCR workers idle.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from recordroom.core import RecordroomError
from recordroom.core.settings import Settings

log = logging.getLogger("recordroom.intake")

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")

# Files read ahead of their turn, for each place for reading: their text, page images and
# searchable PDF wait in memory, so as many more as there are places, no more.
AHEAD_PER_PLACE = 1


def files_at_once(settings: Settings) -> int:
    """How many files intake reads at once: two per OCR worker, so a worker has a page
    waiting while another file is hashed, classified or stored."""
    return 2 * settings.ocr_worker_count


class Turns:
    """Turns for work run at once: number ``n`` goes once ``0 … n-1`` are done."""

    def __init__(self) -> None:
        self._next = 0
        self._done: set[int] = set()
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def turn(self, number: int) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: self._next >= number)
        yield

    def done(self, number: int) -> None:
        with self._changed:
            self._done.add(number)
            while self._next in self._done:
                self._done.discard(self._next)
                self._next += 1
            self._changed.notify_all()


class Place:
    """An item's place in a burst: ``reading()`` around the work that needs a place (at most
    ``at_once`` items at once), then ``turn()`` for its last step, entered in the items' order."""

    def __init__(self, number: int, turns: Turns, places: threading.Semaphore) -> None:
        self._number = number
        self._turns = turns
        self._places = places

    def reading(self) -> contextlib.AbstractContextManager[object]:
        return self._places

    def turn(self) -> contextlib.AbstractContextManager[None]:
        return self._turns.turn(self._number)


def run_in_order(
    items: Sequence[Item],
    work: Callable[[Item, Place], Outcome],
    *,
    at_once: int,
) -> Iterator[Outcome]:
    """``work(item, place)`` for every item, each outcome yielded in the order of ``items`` as
    soon as it and those before it are done. Up to ``at_once`` items are inside
    ``place.reading()`` at a time, and ``AHEAD_PER_PLACE`` times as many more may wait outside
    it (for their turn, or for anything else). ``work`` enters ``place.turn()`` for its last
    step, which so runs for one item at a time, in order. An item whose work raises a
    ``RecordroomError`` (a failure that is not the file's: engine, storage, database) stops none
    of the others; the first such error is raised once all are done."""
    at_once = max(1, at_once)
    turns = Turns()
    places = threading.Semaphore(at_once)
    failures: list[RecordroomError] = []

    def run(number: int, item: Item) -> Outcome:
        try:
            return work(item, Place(number, turns, places))
        finally:
            turns.done(number)

    # Items start in their order, so the first unfinished one always has a thread: the turns
    # cannot wait on an item that never started.
    threads = at_once * (1 + AHEAD_PER_PLACE)
    with ThreadPoolExecutor(threads, thread_name_prefix="ingest") as pool:
        futures = [pool.submit(run, number, item) for number, item in enumerate(items)]
        for future in futures:
            try:
                yield future.result()
            except RecordroomError as error:
                log.error("%s", error)
                failures.append(error)
    if failures:
        raise failures[0]
