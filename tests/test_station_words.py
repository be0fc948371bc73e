"""Every id ekte has for a clerk's eyes — roles, reason codes, what follows
a rejection, a retry's outcome, the history's events and the ways a value
was found — has its words in :mod:`ekte.serve.names` (task ux7, fresh24 #7),
and the history shows them, not the ids.  (The German for each word: the
catalog test in tests/test_review_cli.py.)"""

from __future__ import annotations

import re
import typing

from helpers import ROOT

from ekte.errors import REASONS, EnvironmentFailure
from ekte.serve import names, retries
from ekte.users import ROLES

#: events ekte writes through a variable, not a literal (ekte/evidence/archiving.py)
DYNAMIC_EVENTS = {("archive", "sealed"), ("archive", "timestamped")}
STAGES = {"intake", "ocr", "classify", "extract", "archive", "export", "review", "quarantine", "retention", "claim"}
_EVENT = re.compile(r'(?:\.log\(|event=\(|\.event\([^,()]{1,40}, *|append\(\()"([a-z]+)", *"([a-z-]+)"')


def _events_in_the_code() -> set[tuple[str, str]]:
    found = set(DYNAMIC_EVENTS)
    for py in (ROOT / "ekte").rglob("*.py"):
        found |= {(m[1], m[2]) for m in _EVENT.finditer(py.read_text("utf-8"))}
    return {e for e in found if e[0] in STAGES}  # (station user changes, stage "users": in no document's history)


def test_every_id_has_its_words():
    from ekte.profile import RejectReason

    assert set(ROLES) <= set(names.WORDS["role"])
    assert set(REASONS) | set(EnvironmentFailure.CAUSES) <= set(names.WORDS["code"])
    dispositions = typing.get_args(typing.get_type_hints(RejectReason)["disposition"])
    assert dispositions and set(dispositions) <= set(names.WORDS["disposition"])
    assert set(retries.TEXTS) <= set(names.WORDS["outcome"])
    events = _events_in_the_code()
    assert len(events) > 25 and not sorted(events - set(names.EVENT_NAMES))
    for kind, table in names.WORDS.items():
        for code, msgid in table.items():
            assert names.word(kind, code, "de") != code, (kind, code)  # German words, never the id


def test_history_details_in_words():
    from ekte.profile import RejectReason

    reasons = {"not_ours": RejectReason(title="Nicht zuständig", disposition="keep")}
    rejected = {"stage": "review", "event": "rejected", "detail": "reason: not_ours, disposition: keep, note: Irrläufer"}
    assert names.detail_text(rejected, "de", None, reasons) == ("Grund: Nicht zuständig, Folge: bleibt im Archiv, "
                                                                "wird nicht exportiert, Notiz: Irrläufer")
    retried = {"stage": "quarantine", "event": "retry-finished",
               "detail": "exit: 1, outcome: quarantined, state: quarantined, code: empty"}
    assert names.detail_text(retried, "de") == ("Exit-Code: 1, Ergebnis: wieder in Quarantäne, Zustand: Quarantäne, "
                                                "Grund: leere Datei")
    assert names.detail_text({"stage": "intake", "event": "quarantined", "detail": "empty"}, "de") == "leere Datei"
    assert names.detail_text({"detail": "the retry stopped (exit 74)"}, "de") == \
        "die erneute Verarbeitung brach ab (Exit-Code 74)"
    assert names.event_name("review", "field-confirmed", "de") == "Feld bestätigt"
    assert names.event_name("ocr", "pikepdf-pdfa", "de") == "Texterkennung / PDF/A (pikepdf-pdfa)"
    assert names.method_name("label+pattern", "de") == "Beschriftung im Formular + Muster im Text"
