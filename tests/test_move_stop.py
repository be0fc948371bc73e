"""review43 F8: ``ekte ingest --move`` moves an original when its document settles, and a batch is reported with
Ctrl-C/SIGTERM held (ekte.pipeline.coordinator: a stop there lost exported documents from the JSON). An original
on another file system is copied, so a large one delayed the stop by its copy time. With a stop waiting, no move
is started: the original stays in the input with a warning; the re-run finds the document known and moves it."""

import hashlib
import os
import signal

from ekte import stopsignal
from ekte.model import Document, Status
from ekte.pipeline.runs import STOPPED_BEFORE_MOVE, Mover
from ekte.pipeline.tasks import WorkItem


def _settled(inbox, name, data):
    path = inbox / name
    path.write_bytes(data)
    doc = Document(sha256=hashlib.sha256(data).hexdigest(), source=str(path), size=len(data),
                   media_type="application/pdf")
    doc.status = Status.ARCHIVED
    return doc, WorkItem(path=path)


def test_a_stop_waiting_while_the_batch_is_reported_starts_no_move(tmp_path):
    inbox, dest = tmp_path / "in", tmp_path / "moved"
    inbox.mkdir()
    mover = Mover([inbox], dest)
    with stopsignal.installed():
        first, first_item = _settled(inbox, "a.pdf", b"%PDF-1.7 a")
        second, second_item = _settled(inbox, "b.pdf", b"%PDF-1.7 b")
        with stopsignal.held():
            mover.settled(first, first_item)  # no stop yet: moved
            assert not stopsignal.pending()
            os.kill(os.getpid(), signal.SIGTERM)  # the real signal, counted by the handler while held
            assert stopsignal.pending()
            mover.settled(second, second_item)  # a stop waits: left where it is
        assert stopsignal.consume() and not stopsignal.pending()  # (the run then reports itself interrupted)
    assert not (inbox / "a.pdf").exists() and (dest / "a.pdf").read_bytes() == b"%PDF-1.7 a"
    assert (inbox / "b.pdf").read_bytes() == b"%PDF-1.7 b" and not (dest / "b.pdf").exists()
    assert second.warnings == [STOPPED_BEFORE_MOVE] and not first.warnings and mover.failed == 0
    # the re-run: the document is known (a duplicate), and its original is moved now
    second.status, second.warnings = Status.DUPLICATE, []
    Mover([inbox], dest).settled(second, second_item)
    assert not (inbox / "b.pdf").exists() and (dest / "b.pdf").read_bytes() == b"%PDF-1.7 b" and not second.warnings
