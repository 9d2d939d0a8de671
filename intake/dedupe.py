"""Recognising a fax sent twice. A re-sent copy has a different SHA-256 (another fax banner, another
machine, a skewed scan or a phone photo) but nearly the same words; two fillings of one form for two
patients, or this week's INR beside last week's, also share nearly all their words and must never be
taken for copies of each other. So a document is a near-duplicate of an earlier one when

1. their texts are close: MinHash over word 2-grams, looked up through LSH bands kept as indexed
   SQL columns (pages with little text: a 64-bit difference hash of the first page image), and
2. no identifying field differs: dates, numbers of the same kind and length, decimal result
   values, a labelled name or MRN, the patient the classifier found. A value one copy has and the
   other lacks (OCR dropped it) is no conflict; the same kind of value with two different readings
   is. The fax banner lines at the top and bottom of a page (time sent, page n of m) are left out.

The bench (``bench/dedupe.py``) measures both halves, beside the SimHash this replaced.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps
from rapidfuzz import fuzz, utils

from recordroom.core.once import built_once

WORD = re.compile(r"[a-z]{2,}")
MIN_WORDS = 12  # fewer words than this: the page image decides, not the text
PERMUTATIONS = 126
BANDS = 42  # 42 bands of 3 rows: a pair of Jaccard 0.4 shares a band with probability 0.94,
ROWS = PERMUTATIONS // BANDS  # 0.5: 0.996; two unrelated texts (0.1) 0.04
SHINGLE = 5  # characters
TEXT_THRESHOLD = 0.4  # estimated Jaccard of the 2-gram sets (measured in bench/dedupe.py)
IMAGE_BAND_BASE = 1000  # band numbers of the image hash: 1000..1003, 16 bits each
IMAGE_MAX_BITS = 4  # differing bits of the 64-bit difference hash
NAME_MIN_RATIO = 70.0  # two readings of a labelled name closer than this are one name (OCR)
SEED = 19

_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\b", re.IGNORECASE)
_BANNER_WORDS = re.compile(r"\b(?:fax|from|to|tx|rx|page|pg|p\.)", re.IGNORECASE)
_PAGE_OF = re.compile(r"\b(?:page|pg|p\.?)\s*\d+\s*(?:of|/)\s*\d+\b", re.IGNORECASE)
_MONTHS = {
    **{m: n for n, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun"), 1)},
    **{m: n for n, m in enumerate(("jul", "aug", "sep", "oct", "nov", "dec"), 7)},
    **{"ene": 1, "abr": 4, "ago": 8, "dic": 12},
}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic)[a-z]*\.?"
_WORD_DATES = (  # March 29, 1948 / Nov-21-2026; 29 March 1948 / 29 de marzo de 1948
    (re.compile(_MONTH + r"[\s-]+(\d{1,2}),?[\s-]+(\d{4})\b", re.IGNORECASE), (0, 1, 2)),
    (
        re.compile(
            r"\b(\d{1,2})[\s-]+(?:de\s+)?" + _MONTH + r",?[\s-]+(?:de\s+)?(\d{4})\b",
            re.IGNORECASE,
        ),
        (1, 0, 2),
    ),
)
_DATE = re.compile(r"\b(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})\b")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w])")
_PHONE = re.compile(r"(?<!\d)\(?(\d{3})\)?[\s.\-]{0,2}(\d{3})[\s.\-](\d{4})(?!\d)")
_DIGITISH = re.compile(r"\b[0-9OolISB][0-9OolISB/.,\-]*\b")
_CANONICAL = str.maketrans("10i58e|", "lolsbcl")
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "S": "5", "B": "8"})
_LABELLED = re.compile(
    r"\b(patient(?:'s)?\s+name|patient|name|re|pt|nombre(?:\s+del\s+paciente)?|paciente|mrn|"
    r"medical\s+record\s+(?:number|no\.?|#))"
    r"\s*[:#]\s*([A-Za-z0-9][A-Za-z0-9 ,.'\-]{1,40})",
    re.IGNORECASE,
)
_NEXT_LABEL = re.compile(r"\s{2,}|\s+\w[\w ]{0,20}:")


@dataclass(frozen=True, slots=True)
class Identifiers:
    """The values that tell one patient's or one day's document from another's."""

    values: frozenset[tuple[str, str]]  # (kind, value): ("date", "2026-03-04"), ("n6", "100234")
    fields: tuple[tuple[str, str], ...] = ()  # (label, value) as written: ("name", "ana ruiz")

    def conflicts_with(self, other: Identifiers) -> list[str]:
        """The kinds of value that differ between the two (empty: nothing identifying differs).

        One long number (an ID of 5 digits or more) read with one digit changed is forgiven as an
        OCR misread; dates, result values, short numbers and names never are."""
        mine = self.values - other.values
        theirs = other.values - self.values
        misread = _one_misread(mine, theirs)
        if misread:
            mine, theirs = mine - {misread[0]}, theirs - {misread[1]}
        kinds = sorted({kind for kind, _ in mine} & {kind for kind, _ in theirs})
        for label, value in self.fields:
            readings = [v for lab, v in other.fields if lab == label]
            if readings and max(_name_likeness(value, v) for v in readings) < NAME_MIN_RATIO:
                kinds.append(label)
        return kinds


