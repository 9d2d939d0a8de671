"""The real app in a real browser: ``recordroom serve`` on a free port over a temporary home
(real SQLite, local object store), Debian's Chromium driven by Playwright. Screenshots of the key
pages go to ``test-artefacts/screens`` (gitignored) to be looked at."""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from audit.export import CSV_HEADER
from recordroom.core.settings import load_settings
from recordroom.wiring import open_context
from tests.web.seed import PASSWORD, Seeded, seed_records

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "test-artefacts" / "screens"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@dataclass(frozen=True)
class LiveApp:
    url: str
    seeded: Seeded
    home: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"recordroom serve exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"recordroom serve did not answer in 90 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    work = tmp_path_factory.mktemp("live")
    port = _free_port()
    environ = {
        **os.environ,
        "RECORDROOM_HOME": str(work / "var"),
        "RECORDROOM_INBOX": str(work / "inbox"),
        "RECORDROOM_WEB_PORT": str(port),
        "RECORDROOM_SETTLE_SECONDS": "0.5",
        "RECORDROOM_POLL_SECONDS": "1",
    }
    settings = load_settings(environ=environ, cwd=work)
    with open_context(settings) as ctx:
        seeded = seed_records(ctx, work / "samples")
    log = work / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "recordroom.cli", "serve"],
            cwd=work,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, log)
        yield LiveApp(url, seeded, work)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: bin/setup installs Debian's chromium")
    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _page(browser: object, width: int = 1280) -> object:
    context = browser.new_context(viewport={"width": width, "height": 860})  # type: ignore[attr-defined]
    return context.new_page()


def _sign_in(page: object, live: LiveApp, role: str) -> None:
    page.goto(f"{live.url}/")  # type: ignore[attr-defined]
    page.fill("#username", live.seeded.passwords[role])  # type: ignore[attr-defined]
    page.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{live.url}/")  # type: ignore[attr-defined]


def _shot(page: object, name: str, *, full: bool = True) -> None:
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=full)  # type: ignore[attr-defined]


def test_each_role_signs_in_and_sees_its_pages(live: LiveApp, browser: object) -> None:
    expected = {
        "intake": {"Inbox", "Review", "Search", "Patients"},
        "clerk": {"Search", "Patients", "Requests"},
        "auditor": {"Audit"},
        "admin": {"Users"},
    }
    for role, links in expected.items():
        page = _page(browser)
        page.goto(f"{live.url}/login")  # type: ignore[attr-defined]
        if role == "intake":
            _shot(page, "01-login")
        _sign_in(page, live, role)
        nav = set(page.locator("header nav a").all_inner_texts())  # type: ignore[attr-defined]
        assert nav == links, role
        _shot(page, f"02-home-{role}")
        page.context.close()  # type: ignore[attr-defined]


def test_intake_splits_a_document_and_merges_it_back(live: LiveApp, browser: object) -> None:
    """Runs before the review item is filed: it leaves the item as it found it."""
    page = _page(browser, width=1024)
    page.on("dialog", lambda dialog: dialog.accept())  # type: ignore[attr-defined]
    _sign_in(page, live, "intake")
    page.goto(f"{live.url}/review/{live.seeded.review_id}")  # type: ignore[attr-defined]
    page.evaluate("document.getElementById('pages-h').scrollIntoView()")  # type: ignore[attr-defined]
    _shot(page, "21-review-split-form", full=False)
    page.select_option("#at_page", "2")  # type: ignore[attr-defined]
    page.click("button:has-text('Split')")  # type: ignore[attr-defined]
    page.wait_for_url("**msg=split**")  # type: ignore[attr-defined]
    assert "Split in two" in page.inner_text("main")  # type: ignore[attr-defined]
    assert page.locator("a.thumb").count() == 1  # type: ignore[attr-defined]
    _no_sideways_scroll(page)
    page.evaluate("document.getElementById('pages-h').scrollIntoView()")  # type: ignore[attr-defined]
    _shot(page, "22-review-after-split", full=False)
    page.click("header >> text=Review")  # type: ignore[attr-defined]
    assert page.locator("text=fax-0001.pdf").count() == 2  # type: ignore[attr-defined]
    _shot(page, "23-review-queue-after-split")
    page.goto(f"{live.url}/review/{live.seeded.review_id}")  # type: ignore[attr-defined]
    page.check("input[name=other]")  # type: ignore[attr-defined]
    page.click("button:has-text('Merge into this document')")  # type: ignore[attr-defined]
    page.wait_for_url("**msg=merged")  # type: ignore[attr-defined]
    assert "Merged" in page.inner_text("main")  # type: ignore[attr-defined]
    assert page.locator("a.thumb").count() == 2  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]


