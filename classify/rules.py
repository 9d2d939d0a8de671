"""Form-title and keyword rules, in English and Spanish, for the cases where they are certain.

A rule answers only when a document says what it is: a title near the top ("Authorization for
Release of Protected Health Information", "Solicitud de resurtido de receta") or a combination of
words no other kind of document carries (an Rx BIN on a card-sized text). Everything else is left to
the trained model. Order matters: instructions *for* an authorization are `other`, a prior
authorization is a payer form, so those rules come first.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from recordroom.core.text import fold

TITLE_LINES = 12
TITLE_CHARS = 900
TITLE_WORDS = 12
NOTE_TITLE_LINES = 5
FAX_TITLE_LINES = 5
RULE_CONFIDENCE = 0.97


@dataclass(frozen=True, slots=True)
class Rule:
    doc_type: str
    pattern: re.Pattern[str]
    name: str
    top_lines: int  # how many title lines from the top the rule looks at


def _rule(doc_type: str, name: str, *patterns: str, top_lines: int = TITLE_LINES) -> Rule:
    pattern = re.compile("|".join(f"(?:{p})" for p in patterns), re.MULTILINE)
    return Rule(doc_type, pattern, name, top_lines)


# Applied to the normalised title region (lower case, no accents, single spaces), first match wins.
TITLE_RULES: tuple[Rule, ...] = (
    _rule(
        "fax_cover_sheet",
        "fax cover",
        r"\bfax (cover|transmittal|transmission)\b",
        r"\bfacsimile (cover|transmittal|transmission)\b",
        r"\bcover (sheet|page)\b.{0,40}\bfax\b|\bfax\b.{0,40}\bcover (sheet|page)\b",
        r"\b(portada|caratula|hoja de envio) (de|del) (fax|facsimil)\b",
        r"\b(fax|facsimil) - (portada|caratula)\b",
        r"^\W*cover (page|sheet)\W*$",
    ),
    # The word alone is a cover's title near the top (under a letterhead and a fax machine's banner)
    # and with no label mark after it: "Fax *" or "Fax: ____" lower down is a blank form's label.
    _rule(
        "fax_cover_sheet",
        "fax alone",
        r"^[^\w:*_]*(confidential )?(fax|facsimile|telefax)[^\w:*_]*$",
        top_lines=FAX_TITLE_LINES,
    ),
    _rule(
        "other",
        "instructions and notices",
        r"\binstructions? (for|to|on|about) (complet|fill)",
        r"\((instructions?)\)",
        r"\binformational guide\b|\bfrequently asked questions\b|\bfaq sheet\b",
        r"\binstrucciones (para|de) (llenar|completar)",
        r"\bnotice of privacy practices\b|\bprivacy practices notice\b",
        r"\bsummary of your privacy rights\b",
        r"\baviso (de|sobre) (las )?practicas de privacidad\b",
        r"\brequest (for|to) amend|\bamendment request\b",
        r"\bsolicitud de (enmienda|modificacion|correccion)\b",
        r"\bfinancial (policy|responsibility agreement)\b|\bpolitica financiera\b",
        r"\bmedication consent\b|\bconsent form\b.{0,30}\bmedication\b",
        r"\b(treatment|medical treatment) consent\b|\bconsent (to|for) (medical )?treat",
        r"\bconsentimiento (para|de|del) (el )?tratamiento\b",
        r"\backnowledge?ment of receipt\b|\bacuse de recibo\b",
        r"\bproxy (authorization|access|request)\b|\bportal proxy\b|\bmychart access\b",
        r"\bfollow-?up\W+(teacher|parent) informant\b",
    ),
    _rule(
        "eob",
        "explanation of benefits",
        r"\bexplanation of (your )?(health )?(care )?benefits\b",
        r"\bremittance advice\b|\bprovider remittance\b",
        r"\bexplicacion de (los )?beneficios\b|^\W*eob\W*$",
    ),
    _rule(
        "prior_authorization",
        "prior authorization",
        # Not "prior authorization required for ..." or "... number:" (a card's or referral's line).
        r"\bprior (authorization|approval)\b(?! (is |may be |was |not )?(required|needed|obtained)"
        r"| (number|no\b|#))|\bpre-?authori[sz]ation\b",
        r"\bpre-?certification\b|\bprecert\b|\bpre-?determination request\b",
        r"\bautorizacion previa\b|\bpre-?autorizacion\b|\bprecertificacion\b",
        r"\bcoverage determination request\b|\bformulary exception\b",
    ),
    _rule(
        "rx_refill_request",
        "refill request",
        r"\brefill (request|authori[sz]ation|renewal)\b|\bprescription (refill|renewal)\b",
        r"\brx (refill|renewal)\b|\bmedication refill\b|\brenewal request\b.{0,60}\bpharmacy\b",
        r"\bsolicitud de (resurtido|renovacion|reabastecimiento)\b",
        r"\b(resurtido|renovacion) de (receta|medicamento)",
    ),
    _rule(
        "referral",
        "referral",
        r"(?<!self-)\breferral (form|request|order|authori[sz]ation|letter)\b|\bpatient referral\b",
        r"^\W*referral\W*$|\breferral to\b|\bconsult(ation)? (request|order)\b",
        r"\brequest for consult(ation)?\b|\bspecialist referral\b|\breferral for\b",
        r"\b(formulario|hoja|solicitud|orden) de (referido|referencia|remision|interconsulta)\b",
    ),
    _rule(
        "lab_report",
        "laboratory report",
        r"^\W*((final|cumulative|clinical|surgical) )?(laboratory|lab|pathology|cytology) "
        r"(report|results?)\b",
        r"^\W*surgical pathology\b|\bfinal report\b.{0,40}\bspecimen\b",
        r"^\W*(informe|reporte|resultados?) de (laboratorio|patologia)\b",
    ),
    _rule(
        "records_request",
        "records request",
        r"\brequest for (access|copies|copy)\b|\baccess request\b",
        r"\b(patient|patient's|individual's) request for (health|medical|protected)",
        r"\brequest for (medical |health )?records\b|\b(medical )?records? request\b",
        r"\bright of access\b|\brequest (to|for) (inspect|obtain)",
        r"\bsolicitud (de|para|del) (acceso|copias?|expediente|registros|informacion medica)\b",
        r"\bsolicitud del paciente\b",
    ),
    _rule(
        "authorization",
        "authorization to release",
        r"\bauthori[sz]ation (for|to|of)\b.{0,40}\b(use|release|disclos|obtain|exchange|share)",
        r"\b(hipaa|release of information) authori[sz]ation\b",
        r"\bauthori[sz]ation (form )?for (the )?release\b|\bauthori[sz]ation to disclose\b",
        r"\bconsent (for|to) (the )?(release|disclos|exchange)\b",
        r"\bautorizacion (para|de|del)\b.{0,40}\b(usar|uso|divulg|revel|liber|compartir|obtener|"
        r"intercambi|entrega|dar a conocer)",
        r"\bautorizacion (de|para) (la )?(divulgacion|revelacion|liberacion|entrega)\b",
        r"\botorizasyon pou\b",  # Haitian Creole
    ),
    # Clinical notes, by a title line of their own (MTSamples-style notes rarely carry one). Only
    # the first few lines count: authorization forms list "Discharge Summary" among their boxes.
    _rule(
        "discharge_summary",
        "discharge summary title",
        r"^\W*(hospital |final )?discharge summary\W*$",
        r"^\W*(resumen|informe|nota) de(l)? (alta|egreso)\W*$|^\W*epicrisis\W*$",
        top_lines=NOTE_TITLE_LINES,
    ),
    _rule(
        "operative_report",
        "operative report title",
        r"^\W*(operative|operation|surgical|procedure) (report|note)\W*$|^\W*op note\W*$",
        r"^\W*(informe|nota|reporte) (operatori[oa]|quirurgic[oa]|de procedimiento)\W*$",
        top_lines=NOTE_TITLE_LINES,
    ),
    _rule(
        "ed_note",
        "emergency department title",
        r"^\W*(emergency (department|room)|ed|er) (report|record|note|visit|provider note)\W*$",
        r"^\W*(nota|informe|reporte) de (urgencias|emergencia(s)?)\W*$",
        top_lines=NOTE_TITLE_LINES,
    ),
    _rule(
        "imaging_report",
        "imaging report title",
        r"^\W*(radiology|imaging|ultrasound|mri|ct|x-ray|echocardiogra(m|phy)|mammography) "
        r"(report|result|results)\W*$",
        r"^\W*(informe|reporte) (radiologico|de (imagen|imagenes|radiologia|ultrasonido))\W*$",
        top_lines=NOTE_TITLE_LINES,
    ),
    _rule(
        "progress_note",
        "progress note title",
        r"^\W*(progress|office visit|clinic|soap|follow-?up( visit)?) note\W*(\d+\W*)?$",
        r"^\W*office visit\s*$",  # not "office visit - $25", a card's copay line
        r"^\W*nota de (evolucion|seguimiento|consulta de seguimiento)\W*$",
        top_lines=NOTE_TITLE_LINES,
    ),
    _rule(
        "consult_note",
        "consultation title",
        r"^\W*(consultation|consult)( note| report)?\W*$|^\W*history and physical"
        r"( examination)?\W*$",
        r"^\W*(nota|informe) de (interconsulta|consulta)\W*$",
        top_lines=NOTE_TITLE_LINES,
    ),
    _rule(
        "intake_form",
        "intake and history forms",
        r"\bnew patient (registration|information|intake|questionnaire|history|form|packet)\b",
        r"\bpatient (registration|intake|demographic|information) form\b",
        r"\bregistration form\b|\bintake (form|questionnaire|packet)\b",
        r"\b(medical|health) history (form|questionnaire)\b|\bpatient questionnaire\b",
        r"\bpatient health questionnaire\b|\bphq-?9\b|\bvanderbilt assessment scale\b",
        r"\b(formulario|hoja) de (registro|ingreso|admision)\b|\bregistro de(l)? paciente",
        r"\bcuestionario de (salud|historia|historial)\b|\bhistori(a|al) (clinic|medic)o?a? del",
        r"\binformacion (del|de) paciente nuevo\b|\bpaciente nuevo\b",
    ),
)

_SPACES = re.compile(r"[ \t\u00a0]+")


@functools.lru_cache(maxsize=32)
def normalise(text: str) -> str:
    """``fold``ed (lower case, accents removed), curly quotes and dashes straightened, runs of
    spaces shortened. (Each page is normalised by several rules in turn: the last few results
    are kept.)"""
    plain = fold(text).replace("\u2019", "'").replace("\u2014", "-").replace("\u2013", "-")
    return _SPACES.sub(" ", plain)


_RECORD_KINDS = re.compile(
    r"summary|report|notes?\b|history|records|x-ray|ekg|orders|consult|results|imaging|"
    r"resumen|informe|notas|historia|resultados"
)
_CHECKBOX = re.compile(r"[\u25a1\u2610\u2611\u2612\u25a0\u2022]|\[ ?\]|\( \)")


_SUBJECT_LINE = re.compile(r"(^|\s{2,})\W*(re|subject|asunto|regarding|attn|attention)\b\s*:")
# A subject field after other fields on the same line ("TO - Harbor Women's Health  RE: Records
# request"): what follows it names the fax's subject, not the page.
_SUBJECT_FIELD = re.compile(r"\s\W*(re|subject|asunto|regarding|attn|attention)\b\s*:")
# Lines that open like a sentence ("A signed authorization for release ... is enclosed").
_SENTENCE_START = re.compile(r"^\W*(a|an|the|this|these|please|i|we|if|my|our|it)\s")
_LONG_NUMBER = re.compile(r"\d{5,}")
# A remittance's code glossary ("CO-197: Precertification/authorization absent", "N290: ...").
_ADJUSTMENT_CODE = re.compile(r"^\W*((co|pr|oa|pi|cr)-?\d{1,3}|ma?\d{2,3}|n\d{1,3})\b\s*:")
# A directory line: a label and a phone number ("Preauthorization: 844-284-0146" on a card's back).
_PHONE_LINE = re.compile(r"^[^:\d]{1,40}:\s*(1[ .-])?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\W*$")


def _is_title_line(line: str) -> bool:
    """Short, and none of the lines that name a form in passing.

    Not a checklist of record kinds (which names "pathology report" in passing), not a sentence
    ("Prior authorization required for inpatient admission." on an insurance card), not a fax's
    subject line ("RE: records request"), not a field carrying a number ("Prior authorization
    number: 116359847" on a referral) or a phone number ("Preauthorization: 844-284-0146"), not
    a remittance's glossary of adjustment codes ("CO-197: Precertification/authorization absent").
    """
    words = line.split()
    if len(words) > TITLE_WORDS or _CHECKBOX.search(line):
        return False
    if len(words) > 1 and line.rstrip().endswith(".") and not line.rstrip().endswith(".."):
        return False
    if len(words) > 3 and _SENTENCE_START.search(line):
        return False
    if _SUBJECT_LINE.search(line) or _LONG_NUMBER.search(line) or _PHONE_LINE.match(line):
        return False
    if _ADJUSTMENT_CODE.match(line):
        return False
    return len(_RECORD_KINDS.findall(line)) < 3


def _wrapped_sentence_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines that are pieces of one sentence wrapped over several lines.

    A line followed by lines that open in lower case, the last of them ending the sentence
    ("Prior authorization request for Adalimumab 40" / "mg enclosed."), is the start of a
    sentence, not a title, however short each piece is.
    """
    pieces: set[int] = set()
    start = 0
    while start < len(lines):
        end = start + 1
        while end < len(lines) and lines[end][:1].islower():
            end += 1
        tail = lines[end - 1].rstrip()
        if end - start > 1 and tail.endswith(".") and not tail.endswith(".."):
            pieces.update(range(start, end))
        start = end
    return pieces


def _before_subject_field(line: str) -> str:
    found = _SUBJECT_FIELD.search(line)
    return line if found is None else line[: found.start()]


def title_region(text: str) -> str:
    """The short lines at the top of a page, where a form says what it is, normalised."""
    raw = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line.strip() for line in normalise(text).splitlines() if line.strip()]
    # Lower case is read from the text as written (normalising folds it): the two line lists
    # match one to one unless folding changed a line break.
    wrapped = _wrapped_sentence_lines(raw) if len(raw) == len(lines) else set()
    titles = [
        line
        for index, line in enumerate(map(_before_subject_field, lines[:TITLE_LINES]))
        if line and index not in wrapped and _is_title_line(line)
    ]
    return "\n".join(titles)[:TITLE_CHARS]