def _name_likeness(a: str, b: str) -> float:
    """How alike two readings of a labelled value are: partly (a line break or a missing label
    can run the next words into a value), or as the same words in another order (``Ana Ruiz``
    above, ``RUIZ, ANA`` below)."""
    return max(
        fuzz.partial_ratio(a, b), fuzz.token_sort_ratio(a, b, processor=utils.default_process)
    )


def _one_misread(
    mine: frozenset[tuple[str, str]], theirs: frozenset[tuple[str, str]]
) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """The only pair of long numbers, one on each side, that differ in exactly one digit."""
    pairs = [
        (a, b)
        for a in mine
        for b in theirs
        if a[0] == b[0]
        and a[0].startswith("n")
        and len(a[1]) >= 5
        and sum(x != y for x, y in zip(a[1], b[1], strict=True)) == 1
    ]
    return pairs[0] if len(pairs) == 1 else None


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What is kept of a document to recognise a later copy of it."""

    minhash: bytes | None  # PERMUTATIONS little-endian uint32 values; None when too few words
    image_hash: int | None  # signed 64-bit difference hash of the first page; None without image
    identifiers: Identifiers
    patient_mrn: str | None = None

    def bands(self) -> list[tuple[int, int]]:
        """(band number, value) pairs, the keys an earlier copy is looked up by."""
        keys = []
        if self.minhash is not None:
            for band in range(BANDS):
                chunk = self.minhash[band * ROWS * 4 : (band + 1) * ROWS * 4]
                keys.append((band, _signed(hashlib.blake2b(chunk, digest_size=8).digest())))
        elif self.image_hash is not None:
            unsigned = self.image_hash & (1 << 64) - 1
            for band in range(4):
                keys.append((IMAGE_BAND_BASE + band, unsigned >> (16 * band) & 0xFFFF))
        return keys


def fingerprint(
    page_texts: Sequence[str], first_page_image: bytes | None = None, patient_mrn: str | None = None
) -> Fingerprint:
    body = "\n".join(line for text in page_texts for line in body_lines(text))
    words = WORD.findall(_canonical(body))
    minhash = None
    image_hash = None
    if len(words) >= MIN_WORDS:
        minhash = text_minhash(words)
    elif first_page_image:
        image_hash = difference_hash(first_page_image)
    return Fingerprint(minhash, image_hash, identifiers(page_texts), patient_mrn)


def _canonical(text: str) -> str:
    """Lower case, with the characters OCR mistakes for each other made one (l 1 i I, o 0, c e,
    s 5, b 8, m rn): a misread then changes no shingle."""
    return text.lower().replace("rn", "m").translate(_CANONICAL)


def text_minhash(words: Sequence[str]) -> bytes:
    """MinHash of the text's character 5-grams, letters only: OCR damage to one character
    touches five shingles, not every word pair around it, and line breaks and spacing vanish."""
    letters = "".join(words)
    shingles = {letters[i : i + SHINGLE].encode() for i in range(len(letters) - SHINGLE + 1)}
    return minhash(shingles).astype("<u4").tobytes()


_MAX_HASH = np.uint32(0xFFFFFFFF)
_CHUNK = 4096  # shingles permuted at once


@built_once
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The ``PERMUTATIONS`` hash functions ``a·h + b mod 2³²`` (``a`` odd, so each is a
    bijection), drawn from NumPy's Mersenne Twister seeded with ``SEED``: every ``a``, then every
    ``b``, exactly as datasketch 2.0's "affine32" MinHash drew them, so the signatures stored while
    it computed them keep their values."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, PERMUTATIONS, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, PERMUTATIONS, dtype=np.uint32)
    return a, b


def _mix(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, a fixed bijection that spreads similar inputs apart."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = values ^ (values >> np.uint32(16))
    return mixed


def minhash(shingles: Iterable[bytes]) -> np.ndarray:
    """The MinHash signature (``PERMUTATIONS`` unsigned 32-bit values) of a set of byte strings:
    each is hashed to 32 bits (the first four bytes of its SHA-1, little-endian), mixed, put
    through every permutation (arithmetic wraps at 2³²), and the smallest result of each
    permutation is kept; all ``2³² − 1`` for an empty set."""
    a, b = _permutations()
    values = np.full(PERMUTATIONS, _MAX_HASH, dtype=np.uint32)
    hashed = np.fromiter(
        (int.from_bytes(hashlib.sha1(item).digest()[:4], "little") for item in shingles),
        dtype=np.uint32,
    )
    with np.errstate(over="ignore"):
        mixed = _mix(hashed)
        for start in range(0, mixed.size, _CHUNK):  # a long text: a few MB at a time
            permuted = np.outer(mixed[start : start + _CHUNK], a) + b
            values = np.minimum(values, permuted.min(axis=0))
    return values


def text_similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two documents' 2-gram sets."""
    left = np.frombuffer(a, dtype="<u4")
    right = np.frombuffer(b, dtype="<u4")
    return float(np.count_nonzero(left == right)) / len(left)


