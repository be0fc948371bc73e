"""The model ``ekte train`` replaces is kept beside it, ``<name>.previous<suffix>`` (fresh32 F11: the type model;
the field model too), and ``ekte train --restore`` swaps the two back.  A model is a list of files (the type
model: model, metadata, retraining mark; the field model: one JSON file); each is written atomically (0600),
so a crash leaves either the old model in use or the new one, never none.  A training that replaces one model
but not the other removes the other's previous copy (:func:`forget`): ``--restore`` undoes the last training."""

from __future__ import annotations

from pathlib import Path

#: the replaced model is kept as <name>.previous<suffix>
PREVIOUS = ".previous"


def previous_path(path: Path) -> Path:
    """Where the model *path* replaced is kept: ``<name>.previous<suffix>``."""
    path = Path(path)
    return path.with_name(path.stem + PREVIOUS + path.suffix)


def _put(files: list[Path], blobs: list[bytes | None]) -> None:
    """Write each file atomically (0600), or remove it where *blobs* has None."""
    from ekte import fsutil

    for f, b in zip(files, blobs):
        if b is None:
            f.unlink(missing_ok=True)
        else:
            fsutil.write_bytes(f, b, 0o600)


def _read(files: list[Path]) -> list[bytes | None]:
    return [f.read_bytes() if f.is_file() else None for f in files]


def keep(files: list[Path], previous: list[Path]) -> None:
    """Before a model is replaced: the one in use (*files*, its model first) copied to *previous*."""
    if files[0].is_file():
        _put(previous, _read(files))


def forget(previous: list[Path]) -> None:
    """A training that replaced the other model but not this one: this one's previous copy is removed, so
    that ``--restore`` undoes exactly the last training (not a model two trainings back)."""
    _put(previous, [None] * len(previous))


#: a model in use being restored away from is copied here first (beside the previous one)
RESTORING = ".restoring"


def swap(files: list[Path], previous: list[Path]) -> tuple[list[bytes | None], bool]:
    """``--restore``: *previous* becomes the model in use and the one in use the previous one.  The one in use
    is copied to ``<previous>.restoring`` first, then the previous one written over it, then the copy renamed
    to the previous one (each step atomic): a crash at any point leaves the model that was in use either in
    use or in that copy (a restore finding such a copy refuses, never writes over it).  Returns the restored model's files (bytes) and whether a model in use was kept as
    previous (else there is no previous one now)."""
    import os

    from ekte.errors import ConfigError

    staged = [p.with_name(p.name + RESTORING) for p in previous]
    if any(p.exists() for p in staged):  # never written over: it may hold the only copy of a model
        raise ConfigError(f"an earlier ekte train --restore was cut short: the model in use before it may be only in "
                          f"{next(p for p in staged if p.exists())} (and its other {RESTORING} files); move them back "
                          f"to {previous[0].name} etc. or remove them, then restore again")
    old, new = _read(files), _read(previous)
    kept = old[0] is not None
    _put(staged, old if kept else [None] * len(previous))
    _put(files, new)
    for p, st, b in zip(previous, staged, old):
        if kept and b is not None:
            os.replace(st, p)
        else:
            p.unlink(missing_ok=True)
    return new, kept
