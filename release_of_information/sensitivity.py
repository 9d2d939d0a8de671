"""Security labels a document's text shows on its face (HIPAA.md §4). Only ever adds a label: a
person can always add one by hand, and a release withholds what carries any."""

from __future__ import annotations

import re

from recordroom.core.release import PART2_LABELS

_RULES: dict[str, tuple[str, ...]] = {
    "ETH": (
        r"substance use disorder",
        r"(?:alcohol|opioid|cocaine|stimulant|cannabis) use disorder",
        r"42 cfr part 2",
        r"chemical dependency",
        r"methadone (?:maintenance|clinic|program)",
        r"buprenorphine|suboxone",
        r"trastorno por (?:consumo|uso) de (?:sustancias|alcohol)",
    ),
    "PSYTHPN": (r"psychotherapy notes?", r"notas? de psicoterapia"),
    "HIV": (
        r"\bhiv\b(?:[- ]?1)?(?: antibody| antigen| viral load| test| positive| negative)",
        r"\baids\b",
        r"\bvih\b",
    ),
    "GDIS": (r"genetic (?:test|testing|counsel)", r"\bbrca[12]?\b", r"prueba gen[eé]tica"),
    "MH": (
        r"major depressive disorder",
        r"bipolar (?:i |ii |disorder)",
        r"schizophreni",
        r"post-?traumatic stress disorder",
        r"suicidal ideation",
        r"trastorno depresivo",
    ),
    "PSY": (r"psychiatric (?:evaluation|assessment|admission|history)", r"psychiatrist"),
    "SDV": (r"sexual assault", r"domestic violence", r"intimate partner violence"),
    "STD": (
        r"chlamydia",
        r"gonorrh",
        r"syphilis",
        r"sexually transmitted",
        r"herpes simplex virus type 2",
    ),
}
_COMPILED = {code: re.compile("|".join(rules), re.IGNORECASE) for code, rules in _RULES.items()}


def suggest_labels(text: str) -> frozenset[str]:
    """The security label codes whose tell-tale terms appear in the text."""
    return frozenset(code for code, pattern in _COMPILED.items() if pattern.search(text))


def names_category(categories: frozenset[str], code: str) -> bool:
    """Whether an authorization naming ``categories`` covers label ``code`` (ETH and SUD are the
    same category)."""
    if code in PART2_LABELS:
        return bool(categories & PART2_LABELS)
    return code in categories