def test_intake_resolves_a_review_item(live: LiveApp, browser: object) -> None:
    page = _page(browser)
    _sign_in(page, live, "intake")
    page.click("text=Review")  # type: ignore[attr-defined]
    assert "fax-0001.pdf" in page.inner_text("main")  # type: ignore[attr-defined]
    _shot(page, "03-review-queue")
    page.click("text=fax-0001.pdf")  # type: ignore[attr-defined]
    page.wait_for_selector("#page-image")  # type: ignore[attr-defined]
    # The page images load from the server (their natural width is not zero).
    page.wait_for_function(  # type: ignore[attr-defined]
        "document.getElementById('page-image').naturalWidth > 0"
    )
    page.fill("#q", "garcia 1961-04-02")  # type: ignore[attr-defined]
    page.press("#q", "Enter")  # type: ignore[attr-defined]
    page.wait_for_selector("input[name=patient_mrn][value=MRN1001]")  # type: ignore[attr-defined]
    page.click("a.thumb[data-page='2']")  # type: ignore[attr-defined]
    assert page.inner_text("#page-caption") == "Page 2 of 2"  # type: ignore[attr-defined]
    _shot(page, "04-review-item", full=False)
    narrow = _page(browser, width=1024)
    narrow.context.add_cookies(page.context.cookies())  # type: ignore[attr-defined]
    narrow.goto(page.url)  # type: ignore[attr-defined]
    _shot(narrow, "05-review-item-1024", full=False)
    overflow = narrow.evaluate(  # type: ignore[attr-defined]
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, "the review page scrolls sideways at 1024px"
    page.check("input[name=patient_mrn][value=MRN1001]")  # type: ignore[attr-defined]
    page.select_option("#doc_type", "lab_report")  # type: ignore[attr-defined]
    page.click("text=File this document")  # type: ignore[attr-defined]
    assert "Document filed." in page.inner_text("main")  # type: ignore[attr-defined]
    assert "Nothing waits for review" in page.inner_text("main")  # type: ignore[attr-defined]
    page.goto(f"{live.url}/documents/{live.seeded.review_id}")  # type: ignore[attr-defined]
    assert "MRN1001" in page.inner_text("main")  # type: ignore[attr-defined]
    _shot(page, "06-document", full=False)
    page.context.close()  # type: ignore[attr-defined]


def test_clerk_searches_and_opens_a_patient(live: LiveApp, browser: object) -> None:
    page = _page(browser)
    _sign_in(page, live, "clerk")
    page.click("header >> text=Search")  # type: ignore[attr-defined]
    page.fill("#q", "metformin")  # type: ignore[attr-defined]
    page.press("#q", "Enter")  # type: ignore[attr-defined]
    page.wait_for_selector("ol.hits")  # type: ignore[attr-defined]
    _shot(page, "07-search")
    page.click("header >> text=Patients")  # type: ignore[attr-defined]
    page.fill("#q", "okafor")  # type: ignore[attr-defined]
    page.press("#q", "Enter")  # type: ignore[attr-defined]
    page.click("text=Okafor, James")  # type: ignore[attr-defined]
    assert "Consult note" in page.inner_text("main")  # type: ignore[attr-defined]
    _shot(page, "08-patient")
    page.context.close()  # type: ignore[attr-defined]


def test_intake_sees_the_inbox_and_retries_a_quarantined_file(
    live: LiveApp, browser: object
) -> None:
    page = _page(browser)
    _sign_in(page, live, "intake")
    page.click("header >> text=Inbox")  # type: ignore[attr-defined]
    assert "not a complete PDF" in page.inner_text("main")  # type: ignore[attr-defined]
    _shot(page, "09-inbox")
    page.click("text=Try again")  # type: ignore[attr-defined]
    assert "tried again" in page.inner_text("main")  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]


