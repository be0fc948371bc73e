"""The options every ekte command shares, declared once (``Annotated``
types with a metavar and a description each), and the Typer classes that
keep Python types out of ``--help``.  Commands added elsewhere import
these instead of declaring ``--profile`` again."""

from __future__ import annotations

import os

from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Iterator, List, Optional

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup


class _PlainHelp:
    """--help without a type column entry (``<bool>``)."""

    _tr: Any = None  # while a clerk's command formats its help in German: the catalog's gettext

    def get_help_option(self, ctx: Any) -> Any:
        opt = super().get_help_option(ctx)  # type: ignore[misc]
        if opt is not None:
            opt.metavar = ""
            if self._tr is not None and opt.help:
                opt.help = self._tr(opt.help)
        return opt


class _Command(_PlainHelp, TyperCommand):
    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for p in self.params:  # arguments: their metavar says it all, no Python type beside it
            if isinstance(p, TyperArgument):
                p.display_type_rich = lambda ctx=None: None  # type: ignore[method-assign]


class _Group(_PlainHelp, TyperGroup):
    pass


class _ClerkHelp:
    """--help in the language of the clerk's commands' output (``ekte.serve.i18n.cli_language``: German
    unless ``EKTE_LANG``/the locale say English), as ``clilang`` made their output: the help texts are
    message ids of the station's catalog (``ekte.po``); one without a translation stays English."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from ekte.serve import i18n

        lang = i18n.cli_language()
        if lang == "en":
            return super().format_help(ctx, formatter)  # type: ignore[misc]
        with _german(self, i18n.gettext_for(lang)):
            return super().format_help(ctx, formatter)  # type: ignore[misc]

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        with _usage_errors(self, args):
            return super().parse_args(ctx, list(args))  # type: ignore[misc]

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:  # (a group's: "No such command")
        with _usage_errors(self, args):
            return super().resolve_command(ctx, args)  # type: ignore[misc]

    def get_usage(self, ctx: Any) -> str:
        usage = super().get_usage(ctx)  # type: ignore[misc]
        if self._tr is None:  # type: ignore[attr-defined]
            return usage
        for en, de in (("Usage:", "Aufruf:"), ("[OPTIONS]", "[OPTIONEN]"), ("COMMAND [ARGS]...", "BEFEHL [ARGUMENTE]...")):
            usage = usage.replace(en, de, 1)
        return usage


@contextmanager
def _usage_errors(cmd: Any, args: list[str]) -> Iterator[None]:
    """click's UsageError (of typer's own copy of click) in the clerk's language (fresh31 H2)."""
    try:
        yield
    except Exception as e:
        if any(c.__name__ == "UsageError" for c in type(e).__mro__):
            from ekte import cli_usage

            cli_usage.translate(cmd, e, list(args))
        raise


#: typer's panel titles and markers, in German while a clerk's command shows its help
_RICH_GERMAN = {"ARGUMENTS_PANEL_TITLE": "Argumente", "OPTIONS_PANEL_TITLE": "Optionen",
                "COMMANDS_PANEL_TITLE": "Befehle", "DEFAULT_STRING": "[Standard: {}]",
                "REQUIRED_LONG_STRING": "[erforderlich]"}


@contextmanager
def _german(cmd: Any, tr: Any) -> Iterator[None]:
    """The help texts of *cmd*, its parameters and its sub-commands translated by *tr* for one --help."""
    from typer import rich_utils

    objs = [cmd, *cmd.params, *getattr(cmd, "commands", {}).values()]
    saved = [(o, {a: getattr(o, a, None) for a in ("help", "short_help")}) for o in objs]
    rich = {k: getattr(rich_utils, k) for k in _RICH_GERMAN}
    try:
        for o, texts in saved:
            for a, text in texts.items():
                if text:
                    setattr(o, a, tr(text))
        for k, v in _RICH_GERMAN.items():
            setattr(rich_utils, k, v)
        cmd._tr = tr
        yield
    finally:
        cmd._tr = None
        for o, texts in saved:
            for a, text in texts.items():
                setattr(o, a, text)
        for k, v in rich.items():
            setattr(rich_utils, k, v)


