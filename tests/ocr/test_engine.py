"""Every kind of input through the real engine and the real tesseract, asserting on the text."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pdfplumber
import psutil
import pytest
from PIL import Image

from ocr import TesseractEngine, tesseract
from ocr.quality import character_error_rate
from recordroom.core import (
    OcrEngine,
    OcrEngineError,
    OcrFailedOnFileError,
    OcrResult,
    QuarantineError,
)
from recordroom.core.settings import Settings
from synthetic.files import (
    SPANISH_LINES,
    photograph,
    render_page,
    speckle,
    write_bilevel_pdf,
    write_cid_pdf,
    write_fax_tiff,
    write_g3_fax_tiff,
    write_image_pdf,
    write_jpeg,
    write_mixed_pdf,
    write_png,
    write_scan_with_bad_ocr_layer,
    write_text_pdf,
)
from tests.ocr.conftest import LINES, OTHER_LINES, text_of
from tests.queue import wait_until

EXPECTED = text_of(LINES)
OTHER = text_of(OTHER_LINES)


def assert_reads(result: OcrResult, number: int, expected: str, max_cer: float = 0.02) -> None:
    page = result.pages[number - 1]
    assert page.number == number
    assert character_error_rate(expected, page.text) <= max_cer, page.method


def assert_ocr_pages_are_upright_images(result: OcrResult) -> None:
    for page, png in zip(result.pages, result.page_images, strict=True):
        if page.method == "ocr":
            with Image.open(io.BytesIO(png)) as image:
                assert image.format == "PNG"
                assert (image.width, image.height) == (page.width_px, page.height_px)
                assert image.height > image.width  # letter portrait, upright


def test_born_digital_pdf_uses_its_text_layer(engine: TesseractEngine, sample_dir: Path) -> None:
    path = write_text_pdf(sample_dir / "born.pdf", [LINES, OTHER_LINES])
    result = engine.extract(path)
    assert [page.method for page in result.pages] == ["text_layer", "text_layer"]
    assert all(page.confidence is None and page.width_px is None for page in result.pages)
    assert result.page_images == ()  # never rasterised
    assert result.searchable_pdf == path.read_bytes()  # already searchable: the original
    assert_reads(result, 1, EXPECTED, max_cer=0.0)
    assert_reads(result, 2, OTHER, max_cer=0.0)


def test_image_only_pdf_is_ocrd(
    engine: TesseractEngine, sample_dir: Path, page: Image.Image
) -> None:
    result = engine.extract(write_image_pdf(sample_dir / "scan.pdf", [page]))
    (only,) = result.pages
    assert only.method == "ocr"
    assert only.confidence is not None and only.confidence > 80
    assert only.rotation == 0
    assert result.low_confidence_pages == ()
    assert_reads(result, 1, EXPECTED)
    assert_ocr_pages_are_upright_images(result)


def test_cid_text_layer_is_ocrd(engine: TesseractEngine, sample_dir: Path) -> None:
    path = write_cid_pdf(sample_dir / "cid.pdf", [LINES])
    with pdfplumber.open(path) as pdf:
        assert "(cid:" in pdf.pages[0].extract_text()  # the trap is really there
    result = engine.extract(path)
    assert result.pages[0].method == "ocr"
    assert_reads(result, 1, EXPECTED)


def test_scanners_bad_ocr_layer_is_replaced(
    engine: TesseractEngine, sample_dir: Path, page: Image.Image
) -> None:
    result = engine.extract(write_scan_with_bad_ocr_layer(sample_dir / "badlayer.pdf", page))
    assert result.pages[0].method == "ocr"
    assert_reads(result, 1, EXPECTED)


@pytest.mark.slow
def test_mixed_pdf_gets_each_page_its_treatment(
    engine: TesseractEngine, sample_dir: Path, other_page: Image.Image
) -> None:
    born = write_text_pdf(sample_dir / "part-born.pdf", [LINES])
    scan = write_image_pdf(sample_dir / "part-scan.pdf", [other_page])
    result = engine.extract(write_mixed_pdf(sample_dir / "mixed.pdf", [born, scan, born]))
    assert [page.method for page in result.pages] == ["text_layer", "ocr", "text_layer"]
    assert [len(png) > 0 for png in result.page_images] == [False, True, False]
    assert_reads(result, 1, EXPECTED, max_cer=0.0)
    assert_reads(result, 2, OTHER)
    assert_reads(result, 3, EXPECTED, max_cer=0.0)
    assert result.searchable_pdf is not None
    with pdfplumber.open(io.BytesIO(result.searchable_pdf)) as pdf:
        texts = [p.extract_text() or "" for p in pdf.pages]
    assert len(texts) == 3
    assert character_error_rate(EXPECTED, texts[0]) == 0.0
    assert character_error_rate(OTHER, texts[1]) <= 0.02


@pytest.mark.slow
@pytest.mark.parametrize(("fine", "max_cer"), [(True, 0.02), (False, 0.04)])
def test_two_page_g4_fax_tiff(
    engine: TesseractEngine,
    sample_dir: Path,
    page: Image.Image,
    other_page: Image.Image,
    fine: bool,
    max_cer: float,
) -> None:
    name = "fine.tif" if fine else "normal.tif"
    result = engine.extract(write_fax_tiff(sample_dir / name, [page, other_page], fine=fine))
    assert [p.method for p in result.pages] == ["ocr", "ocr"]
    assert [p.rotation for p in result.pages] == [0, 0]
    assert_reads(result, 1, EXPECTED, max_cer)
    assert_reads(result, 2, OTHER, max_cer)
    # Square pixels: a letter page keeps its shape (8.5 x 11) once resampled.
    first = result.pages[0]
    assert first.width_px is not None and first.height_px is not None
    assert first.height_px / first.width_px == pytest.approx(11 / 8.5, rel=0.02)
    assert_ocr_pages_are_upright_images(result)


def test_png(engine: TesseractEngine, sample_dir: Path, page: Image.Image) -> None:
    result = engine.extract(write_png(sample_dir / "page.png", speckle(page, seed=5)))
    assert_reads(result, 1, EXPECTED)


def test_jpeg_photo_skewed_on_grey(
    engine: TesseractEngine, sample_dir: Path, page: Image.Image
) -> None:
    result = engine.extract(write_jpeg(sample_dir / "photo.jpg", photograph(page, angle=3.0)))
    assert result.pages[0].method == "ocr"
    assert_reads(result, 1, EXPECTED)


@pytest.mark.slow
@pytest.mark.parametrize("clockwise", [180, 90, 270])
def test_turned_pages_are_made_upright(
    engine: TesseractEngine, sample_dir: Path, page: Image.Image, clockwise: int
) -> None:
    # A page lying turned counter-clockwise needs ``clockwise`` degrees clockwise to stand up.
    turned = page.rotate(clockwise, expand=True)
    result = engine.extract(write_png(sample_dir / f"turned-{clockwise}.png", turned))
    assert result.pages[0].rotation == clockwise
    assert_reads(result, 1, EXPECTED)
    assert_ocr_pages_are_upright_images(result)


def test_jbig2_in_pdf(engine: TesseractEngine, sample_dir: Path, page: Image.Image) -> None:
    path = write_bilevel_pdf(sample_dir / "jbig2.pdf", [page], codec="jbig2", fine=True)
    assert b"/JBIG2Decode" in path.read_bytes()
    result = engine.extract(path)
    assert result.pages[0].method == "ocr"
    assert_reads(result, 1, EXPECTED)


def test_ccitt_in_pdf_at_normal_fax_resolution(
    engine: TesseractEngine, sample_dir: Path, page: Image.Image
) -> None:
    path = write_bilevel_pdf(sample_dir / "ccitt.pdf", [page], codec="ccitt", fine=False)
    assert b"/CCITTFaxDecode" in path.read_bytes()
    result = engine.extract(path)
    assert_reads(result, 1, EXPECTED, max_cer=0.04)
    # Rasterised at the scan's own 204 dpi, not enlarged to 300.
    assert result.pages[0].width_px == pytest.approx(8.5 * 204, abs=2)


@pytest.mark.slow
def test_searchable_pdf_of_a_scan_holds_the_words(
    engine: TesseractEngine, sample_dir: Path, page: Image.Image, other_page: Image.Image
) -> None:
    result = engine.extract(write_fax_tiff(sample_dir / "search.tif", [page, other_page]))
    assert result.searchable_pdf is not None
    with pdfplumber.open(io.BytesIO(result.searchable_pdf)) as pdf:
        assert len(pdf.pages) == 2
        assert pdf.pages[0].width == pytest.approx(612, abs=2)  # letter size, from the dpi
        texts = [p.extract_text() or "" for p in pdf.pages]
    assert character_error_rate(EXPECTED, texts[0]) <= 0.02
    assert character_error_rate(OTHER, texts[1]) <= 0.02


def test_no_searchable_pdf_when_not_asked(
    engine: TesseractEngine, sample_dir: Path, page: Image.Image
) -> None:
    result = engine.extract(write_png(sample_dir / "nopdf.png", page), make_searchable_pdf=False)
    assert result.searchable_pdf is None
    assert_reads(result, 1, EXPECTED)


def test_low_confidence_pages_are_listed(sample_dir: Path, page: Image.Image) -> None:
    strict = TesseractEngine(Settings(ocr_workers=1, ocr_low_confidence=99.9))
    result = strict.extract(write_png(sample_dir / "strict.png", page), make_searchable_pdf=False)
    assert result.low_confidence_pages == (1,)


def test_blank_page_is_empty_not_low_confidence(engine: TesseractEngine, sample_dir: Path) -> None:
    blank = Image.new("L", (2550, 3300), 255)
    result = engine.extract(write_png(sample_dir / "blank.png", blank))
    assert result.pages[0].method == "empty"
    assert result.pages[0].text == ""
    assert result.low_confidence_pages == ()


def test_g3_fax_tiff(engine: TesseractEngine, sample_dir: Path, page: Image.Image) -> None:
    result = engine.extract(write_g3_fax_tiff(sample_dir / "g3.tif", [page], fine=False))
    assert_reads(result, 1, EXPECTED, max_cer=0.04)


def test_spanish_form_keeps_its_accents(engine: TesseractEngine, sample_dir: Path) -> None:
    scan = render_page(SPANISH_LINES)
    result = engine.extract(write_png(sample_dir / "autorizacion.png", scan))
    assert_reads(result, 1, "\n".join(SPANISH_LINES))
    for word in ("Núñez", "clínica", "médicos", "autorización", "año"):
        assert word in result.pages[0].text


def test_photo_without_a_believable_resolution(
    engine: TesseractEngine, sample_dir: Path, page: Image.Image
) -> None:
    path = sample_dir / "phone.jpg"
    photograph(page, angle=-2.0).convert("RGB").save(path, format="JPEG", dpi=(72, 72))
    result = engine.extract(path)
    assert_reads(result, 1, EXPECTED)
    assert result.searchable_pdf is not None
    with pdfplumber.open(io.BytesIO(result.searchable_pdf)) as pdf:
        assert pdf.pages[0].height / 72 == pytest.approx(11, rel=0.05)  # inches, not 47


def read_through_the_protocol(engine: OcrEngine, path: Path) -> OcrResult:
    """What intake does: it knows the engine only as an ``OcrEngine`` (mypy checks the call)."""
    return engine.extract(path, make_searchable_pdf=True)


def test_the_result_names_the_media_type_and_whether_the_original_is_searchable(
    engine: TesseractEngine, page: Image.Image, sample_dir: Path
) -> None:
    born = read_through_the_protocol(engine, write_text_pdf(sample_dir / "own.pdf", [LINES]))
    assert (born.media_type, born.original_is_searchable) == ("application/pdf", True)
    scanned = read_through_the_protocol(engine, write_image_pdf(sample_dir / "scan.pdf", [page]))
    assert (scanned.media_type, scanned.original_is_searchable) == ("application/pdf", False)
    assert scanned.searchable_pdf is not None and scanned.pages[0].method == "ocr"
    photo = read_through_the_protocol(engine, write_png(sample_dir / "photo.png", page))
    assert (photo.media_type, photo.original_is_searchable) == ("image/png", False)
    assert_reads(photo, 1, EXPECTED)


def test_files_read_ahead_are_not_read_again(
    settings: Settings, sample_dir: Path, page: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = sample_dir / "ahead"
    folder.mkdir()
    scan = write_png(folder / "scan.png", page)
    broken = folder / "broken.tif"
    broken.write_bytes(b"II*\x00" + b"\x00" * 40)
    link = folder / "link.png"
    link.symlink_to(scan)
    empty = folder / "empty.png"
    empty.touch()
    # Intake extracts its own private copy of each file (same name, same content).
    copies = sample_dir / "copies"
    copies.mkdir()
    with TesseractEngine(settings) as engine:
        reads: list[str] = []
        read = engine._extract

        def counted(path: Path, *, make_searchable_pdf: bool) -> OcrResult:
            reads.append(f"{'copy' if path.parent == copies else 'ahead'} {path.name}")
            return read(path, make_searchable_pdf=make_searchable_pdf)

        monkeypatch.setattr(engine, "_extract", counted)
        engine.read_ahead([scan, broken, link, empty, folder / "gone.png"])
        copy = copies / "scan.png"
        copy.write_bytes(scan.read_bytes())
        result = engine.extract(copy)
        assert_reads(result, 1, EXPECTED)
        assert result.searchable_pdf
        # A file the read ahead failed on is read again where it is taken, and fails there.
        (copies / "broken.tif").write_bytes(broken.read_bytes())
        with pytest.raises(QuarantineError, match=r"broken\.tif"):
            engine.extract(copies / "broken.tif")
        # The link and the empty file were never read.
        assert sorted(reads) == ["ahead broken.tif", "ahead scan.png", "copy broken.tif"]
        # Read again when asked for no searchable PDF, or once the read-ahead result was taken.
        engine.extract(copy, make_searchable_pdf=False)
        engine.extract(copy)
        assert reads[3:] == ["copy scan.png", "copy scan.png"]


def tesseract_loaded_here() -> bool:
    """Run in a pool worker: whether it has loaded tesseract. Each call holds its worker a
    moment, so calls sent together are taken by different workers."""
    time.sleep(0.5)
    return bool(tesseract._loaded.__dict__.get("readers"))


def tesseract_loaded_in_workers(engine: TesseractEngine, workers: int) -> list[bool]:
    calls = [engine._submit(tesseract_loaded_here) for _ in range(workers)]
    return [call.result() for call in calls]


def test_workers_load_tesseract_at_start_or_at_their_first_page_that_needs_it(
    settings: Settings, sample_dir: Path, page: Image.Image
) -> None:
    folder = sample_dir / "loading"
    folder.mkdir()
    born = write_text_pdf(folder / "born.pdf", [LINES, OTHER_LINES, LINES, OTHER_LINES])
    scan = write_png(folder / "scan.png", page)
    # Started to read files at once: a born-digital PDF loads tesseract in no worker.
    with TesseractEngine(settings) as engine:
        engine.read_ahead([born])
        assert_reads(engine.extract(born), 2, OTHER, max_cer=0.0)
        assert tesseract_loaded_in_workers(engine, settings.ocr_worker_count) == [False, False]
        # A scan is read: the worker that took its page loaded it then.
        assert_reads(engine.extract(scan), 1, EXPECTED)
        assert True in tesseract_loaded_in_workers(engine, settings.ocr_worker_count)
    # Started with nothing to read yet (a watcher waiting for its first fax): loaded at once.
    with TesseractEngine(settings) as engine:
        engine.start()
        assert True in tesseract_loaded_in_workers(engine, settings.ocr_worker_count)


def kill_workers(engine: TesseractEngine) -> None:
    """SIGKILL the workers of the engine's pool as soon as it has any (as the out-of-memory killer
    might), and wait until the pool knows it is broken."""
    started = wait_until(
        lambda: engine._pool is not None and bool(engine._pool._processes), 60, every=0.01
    )
    assert started and engine._pool is not None, "the pool started no worker"
    pool = engine._pool
    for pid in list(pool._processes):
        os.kill(pid, signal.SIGKILL)
    assert wait_until(lambda: bool(pool._broken), 60, every=0.01), (
        "the pool never saw its workers die"
    )


def test_workers_killed_while_starting_or_waiting_cost_no_file(
    settings: Settings,
    sample_dir: Path,
    page: Image.Image,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    scan = write_png(sample_dir / "after-a-kill.png", page)
    thread_errors: list[object] = []
    monkeypatch.setattr(threading, "excepthook", thread_errors.append)
    with TesseractEngine(settings) as engine:
        engine.start()  # each worker loads tesseract at once
        kill_workers(engine)  # while they start
        assert engine._warming is not None
        engine._warming.join()
        assert_reads(engine.extract(scan), 1, EXPECTED)
        kill_workers(engine)  # while they wait for the next file
        assert_reads(engine.extract(scan), 1, EXPECTED)
    assert thread_errors == []  # no traceback from the thread that started the workers
    assert caplog.text.count("an OCR worker process had died; starting the workers again") == 2


def pages_out(engine: TesseractEngine, reading: Future[OcrResult], count: int = 1) -> None:
    """Wait until ``count`` pages are in the engine's workers."""

    def out() -> bool:
        return engine._pool is not None and len(engine._pool._pending_work_items) >= count

    assert wait_until(lambda: out() or reading.done(), 60, every=0.001), "no page went out"
    assert not reading.done(), "the file was read before its pages were seen out"


