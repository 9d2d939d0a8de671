"""OCR speed and accuracy on a generated corpus, against raw tesseract and ocrmypdf.

Run as ``python -m bench.ocr``. The corpus (scanned PDF, fax TIFF fine and normal, phone photos,
born-digital PDFs) is written to a temporary folder with its known text; every tool reads the same
pages in the same run, so the ratios compare like with like on this machine.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from PIL import Image

from ocr import TesseractEngine
from ocr.quality import character_error_rate
from recordroom.core.settings import Settings
from synthetic.files import (
    SANS,
    SERIF,
    clinical_lines,
    photograph,
    render_page,
    speckle,
    to_fax,
    write_bilevel_pdf,
    write_fax_tiff,
    write_image_pdf,
    write_jpeg,
    write_text_pdf,
)

LANGUAGES = "eng+spa"


@dataclass
class Item:
    """One corpus file, its kind, its pages' known text, and the page images raw tesseract reads."""

    kind: str
    path: Path
    texts: list[str]
    page_images: list[Path] = field(default_factory=list)
    pdf_for_ocrmypdf: Path | None = None


def _tilted(page: Image.Image, rng: random.Random) -> Image.Image:
    angle = rng.uniform(-1.5, 1.5)
    return page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)


def _pages(seed: int, count: int) -> tuple[list[Image.Image], list[str]]:
    """Pages of known text in the fonts and sizes offices print: sans and serif, 10 to 12 pt."""
    rng = random.Random(seed)
    texts = ["\n".join(clinical_lines(seed * 1000 + n, count=24)) for n in range(count)]
    pages = [
        render_page(
            text.split("\n"),
            font_path=rng.choice((SANS, SERIF)),
            point_size=rng.choice((10, 11, 12)),
        )
        for text in texts
    ]
    return pages, texts


def make_scans(folder: Path, count: int) -> Item:
    rng = random.Random(1)
    pages, texts = _pages(1, count)
    scans = [speckle(_tilted(page, rng), dots=300, seed=n) for n, page in enumerate(pages)]
    path = write_image_pdf(folder / "scan.pdf", scans)
    images = []
    for number, scan in enumerate(scans):
        images.append(folder / f"scan-{number:03}.png")
        scan.save(images[-1], dpi=(300, 300))
    return Item("scanned PDF 300 dpi", path, texts, images, path)


def make_fax(folder: Path, count: int, *, fine: bool, seed: int = 0) -> Item:
    seed = seed or (2 if fine else 3)
    rng = random.Random(seed)
    pages, texts = _pages(seed, count)
    pages = [_tilted(page, rng) for page in pages]
    if not fine:
        pages = [speckle(page, dots=400, seed=n) for n, page in enumerate(pages)]
    label = f"{'fine' if fine else 'normal'}-{seed}"
    path = write_fax_tiff(folder / f"fax-{label}.tif", pages, fine=fine)
    images = []
    for number, page in enumerate(pages):
        images.append(folder / f"fax-{label}-{number:03}.tif")
        dpi = (204, 196 if fine else 98)
        to_fax(page, fine=fine).save(images[-1], compression="group4", dpi=dpi)
    pdf = write_bilevel_pdf(folder / f"fax-{label}.pdf", pages, codec="ccitt", fine=fine)
    kind = "fax TIFF 204x196 (fine)" if fine else "fax TIFF 204x98 (normal)"
    return Item(kind, path, texts, images, pdf)


def make_photos(folder: Path, count: int) -> list[Item]:
    rng = random.Random(4)
    pages, texts = _pages(4, count)
    items = []
    for number, (page, text) in enumerate(zip(pages, texts, strict=True)):
        path = write_jpeg(
            folder / f"photo-{number:03}.jpg", photograph(page, angle=rng.uniform(-3, 3))
        )
        items.append(Item("phone photo JPEG", path, [text], [path]))
    return items


def make_born_digital(folder: Path, files: int, pages_each: int) -> list[Item]:
    items = []
    for number in range(files):
        texts = ["\n".join(clinical_lines(5000 + number * 100 + n, 24)) for n in range(pages_each)]
        path = write_text_pdf(folder / f"born-{number:03}.pdf", [t.split("\n") for t in texts])
        items.append(Item("born-digital PDF", path, texts))
    return items


@contextmanager
def peak_rss() -> Iterator[dict[str, int]]:
    """Sample the resident memory of this process's descendants (pool workers and their
    tesseracts); the peak per process name ends up in the yielded dict (bytes)."""
    peaks: dict[str, int] = {}
    stop = threading.Event()

    def sample() -> None:
        me = psutil.Process()
        while not stop.is_set():
            for child in me.children(recursive=True):
                try:
                    name = child.name()
                    peaks[name] = max(peaks.get(name, 0), child.memory_info().rss)
                except psutil.Error:
                    continue
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peaks
    finally:
        stop.set()
        sampler.join()