def test_admin_manages_users(live: LiveApp, browser: object) -> None:
    page = _page(browser)
    _sign_in(page, live, "admin")
    page.click("header >> text=Users")  # type: ignore[attr-defined]
    page.fill("#username", "rosa")  # type: ignore[attr-defined]
    page.fill("#display_name", "Rosa Diaz")  # type: ignore[attr-defined]
    page.check("form.grid-form input[value=clerk]")  # type: ignore[attr-defined]
    page.click("text=Add user")  # type: ignore[attr-defined]
    assert "Account rosa created" in page.inner_text("main")  # type: ignore[attr-defined]
    _shot(page, "10-user-created", full=False)
    page.click("text=Back to the users")  # type: ignore[attr-defined]
    _shot(page, "11-users")
    page.context.close()  # type: ignore[attr-defined]


def test_a_denied_route_shows_the_403_page(live: LiveApp, browser: object) -> None:
    page = _page(browser)
    _sign_in(page, live, "clerk")
    answer = page.goto(f"{live.url}/users")  # type: ignore[attr-defined]
    assert answer.status == 403
    assert "Not allowed" in page.inner_text("main")  # type: ignore[attr-defined]
    _shot(page, "12-denied", full=False)
    page.context.close()  # type: ignore[attr-defined]


def test_keyboard_reaches_the_skip_link_with_a_visible_focus(
    live: LiveApp, browser: object
) -> None:
    page = _page(browser)
    _sign_in(page, live, "intake")
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    focused = page.evaluate("document.activeElement.textContent")  # type: ignore[attr-defined]
    assert focused == "Skip to content"
    outline = page.evaluate(  # type: ignore[attr-defined]
        "getComputedStyle(document.activeElement).outlineStyle"
    )
    assert outline != "none"
    page.context.close()  # type: ignore[attr-defined]


def test_clerk_walks_a_release_to_the_downloaded_packet(live: LiveApp, browser: object) -> None:
    page = _page(browser)
    _sign_in(page, live, "clerk")
    page.click("header >> text=Requests")  # type: ignore[attr-defined]
    page.click("text=New request")  # type: ignore[attr-defined]
    page.select_option("#request_type", "right_of_access")  # type: ignore[attr-defined]
    page.fill("#patient_mrn", "MRN1002")  # type: ignore[attr-defined]
    page.select_option("#delivery", "link")  # type: ignore[attr-defined]
    page.select_option("#requester_type", "patient")  # type: ignore[attr-defined]
    page.fill("#requester_name", "James Okafor")  # type: ignore[attr-defined]
    page.fill("#requester_address", "4 Oak Lane, Springfield")  # type: ignore[attr-defined]
    page.check("input[name=complete_record]")  # type: ignore[attr-defined]
    _shot(page, "13-request-new")
    page.click("text=Log the request")  # type: ignore[attr-defined]
    assert "Request logged" in page.inner_text("main")  # type: ignore[attr-defined]
    page.click("text=Begin review")  # type: ignore[attr-defined]
    assert "identity" in page.inner_text("main")  # type: ignore[attr-defined]
    page.select_option("#method", "photo_id")  # type: ignore[attr-defined]
    page.fill("#note", "driver's licence seen")  # type: ignore[attr-defined]
    page.click("text=Record the check")  # type: ignore[attr-defined]
    _shot(page, "14-request-ready")
    page.click("button:has-text('Approve')")  # type: ignore[attr-defined]
    assert "Request approved" in page.inner_text("main")  # type: ignore[attr-defined]
    page.click("text=Fulfil the request")  # type: ignore[attr-defined]
    assert "fulfilled" in page.inner_text("main")  # type: ignore[attr-defined]
    _shot(page, "15-released", full=False)
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.click("text=Download the packet")  # type: ignore[attr-defined]
    saved = SCREENS.parent / "release-packet.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    page.click("header >> text=Requests")  # type: ignore[attr-defined]
    _shot(page, "16-requests")
    page.context.close()  # type: ignore[attr-defined]


