"""Search latency on 100,000 documents, SQLite (FTS5) against PostgreSQL (tsvector + GIN).

Run as ``python -m bench.search [--documents N]``. The documents are synthetic one- or two-page
notes and forms drawn from a clinical vocabulary with a long tail (so some words are in half the
documents and some in a handful), written straight into the schema that the migrations build.
Each query is two words with a document-type filter, the case the target speaks of
(p95 ≤ 50 ms); word-only and prefix queries are shown beside it. PostgreSQL is a throwaway
server on 127.0.0.1 started for the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import insert, text

from indexer.database import Database
from indexer.models import DocumentRow, PageRow
from indexer.search import NO_FILTERS, SearchFilters, search
from recordroom.core import DOC_TYPES
from tests.services import running_postgres

COMMON_WORDS = (
    "patient history blood pressure follow visit normal pain medication daily report "
    "results review left right chronic acute exam plan assessment"
)
CLINICAL_WORDS = (
    "pneumothorax hemoglobin creatinine potassium sodium glucose cholesterol triglycerides "
    "metformin lisinopril atorvastatin amoxicillin warfarin insulin albuterol prednisone "
    "radiograph ultrasound echocardiogram colonoscopy biopsy appendectomy cholecystectomy "
    "hypertension diabetes asthma pneumonia fracture migraine anemia hypothyroidism "
    "authorization referral consultation discharge operative emergency insurance claim "
    "remittance prescription refill pharmacy laboratory pathology radiology cardiology "
    "dermatology neurology oncology orthopedic pediatric obstetric psychiatric urology "
    "tachycardia bradycardia dyspnea edema erythema syncope vertigo nausea fever cough"
)
COMMON = COMMON_WORDS.split()
CLINICAL = CLINICAL_WORDS.split()
VOCABULARY = 50_000


def vocabulary() -> tuple[list[str], list[float]]:
    """Words by rank with Zipf weights (1/rank), as in real text. The common words of clinical
    writing come first (each in nearly every document); the clinical terms a person searches for
    sit among the next few thousand (each in a few percent of documents, as "metformin" or
    "biopsy" would be in a practice's records); then a long tail of rare words."""
    filler = [f"word{index:05d}" for index in range(VOCABULARY)]
    step = 3000 // len(CLINICAL)
    for place, term in enumerate(CLINICAL):
        filler[300 + place * step] = term
    words = COMMON + filler
    weights, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1 / rank
        weights.append(total)
    return words, weights


def fill(database: Database, count: int, seed: int) -> None:
    rng = random.Random(seed)
    words, cumulative = vocabulary()
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    batch = 2_000
    with database.engine.begin() as connection:
        for first in range(0, count, batch):
            documents, pages = [], []
            for index in range(first, min(first + batch, count)):
                doc_id = f"d{index:07d}"
                page_count = 1 + (index % 4 == 0)
                documents.append(
                    {
                        "id": doc_id,
                        "sha256": f"{index:064x}",
                        "source_name": f"{doc_id}.pdf",
                        "media_type": "application/pdf",
                        "size": 1000,
                        "received_at": start + dt.timedelta(minutes=index * 3),
                        "page_count": page_count,
                        "source_pages": ",".join(str(p) for p in range(1, page_count + 1)),
                        "doc_type": DOC_TYPES[index % len(DOC_TYPES)],
                        "doc_type_confidence": 0.9,
                        "patient_mrn": f"M{index % 5000:05d}",
                        "patient_confidence": 0.95,
                        "needs_review": False,
                        "review_reasons": "",
                        "original_key": f"originals/{doc_id}",
                        "created_at": start,
                    }
                )
                for number in range(1, page_count + 1):
                    chosen = rng.choices(words, cum_weights=cumulative, k=160)
                    pages.append(
                        {
                            "document_id": doc_id,
                            "number": number,
                            "text": " ".join(chosen),
                            "method": "ocr",
                            "rotation": 0,
                            "seconds": 0.0,
                        }
                    )
            connection.execute(insert(DocumentRow), documents)
            connection.execute(insert(PageRow), pages)
    with database.engine.begin() as connection:
        # After a bulk load the planner's statistics are gathered, as autovacuum (PostgreSQL) or
        # a nightly ANALYZE would: without them the first queries ran on a guessed plan (seen
        # here: p95 2.7 s on PostgreSQL with p50 10 ms).
        connection.execute(text("ANALYZE"))


def queries(seed: int, count: int) -> list[tuple[str, SearchFilters]]:
    rng = random.Random(seed)
    made: list[tuple[str, SearchFilters]] = []
    for index in range(count):
        first = rng.choice(CLINICAL)
        second = rng.choice(COMMON if index % 2 else CLINICAL)
        made.append((f"{first} {second}", SearchFilters(doc_type=rng.choice(DOC_TYPES))))
    return made


def timed(call: Callable[[], object], repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - began)
    return best


def latencies(database: Database, cases: Sequence[tuple[str, SearchFilters]]) -> list[float]:
    times = []
    with database.session() as session:
        search(session, *cases[0])  # warm the cache
        for query, filters in cases:
            times.append(
                timed(lambda q=query, f=filters: search(session, q, f))  # type: ignore[misc]
            )
    return times


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(name: str, database: Database, documents: int, seed: int) -> list[str]:
    began = time.perf_counter()
    fill(database, documents, seed)
    loaded = time.perf_counter() - began
    rows = []
    rng = random.Random(seed + 1)
    sets: dict[str, list[tuple[str, SearchFilters]]] = {
        "two words + type filter": queries(seed + 2, 200),
        "two words": [(q, NO_FILTERS) for q, _ in queries(seed + 3, 100)],
        "one rare word": [
            (f"word{rng.randrange(10_000, VOCABULARY):05d}", NO_FILTERS) for _ in range(100)
        ],
        "prefix + type filter": [
            (f"{rng.choice(CLINICAL)[:5]}*", SearchFilters(doc_type=rng.choice(DOC_TYPES)))
            for _ in range(100)
        ],
    }
    for label, cases in sets.items():
        times = latencies(database, cases)
        rows.append(
            f"| {name} | {label} | {percentile(times, 0.5) * 1000:.1f} | "
            f"{percentile(times, 0.95) * 1000:.1f} | {statistics.mean(times) * 1000:.1f} |"
        )
    rows.append(f"| {name} | (loading {documents:,} documents) | | | {loaded:.0f} s total |")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rows = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="recordroom-bench-search-") as folder:
        sqlite = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        sqlite.migrate()
        rows += measure("SQLite FTS5", sqlite, args.documents, args.seed)
        sqlite.dispose()
    with running_postgres() as server:
        postgres = Database(server.create_database())
        postgres.migrate()
        rows += measure("PostgreSQL tsvector+GIN", postgres, args.documents, args.seed)
        postgres.dispose()
    print(f"\nSearch latency, {args.documents:,} documents (target: p95 ≤ 50 ms, two words + type)")
    print(
        f"load average (1 min) {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    )
    print("| backend | query | p50 ms | p95 ms | mean ms |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
