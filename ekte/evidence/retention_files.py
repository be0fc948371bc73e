"""What ``ekte retention delete`` removes of a document, and what it names
as kept.

Removed — every copy ekte keeps inside the working directory:

* the archive folder, the review entry (and a clerk's rejection,
  ``review/rejected/<id>.json``), the quarantine entry, cached page images;
* the watch daemon's done copy of the original (``watch.after_export =
  "move"``) and the original ``ekte ingest --move`` moved: where they
  recorded it (a ``watch``/``done``, ``intake``/``moved`` event), and
  any file in the done folder with the document's size and SHA-256 (a copy
  moved before the event existed, or after ``ekte journal rebuild``) —
  only while it still holds the document's bytes;
* the export files of this document alone, at every place it was
  exported to (``ekte export --force`` to a second folder adds one), as its connector names them
  (:meth:`ekte.connectors.base.Connector.export_files`: the komXwork PDF,
  index, marker and transfer note; both files of the Alfresco pair; a
  one-document xdomea package);
* the HTTP intake's submission record (``api/docs/<id>.json``) and every
  ``Idempotency-Key`` that names the bytes.

The original ekte moved (the daemon's done copy, ``ingest --move``'s) is
removed wherever it lies — ekte put it there, no DMS keeps it — while it
holds the document's bytes.

Kept, and named in the result (never silently): a copy outside the working
directory (a DMS hot folder), a DMS object (CMIS)
and a package shared with other documents still in the archive — the DMS
and the other documents keep their own retention."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ekte import fsutil

#: the daemon's record of where it moved an original (stage, event); detail {"path": …}
DONE_EVENT = ("watch", "done")
#: ``ekte ingest --move``'s record of it; detail {"path": …, "root": the --move folder} (:func:`place`)
MOVED_EVENT = ("intake", "moved")


def place(**paths: Path | str) -> dict[str, str]:
    """Paths for an event's detail (:data:`DONE_EVENT`, :data:`MOVED_EVENT`): as text — a name that is not
    UTF-8 with ``\\xNN`` escapes, as reports show it — and, for such a name, its bytes in hex as well
    (``<key>_hex``): the journal holds UTF-8 text only, and retention must find the very file again."""
    from ekte.stages.intake import display

    out: dict[str, str] = {}
    for key, p in paths.items():
        out[key] = display(p)
        if out[key] != os.fspath(p):
            out[f"{key}_hex"] = os.fsencode(p).hex()
    return out


def placed(detail: dict[str, Any], key: str) -> str | None:
    """A path :func:`place` recorded under *key* (exactly, bytes and all), or None."""
    raw = detail.get(f"{key}_hex")
    if raw:
        try:
            return os.fsdecode(bytes.fromhex(raw))
        except ValueError:
            pass
    return detail.get(key)


def done_dirs(session: Any) -> list[Path]:
    """The done folders of this working directory: the default and the profile's ``watch.done_dir``."""
    wd = Path(session.workdir).resolve()
    dirs = [wd / "done"]
    given = session.profile.watch.done_dir
    if given:
        dirs.append(Path(given) if Path(given).is_absolute() else wd / given)
    return list(dict.fromkeys(dirs))


def prune_done(session: Any, removed: list[Path], more: list[Path] | None = None) -> list[Path]:
    """The folders inside a done folder (or a *more* one: ``ingest --move``'s) that removing *removed* left
    empty, removed too (the daemon and ``--move`` keep an inbox's sub-folders there, and their names are
    often a person's: "Akte Schmidt-Özdemir, Hannelore")."""
    roots = [d.resolve() for d in [*done_dirs(session), *(more or [])]]
    return [f for p in removed for f in prune_empty_parents(p, roots)]


