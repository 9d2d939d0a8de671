"""Document type from text: title and keyword rules where they are certain, else two spaCy textcats.

Both models are bag-of-words text classifiers (spaCy ``TextCatBOW``, multi-label so that a note
labelled "consult_note|progress_note" teaches both) trained by ``training.train`` and shipped in
``classify/model/``:

- ``pipeline/`` reads the words (``model_text``): what a document is about;
- ``structure/`` reads only its shape (``structure_text``): which section headings it has and in
  what order, what kinds of section they are (whatever their wording), how long it is, a few phrase
  counts (seen in the emergency room, here for follow-up, known to me, new patient, asked to
  consult, hospital course, a letter's greeting), and the ED-course or hospital-course sections
  that close a note. Clinical note kinds share nearly all their words and differ mostly in shape;
  on its own this model beats the word model on cross-validated MTSamples notes.

Their log-scores are combined with fixed weights chosen by cross-validation on the training split
(``python -m training.train --cv``). Text is normalised the same way for training and prediction,
so a document OCR'd in capitals or with accents stripped reads the same as its clean twin.
"""

from __future__ import annotations

import json
import math
import re
import threading
from pathlib import Path
from typing import Any

from classify.faxheader import COVER_TYPE, content_below_header
from classify.rules import RULE_CONFIDENCE, normalise, rule_doc_type
from classify.spacy_import import (
    cacheable_exceptions,
    cacheable_tokenizer,
    import_spacy,
    outgrown,
)
from recordroom.core import DOC_TYPES, ClassifierError

MODEL_DIR = Path(__file__).parent / "model"
OFFICE_MODEL_DIR_NAME = "model"  # the office's retrained model, under RECORDROOM_HOME
PIPELINE_DIR_NAME = "pipeline"
STRUCTURE_DIR_NAME = "structure"
# Weights of the two models' log-scores (words, structure), chosen by 5-fold cross-validation on
# the MTSamples training split (out-of-fold, with the section kinds below): structure alone 90.6%,
# words alone 88.4%, 1:5 combined 91.2%, with ``NOTE_LOG_BIAS`` 92.1%.
WORDS_WEIGHT = 1.0
STRUCTURE_WEIGHT = 5.0
MIN_SCORE = 1e-6
# Log-offsets added among the note types after the two models are combined: training repeats thin
# types (``training.train.balanced``) and the geometric mean of two sigmoid outputs is no
# probability, so the raw combination is not calibrated between note kinds. Chosen on out-of-fold
# scores of the MTSamples training split (``python -m training.train --cv``), never the held-out.
# Out of fold, +0.125 for progress notes and imaging reports took the combination from 91.2% to
# 92.1% of the training split's notes (and the same offsets helped the earlier features' scores).
NOTE_LOG_BIAS: dict[str, float] = {"progress_note": 0.125, "imaging_report": 0.125}
# Tried on the same folds and left out (the shipped combination: 92.1%): a third, linear model
# (logistic regression over word 1-2-gram and character 3-5-gram TF-IDF, note types only) added to
# the log-scores at weights 0.1-1.5, 89.4-91.7%; a logistic regression over the structure tokens
# and word TF-IDF, at best 92.4% (three notes of 932: not worth a third model); a logistic
# regression stacked on both models' log-scores, 88.2-89.8%; two seeds averaged, 92.1%; cues read
# in the chief-complaint and reason-for-visit sections, 92.0%; arrival cues (EMS, by ambulance,
# on arrival), 92.0%; thin types repeated up to 6 times, 92.1%; the structure model trained on
# notes only, 91.8% (averaged with the shipped one, 92.2%); the nearest training note, never
# better than the models where it is closest. An offset for ed_note only trades consultations for
# emergency notes: +1.0 gives ED notes 10 of 21 and 91.7% overall, +3.0 gives 23 of 27 and 84.2%.
# Cleaner training labels, again out of fold (``bench.note_labels``' criteria applied to each
# fold's training notes; 44 of the 932 disagree): the 44 dropped, 91.4% (ED notes 8 -> 4 of 20:
# three dropped notes are emergency notes that never name the department); follow-up "consults"
# and consulting "progress notes" given both labels, and the 31 Iowa teaching cases (one layout,
# labelled 22 imaging_report / 9 consult_note) both labels, 92.5%: 3 of its 4 more notes right
# are Iowa cases (the held-out ones are already 10 of 11 right), the rest churn (11 right, 10
# wrong) and ED notes lose 2. Note-title rules: in their top three lines the training notes name
# an ED report, a discharge summary, an operative or a progress note 1-2 times each (half of them
# another type); "consultation" is there in 61, 7 of them not consult notes: not certain, and no
# better than the models on those 61.
# Also tried on these folds (shipped: 858 of 932; 859 at best when the structure weight is swept
# over 2-10), each given as notes right at the shipped weights, then the best of that sweep: the
# structure model reading word pairs (bow ``ngram_size`` 2: 848, 850; 3: 839, 844), with exclusive
# classes (softmax, first label only: 845, 846), trained 10 or 40 epochs (856, 859; 847, 850), with
# Adam's learning rate halved or doubled (855, 859; 847, 851) or weight decay 0.001 or 0.1 (858,
# 859; 857, 859); the words model reading word pairs (845, 854) or only the opening 2,000
# characters (849, 852); the two models' scores combined as log-odds instead of logs (at best 860:
# noise); the seven note types' offsets fitted together by coordinate ascent (859 fitted on all
# five folds, but 849 when fitted on four folds and tested on the fifth, 852 starting from the
# shipped offsets: the fit learns the folds, not the types). What stays wrong is mostly where the
# labels disagree among themselves: 17 progress notes called consultations and 17 the other way,
# 12 emergency notes called consultations, 13 of the Iowa cases (one layout, both labels).
# The clinical note kinds, told apart mostly by their shape (``structure_text``).
NOTE_TYPES = (
    "consult_note",
    "progress_note",
    "ed_note",
    "discharge_summary",
    "operative_report",
    "imaging_report",
    "correspondence",
)
STRUCTURE_CHARS = 3000  # phrase counts are read from the opening only
STRUCTURE_TOP_CHARS = 600
HEADING_CHARS = 8000
TAIL_CHARS = 30000  # the closing sections of a long note (longest training text: 14k)
MAX_CUE_COUNT = 3
TRAINING_RECORD_NAME = "training.json"
MAX_MODEL_CHARS = 5000  # the opening of a document says what it is; the rest costs time
HEAD_WORDS = 8
MAX_HEADINGS = 20


