"""German and English for the clerk's station and the review commands.

Message ids are English; ``locale/de/LC_MESSAGES/ekte.po`` holds the
German (Babel/gettext; ``make`` compiles the .mo, and a missing or stale
.mo is compiled in memory from the .po, so a plain checkout speaks German
too).  Dates are written DD.MM.YYYY in local time, in both languages."""

from __future__ import annotations

import datetime as dt
import gettext
import io
import logging
import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "ekte"
LANGUAGES = ("de", "en")
DEFAULT = "de"

log = logging.getLogger("ekte.serve")


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of *lang* (English: the message ids themselves)."""
    if lang not in LANGUAGES or lang == "en":
        return gettext.NullTranslations()
    base = LOCALE_DIR / lang / "LC_MESSAGES"
    po, mo = base / f"{DOMAIN}.po", base / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as f:
            return gettext.GNUTranslations(f)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    log.debug("compiling the %s catalog in memory (run make catalogs)", lang)
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def gettext_for(lang: str) -> Any:
    return translations(lang).gettext


def language_of(value: str | None) -> str | None:
    """The language *value* names, as a locale is written: ``de``, ``DE``, ``de-DE``, ``de_DE.UTF-8`` → ``de``
    (the part before ``_``/``-``/``.``/``@``, any case); None for one ekte does not speak.  Every reader of a
    language setting asks it: ``--lang``, ``EKTE_LANG``, the locale, the station's ``?lang=``/Accept-Language."""
    code = re.split(r"[_.@;,\s-]", (value or "").strip(), maxsplit=1)[0].lower()  # (Accept-Language: "en;q=0.9")
    return code if code in LANGUAGES else None


_warned: set[str] = set()


def cli_language(explicit: str | None = None) -> str:
    """The language of the clerk's commands (review, stats): ``--lang``, else
    ``EKTE_LANG``, else German — English when the locale asks for it
    (``LC_ALL``/``LC_MESSAGES``/``LANG`` naming ``en``); a server's
    ``C``/``POSIX`` locale says nothing about its users, who are German.
    An ``EKTE_LANG`` ekte does not speak: one warning line, then as if unset."""
    if explicit:
        return language_of(explicit) or DEFAULT
    v = os.environ.get("EKTE_LANG") or ""
    if v.strip():
        if lang := language_of(v):
            return lang
        if v not in _warned:
            _warned.add(v)
            sys.stderr.write(f"Warnung: EKTE_LANG={v[:40]!r} ist keine Sprache von ekte (de, en); es gilt "
                             "die Voreinstellung (Deutsch, Englisch bei englischem Locale)\n")
    loc = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "en" if language_of(loc) == "en" else DEFAULT


def N_(msgid: str) -> str:
    """Marks a message id for extraction; translated where it is shown."""
    return msgid


#: why the server's storage refused a write (the codes of :class:`ekte.errors.EnvironmentFailure`), for
#: the clerk (translated) and the HTTP intake's 507/503 answers (English, like the API's other messages)
STORAGE_CAUSES = {
    "disk_full": N_("no space left on the server's storage"),
    "permission_denied": N_("the server may not write to its storage (permission denied)"),
    "read_only": N_("the server's storage is read-only"),
    "io_error": N_("the server's storage reports an I/O error"),
    "journal_damaged": N_("the journal is damaged (an administrator runs ekte journal check)"),
    "journal_busy": N_("another ekte process held the journal for too long"),
    "environment": N_("the server's storage failed (full, not writable or failing)"),
}


def local_time(iso: str | None, with_time: bool = True) -> str:
    """An ISO time as DD.MM.YYYY HH:MM in this machine's time zone."""
    if not iso:
        return ""
    try:
        t = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    t = (t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)).astimezone()
    return t.strftime("%d.%m.%Y %H:%M" if with_time else "%d.%m.%Y")


def local_clock(iso: str | None) -> str:
    """An ISO time as HH:MM when it is today here, else as DD.MM.YYYY HH:MM."""
    text = local_time(iso)
    today = dt.datetime.now().astimezone().strftime("%d.%m.%Y")
    return text[11:] if text.startswith(today + " ") else text


def number(v: float | int | None, lang: str, digits: int = 0) -> str:
    if v is None:
        return "–"
    s = f"{v:,.{digits}f}"
    return s.translate(str.maketrans(",.", ".,")) if lang == "de" else s


def percent(v: float | None, lang: str) -> str:
    return "–" if v is None else number(100 * v, lang, 0) + " %"


def field_error(e: Any, lang: str) -> str:
    """A refused typed value (:class:`ekte.pipeline.manual.FieldInvalid`) in *lang*."""
    return gettext_for(lang)(e.msgid).format(**e.params)
