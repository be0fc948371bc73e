"""Usage errors of the clerk's commands (``ekte review …``, ``stats``, ``users``, ``history``) in the language of
their output and help (fresh31 H2: ``review reject ID`` without ``--reason`` printed click's English "Usage: … /
Missing option …" beside a German ``--help``).  click's messages are matched by their English wording; one not
known here stays English inside the German frame."""

from __future__ import annotations

import re
from typing import Any

#: click's usage messages (click 8) → German
_GERMAN = [
    (re.compile(r"Missing option (.+)\.", re.S), "Die Option {0} fehlt."),
    (re.compile(r"Missing argument (.+)\.", re.S), "Das Argument {0} fehlt."),
    (re.compile(r"Missing parameter (.+)\.", re.S), "Die Angabe {0} fehlt."),
    (re.compile(r"No such option: (\S+) \(Possible options: (.+)\)", re.S), "Unbekannte Option: {0} (gemeint: {1}?)"),
    (re.compile(r"No such option: (\S+)", re.S), "Unbekannte Option: {0}"),
    (re.compile(r"No such command (.+?)\. Did you mean (.+)\?", re.S), "Unbekannter Befehl {0}. Gemeint: {1}?"),
    (re.compile(r"No such command (.+)\.", re.S), "Unbekannter Befehl {0}."),
    (re.compile(r"Option (.+) requires an argument\.", re.S), "Die Option {0} braucht einen Wert."),
    (re.compile(r"Option (.+) requires (\d+) arguments\.", re.S), "Die Option {0} braucht {1} Werte."),
    (re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.+)\)", re.S), "Unerwartete weitere Angabe ({0})"),
    # a value of the wrong kind (fresh32 F8: pydantic's English "Input should be a valid number, unable to parse …")
    (re.compile(r"Invalid value for (.+?): (?:Input should be a valid number.*|'.*' is not a valid float\.)", re.S),
     "Ungültiger Wert für {0}: eine Zahl wird erwartet (z. B. 24 oder 1.5)."),
    (re.compile(r"Invalid value for (.+?): (?:Input should be a valid integer.*|'.*' is not a valid integer\.)", re.S),
     "Ungültiger Wert für {0}: eine ganze Zahl wird erwartet."),
    (re.compile(r"Invalid value for (.+?): '(.*)' is not supported \(supported: (.+)\)", re.S),
     "Ungültiger Wert für {0}: „{1}“ gibt es nicht (möglich: {2})."),
    (re.compile(r"Invalid value for (.+?): '(.*)' is not of the form FIELD=VALUE \(e\.g\. (.+)\)", re.S),
     "Ungültiger Wert für {0}: „{1}“ hat nicht die Form FELD=WERT (z. B. {2})."),
    (re.compile(r"Invalid value for (.+?): (.+)", re.S), "Ungültiger Wert für {0}: {1}"),
]


def german(message: str) -> str:
    for pattern, text in _GERMAN:
        if m := pattern.fullmatch(message.strip()):
            return text.format(*m.groups())
    return message


def asked_lang(args: list[str]) -> str | None:
    """``--lang X`` / ``--lang=X`` among *args* (ones that could not be parsed, or the command line)."""
    for i, a in enumerate(args):
        if a == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--lang="):
            return a.split("=", 1)[1]
    return None


def translate(cmd: Any, error: Any, args: list[str]) -> None:
    """Make *error* (a click UsageError of the clerk's command *cmd*) show in the clerk's language: its message,
    typer's frame ("Try … for help.", the panel title) and the usage line.  The process ends after it is shown."""
    from typer import rich_utils

    from ekte.serve import i18n

    asked = asked_lang(args)
    lang = i18n.cli_language(asked if i18n.language_of(asked) else None)  # (--lang fr: the usual language says so)
    if lang == "en":
        return
    english = error.format_message
    error.format_message = lambda: german(english())
    rich_utils.RICH_HELP = "Hilfe: [blue]'{command_path} {help_option}'[/]"
    rich_utils.ERRORS_PANEL_TITLE = "Fehler"
    cmd._tr = i18n.gettext_for(lang)  # get_usage: "Aufruf:", "[OPTIONEN]"
