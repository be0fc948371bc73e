"""The supervisor's commands: ``users`` (the station's users and their API
tokens) and ``stats``.  Parse, call :mod:`ekte.api`, print; their --help in
the clerk's language (German unless ``--lang``/``EKTE_LANG``/the locale say
English), as ``ekte review``'s."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, List, Optional

import typer

from ekte.cli import _exit_on_errors, _fail, app, command
from ekte.cli_serve import _tr, review_errors
from ekte.cliopts import JsonOpt, LangOpt, OverrideOpt, ProfileOpt, WorkdirOpt, new_app
from ekte.errors import ExitCode
from ekte.render import out

users_app = new_app("Users of the clerk's station (ekte serve) and their API tokens.", clerk=True)
app.add_typer(users_app, name="users")


@command(users_app, "add")
def users_add_cmd(
    name: Annotated[str, typer.Argument(metavar="NAME", help="User name.")],
    role: Annotated[str, typer.Option("--role", metavar="clerk|admin|viewer|intake", help="clerk: review; admin: "
                                      "also quarantine and users; viewer: statistics; intake: a system account that "
                                      "only submits documents (POST /api/v1/documents).")] = "clerk",
    password_file: Annotated[Optional[Path], typer.Option("--password-file", metavar="FILE", help="Read the "
                             "password from FILE (default: asked at a terminal, not shown, twice; else the first line of standard "
                             "input).")] = None,
    replace: Annotated[bool, typer.Option("--replace", metavar="", help="The user exists: give them this password "
                                          "and role.")] = False,
    workdir: WorkdirOpt = None,
) -> None:
    """Add a user (the password never on the command line: stdin or a file)."""
    from ekte import api

    _ = _tr(None)[0]
    try:
        raw = password_file.read_text("utf-8") if password_file else \
            _asked(name, _) if sys.stdin.isatty() else sys.stdin.readline()
    except OSError as e:  # in the clerk's language, as the rest of `users` (fresh35 F2)
        _fail(ExitCode.USAGE, _("cannot read {file}: {why}").format(file=password_file, why=e.strerror), _tr(None)[1])
    from ekte.serve.messages import USER_REFUSED
    from ekte.users import MIN_PASSWORD, ROLES, UserRefused

    with _exit_on_errors():
        try:
            api.users_add(name, role, raw.rstrip("\r\n"), workdir=workdir, replace=replace)
        except UserRefused as e:  # in the clerk's language, as the rest of `users` and the users page say it
            _fail(ExitCode.USAGE, _(USER_REFUSED[e.code]).format(name=name[:64], roles=", ".join(ROLES), n=MIN_PASSWORD),
                  _tr(None)[1])
    out.print(_("user {name} ({role}) saved").format(name=name, role=role), highlight=False, markup=False)


def _asked(name: str, _: Any) -> str:
    """The password typed at a terminal: asked for, not shown, typed twice (fresh35 F9)."""
    import getpass

    try:
        first = getpass.getpass(_("Password for {name}: ").format(name=name[:64]))
        again = getpass.getpass(_("The password again: "))
    except EOFError:  # Ctrl-D at the prompt (review38 R4: was an internal error)
        _fail(ExitCode.USAGE, _("No password entered; the user was not added."), _tr(None)[1])
    if again != first:
        _fail(ExitCode.USAGE, _("The passwords differ; the user was not added."), _tr(None)[1])
    return first


@command(users_app, "token")
def users_token_cmd(name: Annotated[str, typer.Argument(metavar="NAME", help="User name.")],
                    scope: Annotated[List[str], typer.Option("--scope", metavar="SCOPE", help="review, history, "
                                     "stats, quarantine, users, intake (repeatable or comma-separated; default: "
                                     "the role's).")] = [],
                    workdir: WorkdirOpt = None) -> None:
    """Make an API token (printed once; only its hash is kept)."""
    from ekte import api

    scopes = [s.strip() for x in scope for s in x.split(",") if s.strip()]
    with review_errors(None):  # (an empty users file: German, as the rest of `users`; fresh35 F2)
        print(api.users_token(name, scopes or None, workdir=workdir))


@command(users_app, "list")
def users_list_cmd(workdir: WorkdirOpt = None, as_json: JsonOpt = False) -> None:
    """The users, their roles and how many tokens each has."""
    from ekte import api

    with review_errors(None):
        us = api.users_list(workdir=workdir)
    if as_json:
        print(json.dumps(us, indent=2))
        return
    _ = _tr(None)[0]
    for u in us:
        out.print(f"{u['name']:24} {u['role']:8} " + _("{n} token(s)").format(n=u["tokens"]), highlight=False,
                  markup=False)


@command(users_app, "remove")
def users_remove_cmd(name: Annotated[str, typer.Argument(metavar="NAME", help="User name.")],
                     workdir: WorkdirOpt = None) -> None:
    """Remove a user and their tokens."""
    from ekte import api

    from ekte.errors import ConfigError

    _ = _tr(None)[0]
    with review_errors(None):
        try:
            api.users_remove(name, workdir=workdir)
        except ConfigError as e:
            if str(e) != f"no user '{name}'":
                raise
            _fail(ExitCode.USAGE, _("no user '{name}'").format(name=name[:64]), _tr(None)[1])  # (fresh35 F2)
    out.print(_("user {name} removed (with their API tokens; their sessions end at the next click)").format(name=name),
              highlight=False, markup=False)


def _day(v: str | None, lang: str | None) -> str | None:
    """A day as YYYY-MM-DD, given so or as the German DD.MM.YYYY; refused in the clerk's language (fresh35 F2)."""
    from ekte import stats

    try:
        return stats.day(v)
    except stats.BadDate as e:
        _, code = _tr(lang)
        _fail(ExitCode.USAGE, f"--since/--until want {e}" if code == "en" else
              _("--since/--until: „{value}“ is not a date: write it like 31.01.2026 or 2026-01-31.").format(
                  value=e.value[:80]), code)


