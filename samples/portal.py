"""Generate sample online applications as a service portal delivers them
(OZG, FIT-Connect style): one package per submission,

    <submission-id>/            (or <submission-id>.zip with --zip)
        metadata.json           FIT-Connect submission metadata 1.0.0
        data.json               the structured form data ("Fachdaten")
        <attachmentId>.pdf      the generated form PDF (purpose "form")
        <attachmentId>.pdf      the applicant's attachments (purpose "attachment")

with SHA-512 hashes of the data and every attachment in metadata.json, and
``OUT.truth.json`` beside the folder: per submission the document type,
the fields and the attachment ids.  Every name and number is invented.

    python samples/portal.py OUTDIR [--count N] [--seed S] [--zip]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import sys
import uuid
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402

#: the LeiKa keys the sample portal sends (only where the profile knows them)
LEIKA = {"bauantrag": "99012070006000"}
ATTACHMENTS = {
    "bauantrag": ["Lageplan", "Bauzeichnungen", "Baubeschreibung"],
    "kfz_zulassung": ["eVB-Bestätigung", "Personalausweis (Kopie)"],
    "waffen_antrag": ["Sachkundenachweis", "Bedürfnisbescheinigung Schützenverein"],
    "masern_meldung": ["Impfausweis (Kopie)"],
}


def sha512(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()


def data_json(doctype: str, f: dict[str, str]) -> dict:
    """The portal's own data structure (what ekte maps through the profile)."""
    d = {
        "leistung": doctype,
        "antragsteller": {
            "vorname": f.get("vorname"), "nachname": f.get("nachname"), "geburtsdatum": f.get("geburtsdatum"),
            "anschrift": {"strasse": f.get("strasse"), "plz": f.get("plz"), "ort": f.get("ort")},
            "kontakt": {"email": f.get("email") or None},
        },
        "antragsdatum": f.get("antragsdatum"),
        "zahlung": {"iban": f.get("iban")} if f.get("iban") else None,
        "angaben": {k: v for k, v in f.items() if k in (
            "kennzeichen", "fin", "evb", "gemarkung", "flur", "flurstueck", "verein", "betrag")},
    }
    return d


def attachment_pdf(title: str, kind: str, n: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(0, 10, generate._latin1(f"Anlage {n}: {kind}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 7, generate._latin1(f"Diese Anlage gehört zum Online-Antrag \"{title}\". "
                                          f"Sie wurde vom Antragsteller im Serviceportal hochgeladen."))
    return bytes(pdf.output())


def make_package(rng: random.Random, doctype: str) -> tuple[str, dict[str, bytes], dict]:
    sample = generate.make_sample(rng, doctype, "form")
    form_pdf, _text = generate.render_pdf(sample, rng)
    sub_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    data = json.dumps(data_json(doctype, sample.fields), ensure_ascii=False, indent=2).encode("utf-8")
    files: dict[str, bytes] = {"data.json": data}
    atts = []
    form_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    files[f"{form_id}.pdf"] = form_pdf
    atts.append({"attachmentId": form_id, "purpose": "form", "filename": f"{form_id}.pdf",
                 "mimeType": "application/pdf", "hash": {"type": "sha512", "content": sha512(form_pdf)}})
    kinds = ATTACHMENTS.get(doctype, ["Nachweis"])
    for n, kind in enumerate(kinds[: rng.randint(1, len(kinds))], 1):
        aid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        blob = attachment_pdf(sample.title, kind, n)
        files[f"{aid}.pdf"] = blob
        atts.append({"attachmentId": aid, "purpose": "attachment", "filename": f"{aid}.pdf",
                     "mimeType": "application/pdf", "hash": {"type": "sha512", "content": sha512(blob)}})
    meta = {
        "contentStructure": {
            "data": {"hash": {"type": "sha512", "content": sha512(data)},
                     "submissionSchema": {"schemaUri": "https://schema.musterland.example/antrag/1.0/antrag.schema.json",
                                          "mimeType": "application/json"}},
            "attachments": atts,
        },
        "publicServiceType": {"name": sample.title,
                              "identifier": (f"urn:de:fim:leika:leistung:{LEIKA[doctype]}" if doctype in LEIKA
                                             else f"urn:musterland:leistung:{doctype}")},
        "additionalReferenceInfo": {"applicationDate": "2026-11-20", "senderReference": sub_id[:8]},
    }
    files["metadata.json"] = json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8")
    truth = {"type": doctype, "fields": sample.fields, "form": form_id, "attachments": [a["attachmentId"] for a in atts[1:]]}
    return sub_id, files, truth


def generate_packages(out: Path, count: int = 4, seed: int = 5, as_zip: bool = False,
                      doctypes: list[str] | None = None) -> dict[str, dict]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    types = doctypes or ["bauantrag", "kfz_zulassung", "waffen_antrag", "masern_meldung"]
    truth = {}
    for i in range(count):
        sub_id, files, t = make_package(rng, types[i % len(types)])
        if as_zip:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                for name, blob in files.items():
                    z.writestr(name, blob)
            (out / f"{sub_id}.zip").write_bytes(buf.getvalue())
        else:
            d = out / sub_id
            d.mkdir()
            for name, blob in files.items():
                (d / name).write_bytes(blob)
        truth[sub_id] = t
    out.with_name(out.name + ".truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), "utf-8")
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--count", type=int, default=4)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--zip", action="store_true")
    a = ap.parse_args(argv)
    truth = generate_packages(a.out, a.count, a.seed, a.zip)
    print(f"{len(truth)} packages in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
