"""Document-type bench: ``.venv/bin/python -m bench.classify`` (part of ``make bench``).

Sets, all held out from training:

- MTSamples notes whose id hashes to the test bucket (clean text);
- real provider forms whose provider hashes to the test bucket;
- generated forms of an unseen seed in the generator's hard style (``training.generate.HARD``: most
  without a readable title, another type's words in each, heavier OCR-like damage), as clean text;
- the same hard-style forms rendered as pages, degraded (skew, dust), sent as fax TIFFs (fine and
  normal resolution) or scanned PDFs, and read back through the real OCR (``ocr.TesseractEngine``).
  OCR text is cached under ``bench/out/`` so a second run takes seconds.

For each set: accuracy and macro-F1 of this project's classifier (rules + spaCy) and of a reference
of the kind paperless-ngx uses (TF-IDF into scikit-learn's ``MLPClassifier``) trained on the same
texts; per-type F1 and the confusion matrix for ours; ms per document and documents per second.
Then the patient bench (``bench.patients.run``): wrong-patient and auto-file rates.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.note_labels import label_disagreements
from classify.doctype import MODEL_DIR, SpacyDocTypeClassifier
from recordroom.core import DOC_TYPES
from recordroom.core.settings import Settings
from training.corpora import Example, load_all, load_paperwork
from training.generate import GENERATOR_VERSION, HARD, TRAINING_TYPES, generate_document
from training.scores import Scores, score
from training.train import balanced, training_examples

OUT_DIR = Path(__file__).resolve().parent / "out"
OCR_CACHE = OUT_DIR / "classify-ocr"
OCR_SEED = 31337
OCR_TYPES: tuple[str, ...] = TRAINING_TYPES
OCR_PER_TYPE = 8
OCR_FAXES = 16
# fax_degraded: normal resolution, small type, more dust and skew — the worst a fax line does.
RENDERINGS = ("fax_fine", "fax_normal", "fax_degraded", "scan")
REFERENCE_SEED = 0

Predict = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Timed:
    predictions: list[str]
    seconds: float


def timed(predict: Predict, examples: Sequence[Example]) -> Timed:
    started = time.perf_counter()
    predictions = [predict(example.text) for example in examples]
    return Timed(predictions, time.perf_counter() - started)


# ---------------------------------------------------------------- the reference


class ReferenceClassifier:
    """paperless-ngx's kind of model: TF-IDF features into a small MLP, on the raw text."""

    def __init__(self, examples: Sequence[Example]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.neural_network import MLPClassifier

        # paperless-ngx keeps word uni- and bigrams seen in at least 1% of documents.
        self._vectorizer = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=0.01)
        features = self._vectorizer.fit_transform([example.text for example in examples])
        self._model = MLPClassifier(tol=0.01, random_state=REFERENCE_SEED)
        self._model.fit(features, [example.labels[0] for example in examples])

    def predict(self, text: str) -> str:
        return str(self._model.predict(self._vectorizer.transform([text]))[0])


# ---------------------------------------------------------------- OCR'd generated forms


def _page_lines(text: str) -> list[str]:
    lines: list[str] = []
    for line in text.splitlines():
        lines.extend(textwrap.wrap(line, 78) or [""])
    return lines[:48]


def _page_image(text: str, rendering: str, seed: int) -> Any:
    from synthetic.files import SANS, SERIF, render_page, speckle

    rng = random.Random(seed)
    font = SERIF if rng.random() < 0.4 else SANS
    worst = rendering == "fax_degraded"
    size = rng.uniform(8.5, 9.5) if worst else rng.uniform(10.0, 12.5)
    page = render_page(_page_lines(text), font_path=font, point_size=size, margin_in=0.8)
    skew = 2.5 if worst else 1.2
    page = page.rotate(rng.uniform(-skew, skew), fillcolor=255, expand=False)
    dots = rng.randint(4000, 8000) if worst else rng.randint(300, 2500)
    return speckle(page, dots=dots, seed=seed)


