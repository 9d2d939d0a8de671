"""Audit trail bench: with a million events (HIPAA.md §8, issue 17), how long a patient's access
history, a user's day and a full ``verify`` take, and what recording adds to an action.

The million events are a realistic office's months: 150 staff, 40,000 patients, reads, searches,
reviews and disclosures; the chain is built with the same hash code ``record`` uses and bulk
inserted (``record`` one at a time would take the bench an hour); recording is then measured with
``record`` itself, on top of those million events.

Run: ``.venv/bin/python -m bench.audit [--events N]`` (the database goes to a temporary folder).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from audit import AuditTrail, EventFilter, find_events, verify
from audit.chain import HASHED_COLUMNS, event_hash
from audit.events import EVENT_KINDS
from audit.models import ENTITIES, EVENTS, EVENTS_HEAD, GENESIS, HEADS
from indexer.database import Database
from recordroom.core.actor import Actor

START = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
USERS = [f"user{n:03d}" for n in range(150)]
PATIENTS = 40_000
MIX = (  # (kind, weight)
    ("document.read", 55),
    ("search", 15),
    ("patient.read", 10),
    ("review.list", 5),
    ("document.update", 5),
    ("document.create", 5),
    ("login", 4),
    ("disclosure", 1),
)


def synthetic_events(count: int, seed: int = 17) -> Iterator[tuple[dict[str, Any], list[Any]]]:
    """``count`` chained events (row, entity rows), oldest first; ~10 s apart."""
    rng = random.Random(seed)
    kinds, weights = zip(*MIX, strict=True)
    prev = GENESIS
    for seq in range(1, count + 1):
        kind = rng.choices(kinds, weights)[0]
        spec = EVENT_KINDS[kind]
        user = rng.choice(USERS)
        entities: list[tuple[str, str]] = []
        if kind != "login":
            for _ in range(3 if kind in ("search", "review.list") else 1):
                entities.append(("patient", f"M{rng.randrange(PATIENTS):06d}"))
            entities.append(("document", f"{rng.getrandbits(64):016x}"))
        values = (
            seq,
            START + dt.timedelta(seconds=10 * seq + rng.random()),
            kind,
            spec.type.code,
            spec.subtype.code if spec.subtype else None,
            spec.action,
            "success",
            user,
            "clerk",
            "web",
            f"10.0.{hash(user) % 250}.{rng.randrange(1, 250)}",
            "bench",
            "rr-1",
            "recordroom",
            "TREAT" if kind == "disclosure" else None,
            "chest pain" if kind == "search" else None,
            "Acme Law LLP" if kind == "disclosure" else None,
            None,
            prev,
        )
        digest = event_hash(values, entities, seq=seq)
        prev = digest
        row = {**dict(zip(HASHED_COLUMNS, values, strict=True)), "hash": digest}
        yield (
            row,
            [
                {"seq": seq, "position": position, "kind": k, "value": v}
                for position, (k, v) in enumerate(entities)
            ],
        )


def fill(database: Database, count: int, batch: int = 20_000) -> float:
    started = time.perf_counter()
    events: list[dict[str, Any]] = []
    entities: list[dict[str, Any]] = []
    last: dict[str, Any] = {"seq": 0, "hash": GENESIS}

    def flush() -> None:
        with database.engine.begin() as connection:
            connection.execute(insert(EVENTS), events)
            if entities:
                connection.execute(insert(ENTITIES), entities)
            connection.execute(
                update(HEADS)
                .where(HEADS.c.name == EVENTS_HEAD)
                .values(seq=last["seq"], hash=last["hash"])
            )
        events.clear()
        entities.clear()

    for row, rows in synthetic_events(count):
        events.append(row)
        entities.extend(rows)
        last = row
        if len(events) >= batch:
            flush()
    if events:
        flush()
    with database.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")  # the bench database is SQLite
    return time.perf_counter() - started


def timed_ms(action: Callable[[], object], repeat: int) -> float:
    """The median of ``repeat`` runs, in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(count: int = 1_000_000, folder: Path | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="recordroom-bench-audit-") as scratch:
        root = folder or Path(scratch)
        database = Database(f"sqlite:///{root / 'audit.db'}")
        database.migrate()
        try:
            return _measure(database, count)
        finally:
            database.dispose()


