"""Document type from text: title and keyword rules where they are certain, else a spaCy textcat.

The model is a bag-of-words text classifier (spaCy ``TextCatBOW``, exclusive classes) trained by
``classify.train`` and shipped in ``classify/model/``. Text is normalised the same way for training
and prediction (``model_text``), so a document OCR'd in capitals or with accents stripped reads the
same as its clean twin.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from classify.rules import RULE_CONFIDENCE, normalise, rule_doc_type
from recordroom.core import DOC_TYPES, ClassifierError

MODEL_DIR = Path(__file__).parent / "model"
PIPELINE_DIR_NAME = "pipeline"
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


class SpacyDocTypeClassifier:
    """``DocTypeClassifier``: rules first, then the trained spaCy text classifier."""

    def __init__(self, nlp: Any) -> None:
        self._nlp = nlp

    @classmethod
    def load(cls, model_dir: Path = MODEL_DIR) -> SpacyDocTypeClassifier:
        import spacy

        pipeline = model_dir / PIPELINE_DIR_NAME
        if not (pipeline / "config.cfg").is_file():
            raise ClassifierError(
                f"no document-type model in {model_dir}; run `make model` to train it"
            )
        try:
            nlp = spacy.load(pipeline)
        except (OSError, ValueError) as exc:
            raise ClassifierError(
                f"the document-type model in {model_dir} cannot be loaded ({type(exc).__name__}); "
                "run `make model` to rebuild it"
            ) from exc
        return cls(nlp)

    def scores(self, text: str) -> dict[str, float]:
        """The model's probability for every document type (rules not applied)."""
        doc = self._nlp(model_text(text))
        return {label: float(doc.cats.get(label, 0.0)) for label in DOC_TYPES}

    def predict(self, text: str) -> tuple[str, float]:
        if not text.strip():
            return "other", 0.0
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
