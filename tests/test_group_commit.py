"""Group commit of the journal (issue 12): during ingest the journal's
commits are not synced one by one; the coordinator makes them durable once
per batch of settled documents, before it reports them or moves their
originals.  Real SQLite, real file system, a real ingest."""

import os
import shutil
import sqlite3

from ekte import api
from ekte.journal import EXPORTED, Journal


def _synchronous(j: Journal) -> int:
    return j.db.execute("PRAGMA synchronous").fetchone()[0]


def test_group_commit_leaves_commits_unsynced_until_sync(tmp_path, monkeypatch):
    j = Journal(tmp_path / "wd" / "journal.sqlite")
    assert _synchronous(j) == 2  # FULL: every commit synced, the default outside ingest
    assert j.group_commit()  # ext4/tmpfs here: syncfs covers the journal
    assert _synchronous(j) == 1  # NORMAL: the WAL is not synced at each commit
    calls = []
    real = os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: (calls.append(os.readlink(f"/proc/self/fd/{fd}")), real(fd)))
    j.start_run("ingest")
    j.sync()
    assert calls == [str(j.path) + "-wal"]  # one sync of the WAL for what was committed
    j.sync()
    assert len(calls) == 1  # nothing new: nothing to sync
    j.close()
    # what was committed is there for the next reader
    assert sqlite3.connect(j.path).execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1


def test_group_commit_stays_off_where_syncfs_is_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setenv("EKTE_FSYNC_EACH", "1")  # as on NFS/FUSE: each file fsynced, each commit synced
    j = Journal(tmp_path / "wd" / "journal.sqlite")
    assert not j.group_commit() and _synchronous(j) == 2
    j.close()


def test_documents_are_reported_and_moved_only_after_their_batch_is_synced(tmp_path, born_digital, monkeypatch):
    src, _ = born_digital
    inbox = tmp_path / "in"
    inbox.mkdir()
    for p in sorted(src.glob("*.pdf"))[:5]:
        shutil.copy(p, inbox / p.name)
    order: list[tuple[str, bool]] = []
    real_sync = Journal.sync

    def sync(self):
        real_sync(self)
        order.append(("sync", self.db.total_changes == self._synced_changes))

    monkeypatch.setattr(Journal, "sync", sync)
    import ekte.fsutil as fsutil

    real_move = fsutil.move_input
    monkeypatch.setattr(fsutil, "move_input", lambda *a, **k: (order.append(("move", True)), real_move(*a, **k))[1])
    res = api.ingest([inbox], workdir=tmp_path / "wd", jobs=2, move_to=tmp_path / "done")
    assert len(res.documents) == 5 and all(d.status.value in ("archived", "review") for d in res.documents)
    moves = [i for i, (what, _) in enumerate(order) if what == "move"]
    assert moves and all(order[i - 1][0] == "sync" for i in moves), order  # a sync right before each move
    assert all(ok for what, ok in order if what == "sync")
    j = Journal(tmp_path / "wd" / "journal.sqlite", readonly=True)
    archived = [d for d in res.documents if d.status.value == "archived"]
    assert all(j.get(d.sha256)["state"] == EXPORTED for d in archived)
    j.close()
