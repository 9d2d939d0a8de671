"""Bench: is a re-sent fax recognised, and are different documents kept apart?

Same-document pairs: one made-up document (training.generate, every type) as two copies that went
through different roads: another fax banner, OCR-like character damage at several rates, lines
reflowed, the top or bottom cut off (a photo), digits misread; and for a few, really rendered and
OCR'd as a 204×98 fax, a skewed scan and a phone photo.

Different-document pairs that share their words: one form filled in for two patients (the same
template, layout and dates; other name, birth date, MRN), one test repeated for one patient a week
later (other dates and result values), and two notes of one type for two patients.

Each pair is judged by the SimHash this replaced (3 bits, digits left out), by MinHash alone, and
by MinHash with the identifying-values guard (what intake uses). Then the lookup: the time to find
a new document's candidates and judge them with 100,000 documents indexed in SQLite. Then mail:
messages a minute through ``mail --once`` against a real dovecot, beside ``ingest`` of the same
files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert

from indexer.database import Database
from indexer.documents import near_duplicate_candidates
from indexer.models import DocumentRow, NearDuplicateKeyRow
from intake import dedupe
from recordroom.core import DOC_TYPES
from training.generate import generate_lines, random_patient

FORM_TYPES = (
    "authorization",
    "records_request",
    "intake_form",
    "referral",
    "prior_authorization",
    "rx_refill_request",
    "eob",
    "lab_report",
)
NOTE_TYPES = ("progress_note", "consult_note", "discharge_summary", "imaging_report", "ed_note")
CONFUSABLE = {"l": "1", "O": "0", "o": "0", "i": "l", "e": "c", "S": "5", "B": "8", "a": "o"}
DIGIT_AS_LETTER = {"0": "O", "1": "l", "5": "S", "8": "B"}


@dataclass(frozen=True, slots=True)
class Pair:
    kind: str
    same: bool
    first: str
    second: str


# -- degradations -------------------------------------------------------------------------------


def ocr_noise(rng: random.Random, text: str, rate: float) -> str:
    """Character damage as OCR does it: look-alikes, drops, a digit read as a letter and, rarely,
    as another digit."""
    out = []
    for char in text:
        roll = rng.random()
        if char.isdigit():
            if roll < rate / 20:
                out.append(str(rng.randrange(10)))
            elif roll < rate and char in DIGIT_AS_LETTER:
                out.append(DIGIT_AS_LETTER[char])
            else:
                out.append(char)
        elif roll < rate and char in CONFUSABLE:
            out.append(CONFUSABLE[char])
        elif roll < rate * 1.3 and char.isalpha():
            continue
        else:
            out.append(char)
    return "".join(out)


def banner(rng: random.Random) -> str:
    day = dt.date(2026, 11, 1) + dt.timedelta(days=rng.randrange(28))
    page = rng.randint(1, 3)
    return rng.choice(
        (
            f"{day:%m/%d/%Y} {rng.randint(7, 18):02d}:{rng.randint(0, 59):02d} FAX "
            f"{rng.randint(200, 999)} {rng.randint(200, 999)} {rng.randint(1000, 9999)} "
            f"P.{page:03d}/{page + 1:03d}",
            f"{day:%b-%d-%Y} {rng.randint(1, 12)}:{rng.randint(0, 59):02d}PM From: "
            f"{rng.randint(2000000000, 9999999999)} Page {page} of {page + 1}",
        )
    )


def without_banner(lines: list[str]) -> list[str]:
    return [line for line in lines if not re.search(r"\d{1,2}:\d{2}.*(FROM|P\.\d)", line)]


def split_lines(rng: random.Random, lines: list[str]) -> list[str]:
    """A skewed page read line by line: some lines come out broken in two."""
    out = []
    for line in lines:
        words = line.split()
        if len(words) > 3 and rng.random() < 0.3:
            cut = rng.randint(1, len(words) - 1)
            out += [" ".join(words[:cut]), " ".join(words[cut:])]
        else:
            out.append(line)
    return out


DEGRADATIONS: dict[str, Callable[[random.Random, list[str]], list[str]]] = {
    "re-sent, new banner": lambda rng, lines: [banner(rng), *lines],
    "another fax machine": lambda rng, lines: [
        banner(rng),
        *(ocr_noise(rng, line, 0.02) for line in lines),
    ],
    "skewed scan (lines broken)": lambda rng, lines: split_lines(
        rng, [ocr_noise(rng, line, 0.03) for line in lines]
    ),
    "phone photo (edge cut)": lambda rng, lines: [
        ocr_noise(rng, line, 0.04)
        for line in lines[rng.randint(0, 2) : len(lines) - rng.randint(0, 2)]
    ],
}


# -- pairs --------------------------------------------------------------------------------------


def base_lines(seed: int, doc_type: str, patient_seed: int) -> list[str]:
    patient = random_patient(random.Random(patient_seed))
    return without_banner(generate_lines(random.Random(seed), doc_type, patient, noise=False))


def same_pairs(count: int, rng: random.Random) -> list[Pair]:
    pairs = []
    kinds = list(DEGRADATIONS)
    for n in range(count):
        lines = base_lines(1000 + n, rng.choice(DOC_TYPES), 5000 + n)
        kind = kinds[n % len(kinds)]
        first = [banner(rng), *(ocr_noise(rng, line, 0.01) for line in lines)]
        pairs.append(Pair(kind, True, "\n".join(first), "\n".join(DEGRADATIONS[kind](rng, lines))))
    return pairs


def next_week(rng: random.Random, lines: list[str]) -> list[str]:
    """The same test a week later: every date moved on, every result value changed."""

    def later(match: re.Match[str]) -> str:
        month, day, year = (int(g) for g in match.groups())
        try:
            moved = dt.date(year if year > 99 else 2000 + year, month, day) + dt.timedelta(7)
        except ValueError:
            return match.group()
        return f"{moved.month:02d}/{moved.day:02d}/{moved.year}"

    def other_value(match: re.Match[str]) -> str:
        value = float(match.group())
        return f"{value * rng.uniform(0.7, 1.3) + 0.1:.{len(match.group().split('.')[1])}f}"

    out = []
    for line in lines:
        line = re.sub(r"\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b", later, line)
        out.append(re.sub(r"\b\d+\.\d+\b", other_value, line))
    return out


def different_pairs(count: int, rng: random.Random) -> list[Pair]:
    pairs = []
    for n in range(count):
        seed, patient = 20000 + n, 30000 + 2 * n
        roll = n % 5
        if roll < 3:  # one form, two patients: same template, layout and dates
            doc_type = FORM_TYPES[n % len(FORM_TYPES)]
            a, b = base_lines(seed, doc_type, patient), base_lines(seed, doc_type, patient + 1)
            kind = "one form, two patients"
        elif roll == 3:  # one test, one patient, a week later
            a = base_lines(seed, "lab_report", patient)
            b = next_week(rng, a)
            kind = "one test, a week later"
        else:  # two notes of one type for two patients
            doc_type = NOTE_TYPES[n % len(NOTE_TYPES)]
            a, b = base_lines(seed, doc_type, patient), base_lines(seed + 1, doc_type, patient + 1)
            kind = "one note type, two patients"
        first = "\n".join(ocr_noise(rng, line, 0.01) for line in a)
        second = "\n".join([banner(rng), *(ocr_noise(rng, line, 0.01) for line in b)])
        if a != b:
            pairs.append(Pair(kind, False, first, second))
    return pairs


def rendered_pairs(count: int, rng: random.Random) -> list[Pair]:
    """Really rendered and OCR'd: the clean page, then a 204×98 fax, a skewed scan, a photo."""
    from ocr import TesseractEngine
    from recordroom.core.settings import load_settings
    from synthetic import files as samples

    pairs = []
    settings = load_settings(environ={}, cwd=Path(tempfile.gettempdir()))
    with tempfile.TemporaryDirectory() as tmp, TesseractEngine(settings) as engine:
        folder = Path(tmp)

        def read(path: Path) -> str:
            return engine.extract(path, make_searchable_pdf=False).text

        for n in range(count):
            lines = base_lines(40000 + n, FORM_TYPES[n % len(FORM_TYPES)], 41000 + n)[:34]
            page = samples.render_page(lines, point_size=10)
            clean = read(samples.write_png(folder / f"{n}.png", page))
            roads = {
                "rendered: 204×98 fax": samples.write_fax_tiff(
                    folder / f"{n}.tif", [page], fine=False
                ),
                "rendered: skewed scan": samples.write_png(
                    folder / f"{n}-skew.png",
                    page.rotate(2.5, expand=True, fillcolor=255),
                ),
                "rendered: phone photo": samples.write_jpeg(
                    folder / f"{n}-photo.jpg", samples.photograph(page, seed=n)
                ),
            }
            for kind, path in roads.items():
                pairs.append(Pair(kind, True, clean, read(path)))
    return pairs