def _no_sideways_scroll(page: object) -> None:
    overflow = page.evaluate(  # type: ignore[attr-defined]
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways"  # type: ignore[attr-defined]


def test_auditor_finds_who_opened_a_patient_and_exports_it(live: LiveApp, browser: object) -> None:
    clerk = _page(browser)
    _sign_in(clerk, live, "clerk")
    clerk.goto(f"{live.url}/patients/MRN1002")  # type: ignore[attr-defined]
    clerk.context.close()  # type: ignore[attr-defined]

    page = _page(browser, width=1024)
    _sign_in(page, live, "auditor")
    assert page.goto(f"{live.url}/inbox").status == 403  # type: ignore[attr-defined]
    page.click("header >> text=Audit")  # type: ignore[attr-defined]
    _shot(page, "17-audit-home")
    page.fill("#mrn", "MRN1002")  # type: ignore[attr-defined]
    page.press("#mrn", "Enter")  # type: ignore[attr-defined]
    page.wait_for_selector("table.events")  # type: ignore[attr-defined]
    table = page.inner_text("table.events")  # type: ignore[attr-defined]
    assert "clerk-user" in table and "patient.read" in table
    _no_sideways_scroll(page)
    _shot(page, "18-audit-who-accessed-patient")
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.click("a:text-is('CSV')")  # type: ignore[attr-defined]
    saved = SCREENS.parent / "audit-MRN1002.csv"
    download.value.save_as(saved)
    rows = list(csv.reader(saved.read_text(encoding="utf-8").splitlines()))
    assert tuple(rows[0]) == CSV_HEADER
    assert any(
        row[2] == "patient.read" and row[7] == "clerk-user" and "MRN1002" in row[13].split()
        for row in rows[1:]
    )
    # Keyboard only: from the user's name in a row to their report, with a visible focus.
    link = page.locator("table.events a", has_text="clerk-user").first  # type: ignore[attr-defined]
    link.focus()
    page.keyboard.press("Shift+Tab")  # type: ignore[attr-defined]
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    assert page.evaluate("document.activeElement.textContent") == "clerk-user"  # type: ignore[attr-defined]
    outline = page.evaluate(  # type: ignore[attr-defined]
        "getComputedStyle(document.activeElement).outlineStyle"
    )
    assert outline != "none"
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.wait_for_url("**/audit/reports/user?user=clerk-user")  # type: ignore[attr-defined]
    assert "patient.read" in page.inner_text("main")  # type: ignore[attr-defined]
    page.click("nav.subnav >> text=Events")  # type: ignore[attr-defined]
    page.select_option("#kind", "access.denied")  # type: ignore[attr-defined]
    page.click("form.filters button")  # type: ignore[attr-defined]
    assert "GET /inbox" in page.inner_text("table.events")  # type: ignore[attr-defined]
    _no_sideways_scroll(page)
    _shot(page, "19-audit-events")
    page.click("nav.subnav >> text=Chain status")  # type: ignore[attr-defined]
    assert "The audit trail is intact" in page.inner_text("main")  # type: ignore[attr-defined]
    _shot(page, "20-audit-chain", full=False)
    page.context.close()  # type: ignore[attr-defined]