def _render(texts: Sequence[str], rendering: str, path: Path, seed: int) -> Path:
    from synthetic.files import write_fax_tiff, write_image_pdf

    pages = [_page_image(text, rendering, seed + number) for number, text in enumerate(texts)]
    if rendering == "scan":
        return write_image_pdf(path.with_suffix(".pdf"), pages)
    return write_fax_tiff(path.with_suffix(".tif"), pages, fine=rendering == "fax_fine")


class CachedOcr:
    """The real OCR engine, its answers kept under ``bench/out/`` by a hash of what was rendered."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._engine: Any = None
        OCR_CACHE.mkdir(parents=True, exist_ok=True)

    def read(self, texts: Sequence[str], rendering: str, seed: int) -> list[str]:
        key = hashlib.sha256(
            f"{GENERATOR_VERSION}|{rendering}|{seed}|{chr(12).join(texts)}".encode()
        ).hexdigest()[:20]
        cached = OCR_CACHE / f"{key}.json"
        if cached.is_file():
            pages: list[str] = json.loads(cached.read_text(encoding="utf-8"))["pages"]
            return pages
        if self._engine is None:
            from ocr import TesseractEngine

            self._engine = TesseractEngine(self._settings)
        path = _render(texts, rendering, OCR_CACHE / key, seed)
        try:
            result = self._engine.extract(path, make_searchable_pdf=False)
        finally:
            path.unlink()
        pages = [page.text for page in result.pages]
        cached.write_text(json.dumps({"pages": pages}), encoding="utf-8")
        return pages

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()


def ocr_examples(reader: CachedOcr, per_type: int = OCR_PER_TYPE) -> list[tuple[Example, str]]:
    """Generated forms read back through the real OCR, with how each was rendered."""
    rng = random.Random(OCR_SEED)
    out: list[tuple[Example, str]] = []
    for doc_type in OCR_TYPES:
        for index in range(per_type):
            text = generate_document(rng, doc_type, style=HARD)
            rendering = RENDERINGS[index % len(RENDERINGS)]
            read = "\n\f".join(reader.read([text], rendering, seed=index))
            out.append(
                (Example(read, (doc_type,), "ocr", f"{doc_type}/{index}/{rendering}"), rendering)
            )
    return out


def is_spanish(text: str) -> bool:
    words = text.lower().split()
    hits = sum(word in ("de", "la", "el", "que", "para", "su", "del", "los") for word in words)
    return hits > 0.06 * max(1, len(words))


# ---------------------------------------------------------------- printing


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))


Result = tuple[str, Scores, float, Scores, float, float]


def majority_accuracy(examples: Sequence[Example]) -> float:
    """Accuracy of always answering the commonest type: the floor any classifier must clear."""
    if not examples:
        return 0.0
    counts = Counter(example.labels[0] for example in examples)
    common = counts.most_common(1)[0][0]
    return sum(common in example.labels for example in examples) / len(examples)


def print_summary(results: Sequence[Result]) -> None:
    widths = (34, 4, 8, 9, 8, 8, 8, 8, 7)
    head = ("set", "n", "majority", "ours acc", "ours F1", "ref acc", "ref F1", "ours ms", "ref ms")
    print(_row(head, widths))
    for name, ours, our_seconds, ref, ref_seconds, majority in results:
        print(
            _row(
                (
                    name,
                    str(ours.count),
                    f"{majority:.1%}",
                    f"{ours.accuracy:.1%}",
                    f"{ours.macro_f1:.3f}",
                    f"{ref.accuracy:.1%}",
                    f"{ref.macro_f1:.3f}",
                    f"{1000 * our_seconds / max(1, ours.count):.2f}",
                    f"{1000 * ref_seconds / max(1, ref.count):.2f}",
                ),
                widths,
            )
        )


def print_review_gate(
    ours: SpacyDocTypeClassifier, sets: Sequence[tuple[str, Sequence[Example]]]
) -> None:
    """How many documents clear the type-confidence bar, and how often those are right."""
    threshold = Settings().doc_type_threshold
    print(f"\nours, with the review bar (doc_type_threshold {threshold}):")
    for name, examples in sets:
        answers = [(ours.predict(example.text), example.labels) for example in examples]
        sure = [(doc_type, labels) for (doc_type, conf), labels in answers if conf >= threshold]
        right = sum(doc_type in labels for doc_type, labels in sure)
        print(
            f"  {name:<34} typed without review {len(sure) / max(1, len(answers)):.1%}, "
            f"of those right {right / max(1, len(sure)):.1%}"
        )


def print_calibration(
    ours: SpacyDocTypeClassifier, sets: Sequence[tuple[str, Sequence[Example]]]
) -> None:
    """Per type, at ``doc_type_threshold``: the share of its documents typed without review, and
    how often a type given without review is right — so a practice can choose the bar."""
    threshold = Settings().doc_type_threshold
    answers = [
        (*ours.predict(example.text), example.labels)
        for _, examples in sets
        for example in examples
    ]
    print(f"\nper type, at doc_type_threshold {threshold} (all sets above together)")
    print(f"  {'type':<22}{'n':>6}  {'typed w/o review':>17}  {'said w/o review':>16}  right")
    for doc_type in DOC_TYPES:
        own = [a for a in answers if a[2][0] == doc_type]
        said = [a for a in answers if a[0] == doc_type and a[1] >= threshold]
        if not own and not said:
            continue
        typed = sum(1 for a in own if a[1] >= threshold)
        right = sum(1 for a in said if a[0] in a[2])
        print(
            f"  {doc_type:<22}{len(own):>6}  {typed / max(1, len(own)):>17.1%}  "
            f"{len(said):>16}  {right / max(1, len(said)):.1%}"
        )


def fax_header_bench(ours: SpacyDocTypeClassifier, per_type: int = 20, seed: int = 17) -> None:
    """Pages with a sender's fax header block above their content, and real cover sheets: the
    type read from the whole page as written (as before) and with the block set apart."""
    from synthetic.headers import fax_header_block

    rng = random.Random(seed)
    pages: list[tuple[str, str, str]] = []  # text, truth, language
    for doc_type in TRAINING_TYPES:
        for _ in range(per_type):
            spanish = rng.random() < 0.25
            body = generate_document(rng, doc_type, style=HARD)
            if doc_type != "fax_cover_sheet":
                body = "\n".join([*fax_header_block(rng, spanish=spanish), "", body])
            pages.append((body, doc_type, "es" if spanish else "en"))
    print(f"\nfax header block above content ({len(pages)} pages, generator hard style)")
    print(f"  {'type':<22}{'n':>5}  {'as written':>10}  {'block apart':>11}")
    for doc_type in TRAINING_TYPES:
        chosen = [text for text, truth, _ in pages if truth == doc_type]
        before = sum(ours.predict_as_written(text)[0] == doc_type for text in chosen)
        after = sum(ours.predict(text)[0] == doc_type for text in chosen)
        print(
            f"  {doc_type:<22}{len(chosen):>5}  {before / len(chosen):>10.1%}  "
            f"{after / len(chosen):>11.1%}"
        )
    content = [(text, truth) for text, truth, _ in pages if truth != "fax_cover_sheet"]
    called_cover = sum(ours.predict(text)[0] == "fax_cover_sheet" for text, _ in content)
    print(f"  content pages still called a cover sheet: {called_cover} of {len(content)}")


def refaxed_copy(text: str, seed: int) -> str:
    """Another copy of a form: other values in its numbers, OCR damage of a re-faxed page."""
    from training.generate.damage import _ocr_words, _typo

    rng = random.Random(seed)
    numbers = "".join(str(rng.randrange(10)) if ch.isdigit() else ch for ch in text)
    rate = rng.choice((0.01, 0.03, 0.06))
    return "\n".join(
        _ocr_words(rng, _typo(rng, line, rate), rate / 2) for line in numbers.splitlines()
    )


def office_teaches_bench(
    ours: SpacyDocTypeClassifier, paperwork: Sequence[Example], copies: int = 8
) -> None:
    """Form families the model never saw (every real paperwork document is one family; the
    model was not trained on any): accuracy on further copies after 0, 1, 3 and 5 copies were
    typed by a person in the review queue. Every family's examples are in the store together, so
    a copy must find its own family among the others."""
    from classify.examples import LabelledExample, NearestExamples

    families = [
        (example, [refaxed_copy(example.text, 1000 * index + n) for n in range(copies)])
        for index, example in enumerate(paperwork)
    ]
    print(f"\nthe office teaches it: {len(families)} real form families never trained on")
    print(f"  {'corrected copies':<18}{'further copies right':>21}{'of them by example':>20}")
    for taught in (0, 1, 3, 5):
        store = NearestExamples(
            LabelledExample(text, example.labels[0])
            for example, texts in families
            for text in texts[:taught]
        )
        right = by_example = total = 0
        for example, texts in families:
            for text in texts[5:]:  # the same further copies whatever was taught
                near = store.nearest(text)
                answer = near[0] if near is not None else ours.predict(text)[0]
                by_example += near is not None
                right += answer in example.labels
                total += 1
        print(f"  {taught:<18}{right / total:>21.1%}{by_example / total:>20.1%}")


def print_per_type(name: str, scores: Scores, reference: Scores) -> None:
    """Per type: F1 and documents right (of those of that type), ours and the reference's."""
    print(f"\nper type — {name}")
    print(f"  {'type':<20} {'ours F1':>7}  {'ours right':>10}  {'ref right':>9}")
    for label in DOC_TYPES:
        if label in scores.f1:
            support = scores.support.get(label, 0)
            right = scores.confusion.get((label, label), 0)
            theirs = reference.confusion.get((label, label), 0)
            print(
                f"  {label:<20} {scores.f1[label]:>7.3f}  {f'{right}/{support}':>10}  "
                f"{f'{theirs}/{reference.support.get(label, 0)}':>9}"
            )


