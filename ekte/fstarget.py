"""Where an input file goes when it leaves an inbox (``--move``, the
daemon's done and quarantine folders)."""

from __future__ import annotations

import os
from pathlib import Path


def free_target(src: Path, roots: list[Path], dest_root: Path) -> Path:
    """Where *src* goes below *dest_root*: its path relative to the input
    root it came from, with ``.1``, ``.2`` … added if that name is taken."""
    rel = Path(src.name)
    for r in roots:
        try:
            rel = Path(src).resolve().relative_to(Path(r).resolve()) if Path(r).is_dir() else Path(src.name)
            break
        except ValueError:
            continue
    target = Path(dest_root) / rel
    n = 1
    while target.exists():  # (the stem shortened where ".n" would pass NAME_MAX, 255 bytes: fresh30 G15)
        stem, tail = Path(rel).stem, f".{n}{Path(rel).suffix}"
        target = target.with_name(next(stem[:k] + tail for k in range(len(stem), -1, -1)
                                       if len(os.fsencode(stem[:k] + tail)) <= 255))
        n += 1
    return target
