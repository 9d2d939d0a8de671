"""Re-sent faxes are recognised; one form filled for two patients and two days' results are not."""

from __future__ import annotations

import io

from PIL import Image

from intake import dedupe
from synthetic import files as samples

BODY = (
    "The patient was seen today for follow up of hypertension and diabetes mellitus "
    "blood pressure well controlled continue lisinopril and metformin return in three months"
)
FORM = """AUTHORIZATION FOR USE AND DISCLOSURE OF PROTECTED HEALTH INFORMATION
Patient Name: {name}   Date of Birth: {dob}
Medical Record Number: {mrn}
I authorize Valley Family Medicine to release the records described below to the person or
organization named below for the purpose of continuing care. This authorization expires one year
from the date signed unless I revoke it in writing. I understand that I may refuse to sign this
authorization and that my treatment will not be conditioned on signing it.
Signature of patient or legal representative            Date: {signed}
"""
INR = """ANTICOAGULATION CLINIC LABORATORY REPORT
Patient: Maria Lopez  MRN: 448120
Collected: {date}  Reported: {date}
Test: Prothrombin time with INR  Result: INR {inr}  Reference range 2.0 - 3.0
Warfarin dose reviewed with the patient by telephone and the weekly schedule was
continued without change, next point of care test in one week at the same clinic.
"""


def test_resent_fax_under_another_banner_is_a_copy() -> None:
    first = dedupe.fingerprint(["FAX Nov 21 2026 10:31 P.1/1 Valley Clinic\n" + BODY])
    second = dedupe.fingerprint(["FAX Nov 22 2026 16:02 P.1/1 Valley Clinic\n" + BODY])
    other = dedupe.fingerprint(
        [
            "Chest radiograph two views lungs are clear no effusion no pneumothorax heart size "
            "normal mediastinum unremarkable impression normal chest examination no acute disease"
        ]
    )
    assert first.minhash is not None
    assert dedupe.similarity(first, second) == 1.0
    assert dedupe.similarity(first, other) is None
    assert set(first.bands()) & set(second.bands())
    assert dedupe.fingerprint(["too short"]).minhash is None


def test_one_form_filled_for_two_patients_is_not_a_copy() -> None:
    ana = FORM.format(name="Ana Ruiz", dob="04/12/1961", mrn="100234", signed="03/01/2026")
    jose = FORM.format(name="Jose Perez", dob="07/30/1955", mrn="100235", signed="03/02/2026")
    first, second = dedupe.fingerprint([ana]), dedupe.fingerprint([jose])
    assert first.minhash is not None and second.minhash is not None
    assert dedupe.text_similarity(first.minhash, second.minhash) > 0.8  # the words agree
    assert dedupe.similarity(first, second) is None  # the patient does not
    # Only the name differs (the same dates and numbers): still two patients.
    only_name = FORM.format(name="Jose Perez", dob="04/12/1961", mrn="100234", signed="03/01/2026")
    assert dedupe.similarity(first, dedupe.fingerprint([only_name])) is None
    assert dedupe.similarity(first, dedupe.fingerprint([ana])) == 1.0


def test_weekly_inr_results_are_not_copies() -> None:
    week1 = dedupe.fingerprint([INR.format(date="03/02/2026", inr="2.4")])
    week2 = dedupe.fingerprint([INR.format(date="03/09/2026", inr="3.1")])
    same_day_other_value = dedupe.fingerprint([INR.format(date="03/02/2026", inr="2.7")])
    assert dedupe.similarity(week1, week2) is None
    assert dedupe.similarity(week1, same_day_other_value) is None


def test_a_value_ocr_dropped_is_no_conflict_but_a_misread_one_is() -> None:
    base = INR.format(date="03/02/2026", inr="2.4")
    dropped = dedupe.fingerprint([base.replace("Reported: 03/02/2026", "Reported:")])
    assert dedupe.similarity(dedupe.fingerprint([base]), dropped) is not None
    # OCR letters read in digits are read back as digits
    assert (
        dedupe.similarity(
            dedupe.fingerprint([base]), dedupe.fingerprint([base.replace("448120", "44812O")])
        )
        is not None
    )


def test_a_name_written_surname_first_is_the_same_name() -> None:
    base = INR.format(date="03/02/2026", inr="2.4")
    first = dedupe.fingerprint([base])
    surname_first = dedupe.fingerprint(
        [base.replace("Patient: Maria Lopez", "Patient: LOPEZ, MARIA")]
    )
    another = dedupe.fingerprint([base.replace("Patient: Maria Lopez", "Patient: Lopez, Ana")])
    assert dedupe.similarity(first, surname_first) is not None
    assert dedupe.similarity(first, another) is None


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_pages_with_little_text_compare_by_image() -> None:
    page = samples.render_page(("ECG", "Rate 72"), point_size=40)
    first = png(page)
    again = png(samples.to_fax(page, fine=False).convert("L"))
    other = png(samples.render_page(("X-RAY LEFT HAND",) * 6, point_size=60))
    a = dedupe.fingerprint(["ECG"], first)
    assert a.image_hash is not None and a.bands()[0][0] == dedupe.IMAGE_BAND_BASE
    assert dedupe.similarity(a, dedupe.fingerprint(["ECG"], again)) is not None
    assert dedupe.similarity(a, dedupe.fingerprint(["X-RAY"], other)) is None


def test_identifiers_survive_the_database_as_json() -> None:
    found = dedupe.fingerprint([FORM.format(name="Ana Ruiz", dob="04/12/1961", mrn="1", signed="")])
    assert (
        dedupe.identifiers_from_json(dedupe.identifiers_json(found.identifiers))
        == found.identifiers
    )


def test_minhash_keeps_the_values_stored_when_datasketch_computed_them() -> None:
    """Signatures already in a practice's index were made by datasketch 2.0's default MinHash;
    recordroom's own must give the very same values, or no re-sent copy of an older fax would
    ever be recognised."""
    import random

    from datasketch import MinHash

    rng = random.Random(5)
    for size in (0, 1, 7, 300, 9000):  # 9000: more than one chunk of shingles
        shingles = {rng.randbytes(rng.randrange(1, 9)) for _ in range(size)}
        theirs = MinHash(num_perm=dedupe.PERMUTATIONS, seed=dedupe.SEED)
        theirs.update_batch(list(shingles))
        assert dedupe.minhash(shingles).tolist() == theirs.hashvalues.tolist()


def test_minhash_of_nothing_is_all_ones_and_one_shingle_changes_few_values() -> None:
    empty = dedupe.minhash([])
    assert set(empty.tolist()) == {2**32 - 1}
    words = ("patient", "seen", "today", "for", "cough", "and", "fever", "without", "chills")
    one = dedupe.text_minhash(words)
    other = dedupe.text_minhash((*words[:-1], "chilly"))
    assert 0.5 < dedupe.text_similarity(one, other) < 1.0
    assert dedupe.text_similarity(one, one) == 1.0