class _ClerkCommand(_ClerkHelp, _Command):
    pass


def for_clerk(cmd: Any) -> bool:
    """Whether *cmd* (a command or group) is one of the clerk's: its output and help in the clerk's language."""
    return isinstance(cmd, _ClerkHelp)


class _ClerkGroup(_ClerkHelp, _Group):
    pass


def new_app(help: str, *, clerk: bool = False) -> typer.Typer:
    """A command group; *clerk*: its --help (and its commands') in the clerk's language (German by default)."""
    app = typer.Typer(help=help, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                      cls=_ClerkGroup if clerk else _Group)
    app.ekte_clerk = clerk  # type: ignore[attr-defined]
    return app


def command(parent: typer.Typer, name: str | None = None, *, clerk: bool = False) -> Any:
    """``@command(app)``: a command whose --help shows no Python types (in German in a clerk's group, or for a
    *clerk*'s or supervisor's command of the top level: ``stats``, ``history``)."""
    return parent.command(name, cls=_ClerkCommand if clerk or getattr(parent, "ekte_clerk", False) else _Command)


class ExecutorKind(str, Enum):
    local = "local"
    dask = "dask"


class ReceivedFrom(str, Enum):
    intake = "intake"
    mtime = "mtime"


class LogFormat(str, Enum):
    text = "text"
    json = "json"


# -- the options every command shares, declared once ---------------------------------------
ProfileOpt = Annotated[Optional[str], typer.Option(
    "--profile", "-p", metavar="NAME|FILE", help="Authority profile: a name (see ekte profiles list) or a TOML file "
                                                 "(default: landkreis).")]
WorkdirOpt = Annotated[Optional[Path], typer.Option(
    "--workdir", "-w", metavar="DIR", help="Working directory: journal, archive, exports, review queue, quarantine "
                                           "(default: $EKTE_HOME, else ./ekte-data).")]
OverrideOpt = Annotated[List[str], typer.Option(
    "--override", "-o", metavar="KEY=VALUE", help="Override a profile setting, e.g. -o ocr.jobs=1 (repeatable).")]
SampleOpt = Annotated[Optional[str], typer.Option("--sample", metavar="matches|differs", help="A sample check's "
                                                  "result (Stichprobe): the scan matches the paper or not.")]
ExpectedOpt = Annotated[Optional[int], typer.Option(
    "--expected-version", metavar="N", help="The document's review version as `ekte review show --json` gave it: "
    "refused, nothing saved, when it was changed since (by a clerk at the station, another command).")]
PluginOpt = Annotated[List[str], typer.Option(
    "--plugin", metavar="MODULE", help="Load a plugin module (repeatable).")]


def check_jobs(value: int | None) -> int | None:
    """``--jobs``: 0 means the CPU cores (as ``ocr.jobs = 0``); a negative number is refused (exit 2, one line)."""
    if value is not None and value < 0:
        from ekte.cli_errors import fail

        fail(2, f"--jobs {value}: give the number of processes, 1 or more (0 = as many as CPU cores)")
    return value


JobsOpt = Annotated[Optional[int], typer.Option(
    "--jobs", "-j", metavar="N", callback=check_jobs,
    help="Documents processed at once (default: profile ocr.jobs, else CPU cores; 0 = CPU cores).")]
ConnectorOpt = Annotated[List[str], typer.Option(
    "--connector", "-c", metavar="NAME", help="Export connector, repeatable (default: the profile's).")]
JsonOpt = Annotated[bool, typer.Option("--json", metavar="", help="Print one JSON object on stdout instead of tables.")]
NoProgressOpt = Annotated[bool, typer.Option("--no-progress", metavar="", help="No progress bar.")]
def _verbose(help: str, **kw: Any) -> Any:
    return typer.Option("--verbose", "-v", count=True, metavar="", help=help, **kw)