def prune_empty_parents(path: Path, roots: list[Path]) -> list[Path]:
    """The folders between *path* and the root it lies in that are empty, removed from the inside out
    (``rmdir``: never one that holds anything, never a root itself); the folders removed.  Paths and
    roots are compared as given: the callers decide whether links are resolved first."""
    pruned: list[Path] = []
    folder = path.parent
    while any(folder != r and r in folder.parents for r in roots):
        try:
            folder.rmdir()
        except OSError:
            break
        pruned.append(folder)
        folder = folder.parent
    return pruned


def candidates(session: Any, row: Any) -> tuple[list[Path], list[str], list[Path]]:
    """The paths to remove (existing or not), the notes on what is kept
    (:func:`forget_exports` once they are removed), and the moved originals
    among the paths (:func:`done_copies`: removed wherever they lie)."""
    wd = Path(session.workdir).resolve()
    doc_id = row["id"]
    paths = [session.j.archive_dir(row), *sorted((wd / "archive").glob(f"*/{doc_id}")),  # a wrong shard too
             wd / "review" / f"{doc_id}.json",
             wd / "review" / "rejected" / f"{doc_id}.json", wd / "quarantine" / doc_id, wd / "cache" / "pages" / doc_id]
    exported, kept = export_paths(session, row)
    originals = done_copies(session, row, kept)
    paths += exported + originals + api_records(wd, row)
    return [p for p in paths if p is not None], kept, originals


def export_paths(session: Any, row: Any) -> tuple[list[Path], list[str]]:
    """The export files of this document alone; notes on the ones kept."""
    from ekte.plugins import connectors as registered

    wd = Path(session.workdir).resolve()
    classes = registered(session.pm)
    doc_id, paths, kept = row["id"], [], []
    for cname, loc in session.j.export_places(doc_id):  # every place: an export --force to a second one too
        if loc.startswith("cmis:") or "://" in loc:
            kept.append(f"{cname}: {loc.split()[0]} (in the DMS: it keeps its own retention)")
            continue
        shared = [r[0] for r in session.j.db.execute(
            "SELECT doc_id FROM exports WHERE location=? AND doc_id<>?", (loc, doc_id))]
        where = _located(wd, cname, loc)
        if not Path(loc).is_absolute() and not (where.exists() or where.is_symlink()):
            kept.append(f"{cname}: {loc} (recorded relative to the folder ekte ran in, not found: look for its "
                        "files there)")
            continue
        if shared:
            kept.append(f"{cname}: {_shown(wd, where)} (a package shared with {len(shared)} other document(s))")
            continue
        cls = classes.get(cname)
        files = cls.export_files(where) if cls is not None else [where]
        for f in files:
            if _inside(f, wd):
                paths.append(f)
            elif f.exists():
                kept.append(f"{cname}: {f} (outside the working directory: the DMS's folder keeps its own)")
    return paths, kept


def forget_exports(session: Any, row: Any) -> dict[str, list[Any]]:
    """Tell each connector that its export of the document was removed
    (before the journal forgets where it was); what they removed, changed
    (a komXwork batch manifest written again without it) and keep."""
    from ekte.plugins import connectors as registered

    wd = Path(session.workdir).resolve()
    classes = registered(session.pm)
    out: dict[str, list[Any]] = {"removed": [], "changed": [], "kept": []}
    for cname, loc in session.j.export_places(row["id"]):
        where = _located(wd, cname, loc)
        cls = classes.get(cname)
        if cls is not None and _inside(where.parent, wd) and not where.exists():
            for k, v in (cls.forget(wd, row["sha256"], where) or {}).items():
                out.setdefault(k, []).extend(v)
    return out


