"""The elements of a valid authorization (HIPAA.md §1, 164.508(c)) and what the OCR'd text of an
authorization says about each, in English and Spanish.

Extraction only proposes: a clerk confirms or fills in every element before a release.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

ELEMENTS: dict[str, str] = {
    "description": "a specific description of the information to be disclosed",
    "discloser": "who may disclose (the practice, by name or class)",
    "recipient": "who may receive (name or class of recipient)",
    "purpose": "the purpose of the disclosure",
    "expiration": "an expiration date or expiration event",
    "signature": "the signature of the individual and its date",
    "authority": "the personal representative's authority to sign",
    "revocation_statement": "a statement of the right to revoke in writing, and how",
    "conditioning_statement": "a statement that treatment, payment, enrollment or eligibility "
    "is not conditioned on signing",
    "redisclosure_statement": "a statement that disclosed information may be redisclosed and "
    "lose its protection",
}
# Needed only when a personal representative signs.
CONDITIONAL_ELEMENTS = frozenset({"authority"})

_BLANK = re.compile(r"[_\s.:\-–—|()\[\]☐□■🮕]+")
_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})\b")

# A label, then the value on the same line (after a colon or spaces).
_FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "description": (
        r"(?:description of (?:the )?)?information to be (?:disclosed|released)",
        r"(?:type|description) of information(?: to be (?:disclosed|released))?",
        r"records? to be released",
        r"informaci[oó]n (?:que se va a|a) (?:revelar|divulgar|entregar)",
        r"descripci[oó]n de la informaci[oó]n",
    ),
    "discloser": (
        r"i (?:hereby )?authorize",
        r"(?:provider|facility|practice) (?:releasing|disclosing)(?: (?:the )?information)?",
        r"(?:release|disclose) (?:information )?from",
        r"autorizo a",
        r"autoriza a",
    ),
    "recipient": (
        r"(?:release|disclose|send)(?: (?:my |the )?(?:information|records))? to",
        r"recipient(?: name)?",
        r"name of (?:the )?(?:person|organization|facility|recipient)",
        r"(?:revelar|divulgar|entregar|enviar) (?:la informaci[oó]n )?a",
        r"destinatario",
    ),
    "purpose": (
        r"purpose(?: of (?:the |this )?(?:disclosure|release|request|use))?",
        r"prop[oó]sito(?: de la (?:divulgaci[oó]n|revelaci[oó]n))?",
        r"motivo",
    ),
    "expiration": (
        r"(?:this authorization )?expires?(?: on)?",
        r"expiration(?: date| event)?",
        r"vencimiento",
        r"(?:esta autorizaci[oó]n )?(?:vence|caduca)(?: el)?",
    ),
    "signature": (
        r"signature(?: of (?:the )?(?:patient|individual|"
        r"patient or (?:legal |personal )?representative))?",
        r"signed",
        r"firma(?: del paciente| del representante)?",
    ),
    "authority": (
        r"(?:relationship to (?:the )?patient|authority to act|legal authority|"
        r"representative'?s authority)",
        r"(?:relaci[oó]n con el paciente|autoridad legal|autoridad del representante)",
    ),
}

_STATEMENTS: dict[str, tuple[str, ...]] = {
    "revocation_statement": (r"\b(?:revoke|revocation|revocar|revocaci[oó]n|anular)\b",),
    "conditioning_statement": (
        r"\b(?:not (?:be )?condition(?:ed)?|not dependent|will not (?:be )?(?:affect|withh)|"
        r"no (?:se )?(?:condiciona|depende|afectar)|no est[aá] condicionad)",
        r"\b(?:treatment|tratamiento)\b[^.]{0,200}\b(?:conditioned|condicionad)",
    ),
    "redisclosure_statement": (
        r"\b(?:re-?disclos\w*|no longer (?:be )?protected|"
        r"volver a (?:ser )?(?:divulgad|revelad)\w*|redivulg\w*|"
        r"ya no (?:estar[aá]?|est[eé]) protegid\w*|"
        r"dejar de estar protegid\w*)",
    ),
}

_STATEMENT_PATTERNS = {
    name: tuple(re.compile(p.replace(" ", r"\s+"), re.IGNORECASE) for p in patterns)
    for name, patterns in _STATEMENTS.items()
}

_REPRESENTATIVE = re.compile(
    r"\b(?:personal representative|legal guardian|power of attorney|representante personal|"
    r"tutor legal|poder notarial)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class FoundElement:
    """What the text says about one element; ``value`` is "" when nothing was found."""

    name: str
    value: str
    found: bool


def _filled(value: str) -> str:
    """The value with form blanks, leaders and box characters stripped; "" when only a blank."""
    cleaned = _BLANK.sub(" ", value).strip(" ,;")
    letters = sum(ch.isalnum() for ch in cleaned)
    return cleaned if letters >= 2 else ""


def _find_field(text: str, name: str) -> str:
    for label in _FIELD_LABELS[name]:
        pattern = re.compile(rf"(?im)\b{label}\b\s*[:\-–]?[ \t_]*([^\n]*)")
        for match in pattern.finditer(text):
            value = _filled(match.group(1))
            if value:
                return value[:300]
    return ""


def _sentence_start(text: str, position: int) -> int:
    """Where the sentence holding ``position`` begins: after a period, or at the start of a line
    that follows a heading, a form field or a blank line (forms leave periods out there)."""
    begin = position
    while True:
        period = text.rfind(".", 0, begin)
        newline = text.rfind("\n", 0, begin)
        if period > newline:
            return period + 1
        if newline < 0:
            return 0
        previous = text[text.rfind("\n", 0, newline) + 1 : newline].strip()
        if not previous or ":" in previous or previous.endswith(".") or previous.isupper():
            return newline + 1
        begin = newline


def _find_statement(text: str, name: str) -> str:
    """The sentence around the first tell-tale phrase of the statement."""
    for pattern in _STATEMENT_PATTERNS[name]:
        match = pattern.search(text)
        if match:
            start = _sentence_start(text, match.start())
            end = text.find(".", match.end())
            sentence = text[start : end if end >= 0 else len(text)]
            return " ".join(sentence.split())[:400]
    return ""


def extract_elements(text: str) -> dict[str, FoundElement]:
    """Every element of ``ELEMENTS`` as the text gives it (values are proposals for the clerk)."""
    found: dict[str, FoundElement] = {}
    for name in ELEMENTS:
        value = _find_statement(text, name) if name in _STATEMENTS else _find_field(text, name)
        found[name] = FoundElement(name=name, value=value, found=bool(value))
    return found


def signed_by_representative(text: str) -> bool:
    """Whether the text says a personal representative signed (then ``authority`` is needed)."""
    return bool(_REPRESENTATIVE.search(text))


def parse_date(value: str) -> dt.date | None:
    """The first date in ``value`` (ISO, or US month/day/year), else None."""
    match = _DATE.search(value)
    if not match:
        return None
    token = match.group(1)
    try:
        if "-" in token and len(token) == 10 and token[4] == "-":
            return dt.date.fromisoformat(token)
        month, day, year = (int(part) for part in re.split(r"[/.-]", token))
    except ValueError:
        return None
    if year < 100:
        year += 2000
    if month > 12 >= day:  # day first, as Spanish forms write it
        month, day = day, month
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
