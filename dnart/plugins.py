"""Loading plugins from the ``dnart`` entry-point group and the registries they fill.

The built-in paper set is registered through the same group as any third-party
distribution, so ``dnart`` itself holds no components. ``DNART_LOAD_PLUGINS``
(a comma list of entry-point names; empty for none) limits what is loaded, so
tests can run without ambient plugins.

A plugin that cannot be imported, implements an unknown hook, fails while
registering, or registers a name already taken is reported with one
:class:`PluginWarning` naming it and skipped; everything else keeps working.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import os
import warnings
from typing import Any, Callable

import pluggy

from . import hookspecs
from .errors import DnartError

GROUP = "dnart"
KINDS = {
    "encoder": "dnart_register_encoders",
    "generator": "dnart_register_generators",
    "metric": "dnart_register_metrics",
    "preset": "dnart_register_presets",
}


class PluginWarning(UserWarning):
    """A plugin could not be loaded, or registered a name already taken."""


@dataclasses.dataclass(frozen=True)
class Entry:
    """One registered component and who supplied it."""

    kind: str
    name: str
    obj: Any  # the component class, or a preset's config dict
    plugin: str
    version: str
    description: str


class Registry:
    """Components of one kind, by name; the first registration of a name keeps it."""

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, Entry] = {}

    def add(self, entry: Entry) -> None:
        taken = self._entries.get(entry.name)
        if taken is not None:
            _warn(
                f"plugin {entry.plugin!r} registers {self.kind} {entry.name!r}, "
                f"already registered by plugin {taken.plugin!r}; keeping {taken.plugin!r}'s"
            )
            return
        self._entries[entry.name] = entry

    def get(self, name: str) -> Entry:
        try:
            return self._entries[name]
        except KeyError:
            known = ", ".join(self.names()) or "none registered"
            raise DnartError(f"unknown {self.kind} {name!r} (available: {known})") from None

    def names(self) -> list[str]:
        return sorted(self._entries)

    def __iter__(self):
        return iter(sorted(self._entries.values(), key=lambda e: e.name))

    def __len__(self) -> int:
        return len(self._entries)


class _State:
    pm: pluggy.PluginManager | None = None
    versions: dict[str, str] = {}
    registries: dict[str, Registry] = {}


def _warn(message: str) -> None:
    warnings.warn(message, PluginWarning, stacklevel=3)


def _one_line(exc: BaseException) -> str:
    # Import and validation errors span several lines; a warning must not.
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


def _selected() -> set[str] | None:
    raw = os.environ.get("DNART_LOAD_PLUGINS")
    if raw is None:
        return None
    return {n.strip() for n in raw.split(",") if n.strip()}


def _register(pm: pluggy.PluginManager, plugin: object, name: str) -> None:
    """Register one plugin, or raise DnartError and leave the manager as it was."""
    if pm.has_plugin(name):
        raise DnartError(f"plugin name {name!r} is already taken")
    try:
        pm.register(plugin, name=name)
    except (ValueError, pluggy.PluginValidationError) as exc:
        if pm.get_plugin(name) is plugin:  # older pluggy releases could leave it half-registered
            pm.unregister(plugin)
        raise DnartError(f"plugin {name!r} cannot be registered: {_one_line(exc)}") from None
    # pm.check_pending() would do, but names the module object rather than the plugin.
    unknown = sorted(
        caller.name
        for caller in pm.get_hookcallers(plugin) or []
        if not caller.has_spec()
        and any(impl.plugin is plugin and not impl.optionalhook for impl in caller.get_hookimpls())
    )
    if unknown:
        pm.unregister(plugin)
        raise DnartError(
            f"plugin {name!r} implements unknown hook {', '.join(unknown)} "
            f"(hooks: {', '.join(sorted(KINDS.values()) + ['dnart_register_commands'])})"
        )


def get_plugin_manager() -> pluggy.PluginManager:
    """The plugin manager, loading the ``dnart`` entry points on first use."""
    if _State.pm is not None:
        return _State.pm
    pm = pluggy.PluginManager("dnart")
    pm.add_hookspecs(hookspecs)
    wanted = _selected()
    eps = sorted(importlib.metadata.entry_points(group=GROUP), key=lambda e: e.name)
    if wanted:
        missing = wanted - {ep.name for ep in eps}
        if missing:
            _warn(
                f"DNART_LOAD_PLUGINS names unknown plugin {', '.join(sorted(missing))} "
                f"(installed: {', '.join(ep.name for ep in eps) or 'none'})"
            )
    sources: dict[str, str] = {}  # plugin name -> the distribution that supplied it
    for ep in eps:
        if wanted is not None and ep.name not in wanted:
            continue
        dist = getattr(ep, "dist", None)
        source = dist.name if dist is not None else "an unknown distribution"
        if ep.name in sources:
            _warn(
                f"plugin {ep.name!r} of {source!r} is skipped: "
                f"{sources[ep.name]!r} already supplies a plugin of that name"
            )
            continue
        sources[ep.name] = source
        try:
            module = ep.load()
        except Exception as exc:  # a broken plugin must not take the CLI down
            _warn(f"plugin {ep.name!r} failed to import and is skipped: {_one_line(exc)}")
            continue
        try:
            _register(pm, module, ep.name)
        except DnartError as exc:
            _warn(f"{exc}; skipped")
            continue
        _State.versions[ep.name] = dist.version if dist is not None else "-"
    _State.pm = pm
    return pm


def register_plugin(plugin: object, name: str, version: str = "-") -> None:
    """Register a plugin object directly (tests, embedding applications).

    Raises :class:`DnartError` if the name is taken or the plugin implements an
    unknown hook; registries are rebuilt on next use.
    """
    _register(get_plugin_manager(), plugin, name)
    _State.versions[name] = version
    _State.registries.clear()


def reset() -> None:
    """Forget loaded plugins and registries; the next use reloads them."""
    _State.pm = None
    _State.versions = {}
    _State.registries = {}


def _description(obj: Any) -> str:
    doc = (getattr(obj, "__doc__", None) or "").strip()
    return doc.splitlines()[0] if doc else ""


def _component_adder(reg: Registry, kind: str, plugin: str, version: str) -> Callable:
    """The ``register`` callback one plugin's hook implementation receives."""
    if kind == "preset":

        def register_preset(name: str, config: dict, description: str = "") -> None:
            if not isinstance(name, str) or not isinstance(config, dict):
                raise TypeError(
                    "register(name, config, description) expects a str and a dict, "
                    f"got {type(name).__name__} and {type(config).__name__}"
                )
            reg.add(Entry(kind, name, config, plugin, version, description))

        return register_preset

    def register_component(cls: type) -> None:
        name = getattr(cls, "name", None)
        if not isinstance(name, str) or not name:
            raise TypeError(f"{kind} class {cls!r} has no string 'name'")
        if not dataclasses.is_dataclass(getattr(cls, "Options", None)):
            raise TypeError(f"{kind} {name!r} has no 'Options' dataclass")
        reg.add(Entry(kind, name, cls, plugin, version, _description(cls)))

    return register_component