def print_confusion(name: str, scores: Scores) -> None:
    labels = [label for label in DOC_TYPES if any(label in pair for pair in scores.confusion)]
    short = {label: label[:6] for label in labels}
    print(f"\nconfusion, ours — {name} (rows: truth, columns: predicted)")
    print(" " * 21 + " ".join(f"{short[label]:>6}" for label in labels))
    for gold in labels:
        cells = " ".join(f"{scores.confusion.get((gold, p), 0) or '.':>6}" for p in labels)
        print(f"  {gold:<18} {cells}")


def print_label_disagreements(
    ours: SpacyDocTypeClassifier, reference: ReferenceClassifier, splits: dict[str, Any]
) -> None:
    """The held-out MTSamples notes left out of the honest subset, each with its reason and both
    classifiers' answers, so a reader can judge the subset."""
    notes = list(splits["mtsamples"].test)
    disagreeing = label_disagreements(notes, [*splits["mtsamples"].train, *notes])
    print(f"\nMTSamples held-out notes whose label disagrees with the text ({len(disagreeing)})")
    for note in notes:
        if note.key in disagreeing:
            print(
                f"  {note.key}  label {'|'.join(note.labels)}  ours {ours.predict(note.text)[0]}  "
                f"ref {reference.predict(note.text)}  — {'; '.join(disagreeing[note.key])}"
            )


