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

from serve_helpers import PASSWORDS, born_pdfs, make_workdir, start_server, start_watch, stop

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
        assert drv.find_element(By.TAG_NAME, "h1").text.startswith("Prüfkorb")
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
        assert "kein gültiges Datum" in drv.find_element(By.ID, "e_antragsdatum").text
        shot(drv, "04-invalid")
        field = drv.find_element(By.ID, "f_antragsdatum")
        field.clear()
        field.send_keys("03.02.2025")
        field.send_keys("\ue00c")  # Esc leaves the field; then the keyboard shortcut "a" accepts
        drv.find_element(By.TAG_NAME, "body").send_keys("a")
        for _ in range(150):
            if "angenommen" in drv.page_source:
                break
            time.sleep(0.2)
        assert f"Dokument {doc} angenommen." in drv.find_element(By.CSS_SELECTOR, ".flash").text
        shot(drv, "05-accepted")
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
    who = [json.loads(d)["by"] for (d,) in db.execute(
        "SELECT detail FROM events WHERE doc_id=? AND stage='review' AND event='field-corrected'", (doc,))]
    assert who == ["anna"]
