"""A burst of files run at once, their outcomes in the order they were given.

``recordroom ingest PATH…`` hands over many files at a time. Run one after another, a one-page
file keeps one OCR worker busy and leaves the others idle; so several files run at once and
their pages share the OCR pool. Each file still *finishes* (is checked against what is stored,
then stored) in its turn, after every file before it has finished: a copy or a re-sent fax
later in the same burst is recognised as one, as it would be were the files run one by one.
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

# What a file's work is given: entered before the file finishes, left once it has.
Turn = contextlib.AbstractContextManager[None]


def files_at_once(settings: Settings) -> int:
    """How many files intake works on at once: two per OCR worker, so a worker has a page
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


def run_in_order(
    items: Sequence[Item],
    work: Callable[[Item, Turn], Outcome],
    *,
    at_once: int,
) -> Iterator[Outcome]:
    """``work(item, turn)`` for every item, ``at_once`` at a time, each outcome yielded in the
    order of ``items`` as soon as it and those before it are done. ``work`` enters ``turn`` for
    its last step, which so runs for one item at a time, in order. An item whose work raises a
    ``RecordroomError`` (a failure that is not the file's: engine, storage, database) stops none
    of the others; the first such error is raised once all are done."""
    turns = Turns()
    failures: list[RecordroomError] = []

    def run(number: int, item: Item) -> Outcome:
        try:
            return work(item, turns.turn(number))
        finally:
            turns.done(number)

    with ThreadPoolExecutor(max(1, at_once), thread_name_prefix="ingest") as pool:
        futures = [pool.submit(run, number, item) for number, item in enumerate(items)]
        for future in futures:
            try:
                yield future.result()
            except RecordroomError as error:
                log.error("%s", error)
                failures.append(error)
    if failures:
        raise failures[0]
