"""The last-resort "taken over by another process" path (closing24, "Not fixed"): this process
loses its claim on a document while it archives it — another process gave it up for dead and
freed its claims — and nobody else holds it.  It was reported a duplicate of itself, the journal
still ``received``, nothing archived (mend8 #6, reproduced before the fix): now the claim is taken
back (``journal.claims._check_claim``) and the document archived and exported once."""

from __future__ import annotations

import shutil
import sqlite3

PLUGIN = '''
import os, sqlite3
from ekte.hookspecs import hookimpl

@hookimpl
def ekte_process(point, document, profile):
    if point == "before_archive":  # another process frees this one's claim (it took it for dead)
        db = sqlite3.connect(os.environ["MEND8_JOURNAL"], isolation_level=None, timeout=30)
        db.execute("DELETE FROM claims WHERE key = ?", ("doc:" + document.sha256,))
        db.close()
'''


def test_a_lost_claim_nobody_holds_is_no_duplicate_of_itself(tmp_path, born_digital, monkeypatch):
    from ekte import api

    (tmp_path / "mend8_claim_plugin.py").write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(sorted(born_digital[0].glob("*.pdf"))[0], inbox / "brief.pdf")
    wd = tmp_path / "wd"
    monkeypatch.setenv("MEND8_JOURNAL", str(wd / "journal.sqlite"))
    res = api.ingest(inbox, workdir=wd, jobs=1, plugins=["mend8_claim_plugin"])
    (doc,) = res.documents
    state = sqlite3.connect(wd / "journal.sqlite").execute("SELECT state FROM documents WHERE id=?",
                                                           (doc.id,)).fetchone()[0]
    assert doc.duplicate_of != doc.id and doc.status.value == "archived" and state == "exported", (doc.status, state)
    db = sqlite3.connect(wd / "journal.sqlite")
    events = [r[0] for r in db.execute("SELECT event FROM events WHERE doc_id=? AND stage='claim'", (doc.id,))]
    assert events == ["taken-back"] and db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 0
    assert len(list((wd / "export").glob(f"*/{doc.id}"))) == 1
