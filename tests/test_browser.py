"""The clerk's path in a real headless Chromium (Debian's chromium and
chromium-driver, driven by selenium): log in, open a document of the
review queue, see its page, correct a field, accept — and the document is
exported once.  ``ekte watch`` runs on the same working directory.
Screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from helpers import SAMPLES, run_ekte
from serve_helpers import PASSWORDS, THRESHOLD, born_pdfs, make_workdir, start_server, start_watch, stop

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "browser"
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture
def browser(tmp_path):
    if not CHROMIUM or not DRIVER:
        pytest.fail("Debian's chromium and chromium-driver are needed (make venv installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
              f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1400,1000", "--lang=de-DE"):
        opts.add_argument(a)
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    drv.set_page_load_timeout(120)
    yield drv
    drv.quit()


def shot(drv, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    drv.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def test_clerk_corrects_and_accepts_in_chromium(tmp_path, browser):
    from selenium.webdriver.common.by import By

    wd = tmp_path / "work"
    make_workdir(wd, born_pdfs()[:2])
    scan = _sampled_scan(tmp_path, wd)
    watch = start_watch(tmp_path / "inbox", wd)
    server, url = start_server(wd)
    try:
        drv = browser
        drv.get(url + "/review")
        assert "/login" in drv.current_url
        drv.find_element(By.ID, "username").send_keys("anna")
        drv.find_element(By.ID, "password").send_keys(PASSWORDS["anna"][1])
        shot(drv, "01-login")
        drv.find_element(By.ID, "login").click()
        assert _wait_text(drv, "h1", "Prüfkorb")  # the login page's h1 is there until the queue has loaded
        shot(drv, "02-queue")
        link = drv.find_elements(By.CSS_SELECTOR, "a.doc")[0]
        doc = link.text
        link.click()
        assert drv.find_element(By.ID, "doc-id").text == doc
        img = drv.find_element(By.CSS_SELECTOR, "#page-1 img")
        for _ in range(100):  # the page image is rendered on the server and loaded
            if drv.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img):
                break
            time.sleep(0.2)
        assert drv.execute_script("return arguments[0].naturalWidth", img) > 500
        marks = drv.find_elements(By.CSS_SELECTOR, "#page-1 rect.mark")
        assert marks, "no found text marked on the page"
        shot(drv, "03-document")
        # a wrong date first: the German message, nothing accepted
        field = drv.find_element(By.ID, "f_antragsdatum")
        field.clear()
        field.send_keys("31.02.2025")
        drv.find_element(By.ID, "accept").click()
        assert "kein gültiges Datum" in _text_of(drv, "#e_antragsdatum")  # after the form's page has loaded
        shot(drv, "04-invalid")
        field = drv.find_element(By.ID, "f_antragsdatum")
        field.clear()
        field.send_keys("03.02.2025")
        field.send_keys("\ue00c")  # Esc leaves the field; then the keyboard shortcut "a" accepts
        drv.find_element(By.TAG_NAME, "body").send_keys("a")
        assert f"Dokument {doc} angenommen." in _flash_after_accept(drv)
        shot(drv, "05-accepted")
        _sample_check(drv, url, scan)
    finally:
        assert stop(server) == 0
        stop(watch)
    exported = sorted((wd / "export" / "folder").glob(f"{doc}/*"))
    assert [p.suffix for p in exported] == [".json", ".pdf"]
    meta = json.loads(exported[0].read_text())
    assert meta["fields"]["antragsdatum"]["value"] == "03.02.2025"
    assert meta["fields"]["antragsdatum"]["method"] == "manual"
    db = sqlite3.connect(wd / "journal.sqlite")
    assert db.execute("SELECT state FROM documents WHERE id=?", (doc,)).fetchone()[0] == "exported"
    n = db.execute("SELECT COUNT(*) FROM events WHERE doc_id=? AND event='exported'", (doc,)).fetchone()[0]
    assert n == 1
    who = [a for (a,) in db.execute(  # the audit trail's actor column (journal schema 4)
        "SELECT actor FROM events WHERE doc_id=? AND stage='review' AND event='field-corrected'", (doc,))]
    assert who == ["anna"]
    assert sorted(p.name for p in (wd / "export" / "folder").glob(f"{scan}/*")) == [f"{scan}.json", f"{scan}.pdf"]
    assert 'status="bestanden"' in (wd / "archive" / scan[:2] / scan / "transfervermerk.xml").read_text()


def _sampled_scan(tmp_path: Path, wd: Path) -> str:
    """A scan chosen for the sample check (sample_every = 1), received after the born-digital ones."""
    scans = tmp_path / "scans"
    scans.mkdir()
    shutil.copy(SAMPLES / "inbox" / "scan-ifsg_belehrung-001-png.png", scans)
    out = run_ekte("ingest", scans, "-w", wd, "--json", *THRESHOLD, "-o", "resiscan.sample_every=1", check=1)
    return json.loads(out.stdout)["documents"][0]["id"]


def _flash_after_accept(drv) -> str:
    """The flash message once the page after an accept has loaded."""
    for _ in range(150):
        if "angenommen" in drv.page_source:
            break
        time.sleep(0.2)
    return _text_of(drv, ".flash")


def _wait_text(drv, css: str, prefix: str, timeout: float = 30) -> bool:
    """Wait until the loading page's element *css* reads *prefix*…"""
    deadline = time.monotonic() + timeout
    while not _text_of(drv, css, timeout).startswith(prefix):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _text_of(drv, css: str, timeout: float = 30) -> str:
    """The text of an element of the page that is loading (waits for it)."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    while True:
        try:
            return drv.find_element(By.CSS_SELECTOR, css).text
        except (NoSuchElementException, StaleElementReferenceException):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _sample_check(drv, url: str, scan: str) -> None:
    """Accepting without the sample check's result is refused next to the choice; with it, accepted."""
    from selenium.webdriver.common.by import By

    drv.get(f"{url}/review/{scan}")
    assert "Stichprobe: Scan stimmt mit dem Papier überein" in drv.find_element(By.ID, "sample").text
    drv.find_element(By.ID, "accept").click()
    assert "Ergebnis der Stichprobe" in _text_of(drv, "#e_sample")
    shot(drv, "06-sample-missing")
    drv.find_element(By.ID, "sample-matches").click()
    drv.find_element(By.ID, "accept").click()
    assert f"Dokument {scan} angenommen." in _flash_after_accept(drv)
    shot(drv, "07-sample-accepted")


