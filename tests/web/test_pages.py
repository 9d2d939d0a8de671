"""The pages over real records: review, document, page images, patients, search, inbox, users."""

from __future__ import annotations

import datetime as dt
import io

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import update

from recordroom.accounts import WebSessionRow
from recordroom.wiring import Context
from tests.web.conftest import csrf_of, sign_in
from tests.web.seed import PASSWORD, Seeded


def test_intake_resolves_a_review_item(as_role: dict[str, TestClient], seeded: Seeded) -> None:
    intake = as_role["intake"]
    queue = intake.get("/review")
    assert "fax-0001.pdf" in queue.text and "patient not identified" in queue.text
    item = intake.get(f"/review/{seeded.review_id}", params={"q": "garcia 1961-04-02"})
    assert item.status_code == 200
    assert "Valley Lab" in item.text and "MRN1001" in item.text
    assert "MRN1003" not in item.text  # the other Garcia was born on another day
    answer = intake.post(
        f"/review/{seeded.review_id}",
        data={"patient_mrn": "MRN1001", "doc_type": "lab_report", "csrf_token": csrf_of(item.text)},
        follow_redirects=True,
    )
    assert answer.status_code == 200 and "Document filed." in answer.text
    assert "fax-0001.pdf" not in answer.text
    document = intake.get(f"/documents/{seeded.review_id}")
    assert "MRN1001" in document.text and "Waiting for review" not in document.text


def test_a_bad_decision_is_refused_with_a_message(
    as_role: dict[str, TestClient], seeded: Seeded
) -> None:
    intake = as_role["intake"]
    token = csrf_of(intake.get(f"/review/{seeded.review_id}").text)
    answer = intake.post(
        f"/review/{seeded.review_id}",
        data={"patient_mrn": "NOPE", "doc_type": "lab_report", "csrf_token": token},
    )
    assert answer.status_code == 404 and "NOPE" in answer.text


def test_page_images_and_thumbnails(as_role: dict[str, TestClient], seeded: Seeded) -> None:
    clerk = as_role["clerk"]
    full = clerk.get(f"/documents/{seeded.review_id}/pages/2.png")
    thumb = clerk.get(f"/documents/{seeded.review_id}/pages/2.png", params={"size": "thumb"})
    assert full.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(thumb.content)).width == 160
    assert Image.open(io.BytesIO(full.content)).width > 160
    assert "no-store" in full.headers["cache-control"]
    # A born-digital page was never rasterised: it is drawn from the PDF.
    drawn = clerk.get(f"/documents/{seeded.filed_id}/pages/1.png")
    assert drawn.status_code == 200 and Image.open(io.BytesIO(drawn.content)).width > 500
    assert clerk.get(f"/documents/{seeded.filed_id}/pages/9.png").status_code == 404


def test_original_download(as_role: dict[str, TestClient], seeded: Seeded) -> None:
    answer = as_role["clerk"].get(f"/documents/{seeded.filed_id}/original")
    assert answer.content.startswith(b"%PDF")
    assert "attachment" in answer.headers["content-disposition"]


def test_patients_by_name_birth_date_and_mrn(as_role: dict[str, TestClient]) -> None:
    clerk = as_role["clerk"]
    assert clerk.get("/patients", params={"q": "garc"}).text.count("/patients/MRN100") == 2
    assert "MRN1003" in clerk.get("/patients", params={"q": "01/15/1990"}).text
    assert "Okafor" in clerk.get("/patients", params={"q": "mrn1002"}).text
    assert "No patient matches" in clerk.get("/patients", params={"q": "zzz"}).text


def test_patient_page_lists_documents_by_type(
    as_role: dict[str, TestClient], seeded: Seeded
) -> None:
    page = as_role["clerk"].get("/patients/MRN1002")
    assert "Okafor" in page.text and "Consult note" in page.text
    assert f"/documents/{seeded.filed_id}" in page.text
    assert as_role["clerk"].get("/patients/NOPE").status_code == 404


def test_search_with_filters(as_role: dict[str, TestClient], seeded: Seeded) -> None:
    clerk = as_role["clerk"]
    assert f"/documents/{seeded.filed_id}" in clerk.get("/search", params={"q": "metformin"}).text
    assert (
        "No document matches"
        in clerk.get("/search", params={"q": "metformin", "type": "lab_report"}).text
    )
    by_sender = clerk.get("/search", params={"sender": "valley"})
    assert f"/documents/{seeded.review_id}" in by_sender.text
    assert "No document" not in clerk.get("/search").text  # nothing asked, nothing said