def registry(kind: str) -> Registry:
    """The registry of one kind (``encoder``, ``generator``, ``metric``, ``preset``)."""
    if kind in _State.registries:
        return _State.registries[kind]
    if kind not in KINDS:
        raise DnartError(f"unknown component kind {kind!r} (kinds: {', '.join(KINDS)})")
    pm = get_plugin_manager()
    reg = Registry(kind)
    hook = getattr(pm.hook, KINDS[kind])
    # Call each implementation on its own so every registration is attributed
    # to its plugin, in pluggy's calling order (get_hookimpls() lists them the
    # other way round): tryfirst ones first, then the last registered first.
    for impl in reversed(hook.get_hookimpls()):
        register = _component_adder(reg, kind, impl.plugin_name, _State.versions.get(impl.plugin_name, "-"))
        try:
            impl.function(**{arg: register for arg in impl.argnames})
        except Exception as exc:
            _warn(
                f"plugin {impl.plugin_name!r} failed while registering {kind}s "
                f"and its remaining ones are skipped: {_one_line(exc)}"
            )
    _State.registries[kind] = reg
    return reg


def components() -> list[Entry]:
    """Every registered component and preset, by kind then name."""
    return [entry for kind in KINDS for entry in registry(kind)]


def add_commands(cli) -> None:
    """Let plugins add commands to the CLI application."""
    pm = get_plugin_manager()
    for impl in reversed(pm.hook.dnart_register_commands.get_hookimpls()):
        try:
            impl.function(**{arg: cli for arg in impl.argnames})
        except Exception as exc:
            _warn(f"plugin {impl.plugin_name!r} failed while adding commands and is skipped: {_one_line(exc)}")
