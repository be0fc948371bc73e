"""Scratch folders removed off the coordinator's loop.

After a document is settled, its worker's scratch folder (the working
copy, the cleaned PDF, the archival PDF: all copied into the archive by
then) is of no use.  Removing it took the coordinator ≈ 12 % of its time
on born-digital runs (issue 12: unlink and rmdir wait for the file
system's journal, which the archive's syncs keep busy).  So the folder is
renamed, at once, to a name no task uses (``.gone-N`` in the session's
scratch, on the same file system: one rename, and a later task of the same
document can never see or lose files to it), and a thread removes it.

Nothing is lost if the process dies first: the scratch folder of a dead
process is removed whole by the next session that opens the working
directory (:meth:`ekte.pipeline.session.Session._clean`)."""

from __future__ import annotations

import itertools
import os
import queue
import shutil
import threading
from pathlib import Path

GONE = ".gone-"


class Sweeper:
    """Removes discarded folders below *root* in one background thread."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._queue: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._names = itertools.count()

    def discard(self, path: str | Path) -> None:
        """*path* (a folder or file) is gone from its name now, from the disk soon."""
        target = self.root / f"{GONE}{next(self._names)}"
        try:
            os.rename(path, target)
        except FileNotFoundError:
            return
        except OSError:  # another file system (a shared scratch), or no rename here: removed now
            shutil.rmtree(path, ignore_errors=True)
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="ekte-sweeper", daemon=True)
            self._thread.start()
        self._queue.put(target)

    def _run(self) -> None:
        while (p := self._queue.get()) is not None:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)

    def close(self) -> None:
        """Wait until every discarded folder is removed."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
