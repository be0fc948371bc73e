"""Active content out of the archival copy.

A PDF from outside may carry JavaScript, actions that start programs,
open web addresses, submit or import form data or open other files
(Launch, URI, SubmitForm, ImportData, GoToR, GoToE, …), additional actions
(``/AA``: run when a page opens, a field changes, the document closes),
an ``/OpenAction`` other than going to a page, embedded files (attachments,
file-attachment annotations, associated files), XFA forms (which carry
scripts) and multimedia (RichMedia, 3D, Movie, Sound, Screen).  None of it
belongs in an archive or a DMS.

:func:`clean` removes all of it with pikepdf *before* any PDF/A route sees
the working copy, and writes the result to a new file — the verified copy
of the original is never touched (it may share the working copy's inode).
Embedded files are taken out first and returned, so that they are kept
beside the archive as parts of their own (recorded with their SHA-256);
what was removed is counted for ``metadata.json`` and the warnings.
:func:`find_active` looks for anything left; the worker refuses a file for
which it still finds something (``active_content``).

Only going to a page stays (``GoTo``, and the four page-turning ``Named``
actions PDF/A allows): links inside the document keep working.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ekte.errors import DocumentError

#: the actions that stay: internal navigation only
SAFE_NAMED = {"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"}
#: annotations that are multimedia or carry a file: removed whole
ACTIVE_ANNOTS = {"/FileAttachment", "/RichMedia", "/3D", "/Movie", "/Sound", "/Screen"}
#: catalog entries removed whole (name trees of scripts and files, portfolios)
CATALOG_KEYS = {"/AA": "additional actions (/AA)", "/Collection": "portfolio (/Collection)",
                "/AF": "associated files (/AF)"}
NAME_TREES = {"/JavaScript": "JavaScript", "/EmbeddedFiles": "",
              "/AlternatePresentations": "alternate presentations", "/Renditions": "renditions"}
ACTION_KEYS = ("/A", "/OpenAction", "/PA")


@dataclass
class Cleaned:
    """What :func:`clean` removed, and the embedded files it took out."""

    removed: Counter = field(default_factory=Counter)
    files: list[dict[str, Any]] = field(default_factory=list)  # name, original_name, data, sha256, size

    def __bool__(self) -> bool:
        return bool(self.removed)

    def summary(self) -> str:
        return ", ".join(f"{k} ({n})" for k, n in sorted(self.removed.items()))


def _safe_action(a: Any) -> bool:
    import pikepdf

    s = a.get("/S")
    return isinstance(s, pikepdf.Name) and (s == "/GoTo" or (s == "/Named" and str(a.get("/N")) in SAFE_NAMED))


def _is_action(v: Any) -> bool:
    import pikepdf

    return isinstance(v, pikepdf.Dictionary) and isinstance(v.get("/S"), pikepdf.Name)


def _action_name(a: Any) -> str:
    return f"{str(a.get('/S'))[1:]} action"


def _stream_bytes(spec: Any) -> bytes | None:
    """The bytes of a file specification's embedded file (``/EF``), if any."""
    import pikepdf

    ef = spec.get("/EF") if isinstance(spec, pikepdf.Dictionary) else None
    if not isinstance(ef, pikepdf.Dictionary):
        return None
    for key in ("/UF", "/F"):
        s = ef.get(key)
        if isinstance(s, pikepdf.Stream):
            try:
                return s.read_bytes()
            except pikepdf.PdfError:
                return None
    return None


def _suffix(name: str) -> str:
    m = re.search(r"\.([A-Za-z0-9]{1,8})$", name)
    return "." + m.group(1).lower() if m else ".bin"


def _take_file(spec: Any, out: Cleaned, seen: set[str]) -> None:
    import pikepdf

    data = _stream_bytes(spec)
    if data is None:
        return
    sha = hashlib.sha256(data).hexdigest()
    if sha in seen:
        return
    seen.add(sha)
    raw = spec.get("/UF") or spec.get("/F") or ""
    original = str(raw) if isinstance(raw, pikepdf.String) else ""
    name = f"embedded-{len(out.files) + 1}{_suffix(original)}"
    out.files.append({"name": name, "original_name": original[:200], "data": data, "sha256": sha,
                      "size": len(data)})


def _file_specs(pdf: Any, dicts: list[Any] | None = None) -> Iterator[Any]:
    """Every file specification with an embedded file, wherever it hangs
    (among *dicts*, the file's dictionaries when read already)."""
    import pikepdf

    for obj in _all_dicts(pdf) if dicts is None else dicts:
        if "/EF" in obj and isinstance(obj.get("/EF"), pikepdf.Dictionary):
            yield obj


def _all_dicts(pdf: Any) -> Iterator[Any]:
    """Every dictionary of the file (indirect objects and what they hold directly)."""
    import pikepdf

    def direct(values: Any) -> list[Any]:
        return [v for v in values if isinstance(v, (pikepdf.Dictionary, pikepdf.Array)) and not v.is_indirect]

    stack = list(pdf.objects) + [pdf.trailer]
    while stack:
        o = stack.pop()
        if isinstance(o, pikepdf.Stream):
            o = o.stream_dict
        if isinstance(o, pikepdf.Dictionary):
            yield o
            stack.extend(direct(o.values()))
        elif isinstance(o, pikepdf.Array):
            stack.extend(direct(o))