_HEADING = re.compile(r"(?m)^\s*([A-Z][A-Z /&,()-]{1,40}):")
_NOT_LETTERS = re.compile(r"[^a-z]+")
LENGTH_BANDS = ((800, "xs"), (1600, "s"), (3200, "m"))


def _length_band(text: str) -> str:
    return next((band for limit, band in LENGTH_BANDS if len(text) < limit), "l")


def model_text(text: str) -> str:
    """What the model reads: normalised text, preceded by a few structural words.

    The same word means different things in a title ("referral form") and deep in a note
    ("reason for referral"), so the first words are repeated with a ``hd_`` prefix; the sequence of
    capitalised section headings (``sec_subjective sec_objective``) and a length band tell note
    kinds apart that share most of their vocabulary.
    """
    opening = text[:MAX_MODEL_CHARS]
    plain = normalise(opening)
    words = [w.strip(".,:;()[]*#_-") for w in plain.split()]
    head = [f"hd_{w}" for w in words if w.isalpha()][:HEAD_WORDS]
    headings = [
        "sec_" + _NOT_LETTERS.sub("_", h.lower()).strip("_") for h in _HEADING.findall(opening)
    ][:MAX_HEADINGS]
    structure = [*head, *headings, f"len_{_length_band(text)}"]
    return " ".join(structure) + "\n" + plain


