"""Statistics for supervisors: intake per period × document type × channel
× outcome, review and correction rates per type and field, and the time
from receipt to export — from the journal alone (one read transaction of
a few aggregate queries; the daemon is never held up).

Channels: ``scan`` (an image, or a PDF whose pages needed OCR, from a
folder), ``file`` (a born-digital file from a folder), ``portal``,
``xdomea`` (import), ``api``, ``mail`` (the last two once issue 15's
intake delivers ``given["channel"]``).  The channel is recorded as the
event intake/channel when a document is archived or quarantined;
documents of older releases count as ``unknown``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import statistics
from collections import Counter, defaultdict
from typing import Any

KEYS = ("day", "week", "month", "type", "channel", "outcome")
CHANNELS = ("scan", "file", "portal", "xdomea", "api", "mail", "unknown")
OUTCOMES = {"exported": "exported", "review": "review", "quarantined": "quarantined", "archived": "archived",
            "rejected": "rejected", "released": "released", "received": "in_progress"}


def channel_of(doc: Any) -> str:
    """How *doc* arrived (see the module doc)."""
    given = doc.extra.get("given") or {}
    if given.get("channel"):
        return str(given["channel"])
    plugin = ((given.get("provenance") or doc.extra.get("provenance") or {}).get("source_plugin"))
    if plugin:
        return str(plugin)
    if (doc.media_type or "").startswith("image/") or (doc.ocr or {}).get("ocr_pages"):
        return "scan"
    return "file"


def _local(iso: str) -> dt.datetime:
    t = dt.datetime.fromisoformat(iso)
    return (t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)).astimezone()


def period(iso: str, kind: str) -> str:
    t = _local(iso).date()
    if kind == "week":
        y, w, _ = t.isocalendar()
        return f"{y}-W{w:02d}"
    return t.strftime("%Y-%m") if kind == "month" else t.isoformat()


def period_text(kind: str, value: str, lang: str) -> str:
    """A week or month of :func:`period` as a reader writes it (fresh35 F10: "2026-W49" in a German table whose
    days read 01.12.2026): ``KW 49/2026`` (English ``week 49/2026``), ``12/2026``; anything else as it is."""
    if kind == "week" and (m := re.fullmatch(r"(\d{4})-W(\d\d)", value)):
        return f"{'KW' if lang == 'de' else 'week'} {int(m[2])}/{m[1]}"
    if kind == "month" and (m := re.fullmatch(r"(\d{4})-(\d\d)", value)):
        return f"{m[2]}/{m[1]}"
    return value


_DOCS = """
SELECT d.id, d.doctype, d.state, d.first_seen,
  (SELECT e.detail FROM events e WHERE e.doc_id = d.id AND e.stage = 'intake' AND e.event = 'channel'
   ORDER BY e.seq LIMIT 1) AS channel,
  EXISTS (SELECT 1 FROM events e WHERE e.doc_id = d.id AND e.stage = 'classify' AND e.event = 'review') AS reviewed,
  EXISTS (SELECT 1 FROM events e WHERE e.doc_id = d.id AND e.stage = 'review' AND e.event = 'accepted') AS checked,
  (SELECT MIN(e.time) FROM events e WHERE e.doc_id = d.id AND e.stage = 'export' AND e.event = 'exported') AS exported
FROM documents d WHERE d.first_seen >= :since AND d.first_seen < :until"""

_CORR = """
SELECT d.doctype, e.field AS field, COUNT(DISTINCT d.id) AS n
FROM events e JOIN documents d ON d.id = e.doc_id
WHERE e.stage = 'review' AND e.event = 'field-corrected' AND e.field IS NOT NULL
  AND EXISTS (SELECT 1 FROM events a WHERE a.doc_id = d.id AND a.stage = 'review' AND a.event = 'accepted')
  AND d.first_seen >= :since AND d.first_seen < :until
