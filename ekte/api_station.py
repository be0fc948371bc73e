"""The clerk's station, its users and the statistics, and the review queue as a clerk reads it (list, show,
who has a document open), as functions of :mod:`ekte.api` (re-exported there; kept apart so each module stays
small)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ekte import workdirs
from ekte.errors import ConfigError
from ekte.journal import JOURNAL_FILE
from ekte.pipeline import Pipeline, default_workdir
from ekte.profile import Profile
from ekte.users import USERS_FILE


def _profile(profile: str | Profile | None, overrides: list[str] | None) -> Profile:
    from ekte.api import _profile as resolve

    return resolve(profile, overrides)


def serve(*, host: str = "127.0.0.1", port: int = 8470, profile: str | Profile | None = None,
          workdir: str | Path | None = None, overrides: list[str] | None = None, connectors: list[str] | None = None,
          plugins: list[str] | None = None, proxy_header: str | None = None,
          trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1"), secure_cookies: bool = False) -> int:
    """Run the clerk's station (web pages and JSON API) until SIGTERM/SIGINT."""
    from ekte.serve.app import serve as _serve

    wd = Path(workdir) if workdir else default_workdir()
    if not (wd / JOURNAL_FILE).is_file() and not (wd / USERS_FILE).is_file():  # a mistyped -w: nobody could log in
        raise ConfigError(f"{wd} holds neither an ekte journal nor station users (check --workdir or $EKTE_HOME; "
                          "ekte users add or ekte ingest make one)")
    from ekte.workdirs import check_journal_intact

    check_journal_intact(wd)  # exit 75 as every reader, not a station answering from the pages still readable (fresh32 F1)
    _listen_check(host, port)
    from ekte.users import Users

    if not Users(wd).list():  # started all the same: a user added now can log in at once (users.json is read per
        import logging        # request) — a service may start before its users are made (fresh33 F3: silent)

        logging.getLogger("ekte").warning("no station users in %s: nobody can log in until one is added — ekte users "
                                          "add NAME --role admin -w %s", wd, wd, extra={"ekte_setting": True})
    return _serve(_profile(profile, overrides), wd, host=host,
                  port=port, connectors=connectors, plugins=plugins, proxy_header=proxy_header,
                  trusted_proxies=trusted_proxies, secure_cookies=secure_cookies,
                  overrides=None if isinstance(profile, Profile) else overrides)


def _listen_check(host: str, port: int) -> None:
    """ConfigError (exit 2) when *host*:*port* cannot be listened on — before
    the station opens, so the clerk gets one line, not a server log."""
    import errno
    import socket

    if not 0 < port < 65536:  # (fresh35 F4: an internal error, OverflowError)
        raise ConfigError(f"--port {port}: choose a port from 1 to 65535")
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            s.bind((host, port))
        except OSError as e:
            hint = "is another ekte serve running? choose another --port" if e.errno == errno.EADDRINUSE else \
                "is --host an address of this machine?" if e.errno == errno.EADDRNOTAVAIL or \
                isinstance(e, socket.gaierror) else "choose another --host or --port"
            raise ConfigError(f"cannot listen on {host}:{port}: {e.strerror or e} ({hint})") from None


def _users(workdir: str | Path | None) -> Any:
    """The station's users of an existing working directory (for all but ``users add``)."""
    from ekte.users import Users

    wd = Path(workdir) if workdir else default_workdir()
    if not (wd / USERS_FILE).is_file():
        raise ConfigError(f"no station users in {wd} (check --workdir or $EKTE_HOME; ekte users add makes the first)")
    return Users(wd)


def users_add(name: str, role: str, password: str, *, workdir: str | Path | None = None,
              replace: bool = False) -> None:
    """Add a user of the clerk's station (Argon2id hash in <workdir>/users.json, mode 0600)."""
    from ekte.users import Users

    Users(Path(workdir) if workdir else default_workdir()).add(name, role, password, replace=replace)


def users_token(name: str, scopes: list[str] | None = None, *, workdir: str | Path | None = None) -> str:
    """A new API token for *name* (shown once), scopes no wider than the user's role."""
    return _users(workdir).new_token(name, scopes)


def users_list(*, workdir: str | Path | None = None) -> list[dict]:
    return _users(workdir).list()


def users_remove(name: str, *, workdir: str | Path | None = None) -> None:
    _users(workdir).remove(name)