def test_inbox_shows_quarantine_and_retries(
    ctx: Context, as_role: dict[str, TestClient], seeded: Seeded
) -> None:
    intake = as_role["intake"]
    page = intake.get("/inbox")
    assert "scan-broken.pdf" in page.text and "not a complete PDF" in page.text
    answer = intake.post(
        f"/inbox/quarantine/{seeded.quarantined}/retry", data={"csrf_token": csrf_of(page.text)}
    )
    assert "back in the inbox" in answer.text
    assert (ctx.settings.inbox / "scan-broken.pdf").is_file()
    assert not (ctx.settings.quarantine_dir / "scan-broken.pdf").exists()
    assert "scan-broken.pdf" in answer.text  # now waiting


def test_inbox_discard(ctx: Context, as_role: dict[str, TestClient], seeded: Seeded) -> None:
    intake = as_role["intake"]
    token = csrf_of(intake.get("/inbox").text)
    answer = intake.post(
        f"/inbox/quarantine/{seeded.quarantined}/discard", data={"csrf_token": token}
    )
    assert "discarded" in answer.text
    assert list(ctx.settings.quarantine_dir.iterdir()) == []
    missing = intake.post("/inbox/quarantine/..%2Fetc/discard", data={"csrf_token": token})
    assert missing.status_code == 404


def test_admin_adds_a_user_who_must_choose_a_password(
    ctx: Context, as_role: dict[str, TestClient], client: TestClient
) -> None:
    admin = as_role["admin"]
    token = csrf_of(admin.get("/users").text)
    made = admin.post(
        "/users",
        data={
            "username": "rosa",
            "display_name": "Rosa Diaz",
            "role": ["clerk", "intake"],
            "csrf_token": token,
        },
    )
    assert "shown only now" in made.text
    password = made.text.split('<p class="secret"><code>')[1].split("</code>")[0]
    sign_in(client, "rosa", password)
    forced = client.get("/search", follow_redirects=False)
    assert forced.status_code == 303 and forced.headers["location"] == "/account/password"
    form = client.get("/account/password")
    changed = client.post(
        "/account/password",
        data={
            "current": password,
            "new": "rosa's own password",
            "again": "rosa's own password",
            "csrf_token": csrf_of(form.text),
        },
    )
    assert "Your password was changed." in changed.text
    assert client.get("/search").status_code == 200


def test_disable_ends_the_users_session(as_role: dict[str, TestClient]) -> None:
    admin = as_role["admin"]
    token = csrf_of(admin.get("/users").text)
    admin.post("/users/clerk-user/disable", data={"csrf_token": token})
    answer = as_role["clerk"].get("/search", follow_redirects=False)
    assert answer.status_code == 303 and "/login" in answer.headers["location"]


def test_idle_session_is_signed_out(ctx: Context, as_role: dict[str, TestClient]) -> None:
    idle = dt.timedelta(minutes=ctx.settings.session_idle_minutes + 1)
    with ctx.database.session() as db:
        db.execute(update(WebSessionRow).values(last_seen_at=dt.datetime.now(dt.UTC) - idle))
        db.commit()
    answer = as_role["intake"].get("/inbox")
    assert answer.url.path == "/login"
    assert "signed out after 15 minutes" in answer.text


def test_wrong_password_is_refused_and_the_form_comes_back(
    client: TestClient, seeded: Seeded
) -> None:
    page = client.get("/login")
    answer = client.post(
        "/login",
        data={
            "username": seeded.passwords["clerk"],
            "password": PASSWORD + "x",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert answer.status_code == 401 and "user name or password is wrong" in answer.text
    assert 'name="password"' in answer.text


def test_search_by_date_received(as_role: dict[str, TestClient], seeded: Seeded) -> None:
    clerk = as_role["clerk"]
    today = dt.date.today()
    found = clerk.get("/search", params={"q": "metformin", "from": today.isoformat()})
    assert f"/documents/{seeded.filed_id}" in found.text
    later = (today + dt.timedelta(days=1)).isoformat()
    assert "No document matches" in clerk.get("/search", params={"from": later}).text
