"""Object-store throughput: put and get, local folder against S3, encryption on and off.

Run as ``python -m bench.storage``. The S3 side is a SeaweedFS ``weed mini`` on 127.0.0.1 that the
bench starts and stops itself (as the tests do), so both sides share this machine's disk and
cores; a real S3 service adds the network. Objects are random bytes (incompressible, like scans)
in two sizes: a one-page fax (64 KiB) and a multi-page scan (4 MiB). "Encryption off" is the bare
backend, which recordroom never uses on its own; it shows what AES-256-GCM and the envelope cost.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from recordroom.core import ObjectStore
from recordroom.core.keys import original_key
from storage.encrypted import EncryptedObjectStore
from storage.keyring import load_keyring
from storage.local import LocalObjectStore
from storage.s3 import S3ObjectStore
from tests.services import new_bucket_name, running_s3


@dataclass(frozen=True, slots=True)
class Size:
    label: str
    bytes: int
    count: int


@dataclass(frozen=True, slots=True)
class Result:
    backend: str
    encrypted: bool
    size: Size
    put_seconds: float
    get_seconds: float

    def rate(self, seconds: float) -> tuple[float, float]:
        """(objects per second, MB per second)."""
        objects = self.size.count / seconds
        return objects, objects * self.size.bytes / 1e6


def measure(store: ObjectStore, size: Size) -> tuple[float, float]:
    payloads = [os.urandom(size.bytes) for _ in range(size.count)]
    keys = [original_key(os.urandom(32).hex()) for _ in range(size.count)]
    started = time.perf_counter()
    for key, data in zip(keys, payloads, strict=True):
        store.put(key, data)
    put = time.perf_counter() - started
    started = time.perf_counter()
    for key, data in zip(keys, payloads, strict=True):
        if store.get(key) != data:
            raise AssertionError(f"object {key} came back different")
    get = time.perf_counter() - started
    return put, get


def print_table(rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for number, row in enumerate(rows):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=300, help="64 KiB objects per run")
    parser.add_argument("--large", type=int, default=25, help="4 MiB objects per run")
    args = parser.parse_args(argv)
    sizes = [Size("64 KiB", 64 * 1024, args.small), Size("4 MiB", 4 * 1024 * 1024, args.large)]
    results: list[Result] = []
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-storage-")))
        keyring = load_keyring(folder / "keys", create=True)
        print("starting a SeaweedFS S3 server on 127.0.0.1 ...", flush=True)
        server = stack.enter_context(running_s3())
        backends: dict[str, Callable[[], ObjectStore]] = {
            "local": lambda: LocalObjectStore(folder / f"objects-{os.urandom(4).hex()}"),
            "S3": lambda: S3ObjectStore(
                endpoint=server.endpoint,
                bucket=new_bucket_name(),
                access_key=server.access_key,
                secret_key=server.secret_key,
                secure=False,
            ),
        }
        for name, make in backends.items():
            for encrypted in (False, True):
                for size in sizes:
                    backend = make()
                    store: ObjectStore = (
                        EncryptedObjectStore(backend, keyring) if encrypted else backend
                    )
                    store.put("warm-up", b"x")  # bucket creation is not part of the timing
                    put, get = measure(store, size)
                    results.append(Result(name, encrypted, size, put, get))
                    state = "on" if encrypted else "off"
                    print(f"  {name}, encryption {state}, {size.label}: done", flush=True)
    rows: list[tuple[str, ...]] = [
        ("backend", "encryption", "object", "count", "put obj/s", "put MB/s", "get obj/s",
         "get MB/s"),
    ]  # fmt: skip
    for result in results:
        put_objects, put_mb = result.rate(result.put_seconds)
        get_objects, get_mb = result.rate(result.get_seconds)
        rows.append(
            (
                result.backend,
                "on" if result.encrypted else "off",
                result.size.label,
                str(result.size.count),
                f"{put_objects:.0f}",
                f"{put_mb:.1f}",
                f"{get_objects:.0f}",
                f"{get_mb:.1f}",
            )
        )
    print()
    print(f"Object store throughput, one client thread, {os.cpu_count()} cores")
    print_table(rows)
    print(
        "local puts are fsync'd (file and folder) before they return; encryption on adds a "
        "second object (the envelope) per put and per get"
    )


if __name__ == "__main__":
    main()
