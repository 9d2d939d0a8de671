"""The office's own document-type model: the shipped model, trained further on the office's
review decisions (``recordroom model retrain``).

Why continued training rather than training again from the shipped corpus: the corpus (MTSamples
notes, real provider forms, generated text) is not part of the runtime and is far larger than the
model; the model's weights already hold what it taught. So the office model starts from the
shipped model's weights (both the words and the structure model) and takes a few fixed passes over
the office's examples with a small learning rate, a fixed seed and the examples in a fixed order
(sorted by their content, not by when they were decided). The same decisions on the same shipped
model give the same files, byte for byte. Retraining always starts again from the shipped model,
never from an earlier office model, so the shipped model stays the base.

The model is written to a fresh folder beside its destination and then renamed into place, so a
classifier never loads a half-written model.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classify.doctype import (
    MODEL_DIR,
    PIPELINE_DIR_NAME,
    STRUCTURE_DIR_NAME,
    TRAINING_RECORD_NAME,
    model_text,
    structure_text,
)
from classify.examples import LabelledExample
from classify.spacy_import import import_spacy
from recordroom.core import DOC_TYPES, ClassifierError
from recordroom.core.private import PRIVATE_DIR, PRIVATE_FILE, make_private_dir

SEED = 20261129
EPOCHS = 8
REPEATS = 2  # each example seen this many times an epoch
LEARN_RATE = 0.003
BATCH = 8


@dataclass(frozen=True, slots=True)
class RetrainResult:
    """What ``retrain`` wrote: how many examples of each type, and the model's fingerprint."""

    folder: Path
    examples: int
    per_type: dict[str, int]
    fingerprint: str


def _key(example: LabelledExample) -> str:
    return hashlib.sha256(f"{example.doc_type}\n{example.text}".encode()).hexdigest()


def ordered(examples: Iterable[LabelledExample]) -> list[LabelledExample]:
    """The examples in an order that depends only on their content (duplicates kept once)."""
    unique = {_key(example): example for example in examples if example.text.strip()}
    return [unique[key] for key in sorted(unique)]


def _continue_training(base: Path, examples: Sequence[LabelledExample], read: Any) -> Any:
    spacy = import_spacy()
    from spacy.training import Example as SpacyExample
    from thinc.api import Adam, fix_random_seed

    fix_random_seed(SEED)
    nlp = spacy.load(base)
    # The office's texts name patients; the words they add to the vocabulary are not needed to
    # predict (features are hashes) and are dropped before saving, so the model holds no PHI.
    strings = list(nlp.vocab.strings)
    items = []
    for example in examples:
        doc = nlp.make_doc(read(example.text))
        cats = {label: 1.0 if label == example.doc_type else 0.0 for label in DOC_TYPES}
        items.append(SpacyExample.from_dict(doc, {"cats": cats}))
    optimizer = Adam(LEARN_RATE)
    order = random.Random(SEED)
    for _ in range(EPOCHS):
        epoch = items * REPEATS
        order.shuffle(epoch)
        for start in range(0, len(epoch), BATCH):
            nlp.update(epoch[start : start + BATCH], sgd=optimizer, drop=0.0)
    nlp.vocab.strings._reset_and_load(strings)
    return nlp


def fingerprint(folder: Path) -> str:
    """sha256 over every file of a model folder (names and bytes), in name order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _replace(source: Path, destination: Path) -> None:
    """``source`` takes ``destination``'s place: a rename, and the old folder removed after."""
    if destination.exists():
        old = Path(tempfile.mkdtemp(prefix=".model-old-", dir=destination.parent))
        os.replace(destination, old / "model")
        os.replace(source, destination)
        shutil.rmtree(old)
    else:
        os.replace(source, destination)


def _make_private(folder: Path) -> None:
    """0700 folders and 0600 files, as everything under the home (``recordroom.core.private``)."""
    for path in folder.rglob("*"):
        os.chmod(path, PRIVATE_DIR if path.is_dir() else PRIVATE_FILE)
    os.chmod(folder, PRIVATE_DIR)


def retrain(
    examples: Iterable[LabelledExample], destination: Path, *, base: Path = MODEL_DIR
) -> RetrainResult:
    """The model of ``base`` trained further on ``examples``, written to ``destination``."""
    chosen = ordered(examples)
    unknown = sorted({e.doc_type for e in chosen} - set(DOC_TYPES))
    if unknown:
        raise ClassifierError(f"review decisions with unknown document types: {unknown}")
    if not chosen:
        raise ClassifierError("no review decisions to learn from; `review assign` some documents")
    for name in (PIPELINE_DIR_NAME, STRUCTURE_DIR_NAME):
        if not (base / name / "config.cfg").is_file():
            raise ClassifierError(f"no document-type model in {base} to start from")
    make_private_dir(destination.parent)
    work = Path(tempfile.mkdtemp(prefix=".model-new-", dir=destination.parent))
    try:
        for name, read in ((PIPELINE_DIR_NAME, model_text), (STRUCTURE_DIR_NAME, structure_text)):
            _continue_training(base / name, chosen, read).to_disk(work / name)
        per_type = {t: sum(e.doc_type == t for e in chosen) for t in DOC_TYPES}
        per_type = {t: n for t, n in per_type.items() if n}
        record = {
            "base": _base_record(base),
            "examples": len(chosen),
            "examples_sha256": hashlib.sha256(
                "\n".join(_key(e) for e in chosen).encode()
            ).hexdigest(),
            "per_type": per_type,
            "settings": {
                "seed": SEED,
                "epochs": EPOCHS,
                "repeats": REPEATS,
                "learn_rate": LEARN_RATE,
                "batch": BATCH,
            },
        }
        (work / TRAINING_RECORD_NAME).write_text(
            json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        _make_private(work)
        model_sha256 = fingerprint(work)
        _replace(work, destination)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return RetrainResult(destination, len(chosen), per_type, model_sha256)


def _base_record(base: Path) -> dict[str, Any]:
    """What the office model started from: the shipped model's fingerprint and training inputs."""
    record: dict[str, Any] = {
        name: fingerprint(base / name) for name in (PIPELINE_DIR_NAME, STRUCTURE_DIR_NAME)
    }
    path = base / TRAINING_RECORD_NAME
    if path.is_file():
        record["inputs"] = json.loads(path.read_text(encoding="utf-8")).get("inputs", {})
    return record