def test_pages_out_when_a_worker_dies_are_read_again_alone(
    settings: Settings, sample_dir: Path, page: Image.Image, other_page: Image.Image
) -> None:
    # Two files in flight when a worker dies: which page killed it is unknown, so neither fails.
    scan = write_png(sample_dir / "out-when-killed.png", page)
    other = write_image_pdf(sample_dir / "also-out.pdf", [other_page, page])
    with TesseractEngine(settings) as engine, ThreadPoolExecutor(2) as reading:
        engine.start()
        read = reading.submit(engine.extract, scan)
        also = reading.submit(engine.extract, other)
        pages_out(engine, read, count=3)  # the scan's page and the PDF's two
        kill_workers(engine)
        assert_reads(read.result(), 1, EXPECTED)
        assert_reads(also.result(), 1, OTHER)
        assert_reads(also.result(), 2, EXPECTED)
        assert_reads(engine.extract(scan), 1, EXPECTED)  # the workers started again


def kill_every_worker(until: threading.Event) -> None:
    """SIGKILL every OCR worker this process has, as soon as it appears, until ``until``."""
    me = psutil.Process()
    while not until.is_set():
        for forkserver in me.children():
            for worker in forkserver.children():
                with contextlib.suppress(psutil.NoSuchProcess):
                    worker.kill()
        time.sleep(0.005)


