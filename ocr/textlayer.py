"""Whether a PDF text layer (or an OCR result) is real text or garbage.

Garbage comes from fonts without a Unicode map (pdfplumber shows ``(cid:NN)``), from text decoded
with the wrong encoding (mojibake such as ``Ã©``) and from a scanner's poor OCR layer (symbols and
consonant soup). Any of these must be OCR'd instead of trusted.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_CID = re.compile(r"\(cid:\d+\)")
_MOJIBAKE = re.compile(r"Ã[\x80-\xbf©¡-ÿ]|â€|Â[\xa0-\xbf]|ï¿½")
_WORD = re.compile(r"[^\W\d_]+")
_VOWELS = frozenset("aeiouyáéíóúüàèìòùâêîôûäëïöåæœ")
_LEADERS = re.compile(r"([_.\-=*])\1{2,}")  # fill-in lines and dot leaders on forms
_CONSONANT_RUN = re.compile(r"[^aeiouyáéíóúüàèìòùâêîôûäëïöåæœ]{5,}")

_SPACE = re.compile(r"\s")
_SYMBOL = re.compile(r"[^\w\s]|_")
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")  # not whitespace (\t-\r, \x1c-\x1f)

MIN_WORDLIKE_SHARE = 0.6
MAX_SYMBOL_SHARE = 0.25


@functools.lru_cache(maxsize=8192)  # the same words come back page after page
def _is_wordlike(word: str) -> bool:
    lower = word.lower()
    if len(lower) == 1:
        return lower in "aoyeiu"  # the one-letter words of English and Spanish
    if len(lower) > 24 or not any(ch in _VOWELS for ch in lower):
        return False
    if _CONSONANT_RUN.search(lower):
        return False
    # Real words are lower case, Capitalised or UPPER CASE; "tHiS" is recognition noise.
    return word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())


def wordlike_share(text: str) -> float:
    """The share of letters that sit in plausible words (0..1); 0 for text without letters."""
    words = _WORD.findall(text)
    letters = sum(len(word) for word in words)
    if letters == 0:
        return 0.0
    return sum(len(word) for word in words if _is_wordlike(word)) / letters


def _visible(text: str) -> int:
    return len(text) - len(_SPACE.findall(text))


def _odd_character_share(text: str) -> float:
    visible = _visible(text)
    if not visible:
        return 0.0
    if text.isascii():  # only control characters can be odd
        return len(_ASCII_CONTROL.findall(text)) / visible
    odd = sum(
        1
        for ch in text
        if not ch.isspace()
        and (ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs"))
    )
    return odd / visible


def _symbol_share(text: str) -> float:
    visible = _visible(text)
    if not visible:
        return 0.0
    # \w is exactly str.isalnum() plus "_"; \s exactly str.isspace().
    return len(_SYMBOL.findall(text)) / visible


def looks_like_real_text(text: str) -> bool:
    """True when ``text`` reads as language rather than encoding or recognition garbage."""
    stripped = _LEADERS.sub(" ", text).strip()
    if not stripped:
        return False
    if len(_CID.findall(stripped)) * 8 > len(stripped) * 0.05:
        return False
    if len(_MOJIBAKE.findall(stripped)) > max(2, len(stripped) // 200):
        return False
    if _odd_character_share(stripped) > 0.02:
        return False
    if _symbol_share(stripped) > MAX_SYMBOL_SHARE:
        return False
    return wordlike_share(stripped) >= MIN_WORDLIKE_SHARE
