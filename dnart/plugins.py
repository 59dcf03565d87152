"""Loading plugins from the ``dnart`` entry-point group and the registries they fill.

The built-in paper set is registered through the same group as any third-party
distribution, so ``dnart`` itself holds no components. ``DNART_LOAD_PLUGINS``
(a comma list of entry-point names; empty for none) limits what is loaded, so
tests can run without ambient plugins.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import os
import warnings
from typing import Any

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
    """A plugin could not be loaded or registered a name already taken."""


@dataclasses.dataclass(frozen=True)
class Entry:
    """One registered component and who supplied it."""

    kind: str
    name: str
    obj: Any
    plugin: str
    version: str
    description: str


class Registry:
    """Components of one kind, by name."""

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, Entry] = {}

    def add(self, entry: Entry) -> None:
        taken = self._entries.get(entry.name)
        if taken is not None:
            warnings.warn(
                f"plugin {entry.plugin!r} registers {self.kind} {entry.name!r}, "
                f"already registered by plugin {taken.plugin!r}; keeping {taken.plugin!r}'s",
                PluginWarning,
                stacklevel=2,
            )
            return
        self._entries[entry.name] = entry

    def get(self, name: str) -> Entry:
        try:
            return self._entries[name]
        except KeyError:
            known = ", ".join(sorted(self._entries)) or "none registered"
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


def _selected() -> set[str] | None:
    raw = os.environ.get("DNART_LOAD_PLUGINS")
    if raw is None:
        return None
    return {n.strip() for n in raw.split(",") if n.strip()}


def get_plugin_manager() -> pluggy.PluginManager:
    """The plugin manager, loading entry points on first use."""
    if _State.pm is not None:
        return _State.pm
    pm = pluggy.PluginManager("dnart")
    pm.add_hookspecs(hookspecs)
    eps = importlib.metadata.entry_points(group=GROUP)
    wanted = _selected()
    for ep in sorted(eps, key=lambda e: e.name):
        if wanted is not None and ep.name not in wanted:
            continue
        dist = getattr(ep, "dist", None)
        try:
            module = ep.load()
            pm.register(module, name=ep.name)
        except Exception as exc:  # a broken plugin must not take the CLI down
            warnings.warn(
                f"plugin {ep.name!r} failed to load and is skipped: {type(exc).__name__}: {exc}",
                PluginWarning,
                stacklevel=2,
            )
            continue
        _State.versions[ep.name] = dist.version if dist is not None else "-"
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise DnartError(f"a plugin implements an unknown hook: {exc}") from None
    _State.pm = pm
    return pm


def register_plugin(plugin: object, name: str, version: str = "-") -> None:
    """Register a plugin object directly (tests, embedding applications)."""
    pm = get_plugin_manager()
    pm.register(plugin, name=name)
    pm.check_pending()
    _State.versions[name] = version
    _State.registries.clear()


def reset() -> None:
    """Forget loaded plugins and registries; the next use reloads them."""
    _State.pm = None
    _State.versions = {}
    _State.registries = {}


def _description(obj: Any) -> str:
    doc = getattr(obj, "__doc__", None) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def registry(kind: str) -> Registry:
    """The registry of one kind (``encoder``, ``generator``, ``metric``, ``preset``)."""
    if kind in _State.registries:
        return _State.registries[kind]
    pm = get_plugin_manager()
    reg = Registry(kind)
    hook = getattr(pm.hook, KINDS[kind])
    # Call each implementation on its own so every registration is attributed
    # to its plugin; pluggy's LIFO order is reversed so earlier plugins win.
    for impl in reversed(hook.get_hookimpls()):
        plugin = impl.plugin_name
        version = _State.versions.get(plugin, "-")

        if kind == "preset":
            def register(name, config, description="", _p=plugin, _v=version):
                reg.add(Entry(kind, name, config, _p, _v, description))
        else:
            def register(cls, _p=plugin, _v=version):
                reg.add(Entry(kind, cls.name, cls, _p, _v, _description(cls)))

        try:
            impl.function(**{arg: register for arg in impl.argnames})
        except Exception as exc:
            warnings.warn(
                f"plugin {plugin!r} failed while registering {kind}s and is skipped: "
                f"{type(exc).__name__}: {exc}",
                PluginWarning,
                stacklevel=2,
            )
    _State.registries[kind] = reg
    return reg


def add_commands(cli) -> None:
    """Let plugins add commands to the CLI application."""
    pm = get_plugin_manager()
    for impl in reversed(pm.hook.dnart_register_commands.get_hookimpls()):
        try:
            impl.function(**{arg: cli for arg in impl.argnames})
        except Exception as exc:
            warnings.warn(
                f"plugin {impl.plugin_name!r} failed while adding commands and is skipped: "
                f"{type(exc).__name__}: {exc}",
                PluginWarning,
                stacklevel=2,
            )
