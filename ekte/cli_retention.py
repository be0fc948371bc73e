"""The records manager's commands: ``retention due``, ``retention delete`` and ``retention deleted`` — in
German unless ``--lang en``/``EKTE_LANG``/the locale say English (fresh38 F11), as ``history``, ``review`` and
``stats``; ``--json`` keeps the raw form.  Thin, like :mod:`ekte.cli`: parse, call :mod:`ekte.api`, print."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Callable, List, Optional

import typer
from rich.table import Table

from ekte.cli import app, command
from ekte.cliopts import JsonOpt, LangOpt, OverrideOpt, ProfileOpt, WorkdirOpt, new_app
from ekte.render import out
from ekte.serve.i18n import N_

retention_app = new_app("Retention periods of archived documents.")
app.add_typer(retention_app, name="retention")

#: what the start of a period is (``basis``)
BASIS = {"document_date": N_("document_date"), "received": N_("received"), "quarantined": N_("quarantined")}
#: why a document's end cannot be determined (``code`` of an undeterminable entry)
UNDETERMINABLE = {"metadata_unreadable": N_("metadata.json cannot be read (see ekte verify)"),
                  "journal_unknown": N_("the journal does not know it (see ekte journal check)")}
#: a refused deletion by its ``error.code`` ({id}, {when}, {why}); a code not here: the English message
REFUSED = {
    "retention_not_ended": N_("its retention period has not ended (see ekte retention due); --force deletes it "
                              "anyway"),
    "retention_undeterminable": N_("its retention period cannot be determined ({why}); --force deletes it anyway"),
    "deleted_already": N_("deleted already on {when} (ekte history {id} shows it)"),
    "not_found": N_("no document with this id"),
    "ambiguous_id": N_("this id prefix names more than one document: give more of it"),
    "invalid_id": N_("not a document id"),
    "busy": N_("another ekte process works on it: try again later"),
    "archive_damaged": N_("its archive folder does not hold (see ekte verify); --damaged deletes it, recording "
                          "the damage"),
    "note_personal": N_("the --note names a word of the document's own fields (a name, street or town): it is "
                        "kept for ever — leave it out"),
}


#: ``retention delete --reason``'s help: the codes of :data:`ekte.evidence.deletion_reasons.REASONS` (German in
#: the catalog, each code with its German words)
REASON_HELP = N_("Why (required), one of: retention_ended = retention period ended; archive_released = retention "
                 "period ended, released for destruction by the responsible archive; erasure_request = erasure at "
                 "the data subject's request (Art. 17 GDPR); purpose_ended = no longer needed for its purpose; "
                 "consent_withdrawn = consent withdrawn; unlawful = processed unlawfully; wrong_capture = captured "
                 "in error / duplicate; misdirected = not ours, passed on; order = order (court, supervisory "
                 "authority, superior). Kept for ever in the audit trail and deleted/<id>.json.")


def deletion_detail(t: dict[str, Any], code: str, title: Callable[[str], str]) -> str:
    """The deletion row's details in ``ekte history`` from its tombstone *t* (the chained values): the words of
    *code* and local time, not the journal's keys and UTC (fresh38 F14 b)."""
    from ekte.serve import i18n

    _ = i18n.gettext_for(code)
    from ekte.evidence.deletion_reasons import words

    parts = [_("reason: {reason}").format(reason=words(t.get("reason"), code)), f"SHA-256: {t.get('sha256') or '?'}"]
    if t.get("doctype"):
        parts.append(_("document type: {type}").format(type=title(t["doctype"]) or t["doctype"]))
    if t.get("received"):
        parts.append(_("received: {when}").format(when=i18n.local_time(str(t["received"]))))
    if t.get("retention_ends"):
        parts.append(_("retention period until {date}").format(date=_day(t["retention_ends"], code)))
    if t.get("damage"):
        damage = t["damage"] if isinstance(t["damage"], list) else [str(t["damage"])]
        parts.append(_("damage found: {what}").format(what="; ".join(map(str, damage))))
    return ", ".join(parts)

#: why a copy was kept (the end of a ``kept`` entry; --json keeps the English) → its words ({path}: the rest)
KEPT = ((r"(.+) \(in the DMS: it keeps its own retention\)", N_("{path} (in the DMS: it keeps its own retention)")),
        (r"(.+) \(recorded relative to the folder ekte ran in, not found: look for its files there\)",
         N_("{path} (recorded relative to the folder ekte ran in, not found: look for its files there)")),
        (r"(.+) \(a package shared with (\d+) other document\(s\)\)",
         N_("{path} (a package shared with {n} other document(s))")),
        (r"(.+) \(outside the working directory: the DMS's folder keeps its own\)",
         N_("{path} (outside the working directory: the DMS's folder keeps its own)")),
        (r"(.+) \(outside the working directory\)", N_("{path} (outside the working directory)")),
        (r"(models/.+): trained with this document \(.*\) — marked for retraining",
         N_("{path}: trained with this document (no words of it; its share of the weights stays until the next "
            "ekte train --from-reviews) — marked for retraining")))


