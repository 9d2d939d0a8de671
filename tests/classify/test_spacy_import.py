"""spaCy imported without its command line, which a running classifier never uses."""

from __future__ import annotations

import json
import subprocess
import sys

CHECK = """
import json, sys
from classify.doctype import SpacyDocTypeClassifier
from classify.patient_text import extract_identifiers

classifier = SpacyDocTypeClassifier.load()
kind, _ = classifier.predict("DISCHARGE SUMMARY\\nAdmitted with pneumonia, discharged home.")
found = extract_identifiers("Patient: Jane Doe\\nDOB: 01/02/1960\\nMRN: 123456")
left_out = [name for name in ("spacy.cli", "weasel", "typer") if name in sys.modules]

import spacy
info = spacy.info()
import spacy.cli
print(json.dumps({
    "type": kind,
    "mrns": list(found.mrns),
    "left_out_while_classifying": left_out,
    "info": isinstance(info, dict) and "spacy_version" in info,
    "cli": callable(spacy.cli.download) and callable(spacy.cli.info),
}))
"""


def test_the_classifier_loads_spacy_without_its_command_line_which_still_works_when_asked() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, timeout=300
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["type"] == "discharge_summary"
    assert seen["mrns"] == ["123456"]
    assert seen["left_out_while_classifying"] == []
    assert seen["info"] is True
    assert seen["cli"] is True
