"""Folding text for the rules and matchers: the quick path for plain ASCII changes no answer."""

from __future__ import annotations

import unicodedata

import pytest

from recordroom.core.text import fold
from synthetic.files import SPANISH_LINES, clinical_lines


def slow_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@pytest.mark.parametrize(
    "text",
    [
        "\n".join(clinical_lines(seed=3, count=40)),
        "\n".join(SPANISH_LINES),
        "José Núñez  DOB 02/14/1961\tMRN: 0042 (cid:12) ½ ﬁ İ ß",
        'PATIENT NAME:\x0c\x00 ~!@#$%^&*()_+{}|:"<>?',
        "",
    ],
)
def test_fold_is_the_same_on_the_quick_path(text: str) -> None:
    assert fold(text) == slow_fold(text)