# -- judging ------------------------------------------------------------------------------------


def judge_simhash(pair: Pair) -> bool:
    a, b = dedupe.simhash(pair.first), dedupe.simhash(pair.second)
    return a is not None and b is not None and dedupe.simhash_near(a, b)


def judge_minhash(pair: Pair) -> bool:
    a = dedupe.fingerprint(pair.first.split("\f"))
    b = dedupe.fingerprint(pair.second.split("\f"))
    if a.minhash is None or b.minhash is None:
        return False
    return dedupe.text_similarity(a.minhash, b.minhash) >= dedupe.TEXT_THRESHOLD


def judge_guarded(pair: Pair) -> bool:
    """As intake judges: the earlier copy must be found through a shared LSH band first."""
    a = dedupe.fingerprint(pair.first.split("\f"))
    b = dedupe.fingerprint(pair.second.split("\f"))
    return bool(set(a.bands()) & set(b.bands())) and dedupe.similarity(a, b) is not None


JUDGES = {
    "SimHash (before)": judge_simhash,
    "MinHash alone": judge_minhash,
    "MinHash + identifiers": judge_guarded,
}


def print_accuracy(pairs: Sequence[Pair]) -> dict[str, tuple[float, float]]:
    kinds = list(dict.fromkeys(p.kind for p in pairs))
    print(f"{'pairs':<34}{'n':>5}" + "".join(f"{name:>24}" for name in JUDGES))
    verdicts = {name: [judge(p) for p in pairs] for name, judge in JUDGES.items()}
    for kind in kinds:
        members = [i for i, p in enumerate(pairs) if p.kind == kind]
        same = pairs[members[0]].same
        cells = []
        for name in JUDGES:
            hits = sum(verdicts[name][i] for i in members)
            cells.append(f"{hits / len(members):>23.1%}{'' if same else '!'}")
        label = ("same: " if same else "diff: ") + kind
        print(f"{label:<34}{len(members):>5}" + "".join(cells))
    totals = {}
    same_ix = [i for i, p in enumerate(pairs) if p.same]
    diff_ix = [i for i, p in enumerate(pairs) if not p.same]
    print(f"{'detected (same pairs)':<34}{len(same_ix):>5}", end="")
    for name in JUDGES:
        rate = sum(verdicts[name][i] for i in same_ix) / len(same_ix)
        totals[name] = (rate, 0.0)
        print(f"{rate:>24.1%}", end="")
    print()
    print(f"{'false duplicates (diff pairs)':<34}{len(diff_ix):>5}", end="")
    for name in JUDGES:
        rate = sum(verdicts[name][i] for i in diff_ix) / len(diff_ix)
        totals[name] = (totals[name][0], rate)
        print(f"{rate:>24.1%}", end="")
    print("\n(! = a different-document pair judged a duplicate: lower is better)")
    return totals


