"""The model ``ekte train`` replaces is kept beside it, ``<name>.previous<suffix>`` (fresh32 F11: the type model;
the field model too), and ``ekte train --restore`` swaps the two back.  A model is a list of files (the type
model: model, metadata, retraining mark; the field model: one JSON file); each is written atomically (0600),
so a crash leaves either the old model in use or the new one, never none."""

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


def swap(files: list[Path], previous: list[Path]) -> tuple[list[bytes | None], bool]:
    """``--restore``: *previous* becomes the model in use (written first: a crash in between leaves the restored
    model in use) and the one in use the previous one.  Returns the restored model's files (bytes) and
    whether a model in use was kept as previous (else there is no previous one now)."""
    old, new = _read(files), _read(previous)
    _put(files, new)
    _put(previous, old if old[0] is not None else [None] * len(previous))
    return new, old[0] is not None