# Phrases whose counts tell note kinds apart, matched in normalised text (lower case, no accents).
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        (
            "er",
            r"\bemergency (room|department|center)|\b(er|ed)\b|triage|ambulance|paramedic|\bems\b"
            r"|disposition",
        ),
        (
            "fu",
            r"follow[- ]?up|\breturns?\b|\bcomes? (in|back)|\bhere (today )?for"
            r"|\bseen (today|again|back)|\blast (visit|seen|appointment)|interim"
            r"|since (her|his|the|my) last|recheck"
            r"|\bin clinic\b|\btoday\b",
        ),
        (
            "co",
            r"consult|\breferred\b|asked to see|kindly|thank you for|\badmit|history and physical"
            r"|\bh&p\b",
        ),
        (
            "hosp",
            r"hospital course|\bdischarged?\b|discharge (diagnos|medication|instruction)"
            r"|length of stay",
        ),
        (
            "letter",
            r"\bdear\b|sincerely|\bregards\b|thank you for (allowing|the opportunity|referring)",
        ),
        ("exam", r"\b(ct|mri|x-?ray|ultrasound|impression|findings|technique|comparison)\b"),
        ("op", r"procedure|anesthesia|incision|blood loss|specimen|operating room|sutur"),
        (
            "brought",
            r"\b(mom|mother|dad|father|grandmother|grandfather) (brings|brought)\b|\bbrought in\b",
        ),
        ("presents", r"\bpresents? (to|with)\b|\bcame (in|to)\b|\bcomplain"),
        (
            "known",
            r"known to me|\bi (am|have been) following|\bi have followed|\blast seen"
            r"|established patient|previously seen|\bdoing (well|better|great|fine)\b",
        ),
        (
            "new",
            r"new patient|initial (evaluation|visit|consult)|second opinion|self-referred"
            r"|referred (to me|by|for)|(asked|requested) (me )?to (see|evaluate)"
            r"|for (further )?evaluation of",
        ),
        (
            "arrive_er",
            r"\b(presents?|presented|comes?|came|brought|arrived?|arrives)( in)? (to|into) (the )?"
            r"([a-z']+ ){0,3}(emergency (room|department|center)|er\b|ed\b)",
        ),
    )
)


def _heading_token(heading: str) -> str:
    return "sec_" + _NOT_LETTERS.sub("_", heading.lower()).strip("_")


# Section headings grouped by what the section is, whatever its wording ("HPI", "HISTORY OF THE
# PRESENT ILLNESS"): one token a kind of section, so a rare spelling teaches what the common one
# does. Matched against the heading in lower case, first match wins.
_SECTION_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("reason_consult", r"reason for (the )?consult|consult(ation)? (reason|request)"),
        ("reason_visit", r"reason for (the )?(visit|return|follow|appointment)"),
        ("ed_course", r"(emergency|\bed\b|\ber\b).*course|disposition|decision making|triage"),
        ("hospital_course", r"hospital course|course in the hospital"),
        ("discharge", r"discharg"),
        ("admission", r"admi(t|ssion)"),
        ("interval", r"interval|since (the )?last"),
        ("cc", r"^(chief complaint|cc|presenting complaint)"),
        ("hpi", r"present(ing)? illness|^hpi\b|present complaint|^(hx|history)$"),
        ("ros", r"review of systems|^ros$|systems review"),
        ("pmh", r"past (medical|history)|^pmh"),
        ("psh", r"(past )?surgical history|^psh"),
        ("fh", r"family"),
        ("sh", r"social|habits"),
        ("meds", r"medication|^meds"),
        ("allergy", r"allerg"),
        ("vitals", r"vital"),
        ("exam", r"exam|physical"),
        ("subjective", r"^(subjective|s)$"),
        ("objective", r"^(objective|o)$"),
        ("assessment", r"assessment|^a$|^a/p$"),
        ("plan", r"plan|recommendation"),
        ("impression", r"impression|diagnos"),
        ("labs", r"lab|data|studies"),
        ("procedure", r"procedure|operat|anesthe|blood loss|specimen|indication"),
        ("imaging", r"findings|technique|comparison|^exam(ination)?$|views?$"),
    )
)
# Section headings an emergency or hospital stay leaves at the *end* of a note (read in the whole
# text, not only the opening).
_TAIL_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.MULTILINE))
    for name, pattern in (
        (
            "er",
            r"^\W*((emergency (room|department)|ed|er) course|disposition|medical decision making)",
        ),
        ("hosp", r"^\W*(hospital course|discharge (diagnos|medication|instruction|condition))"),
    )
)


def _section_kind(heading: str) -> str | None:
    plain = " ".join(heading.lower().split())
    return next((name for name, pattern in _SECTION_KINDS if pattern.search(plain)), None)


