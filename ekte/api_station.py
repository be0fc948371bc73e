"""The clerk's station, its users and the statistics, as functions of :mod:`ekte.api`
(re-exported there; kept apart so each module stays small)."""

from __future__ import annotations

from pathlib import Path

from ekte.errors import ConfigError
from ekte.pipeline import default_workdir
from ekte.profile import Profile


def _profile(profile: str | Profile | None, overrides: list[str] | None) -> Profile:
    from ekte.api import _profile as resolve

    return resolve(profile, overrides)


def serve(*, host: str = "127.0.0.1", port: int = 8470, profile: str | Profile | None = None,
          workdir: str | Path | None = None, overrides: list[str] | None = None, connectors: list[str] | None = None,
          plugins: list[str] | None = None, proxy_header: str | None = None,
          trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1"), secure_cookies: bool = False) -> int:
    """Run the clerk's station (web pages and JSON API) until SIGTERM/SIGINT."""
    from ekte.serve.app import serve as _serve

    return _serve(_profile(profile, overrides), Path(workdir) if workdir else default_workdir(), host=host,
                  port=port, connectors=connectors, plugins=plugins, proxy_header=proxy_header,
                  trusted_proxies=trusted_proxies, secure_cookies=secure_cookies,
                  overrides=None if isinstance(profile, Profile) else overrides)


def users_add(name: str, role: str, password: str, *, workdir: str | Path | None = None,
              replace: bool = False) -> None:
    """Add a user of the clerk's station (Argon2id hash in <workdir>/users.json, mode 0600)."""
    from ekte.users import Users

    Users(Path(workdir) if workdir else default_workdir()).add(name, role, password, replace=replace)


def users_token(name: str, scopes: list[str] | None = None, *, workdir: str | Path | None = None) -> str:
    """A new API token for *name* (shown once), scopes no wider than the user's role."""
    from ekte.users import Users

    return Users(Path(workdir) if workdir else default_workdir()).new_token(name, scopes)


def users_list(*, workdir: str | Path | None = None) -> list[dict]:
    from ekte.users import Users

    return Users(Path(workdir) if workdir else default_workdir()).list()


def users_remove(name: str, *, workdir: str | Path | None = None) -> None:
    from ekte.users import Users

    Users(Path(workdir) if workdir else default_workdir()).remove(name)


def stats(*, since: str | None = None, until: str | None = None, by: tuple[str, ...] = ("type", "channel", "outcome"),
          profile: str | Profile | None = None, workdir: str | Path | None = None,
          overrides: list[str] | None = None) -> dict:
    """Intake per period × type × channel × outcome, review/correction rates, time to export (read-only)."""
    from ekte import stats as _stats
    from ekte.journal import JOURNAL_FILE, Journal

    wd = Path(workdir) if workdir else default_workdir()
    if not (wd / JOURNAL_FILE).is_file():
        raise ConfigError(f"no journal in {wd} (nothing ingested yet?)")
    j = Journal(wd / JOURNAL_FILE, readonly=True)
    try:
        return _stats.compute(j, _profile(profile, overrides), since=since, until=until, by=by)
    finally:
        j.close()
