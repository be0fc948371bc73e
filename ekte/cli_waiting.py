"""The line a command shows while it waits for the journal another ekte
process holds (lows37: up to 30 s without a word, then "journal busy").
On stderr (never in ``--json``'s stdout), after 2 s of waiting
(:mod:`ekte.lockwait`); in the clerk's language for the clerk's commands
(review, history, stats, users: German unless ``--lang``/``EKTE_LANG``/the
locale say English), English for the others; no names, no paths.  Not for
the daemon and the station (``watch``, ``serve``): their logs."""

from __future__ import annotations

import functools
import sys
from typing import Any

from ekte import lockwait


def N_(msgid: str) -> str:
    """Marks a message id of the station's catalog (as :func:`ekte.serve.i18n.N_`, not imported at the start)."""
    return msgid


#: the line (English; German in ekte.po)
WAITING = N_("waiting for the journal, held by another ekte process (up to 30 s) …")
#: commands that never show it
QUIET = ("watch", "serve")


def install(ctx: Any) -> None:
    """Set the notice for the command *ctx* (the top level's context) invokes."""
    from ekte.cliopts import for_clerk

    name = ctx.invoked_subcommand
    if not name or name in QUIET:
        lockwait.tell_with(None)
        return
    cmd = ctx.command.get_command(ctx, name)
    lockwait.tell_with(functools.partial(_say, for_clerk(cmd), list(sys.argv[1:])))


def _line(clerk: bool, argv: list[str]) -> str:
    if not clerk:
        return WAITING
    from ekte.cli_usage import asked_lang
    from ekte.serve.i18n import cli_language, gettext_for, language_of

    asked = asked_lang(argv)
    return gettext_for(cli_language(asked if language_of(asked) else None))(WAITING)


def _say(clerk: bool, argv: list[str]) -> None:
    """The line; a failure to say it (a closed stderr) keeps the command waiting, never ends it.  Written to
    stderr itself, not through rich's console: a Ctrl-C right after the write left the line in the console's
    buffer, printed again before the error line (a progress bar's Live display routes it through its console)."""
    try:
        sys.stderr.write(_line(clerk, argv) + "\n")
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - the notice must not raise (ekte.lockwait)
        pass
