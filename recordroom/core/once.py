"""Values built once per process, safely from several threads.

``functools.cache`` stores a result only once its first call returns: threads that ask while
it is still being built each build their own. Intake reads several files at once, and the first
pages of a burst all reach the patient-label matcher (a spaCy tokenizer and phrase matcher,
about 0.4 CPU seconds to build) together: each thread built one, some 5 CPU seconds of a
12-file burst's start spent on copies thrown away.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class BuiltOnce(Generic[Value]):
    def __init__(self, build: Callable[[], Value]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._built: list[Value] = []  # empty until built
        functools.update_wrapper(self, build)

    def __call__(self) -> Value:
        if not self._built:
            with self._lock:
                if not self._built:  # another thread may have built it while this one waited
                    self._built.append(self._build())
        return self._built[0]

    def forget(self) -> None:
        """The next caller builds the value again (callers holding the old one keep it)."""
        with self._lock:
            self._built.clear()


def built_once(build: Callable[[], Value]) -> BuiltOnce[Value]:
    """``build()``'s value, built by the first caller; callers meanwhile wait for it. A build
    that raises is tried again by the next caller."""
    return BuiltOnce(build)
