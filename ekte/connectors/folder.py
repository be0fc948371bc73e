"""The plain folder connector: one folder per document with the archival
PDF and its metadata JSON: ``<root>/<id>/<id>.pdf`` + ``<id>.json``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ekte.connectors.base import Connector, ExportResult
from ekte.stages.archive import ARCHIVE_PDF, METADATA


class FolderConnector(Connector):
    name = "folder"
    settings = {"path": ""}
    publish_per_batch = True  # export writes nothing after its staged folder (ARCHITECTURE "Durable per batch")

    def export(self, doc, archive_dir: Path) -> ExportResult:
        final = self.prepare_root() / doc.id
        meta_name = f"{doc.id}.json"
        self.check_below(final)  # a link planted under the document's name is not read nor replaced
        if (final / meta_name).is_file():
            try:
                existing = json.loads((final / meta_name).read_text("utf-8"))
                if existing.get("sha256") == doc.sha256:
                    return ExportResult(str(final), already=True)
            except (OSError, ValueError):
                pass  # damaged: write it again
        with self.staged_dir(final) as tmp:
            shutil.copyfile(Path(archive_dir) / ARCHIVE_PDF, tmp / f"{doc.id}.pdf")
            shutil.copyfile(Path(archive_dir) / METADATA, tmp / meta_name)
        return ExportResult(str(final))