VerboseOpt = Annotated[int, _verbose("More log output on stderr: -v information, -vv debugging.")]
#: ekte watch and ekte serve, which run as services: they log information by default (-v changes nothing)
ServiceVerboseOpt = Annotated[int, _verbose("Log output on stderr: a service logs information by default; -vv adds "
                                            "debugging.", show_default=False)]
LogFormatOpt = Annotated[LogFormat, typer.Option(
    "--log-format", metavar="text|json", help="Log lines as text, or as JSON objects (one per line).")]
ExecutorOpt = Annotated[Optional[ExecutorKind], typer.Option(
    "--executor", metavar="local|dask", help="Where OCR and analysis run: this host's worker processes (local, the "
                                             "default) or Dask distributed (dask: a local cluster of --jobs workers, or "
                                             "the workers of --scheduler). Profile: executor.kind.")]
SchedulerOpt = Annotated[Optional[str], typer.Option(
    "--scheduler", metavar="tcp://HOST:PORT", help="The Dask scheduler whose workers do the work (implies --executor "
                                                   "dask); tls://HOST:PORT with the certificates of executor.tls_*. "
                                                   "Profile: executor.scheduler.")]
MoveOpt = Annotated[Optional[Path], typer.Option(
    "--move", metavar="DIR", help="Move originals here once exported (their path relative to the input kept).")]
DoneOpt = Annotated[Optional[Path], typer.Option(
    "--done", metavar="DIR", help="Where inputs go after export (relative: to the current folder; default: <workdir>/done).")]
def _report_file(value: Optional[Path]) -> Optional[Path]:
    """``--report``: a file in a folder that is there and writable — refused before the run, not after it
    (fresh36 F5: a folder given, the run's work done, then an internal error)."""
    if value is None:
        return None
    if value.is_dir():
        raise typer.BadParameter(f"'{value}' is a folder; name the report's file, e.g. {value / 'report.html'}")
    parent = value.parent if str(value.parent) else Path(".")
    if not parent.is_dir():
        raise typer.BadParameter(f"the folder '{parent}' does not exist")
    if not os.access(parent, os.W_OK | os.X_OK) or (value.exists() and not os.access(value, os.W_OK)):
        raise typer.BadParameter(f"'{value}' cannot be written (permission denied)")
    return value


ReceivedFromOpt = Annotated[Optional[ReceivedFrom], typer.Option(
    "--received-from", help="The arrival date of a document without a received stamp: the day of the intake "
    "(default) or the file's modification time (migrating an old archive; recorded as such).")]
ReportOpt = Annotated[Optional[Path], typer.Option(
    "--report", metavar="FILE.html", callback=_report_file,
    help="Also write a self-contained HTML report of this batch (with charts).")]
SharedRootOpt = Annotated[Optional[Path], typer.Option(
    "--shared-root", metavar="DIR", help="With Dask: a folder every worker sees at the same path; inputs below it "
                                         "travel as paths instead of bytes. Profile: executor.shared_root.")]
def _supported_lang(value: Optional[str]) -> Optional[str]:
    """``--lang fr``: a usage error naming the languages there are (fresh32 F8: English without a word)."""
    from ekte.serve.i18n import LANGUAGES, language_of

    if value is not None and language_of(value) is None:
        raise typer.BadParameter(f"'{value}' is not supported (supported: {', '.join(LANGUAGES)})")
    return language_of(value) if value is not None else None  # as a locale is written too: de_DE, en-GB


def field_value_form(values: list[str]) -> list[str]:
    """``--set`` takes FIELD=VALUE: another value is a usage error naming the form (fresh32 F8: ``--set -w DIR``
    took ``-w`` as the value and then refused ``DIR`` as an unexpected extra argument)."""
    for v in values or []:
        if "=" not in v or not v.split("=", 1)[0].strip():
            raise typer.BadParameter(f"'{v}' is not of the form FIELD=VALUE (e.g. --set plz=12345)")
    return values


LangOpt = Annotated[Optional[str], typer.Option(
    "--lang", metavar="de|en", callback=_supported_lang,
    help="Language of the output (default: $EKTE_LANG, else German; English under an English locale).")]
