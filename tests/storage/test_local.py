from __future__ import annotations

import os
from pathlib import Path

import pytest

from recordroom.core import NotFoundError, StorageError
from storage import derivative_key, original_key
from storage.local import LocalObjectStore


def test_put_get_exists_delete(store: LocalObjectStore) -> None:
    key = original_key("ab" * 32)
    assert not store.exists(key)
    store.put(key, b"hello")
    assert store.exists(key)
    assert store.get(key) == b"hello"
    store.delete(key)
    assert not store.exists(key)
    with pytest.raises(NotFoundError):
        store.get(key)


def test_put_file_copies_and_leaves_no_temporaries(store: LocalObjectStore, tmp_path: Path) -> None:
    source = tmp_path / "scan.pdf"
    source.write_bytes(os.urandom(3 * 1024 * 1024))
    key = derivative_key("cd" * 32, "searchable.pdf")
    store.put_file(key, source)
    assert store.get(key) == source.read_bytes()
    folder = store.root.joinpath(*key.split("/")[:-1])
    assert [p.name for p in folder.iterdir()] == [key.split("/")[-1]]


def test_overwrite_replaces_whole_object(store: LocalObjectStore) -> None:
    store.put("a/b", b"first version")
    store.put("a/b", b"2")
    assert store.get("a/b") == b"2"


def test_keys_are_content_addressed_and_sharded() -> None:
    sha = "0123456789abcdef" * 4
    assert original_key(sha) == f"originals/01/23/{sha}"
    assert derivative_key(sha, "searchable.pdf").endswith(f"{sha}.searchable.pdf")


@pytest.mark.parametrize("key", ["", "../escape", "a//b", "a/./b"])
def test_bad_keys_are_refused(store: LocalObjectStore, key: str) -> None:
    with pytest.raises(StorageError):
        store.put(key, b"x")
