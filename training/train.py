"""Train the document-type model: ``python -m training.train`` (``make model``).

Inputs: the shared MTSamples notes and real provider forms, plus generated form text. Each source
keeps a held-out part the model never sees: MTSamples by a fixed hash of ``id``, forms by
``provider`` (sister forms of one provider are near copies), generated text by its seed. The run is
deterministic (fixed seeds everywhere) and writes ``classify/model/pipeline`` (the words model),
``classify/model/structure`` (the structure model) and ``classify/model/training.json`` (input
hashes, settings, held-out scores).

``python -m training.train --cv`` cross-validates on the MTSamples *training* split only; the
settings below and the models' weights in ``classify.doctype`` were chosen on that figure, never on
the held-out split.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from classify.doctype import (
    MODEL_DIR,
    NOTE_LOG_BIAS,
    PIPELINE_DIR_NAME,
    STRUCTURE_DIR_NAME,
    STRUCTURE_WEIGHT,
    TRAINING_RECORD_NAME,
    WORDS_WEIGHT,
    SpacyDocTypeClassifier,
    combine,
    model_text,
    structure_text,
)
from classify.rules import rule_doc_type
from recordroom.core import DOC_TYPES
from training.corpora import (
    DATA_DIR,
    Example,
    Split,
    input_fingerprint,
    load_all,
)
from training.scores import Scores, evaluate

SEED = 20261123
EPOCHS = 20
BALANCE_TARGET = 150
BALANCE_CAP = 3
BOW_LENGTH = 2**15  # hashed feature rows: the model's size is this times the 18 classes
STRUCTURE_BOW_LENGTH = 2**14  # the structure model reads a few hundred distinct tokens
CV_FOLDS = 5


@dataclass(frozen=True, slots=True)
class TrainSettings:
    """The knobs cross-validation chose between (``python -m training.train --cv``)."""

    epochs: int = EPOCHS
    ngram_size: int = 1
    bow_length: int = BOW_LENGTH
    structure_bow_length: int = STRUCTURE_BOW_LENGTH
    # Multi-label targets: a note labelled "consult_note|progress_note" teaches both types, instead
    # of teaching consult_note and, by the softmax, *against* progress_note.
    multilabel: bool = True
    balance_target: int = BALANCE_TARGET
    balance_cap: int = BALANCE_CAP
    seed: int = SEED


SETTINGS = TrainSettings()


# ---------------------------------------------------------------- training


def _textcat_config(settings: TrainSettings, length: int) -> dict[str, Any]:
    return {
        "model": {
            "@architectures": "spacy.TextCatBOW.v3",
            "exclusive_classes": not settings.multilabel,
            "ngram_size": settings.ngram_size,
            "no_output_layer": False,
            "length": length,
        }
    }


def balanced(
    examples: Sequence[Example],
    *,
    target: int = BALANCE_TARGET,
    cap: int = BALANCE_CAP,
) -> list[Example]:
    """Examples of thin classes repeated (up to ``cap`` times) so the big ones do not drown them."""
    counts = Counter(example.labels[0] for example in examples)
    out: list[Example] = []
    for example in examples:
        repeat = max(1, min(cap, round(target / counts[example.labels[0]])))
        out.extend([example] * repeat)
    return out


def _cats(example: Example, settings: TrainSettings) -> dict[str, float]:
    right = example.labels if settings.multilabel else example.labels[:1]
    return {label: 1.0 if label in right else 0.0 for label in DOC_TYPES}


def train_pipeline(
    examples: Sequence[Example],
    settings: TrainSettings = SETTINGS,
    *,
    read: Callable[[str], str] = model_text,
    length: int = BOW_LENGTH,
    quiet: bool = False,
) -> Any:
    """A blank English pipeline with a text classifier trained on ``read(text)`` of each example.

    The same input gives the same model, byte for byte.
    """
    import spacy
    import spacy.util
    from spacy.training import Example as SpacyExample
    from thinc.api import compounding, fix_random_seed

    minibatch: Any = spacy.util.minibatch  # untyped in spaCy
    fix_random_seed(settings.seed)
    nlp = spacy.blank("en")
    component = "textcat_multilabel" if settings.multilabel else "textcat"
    textcat: Any = nlp.add_pipe(component, config=_textcat_config(settings, length))
    for label in DOC_TYPES:
        textcat.add_label(label)
    spacy_examples = []
    for example in examples:
        doc = nlp.make_doc(read(example.text))
        spacy_examples.append(SpacyExample.from_dict(doc, {"cats": _cats(example, settings)}))
    optimizer = nlp.initialize(lambda: spacy_examples[:200])
    order = random.Random(settings.seed)
    for epoch in range(settings.epochs):
        order.shuffle(spacy_examples)
        losses: dict[str, float] = {}
        for batch in minibatch(spacy_examples, size=compounding(8.0, 64.0, 1.2)):
            nlp.update(batch, sgd=optimizer, losses=losses)
        if not quiet:
            loss = losses.get(component, 0.0)
            print(f"epoch {epoch + 1}/{settings.epochs}: loss {loss:.3f}", flush=True)
    return nlp


def train_models(
    examples: Sequence[Example], settings: TrainSettings = SETTINGS, *, quiet: bool = False
) -> SpacyDocTypeClassifier:
    """The words model and the structure model, trained on the same balanced examples."""
    chosen = balanced(examples, target=settings.balance_target, cap=settings.balance_cap)
    if not quiet:
        print("words model (model_text)")
    words = train_pipeline(chosen, settings, length=settings.bow_length, quiet=quiet)
    if not quiet:
        print("structure model (structure_text)")
    structure = train_pipeline(
        chosen, settings, read=structure_text, length=settings.structure_bow_length, quiet=quiet
    )
    return SpacyDocTypeClassifier(words, structure)


def _cv_fold(example: Example, folds: int) -> int:
    digest = hashlib.sha256(f"cv/{example.key}".encode()).hexdigest()
    return int(digest, 16) % folds


def cross_validate(
    splits: dict[str, Split], settings: TrainSettings = SETTINGS, *, folds: int = CV_FOLDS
) -> dict[str, float]:
    """MTSamples accuracy by ``folds``-fold cross-validation inside the *training* split.

    Settings and the models' weights are chosen on these figures, never on the held-out split.
    Forms and generated text stay in every fold's training data, as in the real run. Returns the
    accuracy of the words model alone, the structure model alone and the shipped combination.
    """
    notes = splits["mtsamples"].train
    others = [e for name, split in splits.items() if name != "mtsamples" for e in split.train]
    right: Counter[str] = Counter()
    for fold in range(folds):
        train = [e for e in notes if _cv_fold(e, folds) != fold] + others
        classifier = train_models(train, settings, quiet=True)
        for example in (e for e in notes if _cv_fold(e, folds) == fold):
            words, structure = classifier.model_scores(example.text)
            ruled = rule_doc_type(example.text)
            for name, scores in (
                ("words", words),
                ("structure", structure),
                ("combined", combine(words, structure)),
            ):
                answer = ruled or max(scores, key=lambda label: scores[label])
                right[name] += answer in example.labels
        print(f"fold {fold + 1}/{folds} done", flush=True)
    return {name: right[name] / len(notes) for name in ("words", "structure", "combined")}


def _scores_json(scores: Scores) -> dict[str, Any]:
    return {
        "count": scores.count,
        "accuracy": round(scores.accuracy, 4),
        "macro_f1": round(scores.macro_f1, 4),
        "f1": {label: round(value, 4) for label, value in scores.f1.items()},
    }


def training_examples(splits: dict[str, Split]) -> list[Example]:
    return [example for split in splits.values() for example in split.train]


def run(data_dir: Path = DATA_DIR, model_dir: Path = MODEL_DIR) -> dict[str, Any]:
    started = time.monotonic()
    splits = load_all(data_dir)
    train = training_examples(splits)
    print(
        f"training on {len(train)} texts: "
        + ", ".join(
            f"{name} {len(split.train)} (held out {len(split.test)})"
            for name, split in splits.items()
        )
    )
    trained = train_models(train)
    model_dir.mkdir(parents=True, exist_ok=True)
    for name, nlp in ((PIPELINE_DIR_NAME, trained.words), (STRUCTURE_DIR_NAME, trained.structure)):
        if (model_dir / name).exists():
            shutil.rmtree(model_dir / name)
        nlp.to_disk(model_dir / name)
    classifier = SpacyDocTypeClassifier.load(model_dir)
    held_out = {
        name: _scores_json(evaluate(lambda text: classifier.predict(text)[0], split.test))
        for name, split in splits.items()
    }
    record: dict[str, Any] = {
        "inputs": input_fingerprint(data_dir),
        "train_counts": {name: len(split.train) for name, split in splits.items()},
        "settings": {
            **asdict(SETTINGS),
            "words_weight": WORDS_WEIGHT,
            "structure_weight": STRUCTURE_WEIGHT,
            "note_log_bias": dict(sorted(NOTE_LOG_BIAS.items())),
        },
        "held_out": held_out,
        "seconds": round(time.monotonic() - started, 1),
    }
    (model_dir / TRAINING_RECORD_NAME).write_text(
        json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    for name, scores in held_out.items():
        print(
            f"held out {name}: n={scores['count']} accuracy {scores['accuracy']:.3f} "
            f"macro-F1 {scores['macro_f1']:.3f}"
        )
    return record


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the document-type model.")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="folder with the shared data")
    parser.add_argument("--model", type=Path, default=MODEL_DIR, help="where to write the model")
    parser.add_argument(
        "--cv",
        action="store_true",
        help="cross-validate on the MTSamples training split instead of training the model",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.cv:
        for name, accuracy in cross_validate(load_all(args.data)).items():
            print(f"cross-validated MTSamples accuracy, {name}: {accuracy:.4f}")
        return 0
    run(args.data, args.model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