# ---------------------------------------------------------------- whole faxes through the pipeline

FAX_TYPES = tuple(t for t in OCR_TYPES if t != "fax_cover_sheet")


@dataclass(frozen=True, slots=True)
class FaxTruth:
    pages: list[str]
    cover: bool
    spans: list[tuple[int, int, str, str]]  # first page, last page, type, mrn


def make_fax(rng: random.Random, patients: Sequence[Any]) -> FaxTruth:
    """A cover sheet (most of the time), then one to three documents of one or two patients."""
    pages: list[str] = []
    cover = rng.random() < 0.8
    if cover:
        pages.append(generate_document(rng, "fax_cover_sheet"))
    spans = []
    for _ in range(rng.randint(1, 3)):
        patient = rng.choice(patients)
        doc_type = rng.choice(FAX_TYPES)
        lines = generate_document(rng, doc_type, patient).splitlines()
        first = len(pages) + 1
        if len(lines) > 12 and rng.random() < 0.3:  # a two-page document
            half = len(lines) // 2
            pages.extend(["\n".join(lines[:half]), "\n".join(lines[half:])])
        else:
            pages.append("\n".join(lines))
        spans.append((first, len(pages), doc_type, patient.mrn))
    # Without a cover, the sender's fax software often prints its header block above the first
    # page (drawn from its own generator: the rest of the fax is what it was without it).
    extra = random.Random("header/" + pages[0])
    if not cover and extra.random() < 0.6:
        from synthetic.headers import fax_header_block

        pages[0] = "\n".join([*fax_header_block(extra), "", pages[0]])
    return FaxTruth(pages, cover, spans)


