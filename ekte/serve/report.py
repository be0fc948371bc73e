"""``ekte ingest --report FILE.html``: one self-contained HTML file per batch
(inline CSS and SVG charts, nothing loaded from anywhere) — the run's
summary, its documents by type × outcome and by channel, and a row per
document (id, file name, type, outcome, pages, reason)."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from ekte import fsutil
from ekte.serve import i18n
from ekte.serve.charts import stacked_bars


def _outcome(doc: Any) -> str:
    if doc.status is not None and doc.status.value == "duplicate" and doc.extra.get("done_before"):
        return "done_before"  # finished by an earlier run (a resumed migration): not a duplicate (fresh33 F2)
    return doc.status.value if doc.status else "unknown"


def _counts(summary: dict[str, Any]) -> list[tuple[str, int]]:
    """The outcome table's rows: the duplicates an earlier run had finished on a row of their own."""
    done = summary.get("done_before", {}).get("duplicate", 0)
    rows = [(k, v - done if k == "duplicate" else v) for k, v in summary["by_status"].items()]
    return rows + [("done_before", done)] if done else rows


def file_name(doc: Any) -> str:
    """The document's file by its name only, as the CLI table and the station's quarantine show it (fresh35 F10:
    ids alone, a clerk could not tell which of her files "leere Datei" was); no folder (personal data in paths)."""
    return str(doc.source or "").replace("\\", "/").rsplit("/", 1)[-1]


def write_report(result: Any, profile: Any, path: Path, lang: str = "de") -> Path:
    from ekte.serve.web import env
    from ekte.stats import channel_of

    _ = i18n.gettext_for(lang)
    docs = result.documents
    types = sorted({d.doctype or "" for d in docs})
    outcomes = sorted({_outcome(d) for d in docs})
    by_type: dict[str, list[int]] = defaultdict(lambda: [0] * len(types))
    channels: Counter[str] = Counter()
    for d in docs:
        by_type[_outcome(d)][types.index(d.doctype or "")] += 1
        channels[channel_of(d)] += 1
    names = {"archived": _("exported"), "review": _("review"), "quarantined": _("quarantined"),
             "duplicate": _("duplicate"), "export_failed": _("export failed"), "scan": _("scan"), "file": _("file"),
             "portal": _("portal"), "xdomea": _("xdomea import"), "api": _("API"), "mail": _("mail"),
             "unknown": _("unknown"), "done_before": _("done in an earlier run")}
    charts = [
        stacked_bars(_("Documents by type"), [profile.doctype_title(t) or "–" for t in types],
                     {o: by_type[o] for o in outcomes}, lambda k: names.get(k, k)),
        stacked_bars(_("Intake by channel"), [names.get(c, c) for c in sorted(channels)],
                     {"∑": [channels[c] for c in sorted(channels)]}, lambda k: _("documents")),
    ]
    html = env(lang).get_template("report.html").render(
        lang=lang, result=result, docs=docs, charts=charts, title=profile.doctype_title, names=names,
        summary=result.summary, counts=_counts(result.summary), outcome=_outcome, file_name=file_name, profile=profile, now=i18n.local_time(__import__("ekte.model").model.now_iso()))
    fsutil.write_text(Path(path), html)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)  # a report is for reading (the temporary file was 0600)
    return Path(path)