def stats(*, since: str | None = None, until: str | None = None, by: tuple[str, ...] = ("type", "channel", "outcome"),
          profile: str | Profile | None = None, workdir: str | Path | None = None,
          overrides: list[str] | None = None) -> dict:
    """Intake per period × type × channel × outcome, review/correction rates, time to export (read-only)."""
    from ekte import stats as _stats
    from ekte.journal import JOURNAL_FILE, Journal

    wd = Path(workdir) if workdir else default_workdir()
    first, last = _stats.day(since), _stats.day(until)
    if first and last and last < first:  # a typo, not an empty period (fresh24 #10, fresh25 #5)
        raise ConfigError(f"the period ends ({until}) before it begins ({since}): swap --since and --until")
    workdirs.require(wd)  # "the working directory … does not exist", as every other command (fresh33 F6)
    j = Journal(wd / JOURNAL_FILE, readonly=True)
    try:
        j.quick_check()  # figures from a damaged journal are not figures (exit 75)
        return _stats.compute(j, _profile(profile, overrides), since=since, until=until, by=by)
    finally:
        j.close()


class _ReadOnly:
    """A working directory's journal opened read-only and checked whole (a damaged one: exit 75), nothing
    written: what the read-only reports fall back to when the working directory cannot be written."""

    def __init__(self, workdir: Path) -> None:
        from ekte.journal import Journal

        self.workdir = workdir
        self.j = Journal(workdir / JOURNAL_FILE, readonly=True)
        try:
            self.j.quick_check()
        except BaseException:
            self.j.close()
            raise

    def close(self) -> None:
        self.j.close()


@contextmanager
def _reading(profile: Any, overrides: list[str] | None, workdir: str | Path | None, **kw: Any) -> Iterator[Any]:
    """The read-only reports' session: the usual one (it migrates an older journal, meets an older release's
    lock) — or, when the working directory cannot be written (a full disk: it registers this process, makes its
    scratch folder), the journal read-only, so the reports still work there as ``status`` and ``stats`` do
    (fresh40 F9: review list/show and history exited 74)."""
    from ekte.errors import environment_failure

    p = Pipeline(_profile(profile, overrides), workdir, archives=False, create=False, **kw)
    try:
        p.open()
    except Exception as e:
        failure = environment_failure(e)
        if failure is None or failure.code not in ("disk_full", "read_only", "permission_denied", "io_error"):
            raise
        workdirs.require(p.workdir)
        ro = _ReadOnly(p.workdir)
        try:
            yield ro
        finally:
            ro.close()
        return
    with p:
        yield p


def review_list(*, profile: str | Profile | None = None, workdir: str | Path | None = None,
                overrides: list[str] | None = None, plugins: list[str] | None = None) -> list[dict]:
    """The documents waiting for review (oldest first, put-back ones last), with their top candidates and who
    has each open in the station (``open_by``)."""
    from ekte.serve.presence import open_by

    from ekte.pipeline.review import review_list as listed

    with _reading(profile, overrides, workdir, plugins=plugins) as p:
        items = listed(p)
        who = open_by(p.j.db, [i["id"] for i in items])
    return [{**i, "open_by": who.get(i["id"], [])} for i in items]


def review_show(doc_id: str, *, profile: str | Profile | None = None, workdir: str | Path | None = None,
                overrides: list[str] | None = None) -> dict:
    """One document (id or a unique prefix): type, candidates, fields, reasons, corrections, history, and its
    review version (an accept or correct given it is refused when the document changed since), and who has it
    open in the station (``open_by``: [{"user", "since"}], since in UTC)."""
    from ekte.pipeline import queue, review
    from ekte.serve.presence import open_by

    with _reading(profile, overrides, workdir) as p:
        row, tomb = queue.resolve_or_deleted(p.j, doc_id)
        if row is None:  # deleted by retention: when and why, not "no document" (fresh35 F7)
            raise queue.Deleted(tomb)
        return {**queue.show(p.j, row), "history": queue.history(p.j, row["id"]),
                "version": review.review_version(p.j, row["id"]),
                "open_by": open_by(p.j.db, [row["id"]]).get(row["id"], []) if row["state"] == "review" else []}


def _defined_only(p: Pipeline, doc_id: str, doctype: str | None, sets: dict[str, str]) -> None:
    """*sets* only of fields the type the document is accepted as defines (:func:`ekte.pipeline.review.defined_only`)."""
    from ekte.pipeline.review import defined_only

    defined_only(p, doc_id, doctype, sets)


def retention_deleted(*, since: str | None = None, workdir: str | Path | None = None) -> list[dict]:
    """The deletion log (Löschprotokoll, fresh38 F11): every tombstone of the journal, oldest first; *since*:
    deleted on or after that day (YYYY-MM-DD or TT.MM.JJJJ).  Read-only."""
    from ekte import stats as _stats
    from ekte.journal import Journal
    from ekte.journal.deletions import listing

    wd = Path(workdir) if workdir else default_workdir()
    try:
        first = _stats.day(since)
    except _stats.BadDate:
        raise ConfigError(f"--since wants a date like 2026-01-31 or 31.01.2026, not {since!r}") from None
    workdirs.require(wd)
    j = Journal(wd / JOURNAL_FILE, readonly=True)
    try:
        j.quick_check()
        return listing(j, wd, first)
    finally:
        j.close()