def difference_hash(image_bytes: bytes) -> int | None:
    """A 64-bit difference hash (dHash) of the page's printed area: brighter-than-its-right-
    neighbour bits of it shrunk to 9×8 grey pixels, so resampling, fax resolution and noise barely
    move it. None for a blank page."""
    try:
        with Image.open(io.BytesIO(image_bytes)) as image:
            grey = image.convert("L")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    # The printed area only: two sparse pages are both mostly white paper, and a hash of the
    # whole page would find them alike whatever their few lines say.
    box = ImageOps.invert(grey).point(lambda v: 255 if v > 64 else 0).getbbox()
    if box is None:
        return None
    small = grey.crop(box).resize((9, 8), Image.Resampling.LANCZOS)
    pixels = np.asarray(small, dtype=np.int16)
    bits = (pixels[:, 1:] > pixels[:, :-1]).flatten()
    unsigned = sum(1 << i for i, bit in enumerate(bits) if bit)
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def similarity(a: Fingerprint, b: Fingerprint) -> float | None:
    """How alike the two are (0..1) if ``b`` is a copy of ``a``; None when they are different
    documents, however alike their words."""
    if a.patient_mrn and b.patient_mrn and a.patient_mrn != b.patient_mrn:
        return None
    score = likeness(a.minhash, a.image_hash, b.minhash, b.image_hash)
    if score is None or a.identifiers.conflicts_with(b.identifiers):
        return None
    return round(score, 4)


def likeness(
    a_minhash: bytes | None, a_image: int | None, b_minhash: bytes | None, b_image: int | None
) -> float | None:
    """How alike two texts (or, with little text, two first pages) are, if alike enough to be
    copies at all; the identifying values are not looked at (a cheap first sieve)."""
    if a_minhash is not None and b_minhash is not None:
        score = text_similarity(a_minhash, b_minhash)
        return score if score >= TEXT_THRESHOLD else None
    if a_image is not None and b_image is not None:
        distance = bin((a_image ^ b_image) & (1 << 64) - 1).count("1")
        return 1 - distance / 64 if distance <= IMAGE_MAX_BITS else None
    return None


# -- identifying values ---------------------------------------------------------------------------


def identifiers(page_texts: Iterable[str]) -> Identifiers:
    values: set[tuple[str, str]] = set()
    fields: list[tuple[str, str]] = []
    for text in page_texts:
        for line in body_lines(text):
            line = _DIGITISH.sub(_as_digits, line)
            values.update(_line_values(line))
            fields.extend(_labelled(line))
    return Identifiers(frozenset(values), tuple(dict.fromkeys(fields)))


