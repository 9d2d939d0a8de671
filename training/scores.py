"""Scores of a classifier on labelled examples: accuracy and per-type F1, where any of an example's
labels counts as right."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from recordroom.core import DOC_TYPES
from training.corpora import Example

Predict = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Scores:
    count: int
    accuracy: float
    macro_f1: float
    f1: dict[str, float]  # per type present in the gold labels or predictions
    support: dict[str, int]
    confusion: dict[tuple[str, str], int]  # (gold primary, predicted) -> count


def score(examples: Sequence[Example], predictions: Sequence[str]) -> Scores:
    """Accuracy and per-type F1, where any of an example's labels counts as right."""
    true_pos: Counter[str] = Counter()
    false_pos: Counter[str] = Counter()
    false_neg: Counter[str] = Counter()
    support: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    correct = 0
    for example, predicted in zip(examples, predictions, strict=True):
        gold = predicted if predicted in example.labels else example.labels[0]
        support[gold] += 1
        confusion[(gold, predicted)] += 1
        if predicted == gold:
            correct += 1
            true_pos[gold] += 1
        else:
            false_pos[predicted] += 1
            false_neg[gold] += 1
    f1: dict[str, float] = {}
    for label in DOC_TYPES:
        if support[label] == 0 and false_pos[label] == 0:
            continue
        denominator = 2 * true_pos[label] + false_pos[label] + false_neg[label]
        f1[label] = 2 * true_pos[label] / denominator if denominator else 0.0
    return Scores(
        count=len(examples),
        accuracy=correct / len(examples) if examples else 0.0,
        macro_f1=sum(f1.values()) / len(f1) if f1 else 0.0,
        f1=f1,
        support=dict(support),
        confusion=dict(confusion),
    )


def evaluate(predict: Predict, examples: Sequence[Example]) -> Scores:
    return score(examples, [predict(example.text) for example in examples])