def test_review_page_fits_1300_px_and_stats_days_are_german(tmp_path, browser):
    """fresh24 #7/#10 (ux7): at a 1300 px wide window the review page has no horizontal scroll bar (its field
    panel overflowed to the right), nor at 1024 px; the statistics show days as DD.MM.YYYY, table and chart."""
    import datetime as dt
    import re

    from selenium.webdriver.common.by import By

    from serve_helpers import running_station

    with running_station(tmp_path, born_pdfs()[:2]) as st:
        drv = browser
        drv.get(st["url"] + "/login")
        drv.find_element(By.ID, "username").send_keys("anna")
        drv.find_element(By.ID, "password").send_keys(PASSWORDS["anna"][1])
        drv.find_element(By.ID, "login").click()
        assert _wait_text(drv, "h1", "Prüfkorb")
        doc = drv.find_elements(By.CSS_SELECTOR, "a.doc")[0].text
        for width in (1300, 1024):
            drv.set_window_size(width, 900)
            drv.get(st["url"] + f"/review/{doc}")
            inner = drv.execute_script("return window.innerWidth")
            over = drv.execute_script(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth, "
                "Array.from(document.querySelectorAll('main *')).filter(e => e.getBoundingClientRect().right > "
                "document.documentElement.clientWidth + 1).map(e => e.tagName + '#' + e.id + '.' + e.className)"
                ".slice(0, 8)]")
            shot(drv, f"10-review-{width}")
            assert inner <= width and over[0] <= over[1], (width, inner, over)
        hours = drv.find_element(By.NAME, "hours")  # fresh29: the form refused half an hour, the server takes 0.1-2160
        drv.execute_script("arguments[0].value = '0.5'", hours)
        assert drv.execute_script("return arguments[0].checkValidity()", hours)
        db = sqlite3.connect(st["wd"] / "journal.sqlite")
        marks = "SELECT user FROM review_open WHERE doc_id = ?"
        assert db.execute(marks, (doc,)).fetchall() == [("anna",)]  # "being worked on" while the page is open
        drv.set_window_size(1400, 1000)
        drv.get(st["url"] + "/stats?by=day,outcome")  # leaving the page: its script's beacon ends the mark
        for _ in range(50):
            if not db.execute(marks, (doc,)).fetchall():
                break
            time.sleep(0.2)
        assert db.execute(marks, (doc,)).fetchall() == []
        today = dt.date.today()
        cells = [td.text for td in drv.find_elements(By.CSS_SELECTOR, "table.stats td")]
        axis = [t.text for t in drv.find_elements(By.CSS_SELECTOR, ".charts svg text")]
        german = re.compile(r"\d\d\.\d\d\.\d{4}")
        assert today.strftime("%d.%m.%Y") in cells and not [c for c in cells if re.fullmatch(r"\d{4}-\d\d-\d\d", c)]
        assert [a for a in axis if german.fullmatch(a)] and not [a for a in axis if re.fullmatch(r"\d{4}-\d\d-\d\d", a)]
        shot(drv, "11-stats")
