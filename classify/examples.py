"""The office's own forms: documents a person typed in the review queue, as labelled examples.

A new document whose text and layout are close to a corrected one (another copy of the same
payer's form, the same lab's report) takes that example's type at once, with no retraining. Close
means: the two share most of their *printed* words — word pairs with digits blanked, so the values
filled in (names, dates, amounts, IDs) do not count, and OCR slips in a few words do not matter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

from recordroom.core.text import fold

SIMILARITY = 0.5  # share of printed word pairs in common (Jaccard) to take an example's type
MIN_PAIRS = 20  # a text with fewer printed word pairs is too short to say it is a copy
HEAD_CHARS = 6000  # the top of the text is where a form's printed words are

_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True, slots=True)
class LabelledExample:
    """A document a person typed: its text and the type they gave it."""

    text: str
    doc_type: str


def printed_pairs(text: str) -> frozenset[str]:
    """The document's printed word pairs: folded words of two or more letters, in order, each
    with the next; digits and punctuation dropped."""
    words = _WORD.findall(fold(text[:HEAD_CHARS]))
    return frozenset(f"{a} {b}" for a, b in pairwise(words))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


class Examples(Protocol):
    """Labelled examples searched for a document's closest one: ``NearestExamples`` in memory, or
    the review decisions of the index (``recordroom.wiring``)."""

    def nearest(self, text: str) -> tuple[str, float] | None: ...

    def current(self) -> Examples:
        """The examples as they are now, to search for every page of one file."""
        ...


class NearestExamples:
    """The office's labelled examples, searched for the one closest to a new document."""

    def __init__(
        self, examples: Iterable[LabelledExample] = (), *, threshold: float = SIMILARITY
    ) -> None:
        self._threshold = threshold
        self._examples: list[tuple[frozenset[str], str]] = []
        for example in examples:
            self.add(example)

    def __len__(self) -> int:
        return len(self._examples)

    def current(self) -> NearestExamples:
        return self

    def add(self, example: LabelledExample) -> None:
        pairs = printed_pairs(example.text)
        if len(pairs) >= MIN_PAIRS:
            self._examples.append((pairs, example.doc_type))

    def nearest(self, text: str) -> tuple[str, float] | None:
        """The type of the closest example and how close it is, when close enough; else None.
        When examples of different types are equally close, the first added wins."""
        if not self._examples:
            return None
        pairs = printed_pairs(text)
        if len(pairs) < MIN_PAIRS:
            return None
        best_type, best = "", 0.0
        for example, doc_type in self._examples:
            score = similarity(pairs, example)
            if score > best:
                best_type, best = doc_type, score
        return (best_type, best) if best >= self._threshold else None