def pipeline_bench(
    count: int = 150, seed: int = 99, reader: CachedOcr | None = None, model: Path = MODEL_DIR
) -> None:
    """Multi-document faxes, as clean text or (with ``reader``) through the real OCR."""
    from classify.pipeline import load_classifier, read_sender
    from classify.registry import InMemoryRegistry
    from training.generate import random_patient

    rng = random.Random(seed)
    patients = [random_patient(rng) for _ in range(300)]
    registry = InMemoryRegistry(patients)
    classifier = load_classifier(Settings(model_dir=str(model)))
    faxes = [make_fax(rng, patients) for _ in range(count)]
    read = [
        reader.read(fax.pages, "fax_fine" if index % 2 else "fax_normal", seed=index)
        if reader is not None
        else fax.pages
        for index, fax in enumerate(faxes)
    ]
    covers_right = splits_right = segments = types_right = wrong_patient = filed = 0
    senders = senders_right = 0
    started = time.perf_counter()
    for fax, page_texts in zip(faxes, read, strict=True):
        result = classifier.classify(page_texts, registry)
        covers_right += (result.cover_pages == (1,)) == fax.cover
        if fax.cover:
            senders += 1
            senders_right += result.sender_fax == read_sender(fax.pages[:1]).fax
        got = [(s.first_page, s.last_page) for s in result.segments]
        splits_right += got == [(first, last) for first, last, _, _ in fax.spans]
        for segment in result.segments:
            truth = next((t for t in fax.spans if t[0] <= segment.first_page <= t[1]), fax.spans[0])
            segments += 1
            types_right += segment.doc_type == truth[2]
            if segment.patient.mrn is not None:
                filed += 1
                wrong_patient += segment.patient.mrn != truth[3]
    seconds = time.perf_counter() - started
    page_count = sum(len(fax.pages) for fax in faxes)
    how = "through OCR, fax fine/normal" if reader is not None else "clean text"
    print(f"\nwhole faxes through classify.pipeline ({count} faxes, {page_count} pages, {how})")
    print(f"  cover sheet found or rightly absent  {covers_right / count:.1%}")
    print(f"  sender fax number read right         {senders_right / max(1, senders):.1%}")
    print(f"  split exactly right                  {splits_right / count:.1%}")
    print(f"  segment type right                   {types_right / max(1, segments):.1%}")
    print(f"  segments auto-filed to a patient     {filed / max(1, segments):.1%}")
    print(f"  wrong patient                        {wrong_patient} of {filed} filed")
    print(f"  ms per page (classification only)    {1000 * seconds / page_count:.1f}")


