"""Recognising a fax sent twice: the same text under a different fax banner has a different
SHA-256 but nearly the same words. A 64-bit SimHash of word shingles is close for such copies."""

from __future__ import annotations

import hashlib
import re

WORD = re.compile(r"[a-z0-9]+")
NEAR_DUPLICATE_BITS = 3  # differing bits at most
MIN_WORDS = 20  # shorter texts are too thin to call two documents the same


def fingerprint(text: str) -> int | None:
    """The SimHash of the text's 3-word shingles as a signed 64-bit integer (SQL-friendly)."""
    words = [w for w in WORD.findall(text.lower()) if not w.isdigit()]
    if len(words) < MIN_WORDS:
        return None
    weights = [0] * 64
    for i in range(len(words) - 2):
        shingle = " ".join(words[i : i + 3]).encode()
        value = int.from_bytes(hashlib.blake2b(shingle, digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    unsigned = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def is_near(a: int, b: int) -> bool:
    return bin((a ^ b) & ((1 << 64) - 1)).count("1") <= NEAR_DUPLICATE_BITS