def test_a_file_whose_pages_kill_a_worker_even_alone_fails(
    settings: Settings, sample_dir: Path, page: Image.Image
) -> None:
    scan = write_png(sample_dir / "kills-alone.png", page)
    with TesseractEngine(settings) as engine, ThreadPoolExecutor(2) as background:
        engine.start()
        engine.extract(scan)  # the workers and their forkserver are up
        stop = threading.Event()
        killing = background.submit(kill_every_worker, stop)
        try:
            with pytest.raises(OcrFailedOnFileError, match="an OCR worker process died while"):
                engine.extract(scan)
        finally:
            stop.set()
            killing.result()
        assert_reads(engine.extract(scan), 1, EXPECTED)


def test_language_packs_tesseract_cannot_load_are_reported_by_the_start_and_by_each_page(
    tmp_path: Path,
    sample_dir: Path,
    page: Image.Image,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    for language in ("eng", "spa"):  # there, but not language packs
        (tessdata / f"{language}.traineddata").write_bytes(bytes(range(256)) * 20)
    installed = tesseract.find_tessdata("")
    assert installed is not None
    (tessdata / "osd.traineddata").write_bytes((installed / "osd.traineddata").read_bytes())
    thread_errors: list[object] = []
    monkeypatch.setattr(threading, "excepthook", thread_errors.append)
    scan = write_png(sample_dir / "unreadable-packs.png", page)
    settings = Settings(
        ocr_workers=2, ocr_engine="tesserocr", ocr_tessdata=str(tessdata), home=tmp_path / "home"
    )
    with TesseractEngine(settings) as engine:
        engine.start()
        with pytest.raises(OcrEngineError, match=r"could not load the languages eng\+spa"):
            engine.extract(scan)
    assert thread_errors == []  # no traceback from the thread that started the workers
    assert "could not load the languages eng+spa" in caplog.text


def test_what_was_read_ahead_and_not_taken_is_dropped_once_later_files_come(
    settings: Settings, sample_dir: Path, page: Image.Image, other_page: Image.Image
) -> None:
    folder = sample_dir / "not-taken"
    folder.mkdir()
    stored = write_png(folder / "stored.png", page)  # found already stored: never extracted
    later = write_png(folder / "later.png", other_page)
    with TesseractEngine(settings) as engine:
        engine.read_ahead([stored])
        for read in list(engine._read_ahead.values()):
            read.result()
        assert_reads(engine.extract(later), 1, OTHER)
        # The next files are no longer hashed against a read ahead no one will take.
        assert engine._read_ahead == {}