def body_lines(text: str) -> list[str]:
    """The page's lines without the fax banners a sending machine prints at its top or bottom."""
    lines = [line for line in text.splitlines() if line.strip()]
    edges = set(range(min(2, len(lines)))) | set(range(max(0, len(lines) - 2), len(lines)))
    return [line for i, line in enumerate(lines) if not (i in edges and _is_banner(line))]


def _is_banner(line: str) -> bool:
    """A sending machine's line: "page n of m" ("P.002/005"), or a time sent beside fax, from,
    to or page. A time alone ("Collected 03/02/2026 08:15") is the document's own."""
    return bool(_PAGE_OF.search(line) or (_TIME.search(line) and _BANNER_WORDS.search(line)))


def _as_digits(match: re.Match[str]) -> str:
    """A token OCR read with a letter for a digit (``2O26``, ``S.1``), read back as digits."""
    token = match.group()
    return token.translate(_OCR_DIGITS) if any(c.isdigit() for c in token) else token


def _line_values(line: str) -> set[tuple[str, str]]:
    values = set()
    # A phone or fax number is one value (so one misread digit in it can be forgiven).
    for match in _PHONE.finditer(line):
        values.add(("n10", "".join(match.groups())))
    rest = _PHONE.sub(" ", line)
    for pattern, (month, day, year) in _WORD_DATES:
        for match in pattern.finditer(rest):
            parts = match.groups()
            month_number = _MONTHS[parts[month].lower()[:3]]
            date = _normal_date(str(month_number), parts[day], parts[year])
            if date:
                values.add(("date", date))
                rest = rest.replace(match.group(), " ")
    for match in _DATE.finditer(rest):
        date = _normal_date(*match.groups())
        if date:
            values.add(("date", date))
            rest = rest.replace(match.group(), " ")
    for match in _NUMBER.finditer(rest):
        number = match.group().replace(",", ".")
        if "." in number:
            values.add(("decimal", number.rstrip("0").rstrip(".") or "0"))
        else:
            values.add((f"n{len(number)}", number))
    return values


def _normal_date(a: str, b: str, c: str) -> str | None:
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        month, day, year = int(a), int(b), int(c)
        if month > 12 >= day:
            month, day = day, month
        if len(c) == 2:
            year += 2000 if year < 50 else 1900
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2100):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _labelled(line: str) -> list[tuple[str, str]]:
    found = []
    for match in _LABELLED.finditer(line):
        label = re.sub(r"\s+", " ", match.group(1).lower())
        label = "mrn" if label.startswith(("mrn", "medical")) else label
        if "name" in label or label.startswith(("patient", "re", "pt", "nombre", "paciente")):
            label = "name"
        value = _NEXT_LABEL.split(match.group(2), maxsplit=1)[0].strip(" ,.").lower()
        if len(value) >= 2:
            found.append((label, value))
    return found


def identifiers_json(found: Identifiers) -> str:
    return json.dumps({"values": sorted(found.values), "fields": list(found.fields)})


def identifiers_from_json(text: str | None) -> Identifiers:
    if not text:
        return Identifiers(frozenset())
    data = json.loads(text)
    return Identifiers(
        frozenset((kind, value) for kind, value in data.get("values", [])),
        tuple((label, value) for label, value in data.get("fields", [])),
    )


def _signed(digest: bytes) -> int:
    unsigned = int.from_bytes(digest, "big")
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


# -- the SimHash this replaced, kept for the bench ------------------------------------------------

_SIMHASH_WORD = re.compile(r"[a-z0-9]+")


def simhash(text: str) -> int | None:
    """The old 64-bit SimHash of 3-word shingles, digits left out (bench comparison only)."""
    words = [w for w in _SIMHASH_WORD.findall(text.lower()) if not w.isdigit()]
    if len(words) < MIN_WORDS:
        return None
    weights = [0] * 64
    for i in range(len(words) - 2):
        shingle = " ".join(words[i : i + 3]).encode()
        value = int.from_bytes(hashlib.blake2b(shingle, digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if weights[bit] > 0)


def simhash_near(a: int, b: int, bits: int = 3) -> bool:
    return bin(a ^ b).count("1") <= bits
