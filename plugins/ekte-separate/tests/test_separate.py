"""ekte-separate: real barcode pages (zxing-cpp writes them), rendered into
scan-like batches with the documents (generated applications, simulated
scanner noise), split by `ekte ingest` with real OCR."""

import json
import random
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

import generate
from helpers import ingest_json

DPI = 200


def separator_page(value: str, fmt=zxingcpp.BarcodeFormat.QRCode, rng=None) -> Image.Image:
    """An A4 separator sheet with the barcode, as a scanner would deliver it."""
    page = Image.new("L", (int(8.27 * DPI), int(11.69 * DPI)), 255)
    code = zxingcpp.create_barcode(value, fmt)
    img = Image.fromarray(__import__("numpy").array(code.to_image(scale=6 if fmt == zxingcpp.BarcodeFormat.QRCode else 4)))
    if fmt != zxingcpp.BarcodeFormat.QRCode:
        img = img.resize((img.width, 160))
    page.paste(img.convert("L"), ((page.width - img.width) // 2, int(page.height * 0.3)))
    rng = rng or random.Random(1)
    return page.rotate(rng.uniform(-1.0, 1.0), fillcolor=255)


def doc_pages(doctype: str, seed: int) -> tuple[list[Image.Image], dict]:
    rng = random.Random(seed)
    s = generate.make_sample(rng, doctype, "form")
    pdf, _ = generate.render_pdf(s, rng)
    return generate.simulate_scan(pdf, rng, dpi=DPI, noise=0.8), s.fields


def blank_page() -> Image.Image:
    return Image.new("L", (int(8.27 * DPI), int(11.69 * DPI)), 250)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Document A | QR separator with type and Aktenzeichen | document B | plain PATCHT (Code 128) | document C."""
    d = tmp_path_factory.mktemp("batch")
    a, fa = doc_pages("kfz_zulassung", 1)
    b, fb = doc_pages("waffen_antrag", 2)
    c, fc = doc_pages("masern_meldung", 3)
    az = "BSP-32.40-2026/00777"
    pages = a + [separator_page(f"EKTE-SEP|doctype=waffen_antrag|az={az}")] + b + \
        [separator_page("PATCHT", zxingcpp.BarcodeFormat.Code128)] + c
    path = d / "stapel.pdf"
    generate.save_scan(pages, "scanpdf", path, DPI)
    expect = [
        {"pages": list(range(1, len(a) + 1)), "type": "kfz_zulassung", "fields": fa},
        {"pages": list(range(len(a) + 2, len(a) + len(b) + 2)), "type": "waffen_antrag", "fields": fb, "az": az},
        {"pages": list(range(len(a) + len(b) + 3, len(pages) + 1)), "type": "masern_meldung", "fields": fc},
    ]
    return path, expect, len(pages)


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_batch_is_split_on_barcode_sheets(batch, tmp_path):
    path, expect, total = batch
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / path.name).write_bytes(path.read_bytes())
    res = ingest_json(inbox, "-w", tmp_path / "wd", "-c", "folder", check=None)  # 1: a part may wait for review
    docs = res["documents"]
    assert len(docs) == 3
    metas = [json.loads(Path(d["archive"], "metadata.json").read_text("utf-8")) for d in docs]
    metas.sort(key=lambda m: m["provenance"]["part"])
    docs = [next(d for d in docs if d["id"] == m["id"]) for m in metas]
    for d, m, e in zip(docs, metas, expect):
        prov = m["provenance"]
        assert prov["pages"] == e["pages"]  # separator pages dropped, the rest exactly once
        assert prov["separator_pages"] == [expect[0]["pages"][-1] + 1, expect[1]["pages"][-1] + 1]
        assert prov["parts"] == 3 and prov["source_sha256"] == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
        assert d["pages"] == len(e["pages"])
        assert d["doctype"] == e["type"], (d["doctype"], e["type"])
        assert d["fields"]["nachname"] == e["fields"]["nachname"]  # real OCR of the part
    # the QR separator carried the type and the Aktenzeichen of the next document
    assert metas[1]["classification"]["method"] == "given"
    assert docs[1]["fields"]["aktenzeichen"] == expect[1]["az"]
    assert metas[1]["fields"]["aktenzeichen"]["method"] == "intake"
    assert metas[1]["provenance"]["separator"]["value"].startswith("EKTE-SEP|")
    # the sheet gave the type and the Aktenzeichen, not the names: those ekte read itself are checked as
    # any document's (fresh30 G13) — unsure OCR of them sends the part to review, nothing else does
    assert docs[0]["status"] == docs[2]["status"] == "archived" and docs[1]["status"] in ("archived", "review")
    if docs[1]["status"] == "review":
        item = json.loads((tmp_path / "wd" / "review" / f"{docs[1]['id']}.json").read_text("utf-8"))
        assert item["fields"] and all(": confidence" in r for r in item["fields"]), item["fields"]
    assert metas[2]["provenance"]["separator"]["value"] == "PATCHT"
    # the batch itself is untouched in the inbox; a re-run archives nothing twice
    assert (inbox / path.name).read_bytes() == path.read_bytes()
    res2 = ingest_json(inbox, "-w", tmp_path / "wd", "-c", "folder", check=None)
    again = {d["id"]: d["status"] for d in res2["documents"]}  # the part waiting for review stays there
    assert again == {d["id"]: "duplicate" if d["status"] == "archived" else "review" for d in docs}


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_blank_pages_and_tiff_batches(tmp_path):
    a, fa = doc_pages("tierhaltung", 4)
    b, fb = doc_pages("bauantrag", 5)
    pages = a + [blank_page()] + b
    path = tmp_path / "in" / "stapel.tif"
    path.parent.mkdir()
    generate.save_scan(pages, "tif", path, DPI)
    res = ingest_json(path.parent, "-w", tmp_path / "wd", "-c", "folder", "-o", "plugins.separate.blank_pages=true",
                      check=0)
    assert sorted(d["doctype"] for d in res["documents"]) == ["bauantrag", "tierhaltung"]
    metas = [json.loads(Path(d["archive"], "metadata.json").read_text("utf-8")) for d in res["documents"]]
    assert sorted(m["provenance"]["pages"] for m in metas) == [list(range(1, len(a) + 1)),
                                                             list(range(len(a) + 2, len(pages) + 1))]
    # without blank-page separation the same batch is one document
    res = ingest_json(path.parent, "-w", tmp_path / "wd2", "-c", "folder", check=1)
    assert len(res["documents"]) == 1 and res["documents"][0]["pages"] == len(pages)


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_foreign_barcodes_do_not_split(tmp_path):
    """A QR code on a form that is not a separator value leaves the file whole."""
    a, _ = doc_pages("kfz_zulassung", 6)
    pages = a + [separator_page("https://example.org/formular/4711")] + a
    path = tmp_path / "in" / "form.pdf"
    path.parent.mkdir()
    generate.save_scan(pages, "scanpdf", path, DPI)
    res = ingest_json(path.parent, "-w", tmp_path / "wd", "-c", "folder", "-o", "classify.threshold=0")
    assert len(res["documents"]) == 1 and res["documents"][0]["pages"] == len(pages)
    m = json.loads(Path(res["documents"][0]["archive"], "metadata.json").read_text("utf-8"))
    assert m.get("provenance") is None


def test_a_batch_whose_name_is_not_utf8_is_split_too(tmp_path):
    """fresh29 F15: a batch named in Latin-1 ("M\\xfcller.pdf" from an old SMB share) was archived as ONE
    document: pikepdf refused the surrogate-escaped name and the plugin's check failed with a warning."""
    import os

    import pikepdf

    from helpers import SAMPLES

    sep = tmp_path / "sep.pdf"
    separator_page("PATCHT", zxingcpp.BarcodeFormat.Code128).save(sep, "PDF", resolution=DPI)
    a, b = SAMPLES / "inbox" / "bauantrag-002-pdf.pdf", SAMPLES / "inbox" / "tierhaltung-006-pdf.pdf"
    inbox = tmp_path / "in"
    inbox.mkdir()
    name = inbox / os.fsdecode(b"M\xfcller-Stapel.pdf")
    with pikepdf.open(a) as pa, pikepdf.open(sep) as ps, pikepdf.open(b) as pb, pikepdf.new() as out:
        for src in (pa, ps, pb):
            out.pages.extend(src.pages)
        out.save(name)
    res = ingest_json(inbox, "-w", tmp_path / "wd")  # (exit 1: a part may wait for review)
    assert len(res["documents"]) == 2, [(d["status"], d.get("pages")) for d in res["documents"]]
    assert all(d["source"].startswith(str(inbox / "M\\xfcller-Stapel.pdf#pages=")) for d in res["documents"]), res


def test_scans_kept_per_path_and_bounded(batch, tmp_path, monkeypatch):
    """A run's coordinator asks claims() of every input: what the source keeps stays bounded (it grew with the
    run, and each scan walked all of it: issue 12), a file is scanned once for claims() and expand(), and a file
    changed since is scanned again."""
    from ekte.profile import load_profile
    from ekte_separate import source

    src = source.SeparateSource()
    src.configure(load_profile("landkreis"), tmp_path)
    counted = []
    real = src._page_count
    monkeypatch.setattr(src, "_page_count", lambda p, k: counted.append(p.name) or real(p, k))
    one = tmp_path / "one.pdf"
    Image.new("L", (200, 280), 255).save(one)
    for i in range(source.CACHED + 40):
        f = tmp_path / f"f{i}.pdf"
        f.hardlink_to(one)
        assert src.claims(f) is False and src.scan(f) is None  # one page: not a batch to split
    assert len(src._cache) == source.CACHED and len(counted) == source.CACHED + 40  # each file's pages counted once
    path = tmp_path / "stapel.pdf"
    path.write_bytes(batch[0].read_bytes())
    assert src.claims(path) and src.scan(path) == src.scan(path)
    assert counted.count("stapel.pdf") == 1
    path.write_bytes(one.read_bytes())  # the same name, another file
    assert src.scan(path) is None and counted.count("stapel.pdf") == 2


def test_pages_without_marks_are_not_rendered_and_read(tmp_path, monkeypatch):
    """fresh41 F9: 2,000 blank pages were each rendered and read for a barcode (40 ms a page) in the run's
    coordinator.  A page without any object or annotation renders white, and a page of one shade holds no
    barcode: neither is read; what the scan finds is the same (the separator; with blank_pages, the blank ones)."""
    import pikepdf

    from ekte.profile import load_profile
    from ekte_separate import source
    from helpers import SAMPLES

    sep = tmp_path / "sep.pdf"
    separator_page("PATCHT", zxingcpp.BarcodeFormat.Code128).save(sep, "PDF", resolution=DPI)
    a = SAMPLES / "inbox" / "bauantrag-002-pdf.pdf"
    path = tmp_path / "stapel.pdf"
    with pikepdf.open(a) as pa, pikepdf.open(sep) as ps, pikepdf.new() as out:
        out.pages.extend(pa.pages)
        out.pages.extend(ps.pages)
        out.pages.extend(pa.pages)
        for _ in range(300):
            out.add_blank_page()
        white = out.add_blank_page()  # drawn on, in white: objects, one shade
        white.Contents = out.make_stream(b"1 g 0 0 612 792 re f")
        out.save(path)
    reads = []
    real = zxingcpp.read_barcodes
    monkeypatch.setattr(zxingcpp, "read_barcodes", lambda img, *a, **k: reads.append(1) or real(img, *a, **k))
    src = source.SeparateSource()
    src.configure(load_profile("landkreis"), tmp_path)
    assert [(s["page"], s["value"]) for s in src.scan(path)] == [(1, "PATCHT")]
    assert len(reads) == 3  # the two document pages and the separator
    src.config["blank_pages"] = True
    src._cache.clear()
    assert [(s["page"], s["value"]) for s in src.scan(path)] == [(1, "PATCHT")] + [(i, "(blank page)")
                                                                                   for i in range(3, 304)]
