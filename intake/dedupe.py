"""Recognising a fax sent twice: the same text under a different fax banner has a different
SHA-256 but nearly the same words. A 64-bit SimHash of word shingles is close for such copies."""

from __future__ import annotations

import hashlib
import re

import numpy as np

WORD = re.compile(r"[a-z0-9]+")
NEAR_DUPLICATE_BITS = 3  # differing bits at most
MIN_WORDS = 20  # shorter texts are too thin to call two documents the same


def fingerprint(text: str) -> int | None:
    """The SimHash of the text's 3-word shingles as a signed 64-bit integer (SQL-friendly)."""
    words = [w for w in WORD.findall(text.lower()) if not w.isdigit()]
    if len(words) < MIN_WORDS:
        return None
    hashes = np.array(
        [
            int.from_bytes(
                hashlib.blake2b(" ".join(words[i : i + 3]).encode(), digest_size=8).digest(), "big"
            )
            for i in range(len(words) - 2)
        ],
        dtype=np.uint64,
    )
    ones = ((hashes[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)).sum(axis=0)
    weights = 2 * ones.astype(np.int64) - len(
        hashes
    )  # +1 for each shingle with the bit, -1 without
    unsigned = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def is_near(a: int, b: int) -> bool:
    return bin((a ^ b) & ((1 << 64) - 1)).count("1") <= NEAR_DUPLICATE_BITS