# -- lookup at scale ----------------------------------------------------------------------------


def lookup_times(indexed: int, generated: int, probes: Sequence[Pair]) -> list[float]:
    """Milliseconds per new document: candidates through the LSH index, then judged, with
    ``indexed`` documents stored (``generated`` of them made-up documents of every type, the
    rest random signatures)."""
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{tmp}/bench.db")
        database.migrate()
        now = dt.datetime.now(dt.UTC)
        fingerprints = []
        for n in range(generated):
            text = "\n".join(base_lines(60000 + n, DOC_TYPES[n % len(DOC_TYPES)], 70000 + n))
            fingerprints.append(dedupe.fingerprint([text]))
        for probe in probes:
            fingerprints.append(dedupe.fingerprint(probe.first.split("\f")))
        empty_ids = dedupe.identifiers_json(dedupe.Identifiers(frozenset()))
        with database.engine.begin() as connection:
            batch_docs: list[dict[str, object]] = []
            batch_keys: list[dict[str, object]] = []
            for n in range(indexed):
                fp = fingerprints[n] if n < len(fingerprints) else None
                if fp is None or fp.minhash is None:
                    fp = dedupe.Fingerprint(
                        rng.randbytes(dedupe.PERMUTATIONS * 4),
                        None,
                        dedupe.Identifiers(frozenset()),
                    )
                doc_id = uuid.UUID(int=rng.getrandbits(128)).hex
                batch_docs.append(_document_row(doc_id, now, fp, empty_ids))
                batch_keys.extend(
                    {"document_id": doc_id, "band": b, "value": v} for b, v in fp.bands()
                )
                if len(batch_docs) >= 5000:
                    connection.execute(insert(DocumentRow), batch_docs)
                    connection.execute(insert(NearDuplicateKeyRow), batch_keys)
                    batch_docs, batch_keys = [], []
            if batch_docs:
                connection.execute(insert(DocumentRow), batch_docs)
                connection.execute(insert(NearDuplicateKeyRow), batch_keys)
        times = []
        since = now - dt.timedelta(days=30)
        with database.session() as session:
            for probe in probes:
                start = time.perf_counter()
                fp = dedupe.fingerprint(probe.second.split("\f"))
                for earlier in near_duplicate_candidates(session, fp.bands(), since=since):
                    if (
                        dedupe.likeness(fp.minhash, None, earlier.minhash, None) is None
                    ):  # as intake does: identifying values read only for close texts
                        continue
                    dedupe.similarity(
                        fp,
                        dedupe.Fingerprint(
                            earlier.minhash,
                            earlier.image_hash,
                            dedupe.identifiers_from_json(earlier.identifiers),
                        ),
                    )
                times.append((time.perf_counter() - start) * 1000)
        database.dispose()
    return times


