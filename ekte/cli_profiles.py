"""``ekte profiles list|show|check`` and ``ekte plugins list``."""

from __future__ import annotations

import json
from typing import Annotated, List

import typer

from ekte.cli_errors import exit_on_errors
from ekte.cliopts import JsonOpt, OverrideOpt, PluginOpt, command, new_app
from ekte.errors import ConfigError, ExitCode
from ekte.render import out
from ekte.shown import Lines

profiles_app = new_app("List, show and check authority profiles.")
plugins_app = new_app("Inspect plugins.")


@command(profiles_app, "list")
def profiles_list(as_json: JsonOpt = False) -> None:
    """List the profiles that can be named with --profile."""
    from rich.table import Table

    from ekte.profile import available_profiles, load_profile

    rows = []
    for name, path in available_profiles().items():
        try:
            rows.append({"name": name, "title": load_profile(str(path)).profile.title, "file": str(path), "valid": True})
        except ConfigError:
            rows.append({"name": name, "title": None, "file": str(path), "valid": False})
    if as_json:  # fresh33 F6: README says every command that prints results takes --json
        print(json.dumps({"profiles": rows}, ensure_ascii=False, indent=2))
        return
    t = Table()
    for c in ("name", "title", "file"):
        t.add_column(c)
    for r in rows:
        t.add_row(r["name"], r["title"] if r["valid"] else "[red](invalid: run ekte profiles check)[/]", r["file"])
    out.print(t)


@command(profiles_app, "show")
def profiles_show(
    name: Annotated[str, typer.Argument(metavar="NAME|FILE", help="Profile name or TOML file.")] = "landkreis",
    override: OverrideOpt = [], as_json: JsonOpt = False,
) -> None:
    """Print a profile after inheritance and overrides, as JSON (--json: the same; errors as JSON too)."""
    from ekte.profile import load_profile

    with exit_on_errors(as_json):
        p = load_profile(name, override)
    print(json.dumps(p.model_dump(mode="json"), ensure_ascii=False, indent=2))


@command(profiles_app, "check")
def profiles_check(files: Annotated[List[str], typer.Argument(metavar="FILE", help="Profile files (TOML).")],
                   as_json: JsonOpt = False) -> None:
    """Check profile files; print every error with its location, and warn of patterns that could
    backtrack catastrophically.  Exit code 0 ok, 1 warnings, 2 errors."""
    from ekte import api

    bad = warned = False
    found = []
    for f in files:
        errors = api.check_profile(f)
        warnings = [] if errors else api.profile_warnings(f)
        bad, warned = bad or bool(errors), warned or bool(warnings)
        found.append({"file": f, "errors": errors, "warnings": warnings})
        if as_json:
            continue
        for e in errors:
            print(e)
        for w in warnings:
            print(f"{f}: warning: {w}")
        if not errors and not warnings:
            print(f"{f}: ok")
    if as_json:
        print(json.dumps({"files": found}, ensure_ascii=False, indent=2))
    raise typer.Exit(ExitCode.USAGE if bad else 1 if warned else 0)


@command(plugins_app, "list")
def plugins_list(plugin: PluginOpt = [], as_json: JsonOpt = False) -> None:
    """List the plugins, where they came from and what they provide: connectors,
    classifiers, extractors, intake sources and processors."""
    from rich.table import Table

    from ekte.plugins import build_manager, provided

    with exit_on_errors():
        pm, infos = build_manager(plugin)
        for i in infos:
            i.provides = provided(pm, i.name)
    if as_json:
        print(json.dumps([i.__dict__ for i in infos], indent=2))
        return
    t = Table()
    for c in ("plugin", "origin", "provides", "hooks"):
        t.add_column(c)
    for i in infos:
        what = Lines("\n".join(f"{kind.replace('_', ' ')}: {', '.join(names)}" for kind, names in i.provides.items()))
        t.add_row(i.name, i.origin, what or "-", ", ".join(i.hooks))
    out.print(t)
