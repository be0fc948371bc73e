"""Staged folders published together (issue 12): the export folders of a
batch of settled documents are written under temporary names as usual,
then made durable with ONE barrier (syncfs(2) per file system, else each
file fsynced), renamed into place, and the renames made durable with one
fsync per parent folder — instead of a syncfs and a folder fsync for each
document.  The coordinator records the documents' exports in the journal
only after :meth:`Batch.publish` (see ARCHITECTURE, "Durable per batch")."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Callable, Iterator

from ekte import fsutil


class Batch:
    """Staged folders waiting for one barrier (in the order they were staged)."""

    def __init__(self) -> None:
        self.items: list[tuple[Path, Path, int | None]] = []
        self.added = 0  # folders staged into it so far (also those published already)
        #: publishes the batch now and records its documents (set by the coordinator): before a step that
        #: may take long (a plugin, a connector's back-off), so that it holds up no document's record
        self.flush: Callable[[], None] | None = None

    def flush_now(self) -> None:
        if self.items and self.flush is not None:
            self.flush()

    def add(self, tmp: Path, final: Path, barrier: int | None) -> None:
        """A complete staged folder *tmp* for *final*; *barrier*: its descriptor from :func:`fsutil.barrier_fd`,
        opened before its files were written (closed by the batch)."""
        self.items.append((tmp, final, barrier))
        self.added += 1

    def publish(self) -> None:
        """Every staged folder durable, then renamed into place, then the renames durable.  A syncfs reports
        the write-back errors since its descriptor was opened: the first descriptor of a file system was
        opened before any of the batch's files on it were written.  On an error, what was not renamed is
        removed (its documents' exports are then not recorded: exported again later)."""
        try:
            synced: set[int] = set()
            for tmp, _final, fd in self.items:
                if fd is None:
                    fsutil.fsync_tree(tmp)
                elif (dev := os.fstat(fd).st_dev) not in synced:
                    fsutil.sync_barrier(fd)
                    synced.add(dev)
            for tmp, final, _fd in self.items:
                fsutil.swap_in(tmp, final)
            for parent in dict.fromkeys(final.parent for _tmp, final, _fd in self.items):
                fsutil.fsync_dir(parent)
        finally:
            self.discard()

    def discard(self) -> None:
        """Close the descriptors; remove the staged folders not renamed."""
        for tmp, _final, fd in self.items:
            if fd is not None:
                os.close(fd)
            shutil.rmtree(tmp, ignore_errors=True)
        self.items.clear()


@contextlib.contextmanager
def deferring(batch: Batch | None) -> Iterator[None]:
    """Staged folders of this thread made meanwhile join *batch* (None: published one by one, as usual)."""
    token = fsutil.DEFERRED.set(batch)
    try:
        yield
    finally:
        fsutil.DEFERRED.reset(token)
