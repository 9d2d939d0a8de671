"""Authorization elements found in OCR'd text, English and Spanish."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from release_of_information.elements import ELEMENTS, extract_elements, parse_date
from release_of_information.sensitivity import suggest_labels
from tests.release_of_information.conftest import (
    DEFECTIVE_AUTHORIZATION,
    SPANISH_AUTHORIZATION,
    VALID_AUTHORIZATION,
)

FORMS = Path("/work/shared/data/forms_train.jsonl")


def test_every_element_of_a_filled_english_authorization_is_found() -> None:
    found = extract_elements(VALID_AUTHORIZATION)
    assert found["discloser"].value == "Riverside Family Medicine"
    assert found["recipient"].value.startswith("Smith & Jones LLP")
    assert "lab reports and progress notes" in found["description"].value
    assert found["purpose"].value == "personal injury claim"
    assert parse_date(found["expiration"].value) == dt.date(2027, 12, 31)
    assert parse_date(found["signature"].value) == dt.date(2026, 11, 2)
    for statement in ("revocation_statement", "conditioning_statement", "redisclosure_statement"):
        assert found[statement].found, statement
    assert not found["authority"].found


def test_a_spanish_authorization_is_read_too() -> None:
    found = extract_elements(SPANISH_AUTHORIZATION)
    missing = [name for name in ELEMENTS if name != "authority" and not found[name].found]
    assert missing == []
    assert found["discloser"].value == "Clínica Familiar Riverside"
    assert found["recipient"].value.startswith("Seguros del Valle")
    assert parse_date(found["expiration"].value) == dt.date(2027, 12, 31)


def test_blanks_and_missing_statements_are_not_found() -> None:
    found = extract_elements(DEFECTIVE_AUTHORIZATION)
    assert not found["purpose"].found  # a line of underscores is a blank, not a value
    assert not found["expiration"].found
    assert not found["redisclosure_statement"].found
    assert found["revocation_statement"].found


def test_the_statements_of_real_blank_forms_are_found() -> None:
    """Real authorization forms print the three statements; fields are blank on a blank form."""
    rows = [json.loads(line) for line in FORMS.read_text(encoding="utf-8").splitlines()]
    forms = [r for r in rows if "authorization" in r["doc_types"]]
    assert len(forms) > 100
    hits = sum(extract_elements(r["text"])["revocation_statement"].found for r in forms)
    assert hits / len(forms) > 0.8


def test_sensitive_terms_suggest_labels() -> None:
    assert suggest_labels("Opioid use disorder; continues buprenorphine.") == {"ETH"}
    assert "PSYTHPN" in suggest_labels("Psychotherapy note, session 4")
    assert "HIV" in suggest_labels("HIV-1 antibody test: negative")
    assert suggest_labels("Routine lipid panel, LDL 110") == frozenset()