def _catalog(pdf: Any, out: Cleaned) -> None:
    import pikepdf

    root = pdf.Root
    for key, what in CATALOG_KEYS.items():
        if key in root:
            del root[key]
            out.removed[what] += 1
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key, what in NAME_TREES.items():
            if key in names:
                del names[key]
                if what:  # embedded files are counted one by one
                    out.removed[what] += 1
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
        del form["/XFA"]
        out.removed["XFA form (scripts)"] += 1
    oa = root.get("/OpenAction")
    if _is_action(oa) and not _safe_action(oa):
        del root["/OpenAction"]
        out.removed[f"OpenAction ({_action_name(oa)})"] += 1


def _annotations(pdf: Any, out: Cleaned) -> None:
    import pikepdf

    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        keep = []
        for a in annots:
            sub = a.get("/Subtype") if isinstance(a, pikepdf.Dictionary) else None
            if sub is not None and str(sub) in ACTIVE_ANNOTS:
                out.removed[f"{str(sub)[1:]} annotation"] += 1
            else:
                keep.append(a)
        if len(keep) != len(annots):
            page.obj.Annots = pikepdf.Array(keep)


def _sweep(pdf: Any, out: Cleaned, dicts: list[Any] | None = None) -> None:
    """Every dictionary (*dicts*: all of them, read already): additional
    actions, associated files and embedded streams go; an action other than
    going to a page is cut off where it hangs (``/A``, ``/OpenAction``,
    ``/Next`` chains)."""
    import pikepdf

    for d in list(_all_dicts(pdf)) if dicts is None else dicts:
        for key, what in (("/AA", "additional actions (/AA)"), ("/AF", "associated files (/AF)"),
                          ("/EF", ""), ("/JS", "" if _is_action(d) else "JavaScript")):
            if key in d:
                del d[key]
                if what:  # embedded files are counted as taken out; an action where it is cut off
                    out.removed[what] += 1
        for key in ACTION_KEYS:
            v = d.get(key)
            if _is_action(v) and not _safe_action(v):
                del d[key]
                out.removed[_action_name(v)] += 1
        nxt = d.get("/Next")
        if _is_action(d) and nxt is not None:
            chain = [nxt] if not isinstance(nxt, pikepdf.Array) else list(nxt)
            bad = [a for a in chain if _is_action(a) and not _safe_action(a)]
            if bad:
                del d["/Next"]
                for a in bad:
                    out.removed[_action_name(a)] += 1


def clean(src: Path, dst: Path) -> Cleaned:
    """Write *src* without active content to *dst* and return what was
    removed; when nothing was found, *dst* is not written (use *src*)."""
    import pikepdf

    out = Cleaned()
    try:
        with pikepdf.open(src) as pdf:
            seen: set[str] = set()
            dicts = list(_all_dicts(pdf))  # walked once (0.5 ms of a one-page document's 1.1, issue 12) ...
            names = pdf.Root.get("/Names")
            # ... and again only when something was taken out since (an emptied /EmbeddedFiles uncounted)
            again = isinstance(names, pikepdf.Dictionary) and "/EmbeddedFiles" in names
            specs = list(_file_specs(pdf, dicts))
            for spec in specs:
                _take_file(spec, out, seen)
            if specs:
                out.removed["embedded file"] += max(len(out.files), 1)
            _catalog(pdf, out)
            _annotations(pdf, out)
            _sweep(pdf, out, None if out or again else dicts)
            if out:
                pdf.remove_unreferenced_resources()
                pdf.save(dst)
    except (pikepdf.PdfError, RecursionError, ValueError):
        raise DocumentError("broken_pdf", stage="intake") from None
    if out and find_active(dst):
        raise DocumentError("active_content", stage="intake")
    return out


def find_active(path: Path) -> list[str]:
    """What active content a PDF still carries (empty: none)."""
    import pikepdf

    found: set[str] = set()
    with pikepdf.open(path) as pdf:
        for d in _all_dicts(pdf):
            for key in ("/AA", "/JS", "/EF", "/XFA", "/EmbeddedFiles", "/JavaScript", "/RichMediaContent"):
                if key in d:
                    found.add(key[1:])
            for key in ACTION_KEYS + ("/Next",):
                v = d.get(key)
                for a in (list(v) if isinstance(v, pikepdf.Array) else [v]):
                    if _is_action(a) and not _safe_action(a):
                        found.add(_action_name(a))
            sub = d.get("/Subtype")
            if sub is not None and str(sub) in ACTIVE_ANNOTS and d.get("/Type", pikepdf.Name.Annot) == "/Annot":
                found.add(f"{str(sub)[1:]} annotation")
    return sorted(found)


def record(doc: Any, cleaned: Cleaned) -> None:
    """What was removed into the document (``archival.sanitized``, a
    warning) and the embedded files beside the archive."""
    if not cleaned:
        return
    files = doc.extra.setdefault("archive_files", {})
    for f in cleaned.files:
        files[f["name"]] = f["data"]
    doc.archival["sanitized"] = {
        "removed": dict(sorted(cleaned.removed.items())),
        "embedded_files": [{k: f[k] for k in ("name", "original_name", "sha256", "size")} for f in cleaned.files],
    }
    kept = f"; embedded files kept beside the archive: {', '.join(f['name'] for f in cleaned.files)}" \
        if cleaned.files else ""
    doc.warnings.append(f"active content removed from the archival copy: {cleaned.summary()}{kept}")
    doc.log("intake", "sanitized", cleaned.summary())


def archival_kind(res: dict[str, Any], cleaned: Cleaned) -> None:
    """Before the OCR result is taken into the document: where no PDF/A
    route worked, the archival copy is the original *without its active
    content* — a plain PDF, not the original (its format and reason, and so
    the warning made of them, say so)."""
    if cleaned and res.get("format") == "original":
        res["format"] = "PDF"
        res["reason"] = ("no route produced a valid PDF/A-2b; the original without its active content "
                         "is kept as the archival copy (not PDF/A)")