def _document_row(
    doc_id: str, now: dt.datetime, fp: dedupe.Fingerprint, identifiers: str
) -> dict[str, object]:
    return {
        "id": doc_id,
        "sha256": doc_id * 2,
        "source_name": "bench.pdf",
        "media_type": "application/pdf",
        "size": 1,
        "received_at": now,
        "page_count": 1,
        "source_pages": "1",
        "doc_type": "other",
        "doc_type_confidence": 0.0,
        "patient_confidence": 0.0,
        "needs_review": False,
        "review_reasons": "",
        "original_key": "bench",
        "minhash": fp.minhash,
        "identifiers": dedupe.identifiers_json(fp.identifiers)
        if fp.identifiers.values
        else identifiers,
        "created_at": now,
    }


# -- mail -----------------------------------------------------------------------------------------


def mail_throughput(messages: int) -> tuple[float, float]:
    """(messages a minute through ``mail --once``, files a minute through ``ingest``), the same
    born-digital PDFs, one a message, each run into its own empty data folder."""
    from email.message import EmailMessage
    from email.utils import make_msgid

    from recordroom.core.actor import Actor
    from recordroom.core.settings import load_settings
    from recordroom.usecases.ingest import ingest_files
    from recordroom.usecases.mail import fetch_mail_once
    from recordroom.wiring import open_context
    from synthetic import files as samples
    from tests.services import MAIL_PASSWORD, Dovecot

    root = Path(tempfile.mkdtemp(prefix="recordroom-bench-dovecot-"))
    os.chmod(root, 0o755)
    server = Dovecot(root / "dovecot")
    server.start()
    try:
        files = []
        for n in range(messages):
            lines = base_lines(80000 + n, "referral", 81000 + n)
            files.append(samples.write_text_pdf(root / f"referral-{n}.pdf", [lines[:40]]))
        for path in files:
            message = EmailMessage()
            message["From"] = "fax@efax.example"
            message["Subject"] = "eFax message from 5551234567 - 1 page(s)"
            message["Message-ID"] = make_msgid()
            message.set_content("fax attached")
            message.add_attachment(
                path.read_bytes(), "application", "octet-stream", filename="fax.dat"
            )
            server.append(message.as_bytes())
        (root / "pw").write_text(MAIL_PASSWORD, encoding="utf-8")
        mail_settings = load_settings(
            environ={
                "RECORDROOM_HOME": str(root / "mail-home"),
                "RECORDROOM_INBOX": str(root / "mail-inbox"),
                "RECORDROOM_MAIL_URL": server.url,
                "RECORDROOM_MAIL_PASSWORD_FILE": str(root / "pw"),
            },
            cwd=root,
        )
        actor = Actor("system:bench", door="mail")
        # Each run from a cold start: the context opens the database, OCR engine and model.
        start = time.perf_counter()
        with open_context(mail_settings) as ctx:
            [result] = fetch_mail_once(ctx, actor)
        mail_seconds = time.perf_counter() - start
        assert result.run is not None and result.run.processed == messages, result
        ingest_settings = mail_settings.with_changes(
            home=root / "ingest-home", inbox=root / "ingest-inbox", mail_url=""
        )
        start = time.perf_counter()
        with open_context(ingest_settings) as ctx:
            ingest_files(ctx, actor, files)
        ingest_seconds = time.perf_counter() - start
    finally:
        server.stop()
    return messages / mail_seconds * 60, messages / ingest_seconds * 60


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--same", type=int, default=240, help="same-document pairs (text)")
    parser.add_argument("--different", type=int, default=250, help="different-document pairs")
    parser.add_argument("--rendered", type=int, default=6, help="documents rendered and OCR'd ×3")
    parser.add_argument("--indexed", type=int, default=100_000)
    parser.add_argument("--generated", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=20)
    args = parser.parse_args(argv)
    rng = random.Random(19)
    pairs = same_pairs(args.same, rng) + different_pairs(args.different, rng)
    if args.rendered:
        print(f"rendering and OCR'ing {args.rendered} documents three ways ...", flush=True)
        pairs += rendered_pairs(args.rendered, rng)
    print()
    totals = print_accuracy(pairs)
    detected, false_rate = totals["MinHash + identifiers"]
    print(
        f"\nintake (MinHash + identifiers): detected {detected:.1%} (goal ≥ 95%), "
        f"false duplicates {false_rate:.2%} (goal ≤ 0.5%)"
    )
    if args.indexed:
        print(f"\nindexing {args.indexed:,} documents ({args.generated:,} made-up) ...", flush=True)
        probes = [p for p in pairs if p.same][:200]
        times = sorted(lookup_times(args.indexed, args.generated, probes))
        print(
            f"lookup per new document with {args.indexed:,} indexed: median "
            f"{statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95)]:.1f} ms, "
            f"max {times[-1]:.1f} ms (goal ≤ 20 ms)"
        )
    if args.messages:
        print(f"\nmail: {args.messages} messages through dovecot ...", flush=True)
        mail_rate, ingest_rate = mail_throughput(args.messages)
        print(
            f"mail --once: {mail_rate:.0f} messages/min; ingest of the same files: "
            f"{ingest_rate:.0f} files/min"
        )


if __name__ == "__main__":
    main()
