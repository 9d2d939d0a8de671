"""The training corpora: real clinical notes and provider forms from ``shared/data``, and
generated form text, each split into a training part and a held-out part the model never sees:
MTSamples by a fixed hash of ``id``, forms by ``provider`` (sister forms of one provider are near
copies), generated text by its seed."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from recordroom.core.hashing import file_sha256
from training.generate import GENERATOR_VERSION, HARD, STANDARD, Style, generate_corpus


def _find_data_dir() -> Path:
    """``shared/data`` beside the checkout or beside any folder above it (a worktree sits one
    level deeper than the main checkout)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return here.parents[2] / "shared" / "data"


DATA_DIR = _find_data_dir()
MTSAMPLES_NAME = "mtsamples_train.csv"
FORMS_NAME = "forms_train.jsonl"
PAPERWORK_NAME = "paperwork_train.jsonl"
TEST_BUCKETS = 5  # one in five ids / providers is held out
GENERATED_TRAIN_SEED = 1
GENERATED_TEST_SEED = 2
GENERATED_TRAIN_PER_TYPE = 150
GENERATED_TEST_PER_TYPE = 25


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    labels: tuple[str, ...]  # every right answer, primary first
    source: str  # "mtsamples", "forms" or "generated"
    key: str  # id, provider/form or seed/index


@dataclass(frozen=True, slots=True)
class Split:
    train: tuple[Example, ...]
    test: tuple[Example, ...]


def is_held_out(key: str) -> bool:
    """A fixed hash decides: the same id or provider is always on the same side."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % TEST_BUCKETS == 0


def load_mtsamples(data_dir: Path = DATA_DIR) -> Split:
    with (data_dir / MTSAMPLES_NAME).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    examples = [
        Example(row["text"], tuple(row["doc_types"].split("|")), "mtsamples", row["id"])
        for row in rows
    ]
    return _split(examples, key=lambda example: example.key)


def load_forms(data_dir: Path = DATA_DIR) -> Split:
    examples = []
    providers: dict[str, str] = {}
    with (data_dir / FORMS_NAME).open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            examples.append(Example(row["text"], tuple(row["doc_types"]), "forms", row["id"]))
            providers[row["id"]] = row["provider"]
    return _split(examples, key=lambda example: providers[example.key])


def load_paperwork(data_dir: Path = DATA_DIR) -> tuple[Example, ...]:
    """The real payer, claim, remittance, lab, imaging and referral paperwork: none of it is
    trained on, so all of it is held out (its key is the provider, for per-provider views)."""
    path = data_dir / PAPERWORK_NAME
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return tuple(
        Example(row["text"], tuple(row["doc_types"]), "paperwork", row["provider"]) for row in rows
    )


def load_generated(
    train_per_type: int = GENERATED_TRAIN_PER_TYPE, test_per_type: int = GENERATED_TEST_PER_TYPE
) -> Split:
    def examples(seed: int, per_type: int, style: Style = STANDARD) -> tuple[Example, ...]:
        corpus = generate_corpus(seed, per_type, style=style)
        return tuple(
            Example(text, (label,), "generated", f"{seed}/{index}")
            for index, (text, label) in enumerate(corpus)
        )

    return Split(
        examples(GENERATED_TRAIN_SEED, train_per_type),
        # Held out: another seed *and* the hard style (fewer titles, more damage, borrowed words).
        examples(GENERATED_TEST_SEED, test_per_type, HARD),
    )


def _split(examples: Sequence[Example], key: Callable[[Example], str]) -> Split:
    test = tuple(example for example in examples if is_held_out(key(example)))
    train = tuple(example for example in examples if not is_held_out(key(example)))
    return Split(train, test)


def load_all(data_dir: Path = DATA_DIR) -> dict[str, Split]:
    return {
        "mtsamples": load_mtsamples(data_dir),
        "forms": load_forms(data_dir),
        "generated": load_generated(),
    }


def generated_sha256(
    seed: int = GENERATED_TRAIN_SEED, per_type: int = GENERATED_TRAIN_PER_TYPE
) -> str:
    """The hash of the generated training text itself, so a changed generator shows too."""
    digest = hashlib.sha256()
    for text, label in generate_corpus(seed, per_type):
        digest.update(f"{label}\x00{text}\x00".encode())
    return digest.hexdigest()


def input_fingerprint(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """What the model was trained on: hashes of the shared files and of the generated text."""
    return {
        MTSAMPLES_NAME: file_sha256(data_dir / MTSAMPLES_NAME),
        FORMS_NAME: file_sha256(data_dir / FORMS_NAME),
        "generator": (
            f"version={GENERATOR_VERSION};seed={GENERATED_TRAIN_SEED};"
            f"per_type={GENERATED_TRAIN_PER_TYPE}"
        ),
        "generated_sha256": generated_sha256(),
    }