def _looks_like_insurance_card(text: str) -> bool:
    plain = normalise(text)
    if len(plain) > 1500:
        return False
    card_words = ("rxbin", "rx bin", "rxpcn", "rx pcn", "rxgrp", "rx grp", "bin:", "pcn:")
    member = re.search(r"\b(member|subscriber|miembro|afiliado|asegurado)\b", plain) is not None
    group = re.search(r"\b(group|grupo|grp)\b", plain) is not None
    return member and group and any(word in plain for word in card_words)


def _looks_like_lab_sheet(text: str) -> bool:
    plain = normalise(text)
    range_words = (
        "reference range",
        "ref range",
        "ref. range",
        "rango de referencia",
        "ref interval",
    )
    return (
        any(w in plain for w in range_words)
        and re.search(r"\b(collected|specimen)\b", plain) is not None
    )


_CLAIM_FORM = re.compile(
    r"\bhealth insurance claim form\b|\bnational uniform claim committee\b"
    r"|\binsurance claim form\b|\bstatement covers period\b.{0,400}\bfed\.? tax no\b"
    r"|\bformulario de reclamacion\b",
    re.DOTALL,
)
_REMITTANCE_CODES = re.compile(r"\bcarc\b.{0,60}\b(rarc|denial|denied|adjustment)\b", re.DOTALL)
CLAIM_HEAD_CHARS = 1500


