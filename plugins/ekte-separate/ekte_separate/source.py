"""Separator sheets: one scanned batch (PDF or multi-page TIFF) → many
documents.

A page is a separator when it carries a barcode (any format zxing-cpp
reads: Code 128, Code 39, QR, DataMatrix, …) whose value is

* the plain separator value (``separator``, default ``PATCHT`` — after the
  PATCH T sheets of document scanners), or
* the metadata prefix (``prefix``, default ``EKTE-SEP``) followed by
  ``|key=value`` pairs that apply to the *next* document:
  ``doctype=bauantrag``, ``az=63-BA-2026/0042`` (Aktenzeichen) or any ekte
  field name, e.g. ``EKTE-SEP|doctype=bauantrag|az=63-BA-2026/0042``;

and, when ``blank_pages = true``, a page with (almost) no ink.  Other
barcodes (a QR code printed on a form) never split.  Separator pages are
dropped unless ``keep_separators = true`` (then they stay as the first
page of the next part).  Every part becomes its own document; the split is
recorded in its provenance (source file and SHA-256, its pages, the
separator pages and values), so a clerk can check it.  A batch without
separators is not touched.  Parts are written deterministically, so a
re-run recognises them as duplicates.

Settings: ``[plugins.separate]`` ``enabled``, ``separator``, ``prefix``,
``blank_pages``, ``blank_ink`` (share of dark pixels below which a page is
blank, default 0.002), ``keep_separators``, ``dpi`` (render resolution for
detection, default 150), ``min_pages`` (default 2).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

from ekte import fsutil
from ekte.errors import DocumentError
from ekte.plugins import plugin_settings
from ekte.sources import Rejected, Staged
from ekte.stages.intake import display

log = logging.getLogger("ekte.separate")

SETTINGS = {"enabled": True, "separator": "PATCHT", "prefix": "EKTE-SEP", "blank_pages": False,
            "blank_ink": 0.002, "keep_separators": False, "dpi": 150, "min_pages": 2}
FIELD_ALIASES = {"az": "aktenzeichen", "type": "doctype"}


def _kind(path: Path) -> str | None:
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return None
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head[:4] in (b"II*\0", b"MM\0*"):
        return "tiff"
    return None


def _unmarked(page) -> bool:
    """A PDF page with no page object and no annotation: it renders white (pdfium, as ``_pages`` renders it)."""
    import pypdfium2.raw as raw

    return raw.FPDFPage_CountObjects(page) == 0 and raw.FPDFPage_GetAnnotCount(page) == 0


#: how many files' scans :class:`SeparateSource` keeps (between a file's claims() and its expand())
CACHED = 256


class SeparateSource:
    name = "separate"

    def __init__(self) -> None:
        self.config: dict[str, Any] = dict(SETTINGS)
        #: per path, its last scan: (path, size, mtime) → result — claims() and expand() of one file scan it once
        self._cache: dict[str, tuple[tuple[str, int, int], list[dict[str, Any]] | None]] = {}
        self.fields: set[str] = set()
        self.doctypes: set[str] = set()

    def configure(self, profile, workdir) -> None:
        self.config = plugin_settings(profile, "separate", SETTINGS)
        from ekte.profile import FIELD_NAMES

        self.fields = set(FIELD_NAMES)
        self.doctypes = set(profile.doctypes)
        self.max_mpixels = profile.intake.max_image_mpixels
        self.max_decoded_mb = profile.intake.max_decoded_mb

    # -- detection
    def _pages(self, path: Path, kind: str):
        """Yield (index, grayscale PIL image) for every page, at detection resolution (None: a PDF page without
        any marks, which renders white)."""
        from PIL import Image

        dpi = float(self.config["dpi"])
        if kind == "pdf":
            import pypdfium2 as pdfium

            with open(path, "rb") as f:  # a file object: a name that is not UTF-8 (an old SMB share's) opens too
                pdf = pdfium.PdfDocument(f)
                try:
                    for i in range(len(pdf)):
                        page = pdf[i]
                        w, h = page.get_size()
                        scale = dpi / 72
                        if w * h * scale * scale / 1e6 > self.max_mpixels:
                            raise DocumentError("decompression_bomb")
                        if _unmarked(page):  # renders white: nothing to render and read (fresh41 F9)
                            yield i, None
                            continue
                        yield i, page.render(scale=scale, grayscale=True).to_pil().convert("L")
                finally:
                    pdf.close()
        else:
            with Image.open(path) as im:
                for i in range(getattr(im, "n_frames", 1)):
                    im.seek(i)
                    if im.width * im.height / 1e6 > self.max_mpixels:
                        raise DocumentError("decompression_bomb")
                    g = im.convert("L")
                    xdpi = (im.info.get("dpi") or (300, 300))[0] or 300
                    if xdpi > dpi * 1.5:
                        g = g.resize((max(1, int(g.width * dpi / xdpi)), max(1, int(g.height * dpi / xdpi))))
                    yield i, g

    def _bounded(self, path: Path, kind: str) -> bool:
        """A PDF's streams within intake.max_decoded_mb (ekte's bounded check) before pdfium renders its pages
        here, in the coordinator (review42 R3: a 1 GiB content stream in a 1 MB file took the run to 2 GB);
        a bomb is not claimed: the worker quarantines it."""
        if kind != "pdf":
            return True
        import pikepdf

        from ekte.stages import intake_bomb

        try:
            with open(path, "rb") as f, pikepdf.open(f, attempt_recovery=False) as pdf:
                intake_bomb.check(pdf, self.max_decoded_mb, self.max_mpixels)
            return True
        except Exception:  # noqa: BLE001 - a bomb or a damaged file: intake reports it
            return False

    def _page_count(self, path: Path, kind: str) -> int:
        if kind == "pdf":
            import pikepdf

            try:
                # not repaired: the worker refuses a PDF that needs it, and qpdf's repair decodes what the
                # coordinator's raw reading did not look at (review42 R1)
                with open(path, "rb") as f, pikepdf.open(f, attempt_recovery=False) as pdf:
                    return len(pdf.pages)
            except (pikepdf.PdfError, pikepdf.PasswordError):
                return 0
        from PIL import Image

        try:
            with Image.open(path) as im:
                return getattr(im, "n_frames", 1)
        except Exception:  # noqa: BLE001 - intake reports broken images itself
            return 0

    def _classify_page(self, img) -> dict[str, Any] | None:
        """→ {"value": …, "given": {…}} for a separator page, else None.
        *img* None: a page without any marks (white all over)."""
        import zxingcpp

        sep, prefix = str(self.config["separator"]), str(self.config["prefix"])
        lo, hi = img.getextrema() if img is not None else (255, 255)
        # one shade all over holds no barcode: not read (40 ms a page at 150 dpi, fresh41 F9)
        for r in zxingcpp.read_barcodes(img) if lo != hi else ():
            text = (r.text or "").strip()
            if text.replace(" ", "") == sep.replace(" ", ""):
                return {"value": text, "given": {}}
            if prefix and text.startswith(prefix):
                given: dict[str, Any] = {"fields": {}}
                for item in text[len(prefix):].split("|"):
                    if "=" not in item:
                        continue
                    k, v = (x.strip() for x in item.split("=", 1))
                    k = FIELD_ALIASES.get(k, k)
                    if k == "doctype" and v in self.doctypes:
                        given["doctype"] = v
                    elif k in self.fields and v:
                        given["fields"][k] = v
                return {"value": text, "given": given}
        if self.config["blank_pages"]:
            dark, area = (sum(img.histogram()[:128]), img.width * img.height) if img is not None else (0, 1)
            if dark / max(1, area) < float(self.config["blank_ink"]):
                return {"value": "(blank page)", "given": {}}
        return None

    def scan(self, path: Path) -> list[dict[str, Any]] | None:
        """The separator pages of *path* ([{"page", "value", "given"}]) or
        None when it is not a batch to split.  Cached per file version."""
        try:
            st = path.stat()
        except OSError:
            return None
        key = (str(path), st.st_size, st.st_mtime_ns)
        hit = self._cache.get(key[0])
        if hit is not None and hit[0] == key:
            return hit[1]
        res = None
        kind = _kind(path)
        if kind and self.config["enabled"] and self._page_count(path, kind) >= int(self.config["min_pages"]) \
                and self._bounded(path, kind):
            try:
                seps = []
                for i, img in self._pages(path, kind):
                    s = self._classify_page(img)
                    if s is not None:
                        seps.append({"page": i, **s})
                res = seps or None
            except DocumentError:
                res = None  # intake quarantines it with the right reason
            except Exception as e:  # noqa: BLE001 - a damaged file: intake reports it
                log.debug("separator scan failed: %s", type(e).__name__)
                res = None
        # one entry per path, the oldest dropped beyond CACHED: a run's coordinator scans every input once, so
        # keeping them all grew with the run (and removing a path's older entry walked them all: issue 12)
        self._cache.pop(key[0], None)
        self._cache[key[0]] = (key, res)
        if len(self._cache) > CACHED:
            del self._cache[next(iter(self._cache))]
        return res

    # -- the source interface
    def claims(self, path: Path) -> bool:
        return path.is_file() and self.scan(path) is not None

    def expand(self, path: Path, staging: Path) -> list[Staged | Rejected]:
        seps = self.scan(path) or []
        kind = _kind(path)
        total = self._page_count(path, kind)
        sep_pages = {s["page"]: s for s in seps}
        parts: list[dict[str, Any]] = []
        cur: dict[str, Any] = {"pages": [], "given": {}, "separator": None}
        for i in range(total):
            if i in sep_pages:
                if cur["pages"]:
                    parts.append(cur)
                s = sep_pages[i]
                cur = {"pages": [i] if self.config["keep_separators"] else [], "given": s["given"],
                       "separator": {"page": i + 1, "value": s["value"]}}
                continue
            cur["pages"].append(i)
        content = [i for i in cur["pages"] if i not in sep_pages]
        if content:
            parts.append(cur)
        source_sha = fsutil.sha256_file(path)
        out: list[Staged | Rejected] = []
        for n, part in enumerate(parts):
            target = staging / f"{display(path.stem)}-part{n + 1:03d}.pdf"  # a name that is not UTF-8 as \xNN
            self._write_part(path, kind, part["pages"], target)
            given = dict(part["given"])
            given["provenance"] = {
                "system": "separate", "source": display(path), "source_sha256": source_sha,
                "pages": [p + 1 for p in part["pages"]], "part": n + 1, "parts": len(parts),
                "separator": part["separator"], "separator_pages": sorted(p + 1 for p in sep_pages),
            }
            given["source"] = f"{path}#pages={given['provenance']['pages'][0]}-{given['provenance']['pages'][-1]}"
            out.append(Staged(target, given))
        log.info("batch split into %d part(s) at %d separator page(s)", len(parts), len(sep_pages))
        return out

    @staticmethod
    def _write_part(path: Path, kind: str, pages: list[int], target: Path) -> None:
        if kind == "pdf":
            import pikepdf

            with open(path, "rb") as f, pikepdf.open(f) as src, pikepdf.new() as dst:
                for i in pages:
                    dst.pages.append(src.pages[i])
                # deterministic: the same batch gives byte-identical parts (re-runs are duplicates)
                dst.save(target, deterministic_id=True)
            return
        import img2pdf
        from PIL import Image

        frames = []
        with Image.open(path) as im:
            for i in pages:
                im.seek(i)
                buf = io.BytesIO()
                im.save(buf, format="TIFF", compression="tiff_deflate" if im.mode not in ("1",) else "group4")
                frames.append(buf.getvalue())
        target.write_bytes(img2pdf.convert(frames, nodate=True))
