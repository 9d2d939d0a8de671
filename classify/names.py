"""Nicknames (Bill / William, Peggy / Margaret), and the name keys of
``recordroom.core.identifiers`` re-exported for the matcher."""

from __future__ import annotations

from recordroom.core.identifiers import (
    SUFFIXES,
    last_name_search_keys,
    match_key,
    name_key,
    phonetic_key,
    shape_key,
    similar_name_keys,
    strip_suffix,
    surname_parts,
)
from recordroom.core.once import built_once
from recordroom.core.text import fold

__all__ = [
    "SUFFIXES",
    "are_nicknames",
    "fold",
    "last_name_search_keys",
    "match_key",
    "name_key",
    "phonetic_key",
    "shape_key",
    "similar_name_keys",
    "strip_suffix",
    "surname_parts",
]

# Spanish given names and their nicknames, which the ``nicknames`` package (English names) lacks.
SPANISH_NICKNAMES: tuple[tuple[str, ...], ...] = (
    ("francisco", "paco", "pancho", "cisco", "frank"),
    ("jose", "pepe"),
    ("guillermo", "memo", "willy"),
    ("eduardo", "lalo"),
    ("enrique", "kike", "henry"),
    ("ignacio", "nacho"),
    ("jesus", "chuy"),
    ("dolores", "lola"),
    ("guadalupe", "lupe"),
    ("concepcion", "concha", "conchita"),
    ("roberto", "beto", "bob"),
    ("alberto", "beto"),
    ("luis", "lucho"),
    ("maria", "mari", "maruca"),
    ("ricardo", "rico"),
    ("rafael", "rafa"),
    ("gabriela", "gaby", "gabby"),
)


@built_once
def nickname_groups() -> tuple[tuple[str, ...], ...]:
    """Groups of given names that are one person's name, lower case: each name of the
    ``nicknames`` package (about 1,100 names, hand-curated) with its own nicknames — a direct
    edge only, so two full names that share a nickname (Henry and Harold: Hal, Harry) stay two
    names — then ``SPANISH_NICKNAMES``. A name may sit in several groups."""
    import nicknames

    pairs = [(triplet.name1, triplet.name2) for triplet in nicknames.name_triplets()]
    return (*pairs, *SPANISH_NICKNAMES)


@built_once
def _nickname_index() -> dict[str, frozenset[int]]:
    index: dict[str, set[int]] = {}
    for number, group in enumerate(nickname_groups()):
        for name in group:
            index.setdefault(match_key(name), set()).add(number)
    return {name: frozenset(groups) for name, groups in index.items()}


def are_nicknames(first: str, second: str) -> bool:
    """Whether two given names are forms of one name (Bill / William, Peggy / Margaret)."""
    index = _nickname_index()
    groups_a = index.get(match_key(first), frozenset())
    groups_b = index.get(match_key(second), frozenset())
    return bool(groups_a & groups_b)