def _located(wd: Path, cname: str, loc: str) -> Path:
    """An export's path now: as recorded, or below ``export/<connector>/``
    here when the working directory was moved since.  Locations are recorded
    absolute; one recorded relative (before 2026-12, with a relative ``-w``)
    was relative to the shell's folder then, so it begins with the working
    directory as it was given: found below the working directory, from the
    current folder, or — its leading part up to the working directory's name
    taken off — below the working directory (the first that exists)."""
    tail = Path(loc).as_posix().partition(f"/export/{cname}/")[2]
    here = wd / "export" / cname / tail
    if tail and (here.exists() or here.is_symlink()):  # (a copied working directory: never the original's files)
        return here
    if Path(loc).is_absolute():
        return Path(loc)
    parts = Path(loc).parts
    tries = [wd / loc, Path(os.path.abspath(loc))]
    tries += [wd / Path(*parts[i + 1:]) for i, p in enumerate(parts[:-1]) if p == wd.name]
    return next((t for t in tries if t.exists() or t.is_symlink()), wd / loc)


def _inside(p: Path, wd: Path) -> bool:
    try:
        p.resolve().relative_to(wd)
    except (ValueError, OSError):
        return False
    return True


def _shown(wd: Path, p: Path) -> str:
    try:
        return str(p.resolve().relative_to(wd))
    except (ValueError, OSError):
        return str(p)


def recorded(session: Any, row: Any, foreign: list[str] | None = None) -> tuple[list[Path], list[Path]]:
    """Where the daemon (``watch``/``done``) and ``ingest --move`` (``intake``/``moved``) recorded that they
    moved the original, and the ``--move`` folders — only what this working directory moved: a place
    another one recorded (a copy of a working directory: fresh38 F20) is left alone, noted in *foreign*."""
    wd = Path(session.workdir).resolve()
    found: list[Path] = []
    roots: list[Path] = []
    for e in session.j.events_of(row["id"]):
        if (e["stage"], e["event"]) in (DONE_EVENT, MOVED_EVENT) and e["detail"]:
            try:
                d = json.loads(e["detail"])
                rel, root, by = placed(d, "path"), placed(d, "root"), placed(d, "workdir")
            except (ValueError, AttributeError):
                continue
            if by and Path(by) != wd:
                if foreign is not None and rel:
                    foreign.append(f"{rel} (the original moved by the working directory {by}, not this one: "
                                   "a copy's deletion leaves it to that one)")
                continue
            if rel:
                found.append(Path(rel) if Path(rel).is_absolute() else wd / rel)
            if root:
                roots.append(Path(root))
    return found, roots


def done_copies(session: Any, row: Any, foreign: list[str] | None = None) -> list[Path]:
    """The moved originals (:func:`recorded`, and any file in the done folders of the same size) that still
    hold its bytes; *foreign*: notes on those another working directory moved."""
    found = recorded(session, row, foreign)[0]
    size = _size_of(session, row)
    for d in done_dirs(session) if size is not None else []:  # same size first: few files are hashed
        for dirpath, _dirs, files in os.walk(d):
            for name in files:
                p = Path(dirpath) / name
                try:
                    if os.lstat(p).st_size == size:
                        found.append(p)
                except OSError:
                    continue
    return [p for p in dict.fromkeys(found) if _holds(p, row["sha256"])]


def _size_of(session: Any, row: Any) -> int | None:
    """The original's size, from its copy in the archive (or quarantine) folder."""
    wd = Path(session.workdir)
    for folder in (session.j.archive_dir(row), wd / "quarantine" / row["id"]):
        for copy in sorted(folder.glob("original.*")) if folder is not None and folder.is_dir() else []:
            try:
                return copy.stat().st_size
            except OSError:
                continue
    return None


def _holds(p: Path, sha256: str) -> bool:
    try:
        return p.is_file() and not p.is_symlink() and fsutil.sha256_file(p) == sha256
    except OSError:
        return False


def api_records(wd: Path, row: Any) -> list[Path]:
    """The submission record and the Idempotency-Keys naming these bytes."""
    api = wd / "api"
    out = [api / "docs" / f"{row['id']}.json"]
    keys = api / "keys"
    for kf in sorted(keys.glob("*.json")) if keys.is_dir() else []:
        try:
            if json.loads(kf.read_text("utf-8")).get("sha256") == row["sha256"]:
                out.append(kf)
        except (OSError, ValueError, AttributeError):
            continue
    return out