@dataclass
class Run:
    """One tool's pass over a set of pages: wall-clock and CPU seconds, and its errors."""

    pages: int
    wall: float
    cpu: float
    errors: dict[str, list[float]] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.pages / self.wall


def cpu_seconds() -> float:
    """CPU used so far by this process and all its descendants, finished or still running (the
    pool workers, whose finished tesseracts count in their children's times)."""
    used = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        used += usage.ru_utime + usage.ru_stime
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        used += times.user + times.system + times.children_user + times.children_system
    return used


@contextmanager
def timed(run: Run) -> Iterator[Run]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    yield run
    run.wall = time.perf_counter() - wall
    run.cpu = cpu_seconds() - cpu


def run_recordroom(
    engine: TesseractEngine, items: Sequence[Item], *, pdfs: bool = False, files_at_once: int = 1
) -> Run:
    """Each file through ``engine.extract``, one after another, or ``files_at_once`` at a time
    from as many threads (as several intake workers share one machine)."""
    paths = [item.pdf_for_ocrmypdf if pdfs else item.path for item in items]
    with (
        timed(Run(sum(len(item.texts) for item in items), 0.0, 0.0)) as run,
        ThreadPoolExecutor(files_at_once) as files,
    ):
        results = list(files.map(lambda path: engine.extract(path), paths))  # type: ignore[arg-type]
    for item, result in zip(items, results, strict=True):
        for text, page in zip(item.texts, result.pages, strict=True):
            run.errors.setdefault(item.kind, []).append(character_error_rate(text, page.text))
    return run


def _tesseract_one(image: Path) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = ["tesseract", str(image), "stdout", "-l", LANGUAGES]
    done = subprocess.run(command, capture_output=True, check=True, env=env)
    return done.stdout.decode("utf-8")


def run_raw_tesseract(items: Sequence[Item], workers: int) -> Run:
    jobs = [(item, n, image) for item in items for n, image in enumerate(item.page_images)]
    with timed(Run(len(jobs), 0.0, 0.0)) as run, ThreadPoolExecutor(workers) as pool:
        texts = list(pool.map(lambda job: _tesseract_one(job[2]), jobs))
    for (item, number, _image), text in zip(jobs, texts, strict=True):
        run.errors.setdefault(item.kind, []).append(character_error_rate(item.texts[number], text))
    return run


def run_ocrmypdf(items: Sequence[Item], workers: int, folder: Path) -> Run:
    with timed(Run(sum(len(item.texts) for item in items), 0.0, 0.0)) as run:
        for item in items:
            assert item.pdf_for_ocrmypdf is not None
            output = folder / f"ocrmypdf-{item.pdf_for_ocrmypdf.name}"
            command = ["ocrmypdf", "--force-ocr", "--output-type", "pdf", "-j", str(workers)]
            command += ["-l", LANGUAGES, "--quiet", str(item.pdf_for_ocrmypdf), str(output)]
            subprocess.run(command, check=True)
    return run


def fastest(runs: Sequence[Run]) -> Run:
    """The least disturbed of repeated runs: other work on a shared machine only adds time."""
    return min(runs, key=lambda run: run.wall)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def print_table(rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[col]) for row in rows) for col in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def make_corpus(folder: Path, args: argparse.Namespace) -> dict[str, list[Item]]:
    scan = make_scans(folder, args.scan_pages)
    fine = make_fax(folder, args.fax_pages, fine=True)
    normal = make_fax(folder, args.normal_fax_pages, fine=False)
    fine_pdf = make_fax(
        folder, args.scan_pages, fine=True, seed=6
    )  # a shorter fine fax for ocrmypdf
    photos = make_photos(folder, args.photos)
    return {
        "scanned": [scan, fine, normal, *photos],
        "pdfs": [scan, fine_pdf, normal],
        "born": make_born_digital(folder, 5, 10),
    }


