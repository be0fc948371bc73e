"""Fault injection for the tests (like OCRmyPDF's tests/plugins): load with
``--plugin ekte_faults`` and ``PYTHONPATH=tests/plugins``.

``EKTE_FAULTS="POINT:KIND:MATCH[:ARG];…"`` — at processor point POINT
(before_ocr, after_ocr, after_classify, before_archive), for a document
whose source contains MATCH (empty: every document) — or a file named
``…FAULT-POINT-KIND[-ARG]…`` (for tests where the environment of the
worker processes is fixed already):

* ``refuse``  raise DocumentError("fault_refused", …)  → quarantined with that code
* ``crash``   raise RuntimeError                       → internal_error naming this plugin
* ``exit``    end the process at once (os._exit)       → a worker that dies
* ``sleep``   sleep ARG seconds                        → a slow step (timeouts, kill -9 mid-work)
* ``unpicklable``  the document carries a value that cannot be read back in the coordinator (a result cut
  short, fresh41 F3)

The connector ``faulty`` writes like ``folder`` but first sleeps
``EKTE_FAULT_EXPORT_SLEEP`` seconds (a slow DMS, to kill an exporting process).
"""

import os
import pickle
import re
import time

from ekte.connectors.folder import FolderConnector
from ekte.errors import DocumentError
from ekte.hookspecs import hookimpl


_NAMED = re.compile(r"FAULT-(before_ocr|after_ocr|after_classify|before_archive)-"
                    r"(refuse|crash|exit|sleep|unpicklable)(?:-(\d+(?:\.\d+)?))?")


def _faults(source):
    for m in _NAMED.finditer(source):
        yield m.group(1), m.group(2), "", m.group(3) or ""
    for spec in filter(None, os.environ.get("EKTE_FAULTS", "").split(";")):
        parts = spec.split(":")
        point, kind, match = parts[0], parts[1], parts[2] if len(parts) > 2 else ""
        yield point, kind, match, parts[3] if len(parts) > 3 else ""


@hookimpl
def ekte_process(point, document, profile):
    for p, kind, match, arg in _faults(document.source):
        if p != point or match not in document.source:
            continue
        if kind == "refuse":
            raise DocumentError("fault_refused", f"Refused by the fault plugin at {point}.")
        if kind == "crash":
            raise RuntimeError("the fault plugin crashed")
        if kind == "exit":
            os._exit(3)
        if kind == "sleep":
            time.sleep(float(arg or 5))
        if kind == "unpicklable":
            document.extra["fault"] = _CutShort()


def _cut_short():
    raise pickle.UnpicklingError("pickle data was truncated")


class _CutShort:
    def __reduce__(self):
        return _cut_short, ()


class FaultyConnector(FolderConnector):
    name = "faulty"

    def export(self, doc, archive_dir):
        time.sleep(float(os.environ.get("EKTE_FAULT_EXPORT_SLEEP") or 0))
        return super().export(doc, archive_dir)


@hookimpl
def ekte_connectors():
    return [FaultyConnector]