GROUP BY 1, 2"""


class BadDate(ValueError):
    """A ``since``/``until`` that is no day of the calendar (its text is ``value``)."""

    def __init__(self, value: str) -> None:
        super().__init__(f"a date like 2026-01-31 or 31.01.2026, not {value!r}")
        self.value = value


#: the years a day may have (fresh42 F8: year 1 and 9999 overflowed the period's bounds — an internal error)
YEARS = (1900, 2999)


def day(v: str | None) -> str | None:
    """A day as YYYY-MM-DD, given so or in the German form DD.MM.YYYY, of a year in :data:`YEARS`;
    :class:`BadDate` otherwise."""
    if not v:
        return None
    for f in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            d = dt.datetime.strptime(v.strip(), f).date()
        except ValueError:
            continue
        if YEARS[0] <= d.year <= YEARS[1]:
            return d.isoformat()
    raise BadDate(v)


def bounds(since: str | None, until: str | None) -> tuple[str, str]:
    """ISO bounds from dates (``until`` inclusive: the whole day)."""
    since, until = day(since), day(until)
    lo = dt.datetime.combine(dt.date.fromisoformat(since), dt.time()).astimezone().isoformat() if since else ""
    hi = (dt.datetime.combine(dt.date.fromisoformat(until) + dt.timedelta(days=1), dt.time()).astimezone().isoformat()
          if until else "9999")
    return lo, hi


def compute(j: Any, profile: Any = None, *, since: str | None = None, until: str | None = None,
            by: tuple[str, ...] = ("type", "channel", "outcome")) -> dict[str, Any]:
    """The figures of one period (dates as YYYY-MM-DD or DD.MM.YYYY; *by*: keys of :data:`KEYS`)."""
    since, until = day(since), day(until)
    bad = [k for k in by if k not in KEYS]
    if bad:
        from ekte.errors import ConfigError

        raise ConfigError(f"--by {','.join(bad)}: unknown (choose from {', '.join(KEYS)})")
    lo, hi = bounds(since, until)
    with _read(j) as db:
        docs = db.execute(_DOCS, {"since": lo, "until": hi}).fetchall()
        corr = db.execute(_CORR, {"since": lo, "until": hi}).fetchall()
    groups: Counter[tuple[str, ...]] = Counter()
    per_type: dict[str, dict[str, Any]] = defaultdict(lambda: {"documents": 0, "reviewed": 0, "checked": 0, "seconds": []})
    for d in docs:
        rec = {"type": d["doctype"] or "", "channel": d["channel"] or "unknown",
               "outcome": OUTCOMES.get(d["state"], d["state"])}
        for k in ("day", "week", "month"):
            if k in by:
                rec[k] = period(d["first_seen"], k)
        groups[tuple(rec[k] for k in by)] += 1
        t = per_type[rec["type"]]
        t["documents"] += 1
        t["reviewed"] += int(d["reviewed"])
        t["checked"] += int(d["checked"])
        if d["exported"]:
            t["seconds"].append((_local(d["exported"]) - _local(d["first_seen"])).total_seconds())
    return {
        "since": since, "until": until, "by": list(by), "total": len(docs),
        "rows": [dict(zip(by, k), count=n) for k, n in sorted(groups.items())],
        "types": {k: _type_figures(v) for k, v in sorted(per_type.items())},
        "corrections": _corrections(corr, per_type),
        "titles": {k: profile.doctype_title(k) for k in per_type} if profile is not None else {},
    }


def _type_figures(t: dict[str, Any]) -> dict[str, Any]:
    s = sorted(t["seconds"])
    return {"documents": t["documents"], "reviewed": t["reviewed"],
            "review_rate": round(t["reviewed"] / t["documents"], 4) if t["documents"] else 0.0,
            "exported": len(s), "export_median_s": round(statistics.median(s), 1) if s else None,
            "export_p90_s": round(s[min(len(s) - 1, int(0.9 * len(s)))], 1) if s else None}


def _corrections(rows: list[Any], per_type: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        # of the documents a clerk accepted (their fields checked), not of all sent to review (fresh30 G10)
        reviewed = per_type.get(r["doctype"] or "", {}).get("checked") or 0
        out.append({"type": r["doctype"] or "", "field": r["field"], "corrected": r["n"], "reviewed": reviewed,
                    "rate": round(r["n"] / reviewed, 4) if reviewed else None})
    return out


class _read:
    """A read transaction: one consistent snapshot (WAL; writers go on)."""

    def __init__(self, j: Any):
        self.db = j.db

    def __enter__(self) -> Any:
        if not self.db.in_transaction:
            self.db.execute("BEGIN")
            self.began = True
        else:
            self.began = False
        return self.db

    def __exit__(self, *exc: Any) -> None:
        if self.began and self.db.in_transaction:
            self.db.execute("COMMIT")


def to_csv(figures: dict[str, Any], lang: str = "en") -> str:
    """The grouped counts as CSV, one row per group, with each group's share of the period (%).

    German (``lang="de"``, the clerk's default) is for German Excel: headings and values in German (document
    types by title, days DD.MM.YYYY), ``;`` between cells, a decimal comma and a byte-order mark (Excel
    reads UTF-8 only with one).  English is the machine form: ids and codes, ``,`` and ``.``."""
    from ekte.serve import names
    from ekte.serve.i18n import N_, gettext_for

    de = lang == "de"
    buf = io.StringIO()
    if de:
        buf.write("\ufeff")
    w = csv.writer(buf, delimiter=";" if de else ",", lineterminator="\r\n" if de else "\n")
    total = figures["total"] or 1
    heads = ([names.key_name(k, lang) for k in figures["by"]] + [gettext_for(lang)(N_("Documents")),
             gettext_for(lang)(N_("Share (%)"))]) if de else figures["by"] + ["count", "share_percent"]
    w.writerow(heads)
    title = (figures.get("titles") or {}).get
    for r in figures["rows"]:
        share = f"{100 * r['count'] / total:.1f}"
        cells = [_csv_value(k, r.get(k), lang, title) for k in figures["by"]] if de else [r.get(k, "") for k in
                                                                                           figures["by"]]
        w.writerow(cells + [r["count"], share.replace(".", ",") if de else share])
    return buf.getvalue()


def _csv_value(key: str, value: Any, lang: str, title: Any) -> str:
    from ekte.serve import names

    if key == "day" and value:
        return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
    return names.stat_value(key, value, lang, title)


def series(figures: dict[str, Any], x: str, stack: str) -> tuple[list[str], dict[str, list[int]]]:
    """Counts for a chart: the values of *x* along the axis, one list per value of *stack*."""
    xs = sorted({r[x] for r in figures["rows"]}) if x in figures["by"] else ["∑"]
    out: dict[str, list[int]] = defaultdict(lambda: [0] * len(xs))
    for r in figures["rows"]:
        key = r.get(stack, "∑") if stack in figures["by"] else "∑"
        out[key][xs.index(r[x]) if x in figures["by"] else 0] += r["count"]
    return xs, dict(sorted(out.items()))
