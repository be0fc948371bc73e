"""What a run reports of a document the journal knows already: a copy of content archived before (``duplicate``)
or waiting for review.  Its row carries the archived original's type, pages, archive folder, exports and fields
(as the archive's ``metadata.json`` has them) — so a script reads one JSON, also for a copy (fresh39 F4)."""

from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path
from typing import Any

from ekte.journal import FINAL_STATES, REVIEW
from ekte.model import Classification, Document, document_from_metadata

#: originals remembered per run (a copy after copy of one document reads the journal and metadata.json once)
KEEP = 4096


class Originals:
    """The reported values of the originals this run met copies of, the most recent :data:`KEEP`."""

    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep  # 0: none kept (a daemon: retention or ``export --force`` may change an original later)
        self.values: "OrderedDict[str, dict[str, Any]]" = OrderedDict()
        self.reads = 0  # originals read from the journal and the archive (a measure for the tests and bench)

    def fill(self, doc: Document, row: Any, j: Any) -> None:
        """*doc* (a copy) with the values of the original *row* names."""
        got = self.values.get(row["id"])
        if got is None:
            self.reads += 1
            orig = Document(sha256=row["sha256"], source="", size=0, media_type="")
            known(orig, row, j)
            got = self.remember(orig, row)
        else:
            self.values.move_to_end(row["id"])
        _set(doc, got)

    def remember(self, orig: Document, row: Any) -> dict[str, Any]:
        """*orig*'s values (:func:`known` gave them: the first copy of a re-run, done before, is read once)."""
        got = {"pages": orig.pages, "classification": orig.classification, "archive_path": orig.archive_path,
               "exports": dict(orig.exports), "fields": dict(orig.fields)}
        if row["state"] in FINAL_STATES and self.keep:  # else its exports may still change: not kept
            self.values[row["id"]] = got
            while len(self.values) > self.keep:
                self.values.popitem(last=False)
        return got


def _set(doc: Document, got: dict[str, Any]) -> None:
    doc.pages, doc.classification, doc.archive_path = got["pages"], got["classification"], got["archive_path"]
    doc.exports, doc.fields = dict(got["exports"]), dict(got["fields"])


def known(doc: Document, row: Any, j: Any) -> None:
    """*doc* as the journal's *row* and its archive's ``metadata.json`` report it (the fields: when readable)."""
    doc.pages = int(row["pages"] or 0)  # as the run that processed it reported it
    if row["doctype"]:
        doc.classification = Classification(row["doctype"], float(row["confidence"] or 0.0), method="journal")
    doc.archive_path = str(j.archive_dir(row) or "") or None
    doc.exports = j.exports_of(row["id"])
    if doc.archive_path:
        try:
            doc.fields = document_from_metadata(json.loads((Path(doc.archive_path) / "metadata.json")
                                                           .read_text("utf-8"))).fields
        except (OSError, ValueError, KeyError, TypeError):
            pass  # the journal's state is reported; the fields are in the archive folder when it is readable


def done_before(doc: Document, row: Any, workdir: Path | None = None) -> None:
    """A document this working directory finished in an earlier run (or
    another process): reported with the state the journal has (:func:`known`
    gave it the archive's values), under ``done_before`` — a script
    collecting results from a resumed migration reads one JSON; one in
    review says why, as its ``review/<id>.json`` does."""
    doc.extra["done_before"] = {"state": row["state"], "run": row["run_id"], "updated": row["updated"]}
    if row["state"] != REVIEW or workdir is None:
        return
    from ekte.pipeline.steps import review_why

    try:
        item = json.loads((Path(workdir) / "review" / f"{doc.id}.json").read_text("utf-8"))
        doc.extra["review"] = review_why(list(item.get("fields") or []), item.get("confidence"),
                                         float(item.get("threshold") or 0.0), bool(item.get("sample_check")))
    except (OSError, ValueError, TypeError, AttributeError):
        pass  # its review entry unreadable: the row says review, the station shows it
