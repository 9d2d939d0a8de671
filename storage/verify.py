"""The integrity scrub: every object read back, decrypted and checked against the index.

``expected`` comes from the index (``key -> SHA-256 of the plaintext``, or None where the index
keeps no hash, e.g. a searchable PDF). An object is

- **missing** when the index names it and the store does not have it;
- **corrupt** when it does not decrypt (flipped bytes, lost or damaged envelope, unknown master
  key) or its plaintext does not match the hash the index holds;
- an **orphan** when nothing in the index refers to it: not an expected key, and not derived from
  a file the index knows (page images are found by the original's hash). An envelope whose body is
  gone is an orphan too (a write a crash interrupted).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from typing import Literal

from recordroom.core import NotFoundError, StorageError
from recordroom.core.keys import source_sha256
from storage.encrypted import EncryptedObjectStore
from storage.envelope import envelope_key

ProblemKind = Literal["missing", "corrupt", "orphan"]


@dataclass(frozen=True, slots=True)
class ObjectProblem:
    kind: ProblemKind
    key: str
    detail: str


@dataclass(frozen=True, slots=True)
class VerifyReport:
    checked: int
    problems: tuple[ObjectProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, kind: ProblemKind) -> int:
        return sum(1 for problem in self.problems if problem.kind == kind)


def verify_store(
    store: EncryptedObjectStore,
    expected: Mapping[str, str | None],
    known_hashes: Set[str],
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Read every object back; see the module docstring for what is reported."""
    problems: list[ObjectProblem] = []
    present = set(store.keys())
    checked = 0
    for key in sorted(present):
        checked += 1
        if progress is not None:
            progress(checked)
        if key not in expected and source_sha256(key) not in known_hashes:
            problems.append(ObjectProblem("orphan", key, "no document in the index refers to it"))
            continue
        try:
            plaintext = store.get(key)
        except NotFoundError:  # deleted while we looked
            present.discard(key)
            continue
        except StorageError as error:
            problems.append(ObjectProblem("corrupt", key, str(error)))
            continue
        want = expected.get(key)
        if want is not None and hashlib.sha256(plaintext).hexdigest() != want:
            problems.append(
                ObjectProblem(
                    "corrupt", key, f"decrypts, but its SHA-256 is not the index's {want[:12]}…"
                )
            )
    for key in sorted(set(expected) - present):
        problems.append(ObjectProblem("missing", key, "the index refers to it; the store lacks it"))
    for key in sorted(set(store.envelope_keys()) - present):
        problems.append(
            ObjectProblem("orphan", envelope_key(key), "an envelope whose object is gone")
        )
    return VerifyReport(checked, tuple(problems))