def measure(args: argparse.Namespace, folder: Path) -> tuple[dict[str, Run], dict[str, int]]:
    """The best run of each tool over ``args.rounds`` interleaved rounds, and peak memory."""
    corpus = make_corpus(folder, args)
    rounds: dict[str, list[Run]] = {}
    peaks: dict[str, int] = {}
    with TesseractEngine(Settings(ocr_workers=args.workers)) as engine:
        engine.extract(corpus["pdfs"][0].path)  # start the worker pool outside the timings
        for number in range(args.rounds):
            print(f"round {number + 1} of {args.rounds}: recordroom ...", flush=True)
            with peak_rss() as round_peaks:
                rounds.setdefault("ours", []).append(run_recordroom(engine, corpus["scanned"]))
            for name, rss in round_peaks.items():
                peaks[name] = max(rss, peaks.get(name, 0))
            rounds.setdefault("ours_2", []).append(
                run_recordroom(engine, corpus["scanned"], files_at_once=2)
            )
            rounds.setdefault("ours_pdf", []).append(
                run_recordroom(engine, corpus["pdfs"], pdfs=True)
            )
            rounds.setdefault("born", []).append(run_recordroom(engine, corpus["born"]))
            print(f"round {number + 1} of {args.rounds}: raw tesseract ...", flush=True)
            rounds.setdefault("raw", []).append(run_raw_tesseract(corpus["scanned"], args.workers))
            print(f"round {number + 1} of {args.rounds}: ocrmypdf ...", flush=True)
            rounds.setdefault("ocrmypdf", []).append(
                run_ocrmypdf(corpus["pdfs"], args.workers, folder)
            )
    return {name: fastest(runs) for name, runs in rounds.items()}, peaks


def print_speed(best: dict[str, Run], workers: int) -> None:
    raw, ocrmypdf, born = best["raw"], best["ocrmypdf"], best["born"]

    def row(label: str, run: Run, against: Run | None = None, target: str = "") -> tuple[str, ...]:
        cpu = f"{run.cpu / run.pages:.2f}" if run.pages else "-"
        ratio = f"{run.rate / against.rate:.2f}x" if against is not None else ""
        return (label, str(run.pages), f"{run.wall:.1f}", f"{run.rate:.2f}", cpu, ratio, target)

    print(f"OCR speed: {workers} workers, languages {LANGUAGES}, best of the rounds")
    print_table(
        [
            ("measure", "pages", "seconds", "pages/s", "CPU s/page", "ratio", "target"),
            row("raw tesseract CLI in parallel, page images", raw),
            row("recordroom, same pages, one file at a time", best["ours"], raw, ">= 0.9x"),
            row("recordroom, same pages, two files at a time", best["ours_2"], raw, ">= 0.9x"),
            row("ocrmypdf --force-ocr, scanned/faxed PDFs", ocrmypdf),
            row("recordroom, same PDFs, one file at a time", best["ours_pdf"], ocrmypdf, ">= 1.2x"),
            row("recordroom, born-digital PDFs", born, None, ">= 50 pages/s"),
        ]
    )
    print("ratio: recordroom's pages/s over raw tesseract's, or over ocrmypdf's for the PDFs")


def print_accuracy(best: dict[str, Run]) -> None:
    targets = {
        "scanned PDF 300 dpi": "<= 2%",
        "fax TIFF 204x196 (fine)": "<= 2%",
        "fax TIFF 204x98 (normal)": "<= 4%",
        "phone photo JPEG": "",
        "born-digital PDF": "",
    }
    print("Character error rate against the known text (mean per page)")
    rows = [("kind of input", "pages", "recordroom CER", "raw tesseract CER", "target")]
    for kind, target in targets.items():
        ours = best["ours"].errors.get(kind) or best["born"].errors.get(kind) or []
        raw = best["raw"].errors.get(kind, [])
        raw_cell = f"{_mean(raw):.2%}" if raw else "-"
        rows.append((kind, str(len(ours)), f"{_mean(ours):.2%}", raw_cell, target))
    print_table(rows)


def print_memory(peaks: dict[str, int], fax_pages: int) -> None:
    worker = max((rss for name, rss in peaks.items() if "tesseract" not in name), default=0)
    tess = max((rss for name, rss in peaks.items() if "tesseract" in name), default=0)
    print(
        f"Peak RSS while reading the {fax_pages}-page fax and the rest: "
        f"worker {worker / 2**20:.0f} MB (target < 500 MB), its tesseract {tess / 2**20:.0f} MB"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scan-pages", type=int, default=10)
    parser.add_argument("--fax-pages", type=int, default=50, help="pages of the fine fax (RSS)")
    parser.add_argument("--normal-fax-pages", type=int, default=10)
    parser.add_argument("--photos", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="recordroom-bench-") as tmp:
        print(f"making the corpus in {tmp} ...", flush=True)
        best, peaks = measure(args, Path(tmp))
    print()
    print_speed(best, args.workers)
    print()
    print_accuracy(best)
    print()
    print_memory(peaks, args.fax_pages)


if __name__ == "__main__":
    main()