def _looks_like_claim_form(text: str) -> bool:
    """A claim form (CMS-1500, UB-04 and the like), by the words printed on every copy of it:
    ``other``, since the practice sends these rather than files them under a patient's care."""
    return _CLAIM_FORM.search(normalise(text[:CLAIM_HEAD_CHARS])) is not None


def _looks_like_remittance(text: str) -> bool:
    """A denial or remittance notice: claim adjustment reason codes (CARC) near the top."""
    return _REMITTANCE_CODES.search(normalise(text[:CLAIM_HEAD_CHARS])) is not None


def _opens_as_operative_note(text: str) -> bool:
    head = normalise(text[:200]).lstrip()
    return re.match(r"(pre-?operative|preop) diagnos[ie]s", head) is not None


_RELEASE_WORDS = re.compile(r"releas|disclos|authori[sz]|request|divulg|autoriz|solicit|liber")


def match_rule(text: str) -> Rule | None:
    """The first title rule that matches the top of ``text``, or None."""
    lines = title_region(text).splitlines()
    for rule in TITLE_RULES:
        top = "\n".join(lines[: rule.top_lines])
        found = rule.pattern.search(top)
        if found is None:
            continue
        if rule.top_lines < TITLE_LINES and _RELEASE_WORDS.search(top[: found.start()]):
            continue  # a record kind listed under "information to be released", not a title
        return rule
    return None


@functools.lru_cache(maxsize=16)
def rule_doc_type(text: str) -> str | None:
    """The document type when a rule is certain of it, else None. (The model's prediction and
    the page's reading both ask for a page: the last few answers are kept.)"""
    rule = match_rule(text)
    if rule is not None:
        return rule.doc_type
    if _looks_like_claim_form(text):
        return "other"
    if _looks_like_remittance(text):
        return "eob"
    if _looks_like_insurance_card(text):
        return "insurance_card"
    if _opens_as_operative_note(text):
        return "operative_report"
    if _looks_like_lab_sheet(text):
        return "lab_report"
    return None