def structure_text(text: str) -> str:
    """What the structure model reads: the document's shape, none of its subject matter.

    The structural words of ``model_text`` (first words, heading sequence, length band), the first
    heading, every heading present, how many there are, and capped counts of the ``_CUES`` phrases
    in the opening (``cue_er``) and at the very top (``top_er``).
    """
    structure = model_text(text).split("\n", 1)[0]
    plain = normalise(text[:STRUCTURE_CHARS])
    top = plain[:STRUCTURE_TOP_CHARS]
    tokens: list[str] = []
    for name, pattern in _CUES:
        tokens += [f"cue_{name}"] * min(len(pattern.findall(plain)), MAX_CUE_COUNT)
        tokens += [f"top_{name}"] * min(len(pattern.findall(top)), MAX_CUE_COUNT - 1)
    found = _HEADING.findall(text[:HEADING_CHARS])
    headings = [_heading_token(h) for h in found]
    if headings:
        tokens.append(f"first_{headings[0]}")
    tokens.append(f"nsec_{min(len(headings), 12) // 3}")
    tokens += [f"any_{heading}" for heading in sorted(set(headings))]
    kinds = [kind for kind in map(_section_kind, found) if kind is not None]
    if kinds:
        tokens.append(f"firstkind_{kinds[0]}")
    tokens += [f"kind_{kind}" for kind in sorted(set(kinds))]
    whole = normalise(text[:TAIL_CHARS])
    tokens += [f"tail_{name}" for name, pattern in _TAIL_CUES if pattern.search(whole)]
    return " ".join(tokens) + " " + structure


WORDS_BETWEEN_SPACES = "recordroom.words_between_spaces.v1"


class WordsBetweenSpaces:
    """The structure model's tokenizer: the words of ``structure_text`` as they stand between
    its single spaces.

    Every word of ``structure_text`` is a run of letters, digits and underscores that starts with
    a prefix (``cue_``, ``sec_``, ``hd_``, ``len_``…): spaCy's English tokenizer, which the model
    is trained with, leaves each whole and makes no other token, so the model reads the same
    words. Building the English tokenizer's rules costs 0.15 CPU s at every start, and running
    them a fifth of a millisecond a page, for nothing.
    """

    def __init__(self, vocab: Any) -> None:
        from spacy.tokens import Doc

        self.vocab = vocab
        self._doc = Doc

    def __call__(self, text: str) -> Any:
        return self._doc(self.vocab, words=text.split())


def _words_between_spaces() -> Any:
    return lambda nlp: WordsBetweenSpaces(nlp.vocab)


CACHEABLE_TOKENIZER = "recordroom.cacheable_tokenizer.v1"


def _cacheable_tokenizer() -> Any:
    return cacheable_tokenizer


def _same_tokenizer(tokenizer: Any, saved: bytes) -> bool:
    """Whether ``tokenizer`` is the saved one but for the special cases it leaves out."""
    import srsly

    built = srsly.msgpack_loads(tokenizer.to_bytes(exclude=["vocab"]))
    stored = srsly.msgpack_loads(saved)
    stored["exceptions"] = cacheable_exceptions(stored.get("exceptions", {}))
    return bool(built == stored)


def _load_pipeline(path: Path, model_dir: Path, *, words_between_spaces: bool = False) -> Any:
    spacy = import_spacy()

    if not (path / "config.cfg").is_file():
        raise ClassifierError(
            f"no document-type model in {model_dir}; run `make model` to train it, "
            "or point RECORDROOM_MODEL_DIR at a trained model"
        )
    try:
        if words_between_spaces:
            spacy.registry.tokenizers.register(WORDS_BETWEEN_SPACES, func=_words_between_spaces)
            tokenizer = {"nlp": {"tokenizer": {"@tokenizers": WORDS_BETWEEN_SPACES}}}
            return spacy.load(path, exclude=["tokenizer"], config=tokenizer)
        # The saved tokenizer is spaCy's English one, as the config builds it again: reading it
        # back rebuilds every rule a second time (a quarter of a second a model). It is built
        # without the special cases that stop its cache (``cacheable_tokenizer``), and the saved
        # one is read only where it differs otherwise.
        spacy.registry.tokenizers.register(CACHEABLE_TOKENIZER, func=_cacheable_tokenizer)
        cacheable = {"nlp": {"tokenizer": {"@tokenizers": CACHEABLE_TOKENIZER}}}
        nlp: Any = spacy.load(path, exclude=["tokenizer"], config=cacheable)
        saved = (path / "tokenizer").read_bytes()
        if not _same_tokenizer(nlp.tokenizer, saved):
            nlp.tokenizer.from_bytes(saved, exclude=["vocab"])
            nlp.tokenizer.rules = cacheable_exceptions(nlp.tokenizer.rules)
        return nlp
    except (OSError, ValueError) as exc:
        raise ClassifierError(
            f"the document-type model in {model_dir} cannot be loaded ({type(exc).__name__}); "
            "run `make model` to rebuild it"
        ) from exc


