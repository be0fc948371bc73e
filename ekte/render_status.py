"""How ``ekte status`` shows the watch daemons, their figures and problems (the data: :mod:`ekte.watch.status`)."""

from __future__ import annotations

from typing import Any

from rich.markup import escape

from ekte.render import out


def status(st: dict[str, Any]) -> None:
    if not st.get("daemons"):
        out.print(f"no watch daemon has run in {st['workdir']}")
    for d in st.get("daemons", []):
        state = (f"[red]stalled[/] since {d.get('updated')} (alive, no status written for a minute)" if d.get("stalled")
                 else "[green]running[/]" if d.get("running") else "[red]not running: died without being stopped[/] "
                 f"(killed or crashed; last status {d.get('updated')})" if d.get("ended") == "died"
                 else f"[red]not running: ended on an error[/] at {d['cause'].get('time')}: "
                      f"{escape(str(d['cause'].get('message')))}" if d.get("ended") == "failed"
                 else f"[yellow]not running: stopped[/] at {d.get('stopped') or d.get('updated')}")
        about = ", ".join(x for x in (f"pid {d.get('pid')}", d.get("mode"),  # (a failed first start has no mode)
                                      d.get("started") and f"since {d['started']}") if x)
        out.print(f"watch daemon {state} ({about}): "
                  f"{', '.join(d.get('watching') or [])}", highlight=False)
        m = d.get("mail")
        if m:
            out.print(f"  mailbox: last poll {m.get('last_poll') or '-'}, {m.get('processed', 0)} messages processed, "
                      f"{m.get('failed', 0)} failed" + (f"; last error: {m['last_error']}" if m.get("last_error") else ""),
                      highlight=False)
        for name, w in (d.get("workers") or {}).items():  # on Dask
            out.print(f"  Dask worker {name}: {w['documents']} documents, {w['pages']} pages, {w['seconds']:.0f} s",
                      highlight=False)
        for name, why in (d.get("refused_workers") or {}).items():
            out.print(f"  Dask worker {name} refused: {why}", highlight=False)
    if st.get("daemons"):
        if st.get("last_known"):
            out.print(f"last known figures (as of {st['last_known']}; no daemon runs now):", highlight=False)
        jobs = f" (with {st['jobs']} workers: at work or next in line)" if st.get("jobs") else ""
        skipped = f"skipped {st['skipped']} (names in intake.ignore, left in the inbox)  " if st.get("skipped") else ""
        out.print(f"queue {st.get('queue', 0)}  in flight {st.get('in_flight', 0)}{jobs}  done {st.get('done', 0)}  "
                  f"failed {st.get('failed', 0)}  duplicates {st.get('duplicates', 0)}  review {st.get('review', 0)}  "
                  f"not exported {st.get('export_failed', 0)}  {skipped}"
                  f"last activity {st.get('last_activity') or '-'}", highlight=False)
    for p in st.get("problems", []):  # the done folder full (fresh30 G11); a disk no daemon could start on (fresh40)
        since = f" (since {p['since']})" if p.get("since") else ""
        out.print(f"[bold red]problem:[/] {escape(p['message'])}{since}", highlight=False, soft_wrap=True)
    for e in st.get("last_errors", []):
        out.print(f"  {e['time']}  {e['id'] or '-'}  {e['code']}" + (f" ({e['cause']})" if e.get("cause") else ""),
                  highlight=False)
    for p in st.get("processes", []):
        out.print(f"process: {p['command']} (pid {p['pid']} on {p['host']}, since {p['since']})", highlight=False)
    if st.get("journal"):
        out.print("journal: " + ", ".join(f"{k} {v}" for k, v in sorted(st["journal"].items())), highlight=False)
    if st.get("mail_messages"):
        out.print("e-mail messages: " + ", ".join(f"{k} {v}" for k, v in sorted(st["mail_messages"].items())),
                  highlight=False)