def _measure(database: Database, count: int) -> dict[str, float]:
    print(f"building {count:,} chained events …", file=sys.stderr, flush=True)
    fill_s = fill(database, count)
    rng = random.Random(5)
    results: dict[str, float] = {"events": count, "fill seconds": fill_s}
    with database.session() as session:
        patients = [f"M{rng.randrange(PATIENTS):06d}" for _ in range(30)]
        queue = iter(patients)
        sizes: list[int] = []

        def history() -> None:
            page = find_events(session, EventFilter(patient=next(queue)), limit=100)
            sizes.append(len(page.events))

        results["patient history"] = timed_ms(history, len(patients))
        results["patient history events"] = statistics.median(sizes)
        last = session.scalar(select(EVENTS.c.recorded).order_by(EVENTS.c.seq.desc()).limit(1))
        assert last is not None
        day = dt.datetime.combine(last.date(), dt.time()) - dt.timedelta(days=1)
        users = iter([rng.choice(USERS) for _ in range(30)])
        day_sizes: list[int] = []

        def users_day() -> None:
            where = EventFilter(user_id=next(users), since=day, until=day + dt.timedelta(days=1))
            day_sizes.append(len(find_events(session, where, limit=1000).events))

        results["user day"] = timed_ms(users_day, 30)
        results["user day events"] = statistics.median(day_sizes)
    cpu = _cpu_seconds()
    report = verify(database.engine, None)
    results["verify cpu"] = _cpu_seconds() - cpu
    assert report.ok, report.findings
    results["verify seconds"] = report.seconds
    results.update(_recording(database))
    return results


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (verify's range workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _recording(database: Database, actions: int = 500) -> dict[str, float]:
    """What ``record`` adds to an action: the call inside the transaction, and a whole read
    transaction (a document read: one SELECT) with and without its event, commit included."""
    trail = AuditTrail(site="bench")
    actor = Actor("os:bench", frozenset({"clerk"}), host="rr-1")
    record_ms: list[float] = []
    record_cpu_ms: list[float] = []
    with_event: list[float] = []
    without: list[float] = []
    for n in range(actions):
        started = time.perf_counter()
        with database.session() as session:
            session.execute(select(EVENTS.c.seq).where(EVENTS.c.seq == n + 1)).first()
            session.commit()
        without.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with database.session() as session:
            session.execute(select(EVENTS.c.seq).where(EVENTS.c.seq == n + 1)).first()
            call, cpu = time.perf_counter(), time.process_time()
            trail.record(
                session, actor, "document.read", documents=[f"d{n}"], patients=[f"M{n:06d}"]
            )
            record_ms.append((time.perf_counter() - call) * 1000)
            record_cpu_ms.append((time.process_time() - cpu) * 1000)
            session.commit()
        with_event.append((time.perf_counter() - started) * 1000)
    return {
        "record() per action": statistics.mean(record_ms),
        "record() cpu": statistics.mean(record_cpu_ms),
        "transaction with event": statistics.median(with_event),
        "transaction without event": statistics.median(without),
    }


def table(results: dict[str, float]) -> str:
    rows = [
        ("patient history (100 newest)", results["patient history"], None, "ms", 100.0),
        ("user's day (all events)", results["user day"], None, "ms", 100.0),
        ("verify whole chain", results["verify seconds"], results["verify cpu"], "s", 30.0),
        ("record() per action", results["record() per action"], results["record() cpu"], "ms", 1.0),
    ]
    lines = [
        f"audit trail, {int(results['events']):,} events "
        f"(built in {results['fill seconds']:.0f} s)",
        f"{'measure':<32}{'measured':>12}{'cpu':>10}{'target':>12}  ok",
    ]
    for name, value, cpu, unit, target in rows:
        mark = "yes" if value <= target else "NO"
        cpu_text = "" if cpu is None else f"{cpu:.2f} {unit}"
        lines.append(
            f"{name:<32}{value:>9.2f} {unit:<2}{cpu_text:>10}{'≤ ' + f'{target:g} ' + unit:>12}"
            f"  {mark}"
        )
    lines.append(
        f"  (patient history returned {results['patient history events']:.0f} events, a user's "
        f"day {results['user day events']:.0f}; a read transaction takes "
        f"{results['transaction without event']:.2f} ms without its event, "
        f"{results['transaction with event']:.2f} ms with it, commit to disk included)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    print(table(run(args.events)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