def kept_text(kept: str, _: Callable[[str], str]) -> str:
    """A ``kept`` entry in the reader's words (one ekte does not know the words of: as it is)."""
    import re

    for pattern, words in KEPT:
        if m := re.fullmatch(pattern, kept, re.DOTALL):
            return _(words).format(path=m[1], n=m[2] if m.re.groups > 1 else "")
    return kept


def _words(lang: str | None) -> tuple[Callable[[str], str], str]:
    from ekte.serve import i18n

    code = i18n.cli_language(lang)
    return i18n.gettext_for(code), code


def _day(iso: str | None, code: str) -> str:
    """A date as the reader writes it (31.12.2035 in German)."""
    try:
        return dt.date.fromisoformat(str(iso)[:10]).strftime("%d.%m.%Y") if code != "en" else str(iso)
    except ValueError:
        return str(iso or "?")


@command(retention_app, "due", clerk=True)
def retention_due_cmd(
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [],
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help="Judge as on this date "
                                                 "(YYYY-MM-DD or TT.MM.JJJJ; default today).")] = None,
    as_json: JsonOpt = False, lang: LangOpt = None,
) -> None:
    """List documents whose retention period has ended (nothing is deleted)."""
    from ekte import api
    from ekte.cli_serve import review_errors
    from ekte.profile import load_profile

    with review_errors(lang):
        prof = load_profile(profile, override)
        items = api.retention_due(profile=prof, workdir=workdir, as_of=as_of)
    if as_json:
        print(json.dumps({"version": 1, "documents": items}, ensure_ascii=False, indent=2))
        return
    _, code = _words(lang)
    unknown = [i for i in items if "error" in i]
    items = [i for i in items if "error" not in i]
    t = Table(title=_("retention ended ({n})").format(n=len(items)))
    t.add_column(_("id"), no_wrap=True, min_width=16)  # the input of ekte retention delete: never cut
    for c in (N_("doctype"), "Aktenzeichen", N_("start"), N_("years"), N_("ended"), N_("overdue days")):
        t.add_column(_(c), overflow="fold")
    for i in items:
        t.add_row(i["id"], (prof.doctype_title(i["doctype"]) if code != "en" else str(i["doctype"])) + _flag(i, _),
                  i.get("aktenzeichen") or "", _start(i, _, code), str(i["years"]), _day(i["ends"], code),
                  str(i["overdue_days"]))
    out.print(t)
    if unknown:  # neither ended nor running (fresh38 F14 d)
        u = Table(title=_("retention cannot be determined ({n})").format(n=len(unknown)))
        u.add_column(_("id"), no_wrap=True, min_width=16)
        u.add_column(_("why"), overflow="fold")
        for i in unknown:
            u.add_row(i["id"], f"[red]{_(UNDETERMINABLE[i['code']]) if i.get('code') in UNDETERMINABLE else i['error']}[/]")
        out.print(u)


def _start(i: dict, _: Callable[[str], str], code: str) -> str:
    """Where the period starts, and from what: "12.03.2012 (Datum des Dokuments) maschinell gelesen, unbestätigt"."""
    text = f"{_day(i['date'], code)} ({_(BASIS[i['basis']]) if i['basis'] in BASIS else i['basis']})"
    if i.get("date_confirmed") is False and i["basis"] != "received":
        text += " " + _("machine-read, unconfirmed")
    if i.get("unconfirmed_date"):
        text += "; " + _("read {date}, unconfirmed").format(date=_day(i["unconfirmed_date"], code))
    return text


def _flag(i: dict, _: Callable[[str], str]) -> str:
    """A type metadata.json gives otherwise than the journal (the journal's counts: fresh38 F8)."""
    return " [red](" + _("metadata.json says {doctype}: see ekte verify").format(doctype=i["doctype_in_metadata"]) \
        + ")[/]" if "doctype_in_metadata" in i else ""


