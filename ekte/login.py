"""Who a command started by a person is, for the audit trail (``review``,
``retention delete``, ``export``, ``journal rebuild`` …): the login of the
process's real uid (fresh38 F3) — the daemon stays "system"."""

from __future__ import annotations

import os
import pwd


def _account(name: str | None) -> str | None:
    """*name* if it is an account of this machine other than root."""
    try:
        return pwd.getpwnam(name).pw_name if name and name != "root" else None
    except (KeyError, OSError):
        return None


def cli_actor() -> str:
    """Who runs a command (the login), for the audit trail: the account of the process's real uid — not
    ``$LOGNAME``, which any user can set to a colleague's name (fresh38 F3).  Under root, the person root
    says it is: sudo's ``$SUDO_USER`` (an account of this machine), else a ``$LOGNAME``/``$USER`` other than
    root (a shared root login; root can write the journal anyway); else "root"."""
    uid = os.getuid()
    try:
        login = pwd.getpwuid(uid).pw_name
    except (KeyError, OSError):
        login = f"uid {uid}"
    if uid != 0:
        return login
    named = next((n.strip()[:64] for n in (os.environ.get("LOGNAME"), os.environ.get("USER"))
                  if n and n.strip() not in ("", "root") and n.isprintable()), None)
    return _account(os.environ.get("SUDO_USER")) or named or login
