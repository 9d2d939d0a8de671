"""The command line in-process: settings from the environment, output as a user sees it."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from recordroom.cli import build_parser, main
from synthetic import files as samples

CSV_HEADER = (
    "mrn,last_name,first_name,middle_name,birth_date,sex,phone,address_line,city,state,postal_code"
)


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("RECORDROOM_HOME", "RECORDROOM_INBOX", "RECORDROOM_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_creates_the_data_folder(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "init")
    assert code == 0 and "ready" in out
    assert (home / "var" / "recordroom.db").is_file()
    assert (home / "var" / "quarantine").is_dir() and (home / "inbox").is_dir()


def test_patients_import_reports_bad_lines_and_updates_by_mrn(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = home / "patients.csv"
    registry.write_text(
        f"{CSV_HEADER}\n"
        "A100,Rivera,Ana,,1984-07-09,female,555-0100,,,,\n"
        "A101,Okafor,Chidi,,not-a-date,male,,,,,\n"
        "A102,O'Neil,Sean,P,1990-01-31,male,,,,,\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "patients", "import", str(registry))
    assert code == 0
    assert out.strip() == "2 added, 0 updated, 0 unchanged, 1 skipped"
    assert "line 3" in err and "Okafor" not in err
    registry.write_text(
        f"{CSV_HEADER}\nA100,Rivera,Ana,,1984-07-09,female,555-0199,,,,\n", encoding="utf-8"
    )
    assert run(capsys, "patients", "import", str(registry))[1].strip() == (
        "0 added, 1 updated, 0 unchanged, 0 skipped"
    )
    code, _, err = run(capsys, "patients", "import", str(home / "missing.csv"))
    assert code == 1 and "no such file" in err


def test_review_queue_list_and_assign(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry = home / "patients.csv"
    registry.write_text(f"{CSV_HEADER}\nA100,Rivera,Ana,,1984-07-09,,,,,,\n", encoding="utf-8")
    run(capsys, "patients", "import", str(registry))
    letter = samples.write_text_pdf(home / "note.pdf", [("Please see attached.", "Thanks.")])
    code, out, _ = run(capsys, "ingest", str(letter), "--json")
    document_id = json.loads(out)["document_id"]
    code, out, _ = run(capsys, "review", "list", "--json")
    waiting = [json.loads(line) for line in out.splitlines()]
    assert [item["document_id"] for item in waiting] == [document_id]
    assert waiting[0]["reasons"]
    code, _, err = run(
        capsys, "review", "assign", document_id, "--patient", "NOPE", "--type", "correspondence"
    )
    assert code == 6 and "NOPE" in err
    code, _, err = run(
        capsys, "review", "assign", document_id, "--patient", "A100", "--type", "memo"
    )
    assert code == 1 and "not a document type" in err
    code, _, err = run(capsys, "model", "retrain")
    assert code == 7 and "review assign" in err and not (home / "var" / "model").exists()
    code, out, _ = run(
        capsys, "review", "assign", document_id, "--patient", "A100", "--type", "correspondence"
    )
    assert code == 0
    assert run(capsys, "review", "list", "--json")[1] == ""
    shown = json.loads(run(capsys, "documents", "show", document_id, "--json")[1])
    assert (shown["patient_mrn"], shown["doc_type"], shown["needs_review"]) == (
        "A100",
        "correspondence",
        False,
    )
    code, out, _ = run(capsys, "model", "retrain", "--json")
    retrained = json.loads(out)
    assert code == 0 and (retrained["examples"], retrained["per_type"]) == (
        1,
        {"correspondence": 1},
    )
    assert (home / "var" / "model" / "pipeline" / "config.cfg").is_file()


def test_unknown_document_exits_with_not_found(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "documents", "show", "0" * 32)
    assert code == 6 and "no document" in err


def test_ocr_prints_text(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scan = samples.write_png(home / "scan.png", samples.render_page(("Influenza vaccine given",)))
    code, out, _ = run(capsys, "ocr", str(scan), "--json")
    result = json.loads(out)
    assert code == 0 and result["pages"][0]["method"] == "ocr"
    assert "vaccine" in result["pages"][0]["text"].lower()


def test_classify_prints_the_contract_line(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry = home / "patients.csv"
    registry.write_text(
        f"{CSV_HEADER}\nA100,Rivera,Ana,,1984-07-09,,,,,,\nA101,Rivera,Ana,,1990-03-02,,,,,,\n",
        encoding="utf-8",
    )
    run(capsys, "patients", "import", str(registry))
    lab = samples.write_text_pdf(
        home / "lab.pdf",
        [("LABORATORY REPORT", "Patient: RIVERA, ANA   DOB: 07/09/1984",
          "Hemoglobin 13.9 g/dL", "Potassium 4.2 mmol/L")],
    )  # fmt: skip
    namesake = samples.write_text_pdf(
        home / "namesake.pdf",
        [("LABORATORY REPORT", "Patient: Ana Rivera", "Sodium 140 mmol/L")],
    )
    code, out, _ = run(capsys, "classify", str(lab), str(namesake), "--json")
    first, second = (json.loads(line) for line in out.splitlines())
    assert code == 0
    assert list(first) == [
        "file", "doc_type", "doc_type_confidence", "patient_mrn", "patient_confidence",
        "needs_review", "pages",
    ]  # fmt: skip
    assert (first["doc_type"], first["patient_mrn"], first["pages"]) == ("lab_report", "A100", 1)
    assert (second["patient_mrn"], second["needs_review"]) == (None, True)  # two Ana Riveras
    assert run(capsys, "search", "potassium", "--json")[1] == ""  # nothing was stored


def test_search_pages_and_filters_by_date_and_review(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import datetime as dt

    from indexer.database import Database
    from tests.indexer.test_index import make_document, save

    assert run(capsys, "init")[0] == 0
    database = Database(f"sqlite:///{home / 'var' / 'recordroom.db'}")
    march = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    save(
        database,
        *(
            make_document(
                f"doc{day}",
                [f"Potassium result for day {day}"],
                received_at=march + dt.timedelta(days=day),
                needs_review=day == 4,
            )
            for day in range(6)
        ),
    )
    database.dispose()

    def found(*args: str) -> list[str]:
        code, out, _ = run(capsys, "search", "potassium", "--json", *args)
        assert code == 0
        return [json.loads(line)["document_id"] for line in out.splitlines()]

    assert found("--from", "2026-03-02", "--to", "2026-03-03") == ["doc2", "doc1"]
    assert found("--needs-review") == ["doc4"]
    assert len(found("--filed")) == 5
    pages = [found("--limit", "4", "--page", page) for page in ("1", "2", "3")]
    assert [len(page) for page in pages] == [4, 2, 0]
    assert sorted(pages[0] + pages[1]) == [f"doc{day}" for day in range(6)]
    with pytest.raises(SystemExit) as exit_:
        main(["search", "potassium", "--from", "March"])
    assert exit_.value.code == 2 and "not a date" in capsys.readouterr().err


def test_started_in_a_deleted_folder_it_says_so_in_a_line(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    check = (
        "import os\nfrom recordroom.cli import main\n"
        f"os.chdir({str(gone)!r})\nos.rmdir({str(gone)!r})\n"
        "raise SystemExit(main(['settings']))\n"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("recordroom: the current folder was deleted")


def test_settings_shows_each_value_and_its_origin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RECORDROOM_S3_SECRET_KEY", "s3cr3t")
    monkeypatch.setenv("RECORDROOM_MAX_PAGES", "40")
    code, out, _ = run(capsys, "settings", "--json")
    shown = {line["variable"]: line for line in map(json.loads, out.splitlines())}
    assert code == 0
    assert (shown["RECORDROOM_MAX_PAGES"]["value"], shown["RECORDROOM_MAX_PAGES"]["from"]) == (
        "40",
        "environment",
    )
    assert shown["RECORDROOM_S3_SECRET_KEY"]["value"] == "********"
    assert shown["RECORDROOM_WATCH_MODE"]["from"] == "default"
    monkeypatch.setenv("RECORDROOM_MAX_PAGES", "-1")
    code, _, err = run(capsys, "settings")
    assert code == 2 and "RECORDROOM_MAX_PAGES" in err


def test_ocr_does_not_load_spacy(home: Path) -> None:
    page = samples.write_text_pdf(home / "letter.pdf", [["CONSULTATION LETTER", "Thank you."]])
    check = (
        "import sys\nfrom recordroom.cli import main\n"
        f"assert main(['ocr', {str(page)!r}]) == 0\n"
        "assert 'spacy' not in sys.modules, 'recordroom ocr loaded spaCy'\n"
        "assert 'pdfplumber' not in sys.modules, 'a real text layer needs no pdfplumber'\n"
        "assert 'pypdf' not in sys.modules, 'a real text layer needs no pypdf'\n"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Thank you" in done.stdout


def test_importing_the_command_line_is_light() -> None:
    """multiprocessing runs the ``recordroom`` script again in every OCR worker it starts (as
    ``__mp_main__``): that must not load the wiring, the database layer or the settings."""
    heavy = ["recordroom.wiring", "sqlalchemy", "intake.pipeline", "pydantic_settings"]
    assert _loaded_after("import recordroom.cli", heavy) == []


def _loaded_after(code: str, modules: list[str]) -> list[str]:
    """Which of ``modules`` a fresh interpreter has imported once it ran ``code``."""
    check = (
        f"import json, sys\n{code}\nprint(json.dumps([m for m in {modules!r} if m in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_a_command_imports_only_its_own_group_and_parses_as_the_whole_line_does() -> None:
    whole = build_parser()
    names = {
        name
        for action in whole._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    }
    assert {"ingest", "watch", "serve", "init", "roi", "users"} <= names
    for name in sorted(names):
        words = [name, "--help"]
        with pytest.raises(SystemExit):  # --help prints and exits: that the parser knows it
            build_parser(words).parse_args(words)
    words = ["-v", "ingest", "--json", "a.pdf", "b.tif"]
    assert vars(build_parser(words).parse_args(words)) == vars(whole.parse_args(words))
    parse = (
        "from recordroom.cli import build_parser\n"
        "build_parser(['ingest', 'a.pdf']).parse_args(['ingest', 'a.pdf'])"
    )
    others = ["recordroom.cli.roi", "recordroom.cli.users", "recordroom.usecases.roi"]
    assert _loaded_after(parse, others) == []


def test_a_mistyped_command_is_told_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser(["ingset", "a.pdf"]).parse_args(["ingset", "a.pdf"])
    err = capsys.readouterr().err
    assert "invalid choice: 'ingset'" in err and "'roi'" in err and "'ingest'" in err


def test_ingest_starts_its_ocr_workers_before_importing_the_rest(tmp_path: Path) -> None:
    """``ingest``, ``watch`` and ``worker`` start the OCR engine's workers first, so they load
    tesseract while this process imports the database, the stores and the classifier, and read
    ``ingest``'s first files or a watcher's waiting ones; other commands and ``--help`` start
    nothing."""
    from PIL import Image

    Image.new("L", (850, 1100), 255).save(tmp_path / "scan.png", dpi=(100, 100))
    # A watcher reads the settled files waiting in its inbox (not one still being written).
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "waiting.png").write_bytes((tmp_path / "scan.png").read_bytes())
    os.utime(inbox / "waiting.png", (1e9, 1e9))
    Image.new("L", (850, 1100), 200).save(inbox / "being-written.png", dpi=(100, 100))
    # ``ingest`` reads its first files ahead (a missing one, or an option, is no file to read).
    check = (
        "import sys\nfrom recordroom import cli\n"
        "early = cli._start_reading_pages(['ingest', '--json', 'scan.png', 'gone.pdf'])\n"
        "print(early is not None and early[1].started)\n"
        "print('recordroom.wiring' in sys.modules, 'sqlalchemy' in sys.modules)\n"
        "print(len(early[1]._read_ahead))\n"
        "early[1].close()\n"
        "watching = cli._start_reading_pages(['watch', '--once'])\n"
        "print(len(watching[1]._read_ahead))\n"
        "watching[1].close()\n"
        "print(cli._start_reading_pages(['search', 'x']), "
        "cli._start_reading_pages(['ingest', '--help']))\n"
    )
    env = {
        **os.environ,
        "RECORDROOM_HOME": str(tmp_path / "var"),
        "RECORDROOM_INBOX": str(inbox),
        "RECORDROOM_OCR_WORKERS": "2",
        # "Being written" however long the reads before take on a busy machine.
        "RECORDROOM_SETTLE_SECONDS": "600",
    }
    done = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:5] == ["True", "False False", "1", "1", "None None"]


def test_the_command_exits_at_once_with_everything_done(home: Path) -> None:
    """``recordroom`` leaves without tearing the interpreter down (``cli.script``): its output is
    complete, its exit code is main's, and multiprocessing's helpers are cleaned up as at a normal
    exit (no leaked semaphore reported, no forkserver or worker left behind)."""
    import uuid

    import psutil

    files = [
        samples.write_text_pdf(home / "letter.pdf", [["CONSULTATION LETTER", "Thank you."]]),
        samples.write_png(home / "scan.png", samples.render_page(("Influenza vaccine given",))),
    ]
    mark = uuid.uuid4().hex
    env = {**os.environ, "RECORDROOM_OCR_WORKERS": "2", "RECORDROOM_TEST_MARK": mark}
    command = [sys.executable, "-m", "recordroom.cli"]
    done = subprocess.run(
        [*command, "ingest", "--json", *map(str, files)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert [json.loads(line)["status"] for line in done.stdout.splitlines()] == ["stored"] * 2
    assert "leaked" not in done.stderr and "Traceback" not in done.stderr

    def marked() -> list[psutil.Process]:
        found = []
        for process in psutil.process_iter():
            try:
                if process.environ().get("RECORDROOM_TEST_MARK") == mark:
                    found.append(process)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
        return found

    _gone, alive = psutil.wait_procs(marked(), timeout=30)  # helpers leave as their pipes close
    assert alive == []
    missing = subprocess.run(
        [*command, "ingest", str(home / "nowhere.pdf")], capture_output=True, text=True, env=env
    )
    assert missing.returncode == 1 and "no such file" in missing.stderr  # main's code, kept