def combine(words: dict[str, float], structure: dict[str, float]) -> dict[str, float]:
    """The two models' scores as one distribution over the document types.

    The words model says how likely the text is a clinical note at all (forms have no note shape,
    and the structure model is weaker on them); among the note types, the two models' scores are
    combined as a weighted geometric mean.
    """
    total = sum(words.get(label, 0.0) for label in DOC_TYPES) or 1.0
    plain = {label: words.get(label, 0.0) / total for label in DOC_TYPES}
    note_mass = sum(plain[label] for label in NOTE_TYPES)
    total_weight = WORDS_WEIGHT + STRUCTURE_WEIGHT
    logs = {
        label: (
            WORDS_WEIGHT * math.log(max(words.get(label, 0.0), MIN_SCORE))
            + STRUCTURE_WEIGHT * math.log(max(structure.get(label, 0.0), MIN_SCORE))
        )
        / total_weight
        + NOTE_LOG_BIAS.get(label, 0.0)
        for label in NOTE_TYPES
    }
    top = max(logs.values())
    weights = {label: math.exp(value - top) for label, value in logs.items()}
    norm = sum(weights.values())
    notes = {label: note_mass * weight / norm for label, weight in weights.items()}
    return {label: notes.get(label, plain[label]) for label in DOC_TYPES}


class SpacyDocTypeClassifier:
    """``DocTypeClassifier``: rules first, then the two trained spaCy text classifiers."""

    def __init__(self, words: Any, structure: Any, model_dir: Path | None = None) -> None:
        self._words = words
        self._structure = structure
        self._model_dir = model_dir  # loaded again from there when outgrown
        self._loaded_with = (len(words.vocab.strings), len(structure.vocab.strings))
        self._reloading = threading.Lock()

    @classmethod
    def load(cls, model_dir: Path = MODEL_DIR) -> SpacyDocTypeClassifier:
        words = _load_pipeline(model_dir / PIPELINE_DIR_NAME, model_dir)
        structure = _load_pipeline(
            model_dir / STRUCTURE_DIR_NAME, model_dir, words_between_spaces=True
        )
        return cls(words, structure, model_dir)

    @property
    def words(self) -> Any:
        return self._words

    @property
    def structure(self) -> Any:
        return self._structure

    def model_scores(self, text: str) -> tuple[dict[str, float], dict[str, float]]:
        """Each model's own scores: (words, structure)."""
        words = self._words(model_text(text)).cats
        structure = self._structure(structure_text(text)).cats
        self._reload_if_outgrown()
        return dict(words), dict(structure)

    def _outgrown(self) -> bool:
        return self._model_dir is not None and (
            outgrown(self._words.vocab, self._loaded_with[0])
            or outgrown(self._structure.vocab, self._loaded_with[1])
        )

    def _reload_if_outgrown(self) -> None:
        """Both models loaded again once their vocabularies grew too much
        (``spacy_import.VOCABULARY_GROWTH``); texts being read meanwhile finish with the old."""
        if not self._outgrown() or not self._reloading.acquire(blocking=False):
            return
        try:
            if self._outgrown() and self._model_dir is not None:
                fresh = type(self).load(self._model_dir)
                self._words, self._structure = fresh._words, fresh._structure
                self._loaded_with = fresh._loaded_with
        finally:
            self._reloading.release()

    def scores(self, text: str) -> dict[str, float]:
        """The combined probability for every document type (rules not applied)."""
        return combine(*self.model_scores(text))

    def predict(self, text: str) -> tuple[str, float]:
        if not text.strip():
            return "other", 0.0
        answer = self.predict_as_written(text)
        if answer[0] == COVER_TYPE:
            # A fax header block above other content is not a cover sheet: the page is what the
            # content under the block is.
            content = content_below_header(text)
            if content is not None:
                inner = self.predict_as_written(content)
                if inner[0] != COVER_TYPE:
                    return inner
        return answer

    def predict_as_written(self, text: str) -> tuple[str, float]:
        """Rules, then the models, on the whole text (a fax header block read as a cover's)."""
        scores = self.scores(text)
        ruled = rule_doc_type(text)
        if ruled is not None:
            return ruled, max(RULE_CONFIDENCE, scores[ruled])
        best = max(scores, key=lambda label: scores[label])
        return best, scores[best]


def read_training_record(model_dir: Path = MODEL_DIR) -> dict[str, Any]:
    """The ``training.json`` written beside the model: input hashes, settings and scores."""
    path = model_dir / TRAINING_RECORD_NAME
    if not path.is_file():
        raise ClassifierError(f"no {TRAINING_RECORD_NAME} in {model_dir}; run `make model`")
    record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return record
