"""The command line and file writing shared by the development families' make.py
(family5 … family9): plan ids and layouts, write each PDF and truth.json atomically,
parse the arguments.  A family brings its own layouts, kinds and drawing — only
this plumbing is common (the families' generators stay independent)."""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Callable


#: the fields a document of each type carries in truth.json (family8, family9: what the default profile asks)
TRUTH_FIELDS = {
    "kfz_zulassung": ["vorname", "nachname", "geburtsdatum", "strasse", "plz", "ort", "kennzeichen", "fin", "evb",
                      "iban", "antragsdatum", "aktenzeichen"],
    "bauantrag": ["vorname", "nachname", "strasse", "plz", "ort", "gemarkung", "flur", "flurstueck", "antragsdatum",
                  "aktenzeichen"],
    "ifsg_belehrung": ["vorname", "nachname", "geburtsdatum", "strasse", "plz", "ort", "antragsdatum", "aktenzeichen"],
    "masern_meldung": ["vorname", "nachname", "geburtsdatum", "strasse", "plz", "ort", "antragsdatum", "aktenzeichen"],
    "waffen_antrag": ["vorname", "nachname", "geburtsdatum", "strasse", "plz", "ort", "antragsdatum", "aktenzeichen"],
    "tierhaltung": ["vorname", "nachname", "strasse", "plz", "ort", "antragsdatum", "aktenzeichen"],
    "sportstaetten_foerderung": ["verein", "vorname", "nachname", "strasse", "plz", "ort", "iban", "betrag_eur",
                                 "antragsdatum", "aktenzeichen"],
    "eingliederungshilfe": ["vorname", "nachname", "geburtsdatum", "strasse", "plz", "ort", "iban", "antragsdatum",
                            "aktenzeichen"],
    "sonstiges": ["vorname", "nachname", "strasse", "plz", "ort", "antragsdatum", "aktenzeichen"],
}


class Family:
    def __init__(self, name: str, doc: str, prefix: str, layouts: dict[str, Callable], types: list[str],
                 build: Callable, font_missing: type[Exception], scan: Callable | None = None) -> None:
        self.name, self.doc, self.prefix, self.layouts = name, doc, prefix, layouts
        self.types, self.build, self.font_missing = types, build, font_missing
        self.scan = scan  # (pdf bytes, rng) → a 300-dpi scan of it: --scans makes those instead (family8, family9)

    def plan(self, per_type: int, seed: int, types: list[str]) -> list[tuple[str, str, int, str]]:
        """(id, type, number within the type, layout); ids in shuffled order."""
        names = list(self.layouts)
        docs = [(t, j, names[(self.types.index(t) + j) % len(names)]) for t in types for j in range(per_type)]
        random.Random(f"{seed}-{self.prefix}-ids").shuffle(docs)
        width = max(3, len(str(len(docs))))
        return [(f"{self.prefix}-{k:0{width}d}", t, j, lay) for k, (t, j, lay) in enumerate(docs, 1)]

    def generate(self, out: Path, per_type: int = 5, seed: int = 1, types: list[str] | None = None,
                 scans: bool = False) -> dict[str, dict]:
        out.mkdir(parents=True, exist_ok=True)
        truth: dict[str, dict] = {}
        for key, doctype, j, layout in self.plan(per_type, seed, list(types or self.types)):
            rng = random.Random(f"{self.prefix}-{seed}-{doctype}-{j}")
            spec = self.build(rng, doctype)
            pdf = self.layouts[layout](spec, rng)
            if scans:
                assert self.scan is not None, f"{self.name} makes no scans"
                pdf = self.scan(pdf, random.Random(f"{self.prefix}-scan-{seed}-{key}"))
            write(out / f"{key}.pdf", pdf)
            truth[key] = {"type": doctype, "layout": layout, "format": "scanpdf" if scans else "pdf",
                          "fields": spec["truth"]}
        write(out / "truth.json", json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
        return truth

    def main(self, argv: list[str] | None = None) -> int:
        ap = argparse.ArgumentParser(prog=f"{self.name}/make.py", description=self.doc.splitlines()[0])
        ap.add_argument("out", type=Path)
        ap.add_argument("--per-type", type=int, default=5)
        ap.add_argument("--seed", type=int, default=1)
        ap.add_argument("--born", action="store_true", help="born-digital PDFs (the default" +
                        ("; the only kind, accepted for symmetry)" if self.scan is None else ")"))
        if self.scan is not None:
            ap.add_argument("--scans", action="store_true", help="300-dpi scans instead of born-digital PDFs")
        ap.add_argument("--types", default="", help="comma-separated type ids (default: all 9)")
        a = ap.parse_args(argv)
        scans = bool(getattr(a, "scans", False))
        types = [t for t in a.types.split(",") if t] or list(self.types)
        bad = sorted(set(types) - set(self.types))
        if bad or a.per_type < 1 or (a.born and scans):
            print(f"{self.name}: unknown type(s) {', '.join(bad)} (known: {', '.join(self.types)})" if bad
                  else f"{self.name}: --per-type must be at least 1, and --born or --scans", file=sys.stderr)
            return 2
        try:
            truth = self.generate(a.out, a.per_type, a.seed, types, **({"scans": True} if scans else {}))
        except self.font_missing as e:
            print(f"{self.name}: font missing: {e}", file=sys.stderr)
            return 3
        print(f"{self.name}: {len(truth)} documents in {a.out}")
        return 0


def write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
