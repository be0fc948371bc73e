"""The plugin manager: built-ins and third-party plugins alike."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

import pluggy

from ekte import hookspecs
from ekte.errors import ConfigError


@dataclass
class PluginInfo:
    name: str
    origin: str  # "entry point <dist>", "--plugin", "builtin"
    hooks: list[str] = field(default_factory=list)
    #: what it provides, by kind: connectors, classifiers, extractors, intake_sources, processors
    provides: dict[str, list[str]] = field(default_factory=dict)


#: hook → the kind of thing its implementations return (a list of them)
PROVIDED_BY = {"ekte_connectors": "connectors", "ekte_classifiers": "classifiers",
               "ekte_extractors": "extractors", "ekte_intake_sources": "intake_sources"}


def provided(pm: pluggy.PluginManager, name: str) -> dict[str, list[str]]:
    """What the plugin registered as *name* provides, by kind and name."""
    plugin = pm.get_plugin(name)
    out: dict[str, list[str]] = {}
    for hook, kind in PROVIDED_BY.items():
        for impl in getattr(pm.hook, hook).get_hookimpls():
            if impl.plugin is not plugin:
                continue
            try:
                items = impl.function() or []
            except Exception as e:
                raise PluginError(f"plugin '{name}': {hook} failed: {type(e).__name__}: {e}") from None
            out.setdefault(kind, []).extend(
                str(getattr(x, "name", "") or getattr(x, "__name__", "") or type(x).__name__) for x in items)
    if any(impl.plugin is plugin for impl in pm.hook.ekte_process.get_hookimpls()):
        out["processors"] = [getattr(plugin, "__name__", name)]
    return out


class PluginError(ConfigError):
    pass


def _hooks_of(pm: pluggy.PluginManager, plugin: Any) -> list[str]:
    return sorted(h.name for h in pm.get_hookcallers(plugin) or [])


def installed() -> tuple[tuple[str, str], ...]:
    """The installed plugins' entry points (group ``ekte``) as (name, value): what :func:`build_manager`
    loads, found by reading every installed package's entry points (≈ 10 ms of CPU)."""
    from importlib.metadata import entry_points

    return tuple((e.name, e.value) for e in entry_points(group="ekte"))


def build_manager(extra_modules: list[str] | None = None, describe: bool = True,
                  found: tuple[tuple[str, str], ...] | None = None) -> tuple[pluggy.PluginManager, list[PluginInfo]]:
    """The plugin manager with the built-ins, the installed plugins and *extra_modules*, and what was
    loaded.  *describe*: an entry point's origin names its package and version — read from the package's
    metadata, parsed anew on each read (ekte's own holds the README: 8–12 ms of CPU a process, issue 12);
    a run's session and its workers, which never show the origins, pass False.  *found*: the entry points
    :func:`installed` gave on this host (a local worker is given its coordinator's: it does not look again)."""
    pm = pluggy.PluginManager("ekte")
    pm.add_hookspecs(hookspecs)
    infos: list[PluginInfo] = []
    from importlib.metadata import EntryPoint, entry_points

    eps = sorted(entry_points(group="ekte") if found is None else [EntryPoint(n, v, "ekte") for n, v in found],
                 key=lambda e: (e.name != "builtin", e.name))
    loaded_builtin = False
    for ep in eps:
        try:
            mod = ep.load()
            pm.register(mod, name=ep.name)
        except Exception as e:  # a broken plugin must name itself
            raise PluginError(f"plugin '{ep.name}' ({ep.value}) failed to load: {type(e).__name__}: {e}") from None
        dist = getattr(ep, "dist", None) if describe else None
        origin = f"entry point ({dist.name} {dist.version})" if dist else "entry point"
        infos.append(PluginInfo(ep.name, origin, _hooks_of(pm, mod)))
        loaded_builtin |= ep.name == "builtin"
    if not loaded_builtin:  # running from a source tree without installing
        from ekte import builtin

        pm.register(builtin, name="builtin")
        infos.insert(0, PluginInfo("builtin", "builtin", _hooks_of(pm, builtin)))
    for modname in extra_modules or []:
        try:
            mod = importlib.import_module(modname)
            pm.register(mod, name=modname)
        except Exception as e:
            raise PluginError(f"plugin '{modname}' failed to load: {type(e).__name__}: {e}") from None
        infos.append(PluginInfo(modname, "--plugin", _hooks_of(pm, mod)))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as e:
        raise PluginError(f"plugin '{e.plugin}' implements an unknown hook: {e}") from None
    return pm, infos


def plugin_settings(profile: Any, name: str, defaults: dict[str, Any]) -> dict[str, Any]:
    """A plugin's ``[plugins.<name>]`` table over its *defaults*; an
    unknown key is a configuration error, as everywhere in a profile."""
    cfg = dict(profile.plugins.get(name, {}))
    unknown = set(cfg) - set(defaults)
    if unknown:
        raise ConfigError(f"plugins.{name}: unknown key(s): {', '.join(sorted(unknown))}")
    return {**defaults, **cfg}


def call_list(pm: pluggy.PluginManager, hookname: str) -> list[Any]:
    """Flatten a hook whose implementations each return a list."""
    out: list[Any] = []
    try:
        results = getattr(pm.hook, hookname)()
    except Exception as e:
        raise PluginError(f"hook {hookname} failed: {type(e).__name__}: {e}") from None
    for r in reversed(results):  # registration order
        out.extend(r or [])
    return out


def connectors(pm: pluggy.PluginManager) -> dict[str, type]:
    found: dict[str, type] = {}
    for cls in call_list(pm, "ekte_connectors"):
        found[cls.name] = cls
    return found


def run_processors(pm: pluggy.PluginManager, point: str, document: Any, profile: Any) -> None:
    """Call every ``ekte_process`` implementation at *point*, in pluggy's
    order, one by one so that a failure names its plugin.  A
    :class:`~ekte.errors.DocumentError` keeps the plugin's code and message
    (the document goes to quarantine with them); any other exception
    becomes ``internal_error`` naming the plugin."""
    from ekte.errors import DocumentError

    kwargs = {"point": point, "document": document, "profile": profile}
    for impl in reversed(pm.hook.ekte_process.get_hookimpls()):
        if impl.hookwrapper or getattr(impl, "wrapper", False):
            continue
        try:
            impl.function(*[kwargs[a] for a in impl.argnames])
        except DocumentError as e:
            raise DocumentError(e.code, e.message, e.stage or point) from None
        except Exception as e:  # noqa: BLE001 - a plugin's bug quarantines one document, nothing more
            raise DocumentError("internal_error", f"Plugin '{impl.plugin_name}' failed at {point} "
                                f"({type(e).__name__}).", point) from None