@command(retention_app, "deleted", clerk=True)
def retention_deleted_cmd(
    workdir: WorkdirOpt = None,
    since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help="Deleted on or after this day "
                                                 "(YYYY-MM-DD or TT.MM.JJJJ).")] = None,
    as_json: JsonOpt = False, lang: LangOpt = None, profile: ProfileOpt = None, override: OverrideOpt = [],
) -> None:
    """The deletion log: every document deleted (tombstones: id, type, when, who, whether before its retention
    ended, reason) — nothing of the content."""
    from ekte import api
    from ekte.cli_serve import review_errors
    from ekte.evidence.deletion_reasons import words as reason_words
    from ekte.profile import load_profile
    from ekte.serve import i18n, names

    with review_errors(lang):
        items = api.retention_deleted(workdir=workdir, since=since)
        title = load_profile(profile, override).doctype_title if not as_json else str
    if as_json:
        print(json.dumps({"version": 1, "deleted": items}, ensure_ascii=False, indent=2))
        return
    _, code = _words(lang)
    t = Table(title=_("deleted ({n})").format(n=len(items)))
    t.add_column(_("id"), no_wrap=True, min_width=16)
    for c in (N_("doctype"), N_("deleted"), N_("by"), N_("retention"), N_("reason")):
        t.add_column(_(c), overflow="fold")
    for i in items:
        when = _("before it ended (--force)") if i["forced"] else \
            _("ended {date}").format(date=_day(i["retention_ends"], code) if i["retention_ends"] else "?")
        t.add_row(i["doc_id"], (title(i["doctype"]) if code != "en" else i["doctype"]) or "",
                  i18n.local_time(str(i["deleted"])),
                  names.actor_name(str(i["actor"]), code),
                  when + ("; " + _("archive did not hold") if i.get("damage") else "")
                  + ("; [red]" + _("deleted/ record missing") + "[/]" if not i["record"] else ""),
                  reason_words(i["reason"], code))
    out.print(t)


@command(retention_app, "delete", clerk=True)
def retention_delete_cmd(
    ids: Annotated[List[str], typer.Argument(metavar="ID", help="Document ids (unique prefixes are enough).")],
    reason: Annotated[str, typer.Option("--reason", metavar="CODE", help=REASON_HELP)],
    note: Annotated[Optional[str], typer.Option("--note", metavar="TEXT", help="A short remark beside the reason "
                                                "(at most 120 characters; kept for ever: no person, address, date "
                                                "or file — such a note is refused).")] = None,
    force: Annotated[bool, typer.Option("--force", metavar="", help="Also delete documents whose retention "
                                        "period has not ended.")] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help="Judge retention as on this date "
                                                 "(YYYY-MM-DD or TT.MM.JJJJ; default today; never a later day — "
                                                 "plan with ekte retention due --as-of).")] = None,
    damaged: Annotated[bool, typer.Option("--damaged", metavar="", help="Also delete a document whose archive "
                                          "folder does not hold (ekte verify: BROKEN); the damage is recorded.")]
    = False,
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [], as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Delete documents for good: archive folder, ekte's export copies, the done copy of the original, review and
    quarantine entries, the HTTP intake's record; copies outside the working directory are named as kept.
    The journal keeps a tombstone and an audit entry without personal data.  Exit 1 when any was refused."""
    from ekte import api
    from ekte.cli_serve import review_errors

    with review_errors(lang):
        res = api.retention_delete(ids, reason=reason, note=note, force=force, as_of=as_of, damaged=damaged, profile=profile,
                                   workdir=workdir, overrides=override)
    if as_json:
        print(json.dumps({"version": 1, "documents": res}, ensure_ascii=False, indent=2))
    else:
        _print_deleted(res, *_words(lang))
    raise typer.Exit(0 if all(r["deleted"] for r in res) else 1)


def _print_deleted(res: list[dict[str, Any]], _: Callable[[str], str], code: str) -> None:
    for r in res:
        if not r["deleted"]:
            out.print(f"[red]{_('refused')}[/] {r['id']}: {_refusal(r, _, code)}", highlight=False, soft_wrap=True)
            continue
        line = f"[green]{_('deleted')}[/] {r['id']}" + (" " + _("(before its retention ended: --force)")
                                                          if r["forced"] else "")
        line += ": " + _("{n} paths removed").format(n=len(r["removed"]))
        if r["changed"]:
            line += ", " + _("{n} written again without it").format(n=len(r["changed"]))
        out.print(line, highlight=False)
        for k in r.get("kept", []):
            out.print(f"  {_('kept')}: {kept_text(k, _)}", highlight=False, soft_wrap=True)


def _refusal(r: dict[str, Any], _: Callable[[str], str], code: str) -> str:
    """Why a deletion was refused, in words of *code* (the English message where no words are known)."""
    e = r["error"]
    if code == "en" or e["code"] not in REFUSED:
        return e["message"]
    why = _(UNDETERMINABLE[e["cause"]]) if e.get("cause") in UNDETERMINABLE else ""
    return _(REFUSED[e["code"]]).format(id=r["id"], when=_day(e.get("deleted"), code), why=why)