@command(name="stats", clerk=True)
def stats_cmd(
    since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help="From this day (DD.MM.YYYY or "
                                                 "YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option("--until", metavar="DATE", help="To this day, inclusive (DD.MM.YYYY "
                                                 "or YYYY-MM-DD).")] = None,
    by: Annotated[str, typer.Option("--by", metavar="KEYS", help="Group by: day, week, month, type, channel, "
                                    "outcome (comma-separated).")] = "type,channel,outcome",
    fmt: Annotated[str, typer.Option("--format", metavar="table|csv|json", help="Output format.")] = "table",
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [], lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Intake per period × type × channel × outcome, review and correction rates, time from receipt to export.
    CSV in German (the default) is for German Excel: semicolons, decimal comma, German headings; --lang en: the
    machine form (ids, commas and decimal points)."""
    from ekte import api
    from ekte import stats as st

    since, until = _day(since, lang), _day(until, lang)
    fmt = "json" if as_json else fmt
    if fmt not in ("table", "csv", "json"):
        _, code = _tr(lang)
        _fail(ExitCode.USAGE, _("--format {fmt}: choose table, csv or json").format(fmt=fmt[:40]), code)
    with review_errors(lang):  # a damaged or busy journal in the clerk's language, as review's (fresh35 F2)
        fig = api.stats(since=since, until=until, by=tuple(k for k in by.split(",") if k), profile=profile,
                        workdir=workdir, overrides=override)
    if fmt == "json":
        print(json.dumps(fig, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        sys.stdout.write(st.to_csv(fig, _tr(lang)[1]))
    else:
        _stats_table(fig, lang)


def _stats_table(fig: dict, lang: str | None) -> None:
    from rich.table import Table

    from ekte.serve import names
    from ekte.serve.i18n import number, percent

    _, code = _tr(lang)
    t = Table(title=_("%(n)s documents received") % {"n": number(fig["total"], code)})
    for c in [names.key_name(k, code) for k in fig["by"]] + [_("Documents")]:
        t.add_column(c)
    for r in fig["rows"]:
        t.add_row(*[names.stat_value(k, r[k], code, fig["titles"].get) for k in fig["by"]], number(r["count"], code))
    out.print(t)
    t2 = Table(title=_("Review and time to export per document type"))
    for c in (_("Document type"), _("Documents"), _("Review rate"), _("Receipt → export, median")):
        t2.add_column(c)
    for k, v in fig["types"].items():
        med = v["export_median_s"]
        t2.add_row(fig["titles"].get(k) or k or "–", number(v["documents"], code), percent(v["review_rate"], code),
                   "–" if med is None else f"{number(med / 60, code, 1)} min")
    out.print(t2)
    _corrections_table(fig, code)


def _corrections_table(fig: dict, code: str) -> None:
    """Corrections per type and field (as the station's): how often clerks corrected a field of the reviewed."""
    from rich.table import Table

    from ekte.serve import names
    from ekte.serve.i18n import number, percent

    _ = _tr(code)[0]
    if not fig["corrections"]:
        out.print(_("No corrections in this period."), highlight=False)
        return
    t = Table(title=_("Corrections per field"))
    for c in (_("Document type"), _("Field"), _("Corrected"), _("of reviewed"), _("Correction rate")):
        t.add_column(c)
    for c in fig["corrections"]:
        t.add_row(fig["titles"].get(c["type"]) or c["type"] or "–", names.field_title(c["field"], code),
                  number(c["corrected"], code), number(c["reviewed"], code), percent(c["rate"], code))
    out.print(t)
