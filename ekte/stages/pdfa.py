"""PDF/A-2b for PDFs whose every page has text (born digital), without OCR.

pikepdf's PDF/A writer first (``pikepdf.pdfa.save``: it adds the metadata
and output intent, repairs what it can and validates what it wrote; no
process, the content untouched), but only where it can succeed: a font
that is not embedded cannot be embedded by it, so such files go straight
to Ghostscript, whose pdfwrite embeds fonts.  Ghostscript's output is then
written once more by pikepdf's writer (which validates it: the one
validation) and must carry the same text on every page as the input."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ocrmypdf import exceptions as ox


def _font_embedded(font: "object") -> bool:
    import pikepdf

    if font.get("/Subtype") == pikepdf.Name.Type3:
        return True
    if font.get("/Subtype") == pikepdf.Name.Type0:
        return all(_font_embedded(d) for d in font.get("/DescendantFonts", []))
    fd = font.get("/FontDescriptor")
    return fd is not None and any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def fonts_embedded(pdf: "object", limit: int = 2000) -> bool:
    """Whether every font the pages (and their form XObjects) use is embedded."""
    import pikepdf

    seen: set[tuple[int, int]] = set()
    stack = [page.obj.get("/Resources") for page in pdf.pages]
    while stack and len(seen) < limit:
        res = stack.pop()
        if not isinstance(res, pikepdf.Dictionary):
            continue
        for font in (res.get("/Font") or {}).values():
            og = font.objgen
            if og != (0, 0) and og in seen:
                continue
            seen.add(og)
            if not _font_embedded(font):
                return False
        for xobj in (res.get("/XObject") or {}).values():
            og = xobj.objgen
            if xobj.get("/Subtype") == pikepdf.Name.Form and og not in seen:
                seen.add(og)
                stack.append(xobj.get("/Resources"))
    return True


def pikepdf_pdfa(inp: Path, out: Path) -> None:
    """PDF/A-2b by pikepdf alone; refuses (before any work) a file with a
    font that is not embedded."""
    import pikepdf
    import pikepdf.pdfa

    with pikepdf.open(inp) as pdf:
        if not fonts_embedded(pdf):
            raise ox.PdfaConversionFailedError("fonts not embedded")
        rep = pikepdf.pdfa.save(pdf, out, "2b")
    if not rep.passed:
        out.unlink(missing_ok=True)
        raise ox.PdfaConversionFailedError("pikepdf PDF/A validation did not pass")


def ghostscript_pdfa(inp: Path, out: Path, pages: int) -> None:
    """Ghostscript's pdfwrite (embeds missing fonts), then pikepdf's writer
    (metadata, and the validation).  The caller compares the text."""
    import pikepdf
    import pikepdf.pdfa

    gs = shutil.which("gs")
    if not gs:
        raise ox.MissingDependencyError("ghostscript")
    mid = out.with_suffix(".gs.pdf")
    try:
        subprocess.run(
            [gs, "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", "-dPDFA=2",
             "-dPDFACompatibilityPolicy=1", "-sColorConversionStrategy=RGB", "-dEmbedAllFonts=true",
             "-dCompatibilityLevel=1.7", f"-sOutputFile={mid}", "--", str(inp)],
            check=True, capture_output=True, timeout=max(60, 30 * pages), stdin=subprocess.DEVNULL,
        )
        with pikepdf.open(mid) as pdf:
            rep = pikepdf.pdfa.save(pdf, out, "2b")
        if not rep.passed:
            out.unlink(missing_ok=True)
            raise ox.PdfaConversionFailedError("Ghostscript's output did not pass PDF/A validation")
    finally:
        mid.unlink(missing_ok=True)
