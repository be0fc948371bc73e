"""Where the review page marks the found text: searched with pdfium only on
the pages whose archived text (text.txt) holds it — the same boxes as the
search of every page it replaced (checked here against that search, run
independently), for born-digital documents and an OCRed scan."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import SAMPLES, ingest_json


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("marks")
    inbox = tmp / "in"
    inbox.mkdir()
    for f in sorted(SAMPLES.glob("inbox/*-pdf.pdf"))[:6] + [SAMPLES / "inbox" / "scan-ifsg_belehrung-001-png.png"]:
        shutil.copy(f, inbox)
    ingest_json(inbox, "-w", tmp / "wd", "-j", "1", check=None)
    return tmp / "wd", sorted((tmp / "wd" / "archive").glob("*/*/metadata.json"))


def _every_page(pdf: Path, fields: dict) -> dict:
    """The search of every page (up to 10) for each field, as before."""
    import pypdfium2 as pdfium

    from ekte.serve.pages import _boxes

    found = {}
    doc = pdfium.PdfDocument(str(pdf))
    for name, f in fields.items():
        n = len(doc)
        order = [f["page"]] if f.get("page") and 1 <= f["page"] <= n else range(1, min(n, 10) + 1)
        for pno in order:
            pg = doc[pno - 1]
            tp = pg.get_textpage()
            w, h = pg.get_size()
            boxes = _boxes(tp, w, h, str(f.get("raw") or f.get("value") or "")) or _boxes(tp, w, h, str(f.get("value") or ""))
            tp.close()
            if boxes:
                found[name] = {"page": pno, "boxes": boxes}
                break
    doc.close()
    return found


def test_marks_are_those_of_the_search_of_every_page(archived, tmp_path):
    from ekte.serve.pages import field_boxes

    wd, metas = archived
    assert len(metas) == 7
    marked = 0
    for m in metas:
        meta = json.loads(m.read_text())
        fields = dict(meta["fields"])
        fields["nirgends"] = {"value": "Zeichenkette die auf keiner Seite steht"}  # searched nowhere now
        pdf = m.parent / "document.pdf"
        got = field_boxes(tmp_path, meta["id"], meta["archive_sha256"], pdf, fields)
        assert got == _every_page(pdf, fields), meta["id"]
        assert "nirgends" not in got
        marked += len(got)
        again = field_boxes(tmp_path, meta["id"], meta["archive_sha256"], pdf, fields)  # from the cache
        assert again == got
    assert marked >= 15


def test_a_value_on_no_page_is_not_searched():
    from ekte.serve.pages import _candidates

    texts = ["antrag auf erteilung", "max mustermann\nbahnhofstraße 1"]
    texts = [" ".join(t.split()) for t in texts]
    assert _candidates({"value": "Max  Mustermann"}, 2, texts) == [(2, "Max  Mustermann")]
    assert _candidates({"value": "Erika Musterfrau"}, 2, texts) == []
    assert _candidates({"value": "Antrag", "page": 2}, 2, texts) == []  # its page does not hold it
    assert _candidates({"value": "x"}, 2, texts) == []
    assert _candidates({"value": "Erika", "raw": "Max"}, 2, None) == [(1, "Max"), (1, "Erika"), (2, "Max"), (2, "Erika")]


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_next_documents_marks_prepared_while_one_is_viewed(tmp_path):
    """Over real HTTP: viewing a document of the queue prepares the next
    one's marks in the background (its first view reads the cache)."""
    import sqlite3

    from serve_helpers import login, make_workdir, start_server, stop, wait_for

    wd = tmp_path / "work"
    make_workdir(wd, sorted(SAMPLES.glob("inbox/*-pdf.pdf"))[:3])
    db = sqlite3.connect(wd / "journal.sqlite")
    order = [r[0] for r in db.execute("SELECT id FROM documents WHERE state='review' ORDER BY first_seen, id")]
    db.close()
    assert len(order) == 3
    cached = lambda d: list((wd / "cache" / "pages" / d).glob("*/boxes.json"))  # noqa: E731
    server, url = start_server(wd)
    try:
        c = login(url, "anna")
        assert c.get(f"/review/{order[0]}").status_code == 200
        assert cached(order[0])
        wait_for(lambda: bool(cached(order[1])), 60, "the next document's marks")
        assert not cached(order[2])
        marks = json.loads(cached(order[1])[0].read_text())["boxes"]
        page = c.get(f"/review/{order[1]}").text
        assert marks and all(f'data-field="{name}"' in page for name in marks)
    finally:
        assert stop(server) == 0
