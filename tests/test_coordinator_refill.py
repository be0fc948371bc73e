"""While the coordinator settles a batch (archive folder, syncs), a worker
that finished meanwhile gets its next task, and its result joins the batch
(issue 12: it used to wait for the whole batch and the next admission).
Real ingest, real workers, real journal; only the settling is slowed."""

import shutil
import time

from ekte import api
from ekte.journal import EXPORTED, Journal
from ekte.pipeline import coordinator, steps


def _slow_settling_run(tmp_path, born_digital, monkeypatch):
    """8 born-digital documents through a real ingest whose settling takes 0.4 s a document; returns the
    result, the documents settled per step and whether a worker idled while tasks were queued."""
    src, _ = born_digital
    inbox = tmp_path / "in"
    inbox.mkdir()
    for p in sorted(src.glob("*.pdf"))[:8]:
        shutil.copy(p, inbox / p.name)
    real_finish, real_step = steps.finish, coordinator.Coordinator.step
    per_step: list[int] = []
    idle_while_queued: list[bool] = []

    def slow_finish(session, item, res):
        time.sleep(0.4)  # a settle slower than a worker's task: the workers finish meanwhile
        return real_finish(session, item, res)

    def step(self, timeout):
        n = real_step(self, timeout)
        if n:
            per_step.append(n)
            ex = self.executor
            idle_while_queued.append(bool(ex._queue) and any(w is not None and w.task is None for w in ex._slots))
        return n

    monkeypatch.setattr(steps, "finish", slow_finish)
    monkeypatch.setattr(coordinator.Coordinator, "step", step)
    res = api.ingest([inbox], workdir=tmp_path / "wd", jobs=2)
    return inbox, res, per_step, idle_while_queued


def test_results_finished_while_a_batch_is_settled_join_it_and_workers_are_fed(tmp_path, born_digital, monkeypatch):
    inbox, res, per_step, idle_while_queued = _slow_settling_run(tmp_path, born_digital, monkeypatch)
    assert sorted(d.source for d in res.documents) == sorted(str(inbox / p.name) for p in inbox.iterdir())
    assert all(d.status.value in ("archived", "review") for d in res.documents)
    # one poll returns at most one result per worker (2); more in one step: results harvested while settling
    assert max(per_step) > 2, per_step
    assert not any(idle_while_queued)
    j = Journal(tmp_path / "wd" / "journal.sqlite", readonly=True)
    archived = [d for d in res.documents if d.status.value == "archived"]
    assert archived and all(j.get(d.sha256)["state"] == EXPORTED for d in archived)
    assert j.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 8  # each document once
    j.close()


def test_a_steady_flow_still_ends_the_batch(tmp_path, born_digital, monkeypatch):
    """Results join a batch only for coordinator.BATCH_SECONDS: under a steady flow (settling slower than
    the workers) the documents are still made durable and reported batch by batch, not all at the end."""
    monkeypatch.setattr(coordinator, "BATCH_SECONDS", 0.5)
    _, res, per_step, _ = _slow_settling_run(tmp_path, born_digital, monkeypatch)
    assert len(res.documents) == 8 and sum(per_step) == 8
    assert len(per_step) >= 2 and max(per_step) <= 6, per_step
