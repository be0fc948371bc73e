"""How the command line shows results: tables, the progress bar, status.
(The commands themselves are in :mod:`ekte.cli`.)"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ekte.pipeline.settled import input_of
from ekte.shown import Lines, visible


class ShownConsole(Console):
    """A rich console that never writes a control character it was given as text (:mod:`ekte.shown`; its
    own styles and the progress bar's cursor moves are segments of their own and stay).  Every string rich
    renders passes :meth:`render_str` (rich's public hook): a table cell, a title, a rule's text has a
    newline written out too (a name's newline would look like a row of its own) — but a :class:`Lines`, and
    what is given to :meth:`print` itself (ekte's messages: made ``Lines`` there), keep theirs."""

    def render_str(self, text: str, **kw: Any) -> Any:  # type: ignore[override]
        return super().render_str(visible(text, newlines=isinstance(text, Lines)), **kw)

    def print(self, *objects: Any, **kw: Any) -> None:  # type: ignore[override]
        super().print(*(Lines(o) if type(o) is str else o for o in objects), **kw)


err = ShownConsole(stderr=True)
out = ShownConsole()


class RichProgress:
    """Documents and pages with ETA, on stderr."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.p = Progress(
            TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("docs"),
            TextColumn("{task.fields[pages]} pages"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=err, transient=False,
        )
        self.pages = 0

    def start(self, total: int) -> None:
        self.p.start()
        self.task = self.p.add_task("ingest", total=total, pages=0)

    def advance(self, doc: Any) -> None:
        self.pages += doc.pages or 0
        self.p.update(self.task, advance=1, pages=self.pages)

    def finish(self) -> None:
        self.p.stop()


def _nothing_new(mail: dict[str, Any] | None) -> bool:
    """``ekte mail`` that took nothing: "no new messages in INBOX" (German for a German user), or — the
    server refused or could not be reached — nothing beyond the error the log has shown.  False: no mail run."""
    if mail is None:
        return False
    if not mail.get("errors"):
        from ekte.serve.i18n import cli_language

        folder = mail.get("folder") or "INBOX"
        out.print(f"keine neuen Nachrichten in {folder}" if cli_language() == "de" else f"no new messages in {folder}",
                  highlight=False)
    return True


def _before(before: dict[str, int]) -> str:
    """", 21 done before (an earlier run or another process; 1 still waiting for review)": not this run's work and
    no duplicates (fresh33 F2, F8)."""
    if not before:
        return ""
    waiting = f"; {before['review']} still waiting for review" if before.get("review") else ""
    return f", {sum(before.values())} done before (an earlier run or another process{waiting})"


def summary(result: Any, command: str = "ekte ingest") -> None:
    s = result.summary
    if not s["total"] and result.failure is None:
        if _nothing_new(s.get("mail")):
            return
        n = s.get("skipped", 0)
        out.print(f"nothing to ingest: {plural(n, 'file')} skipped (names in intake.ignore)" if n else
                  "nothing to ingest: no files found in the input(s) (names in intake.ignore are skipped)",
                  highlight=False)
        return
    t = Table(title=f"{command} — summary", show_footer=False)
    t.add_column("document type")
    for title in ("archived, exported", "archived, for review"):
        t.add_column(title, justify="right")
    for dt, counts in s["by_doctype"].items():
        t.add_row(dt, str(counts.get("archived", 0)), str(counts.get("review", 0)))
    out.print(t)
    b, before = s["by_status"], s.get("done_before", {})  # done before: an earlier run's or another process's
    review = b["review"] - before.get("review", 0)
    kept = b["archived"] + review + b.get("export_failed", 0)  # every one of them is in the archive
    parts = [f"{b['archived']} exported" if b["archived"] else "", f"[yellow]{review} waiting for review[/]"
             if review else "", f"[red]{b['export_failed']} not exported (run again or `ekte export`)[/]"
             if b.get("export_failed") else ""]
    out.print(
        f"{plural(s['total'], 'document')}, {plural(s['pages'], 'page')} in {s['seconds']:.1f} s: "
        f"[green]{kept} archived[/]" + (f" ({', '.join(p for p in parts if p)})" if kept else "")
        + _before(before) + f", {plural(b['duplicate'] - before.get('duplicate', 0), 'duplicate')}, "
        + (f"[red]{b['quarantined']} quarantined[/]" if b["quarantined"] else "0 quarantined"),
        highlight=False,
    )
    if s.get("skipped"):  # fresh32 F6: never silently
        out.print(f"{plural(s['skipped'], 'file')} skipped: names in intake.ignore (left where they are)",
                  highlight=False)
    m = s.get("mail")
    if m:
        out.print(f"e-mail: {m['taken']} messages taken, {m['processed']} processed, [red]{m['failed']} failed[/], "
                  f"{m['moved']} moved" + (f"; [red]{m['last_error']}[/]" if m.get("last_error") else ""),
                  highlight=False)
    if result.workdir:
        w = result.workdir
        out.print(f"archive: {w}/archive   export: {w}/export   review queue: {w}/review   quarantine: {w}/quarantine",
                  highlight=False)
    workers(s)
    reports = [r["report"] for r in getattr(result, "migration", None) or [] if r.get("report")]
    if reports:  # import-xdomea: one migration report per container
        out.print(f"migration reports ({len(reports)}): {reports[0].rsplit('/', 1)[0]}/", highlight=False,
                  soft_wrap=True)  # the path in one piece, to copy
    bad = [d for d in result.documents if d.error]
    if bad:
        q = Table(title="quarantined or not exported")
        q.add_column("id", no_wrap=True)  # whole, to copy
        for c in ("file", "reason", "message"):
            q.add_column(c, overflow="fold")
        for d in bad:
            q.add_row(d.id, input_of(d).rsplit("/", 1)[-1], d.error.code, d.error.message)
        out.print(q)
    if result.interrupted:
        out.print("[yellow]interrupted — run the same command again to finish the rest[/]")


def plural(n: int, word: str) -> str:  # "1 document", "2 documents"
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def workers(s: dict[str, Any]) -> None:
    """Per-worker figures of a distributed run, and the workers refused."""
    if s.get("workers"):
        t = Table(title="workers")
        for c, j in (("worker", "left"), ("documents", "right"), ("pages", "right"), ("seconds", "right")):
            t.add_column(c, justify=j)
        for name, w in s["workers"].items():
            t.add_row(name, str(w["documents"]), str(w["pages"]), f"{w['seconds']:.1f}")
        out.print(t)
    for name, why in (s.get("refused_workers") or {}).items():
        out.print(f"[yellow]worker {name} refused: {why}[/]", highlight=False)


def export_table(result: Any) -> None:
    t = Table(title="ekte export")
    for c in ("id", "type", "result"):
        t.add_column(c)
    for d in result.documents:
        if d.status and d.status.value == "review":
            res = "waiting for review — not exported"
        elif d.error:
            res = f"[red]failed[/]: {d.error.message}"
        else:
            res = Lines("\n".join(f"{k}: {v}" + (f" → {escape(str(d.exports[k]))}" if d.exports.get(k) else "")
                            for k, v in d.extra.get("export_results", {}).items()))  # where each went
        t.add_row(d.id, d.doctype or "-", res)
    out.print(t)
    b = result.summary["by_status"]
    out.print(f"{plural(len(result.documents), 'document')}: {b['archived']} exported or already there, "
              f"{b['export_failed']} failed, {b['review']} waiting for review", highlight=False)


def doc_summary(d: Any) -> dict[str, Any]:
    """One document of ``ekte classify --json``."""
    c = d.classification
    return {
        "id": d.id, "source": d.source, "status": d.status.value if d.status else None,
        "doctype": d.doctype, "confidence": None if d.confidence is None else round(d.confidence, 4),
        "candidates": [{"doctype": x.doctype, "score": round(x.score, 4)} for x in (c.candidates if c else [])],
        "fields": {k: {"value": f.value, "confidence": f.confidence, "page": f.page,
                       "span": list(f.span) if f.span else None, "method": f.method, "repaired": f.repaired}
                   for k, f in d.fields.items()},
        "pages": d.pages, "error": d.error.to_dict() if d.error else None, "warnings": d.warnings,
    }


def classify_summary(d: Any) -> dict[str, Any]:
    """One document of ``ekte classify --json`` (which archives nothing): ``status`` is ``classified`` (sure
    enough that ingest would archive and export it), ``review`` (a clerk would check it) or ``quarantined``."""
    out = doc_summary(d)
    if out["status"] == "archived":
        out["status"] = "classified"
    return out


def classified(docs: list[Any]) -> None:
    for d in docs:
        out.rule(f"{d.source}", style="dim")
        if d.error:
            out.print(f"[red]{d.error.code}[/]: {d.error.message}", highlight=False)
            continue
        flag = "[yellow](review)[/]" if d.status and d.status.value == "review" else ""
        cands = ", ".join(f"{c.doctype} {c.score:.2f}" for c in d.classification.candidates)
        out.print(f"[bold]{d.doctype}[/] {d.confidence:.2f} {flag}  candidates: {cands}", highlight=False)
        t = Table(show_header=True, box=None)
        for col in ("field", "value", "conf.", "page", "method"):
            t.add_column(col)
        for k, f in sorted(d.fields.items()):
            t.add_row(k, f.value + (" (repaired)" if f.repaired else ""), f"{f.confidence:.2f}", str(f.page or ""),
                      f.method)
        out.print(t)


def evaluation(r: dict[str, Any]) -> None:
    out.print(f"documents {r['documents']}  accuracy [bold]{r['accuracy']:.4f}[/]  macro-F1 {r['macro_f1']:.4f}  "
              f"field F1 [bold]{r['fields']['f1']:.4f}[/] (P {r['fields']['precision']:.4f}, R {r['fields']['recall']:.4f})",
              highlight=False)
    out.print(f"threshold {r['threshold']}: {r['above_threshold']} above, accuracy there "
              f"{r['accuracy_above_threshold']:.4f}, review rate {r['review_rate']:.2%}, "
              f"wrong above threshold: {len(r['wrong_above_threshold'])}", highlight=False)
    labels = list(r["confusion"])
    cm = Table(title="confusion (rows: truth, columns: predicted)")
    cm.add_column("")
    for lab in labels:
        cm.add_column(lab[:6], justify="right")
    for a in labels:
        cm.add_row(a, *[str(r["confusion"][a][b] or "") for b in labels])
    out.print(cm)
    ft = Table(title="fields")
    for c in ("field", "precision", "recall", "F1", "support"):
        ft.add_column(c, justify="right" if c != "field" else "left")
    for k, v in r["per_field"].items():
        ft.add_row(k, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}", str(v["support"]))
    out.print(ft)
    reliability(r)


def reliability(r: dict[str, Any]) -> None:
    """The field confidences against the truth, and the wrong values a clerk would not see."""
    fr = r["field_reliability"]
    rt = Table(title="field confidence → share right")
    for c in ("confidence", "values", "right"):
        rt.add_column(c, justify="right")
    for b in fr["buckets"]:
        rt.add_row(f"{b['from']:.2f}–{b['to']:.2f}", str(b["values"]), f"{b['right']:.3f}")
    out.print(rt)
    right = "-" if fr["right_above"] is None else f"{fr['right_above']:.4f}"
    out.print(f"at or above {fr['threshold']}: {fr['above']} values ({(fr['share_above'] or 0):.1%}), right {right}; "
              f"wrong types exported without review: {r['wrong_types_exported']}", highlight=False)
    wrong = r["wrong_values_above_threshold"]
    if wrong:
        wt = Table(title=f"wrong values at or above {fr['threshold']}")
        for c in ("id", "field", "value", "truth", "conf."):
            wt.add_column(c)
        for w in wrong:
            wt.add_row(w["id"], w["field"], str(w["value"]), str(w["truth"] or "(none)"), f"{w['confidence']:.3f}")
        out.print(wt)


def trained(r: dict[str, Any]) -> None:
    """What ``ekte train`` saved."""
    m = r["classifier"]
    if m and m.get("refused"):
        from ekte.typemodel import refusal

        out.print(refusal(m), highlight=False, markup=False)
    elif "restored" in r:  # fresh32 F11: ekte train --restore
        return restored(r)
    elif m:
        per = ", ".join(f"{k} {v}" for k, v in m["per_class"].items())
        base = f"; {m['base_documents']} of them ekte's base set" if m.get("base") == "ekte" else ""
        if m.get("from_base_set"):  # fresh30 G14: the types the training folder had none of
            base += f"; from ekte's base set for the types without a folder: {', '.join(m['from_base_set'])}"
        out.print(f"model saved to {m['path']} ({m['documents']} documents: {per}{base})", highlight=False,
                  markup=False)
    if m and m.get("forced"):  # fresh32 F11
        c = m["check"]
        err.print(f"[bold yellow]warning:[/] {escape(m['path'])} replaced by a model that scores {c['new']} on the "
                  f"check set against {c['current']} of the one in use (--force); ekte train --restore goes back",
                  highlight=False, soft_wrap=True)
    if m and m.get("few"):  # fresh31 H6
        err.print(f"[bold yellow]warning:[/] {escape(m['few']['message'])}", highlight=False, soft_wrap=True)
    if r["extractor"]:
        m = r["extractor"]
        out.print(f"field model saved to {m['path']} ({m['documents']} labelled documents, {m['reviews']} reviews, "
                  f"{m['examples']} candidate values)", highlight=False)
    if r.get("tagger"):  # extract.tagger on: the working directory's own token tagger
        t = r["tagger"]
        out.print(f"token tagger saved to {t['path']} ({t['documents']} labelled documents, {t.get('reviews', 0)} reviews"
                  + (f", {t['pages']} pages with ekte's base data)" if t.get("base") else ")"), highlight=False, markup=False)
    for k, what in (("extractor", "a field model that decides"), ("tagger", "a token tagger that tags")):
        if (r.get(k) or {}).get("forced"):
            m, c = r[k], r[k]["check"]
            err.print(f"[bold yellow]warning:[/] {escape(m['path'])} replaced by {what} the check set worse: score "
                      f"{c['new']} against {c['current']} of the one in use (--force); ekte train --restore goes back",
                      highlight=False, soft_wrap=True)
    for k in ("field_refused", "unchanged", "tagger_refused"):  # "[extract.labels]" is no markup (fresh29 F5)
        if r.get(k):
            out.print(r[k], highlight=False, markup=False)


def restored(r: dict[str, Any]) -> None:
    """``ekte train --restore``: one line naming the models in use again (type, field, or both)."""
    named = {"classifier": "type model", "extractor": "field model", "tagger": "token tagger"}
    what = [f"the {named[k]} {r[k]['path']}" + (f" (trained {r[k]['trained']})" if r[k].get("trained") else "")
            for k in r["restored"]]
    kept = [r[k]["previous"] for k in r["restored"] if r[k]["previous"]]
    none = [f"no previous {named[k]} (unchanged)" for k in ("classifier", "extractor") if k not in r["restored"]]
    out.print("restored the models in use before: " + " and ".join(what)
              + (f"; the replaced {'ones are' if len(kept) > 1 else 'one is'} kept as {', '.join(kept)} (--restore "
                 "again undoes this)" if kept else "")
              + "".join(f"; {x}" for x in none), highlight=False, markup=False, soft_wrap=True)


def review_queue(items: list[dict[str, Any]]) -> None:
    t = Table(title=f"review queue ({len(items)})")
    for c in ("id", "doctype", "confidence", "candidates", "fields to check", "since"):
        t.add_column(c)
    for i in items:
        t.add_row(i["id"], str(i.get("doctype")), f"{i.get('confidence') or 0:.2f}",
                  ", ".join(f"{c['doctype']} {c['score']:.2f}" for c in i.get("candidates", [])),
                  ", ".join(r.split(":")[0] for r in i.get("fields", [])), i.get("time", ""))
    out.print(t)


def journal_check(r: dict[str, Any]) -> None:
    for f in r["findings"]:
        out.print(f"  {f}", highlight=False)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(r["counts"].items())) or "empty"
    verdict = "[green]ok[/]" if r["ok"] else f"[yellow]{len(r['findings'])} difference(s) from the archive[/]"
    out.print(f"journal {verdict} ({counts})", highlight=False)


def journal_rebuilt(r: dict[str, Any]) -> None:
    states = ", ".join(f"{k} {v}" for k, v in sorted(r["states"].items())) or "no documents"
    out.print(f"journal rebuilt from the archive: {states}; running numbers: "
              + (", ".join(f"{k} → {v}" for k, v in r.get("counters", {}).items()) or "none"), highlight=False)
    if r.get("deleted"):
        out.print(f"deletions restored from deleted/: {r['deleted']} (their tombstones and audit entries)",
                  highlight=False)
    for k in r.get("kept", []):
        out.print(f"the old journal is kept as {k}", highlight=False)
    for u in r.get("unfinished", []):
        out.print(f"  unfinished deletion {u}", highlight=False)
    for s in r["skipped"]:
        out.print(f"  skipped {s}", highlight=False)
    if r.get("exports"):
        out.print(f"export places taken over from the old journal: {r['exports']}", highlight=False)
    out.print("documents are 'archived' until ekte export --all (or the daemon) has asked each connector again",
              highlight=False)