def run_patient_bench() -> None:
    """The patient engineer's bench, run here so one command prints every classification figure."""
    try:
        from bench.patients import run
    except ImportError:
        print("\npatient bench: bench.patients is not available")
        return
    print("\npatients (bench.patients.run)")
    result = run()
    print(result.table())
    print(result.breakdown())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Document-type bench.")
    parser.add_argument("--ocr-per-type", type=int, default=OCR_PER_TYPE)
    parser.add_argument("--ocr-faxes", type=int, default=OCR_FAXES)
    parser.add_argument("--no-ocr", action="store_true", help="skip the OCR'd sets")
    parser.add_argument("--no-patients", action="store_true", help="skip the patient bench")
    parser.add_argument(
        "--model",
        type=Path,
        default=MODEL_DIR,
        help="the document-type model to measure (default: the shipped one), e.g. an earlier "
        "model against today's sets",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)

    splits = load_all()
    started = time.perf_counter()
    reference = ReferenceClassifier(balanced(training_examples(splits)))
    print(f"reference (TF-IDF + MLPClassifier) trained in {time.perf_counter() - started:.0f} s")
    ours = SpacyDocTypeClassifier.load(args.model)
    print(f"model: {args.model}")
    ours.predict("warm up")

    paperwork = list(load_paperwork())
    notes = list(splits["mtsamples"].test)
    disagreeing = label_disagreements(notes, [*splits["mtsamples"].train, *notes])
    sets: list[tuple[str, list[Example]]] = [
        ("MTSamples held out (clean text)", notes),
        ("  … labels agreeing with the text", [e for e in notes if e.key not in disagreeing]),
        ("real payer/claim/EOB/lab paperwork", paperwork),
        ("real forms, held-out providers", list(splits["forms"].test)),
        ("  … of them in Spanish", [e for e in splits["forms"].test if is_spanish(e.text)]),
        ("generated forms (clean text)", list(splits["generated"].test)),
    ]
    reader = None if args.no_ocr else CachedOcr(Settings(ocr_workers=2))
    if reader is not None:
        started = time.perf_counter()
        read = ocr_examples(reader, args.ocr_per_type)
        print(f"OCR'd set ready in {time.perf_counter() - started:.0f} s ({len(read)} documents)")
        sets.append(("generated forms through OCR (all)", [example for example, _ in read]))
        for rendering in RENDERINGS:
            chosen = [example for example, how in read if how == rendering]
            sets.append((f"  … {rendering.replace('_', ' ')}", chosen))

    results: list[Result] = []
    for name, examples in sets:
        mine = timed(lambda text: ours.predict(text)[0], examples)
        theirs = timed(reference.predict, examples)
        results.append(
            (
                name,
                score(examples, mine.predictions),
                mine.seconds,
                score(examples, theirs.predictions),
                theirs.seconds,
                majority_accuracy(examples),
            )
        )
    print()
    print_summary(results)
    main_sets = [result for result in results if not result[0].startswith(" ")]
    total = sum(result[1].count for result in main_sets)
    seconds = sum(result[2] for result in main_sets)
    print(
        f"\nours: {total / seconds:.0f} documents/s, {1000 * seconds / total:.2f} ms per document"
    )
    print_review_gate(ours, [(name, examples) for name, examples in sets if name[0] != " "])
    print_calibration(ours, [(name, examples) for name, examples in sets if name[0] != " "])
    fax_header_bench(ours)
    office_teaches_bench(ours, paperwork)
    for name, scores, _, reference_scores, *_ in main_sets:
        print_per_type(name.strip(), scores, reference_scores)
        print_confusion(name.strip(), scores)
    print_label_disagreements(ours, reference, splits)
    pipeline_bench(model=args.model)
    if reader is not None:
        pipeline_bench(args.ocr_faxes, seed=100, reader=reader, model=args.model)
        reader.close()
    if not args.no_patients:
        run_patient_bench()
    return 0


if __name__ == "__main__":
    sys.exit(main())
