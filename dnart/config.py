"""Presets resolved into a configuration: components, their options, overrides.

A preset is plain data (a dict of sections). Sections are typed by name:
``encoder`` and ``metric`` choose a registered component of that kind,
``stage1``, ``stage2``, ... choose generator stages, ``train`` holds
:class:`~dnart.training.options.TrainOptions`, and ``weights`` maps a stage
to a weights file (``package:path`` for files shipped inside a package).
Top-level scalars such as ``latent_dim`` fill every component option of the
same name. Overrides use one syntax everywhere: ``section.key=value``.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import types
import typing
from typing import Any, Sequence

from . import plugins
from .errors import DnartError
from .training.options import TrainOptions

_STAGE = re.compile(r"stage\d+$")


def section_kind(section: str) -> str | None:
    """The registry kind a section chooses from, or None for plain sections."""
    if section in ("encoder", "metric"):
        return section
    if _STAGE.match(section):
        return "generator"
    return None


@dataclasses.dataclass
class Section:
    """One resolved section: the component chosen (if any) and its options."""

    name: str
    entry: plugins.Entry | None
    options: Any  # a dataclass instance, or a dict for plain sections

    def build(self):
        """Instantiate the chosen component with its options."""
        if self.entry is None:
            raise DnartError(f"section {self.name!r} names no component")
        return self.entry.obj(self.options)


@dataclasses.dataclass
class Config:
    """A fully resolved configuration."""

    preset: str
    values: dict[str, Any]
    sections: dict[str, Section]

    def __getitem__(self, section: str) -> Section:
        try:
            return self.sections[section]
        except KeyError:
            raise DnartError(
                f"preset {self.preset!r} has no section {section!r} "
                f"(sections: {', '.join(self.sections)})"
            ) from None

    def stages(self) -> list[str]:
        """Stage section names in order (stage1, stage2, ...)."""
        return sorted((s for s in self.sections if _STAGE.match(s)), key=lambda s: int(s[5:]))

    @property
    def train(self) -> TrainOptions:
        return self.sections["train"].options

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"preset": self.preset, **self.values}
        for name, sec in self.sections.items():
            opts = sec.options if isinstance(sec.options, dict) else dataclasses.asdict(sec.options)
            out[name] = ({"name": sec.entry.name} if sec.entry else {}) | opts
        return out

    def to_toml(self) -> str:
        return to_toml(self.to_dict())


def _options_class(kind: str | None, section: str, entry: plugins.Entry | None):
    if entry is not None:
        return entry.obj.Options
    if section == "train":
        return TrainOptions
    return None


def _coerce(value: Any, typ: Any, key: str, valid: str) -> Any:
    origin = typing.get_origin(typ)
    if origin is typing.Union or origin is types.UnionType:  # Optional[X] and X | None
        args = [a for a in typing.get_args(typ) if a is not type(None)]
        if value in (None, "none", "None", ""):
            return None
        typ = args[0]
    try:
        if typ is bool:
            if isinstance(value, bool):
                return value
            s = str(value).strip().lower()
            if s in ("1", "true", "yes", "on"):
                return True
            if s in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if typ is int:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)
            return int(value)
        if typ is float:
            if isinstance(value, bool):
                raise ValueError(value)
            return float(value)
        if typ is str:
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                raise ValueError(value)
            return str(value)
        sequence = typing.get_origin(typ)
        if sequence in (tuple, list):
            (inner, *_) = typing.get_args(typ) or (str,)
            items = value.split(",") if isinstance(value, str) else list(value)
            return sequence(_coerce(v, inner, key, valid) for v in items if v != "")
    except (TypeError, ValueError):
        name = getattr(typ, "__name__", str(typ))
        raise DnartError(f"option {key!r} expects {name}, got {value!r} (valid keys: {valid})") from None
    return value


def _build_options(cls, section: str, values: dict[str, Any], shared: dict[str, Any]):
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls)}
    valid = ", ".join(f"{section}.{k}" for k in (["name"] if section_kind(section) else []) + sorted(fields))
    kwargs = {k: _coerce(v, hints[k], k, valid) for k, v in shared.items() if k in fields}
    for key, value in values.items():
        if key not in fields:
            raise DnartError(f"unknown option '{section}.{key}' (valid keys: {valid})")
        kwargs[key] = _coerce(value, hints[key], f"{section}.{key}", valid)
    return cls(**kwargs)


def parse_overrides(overrides: Sequence[str]) -> list[tuple[str, str, str]]:
    """Split ``section.key=value`` strings; a malformed one is a one-line error."""
    parsed = []
    for item in overrides:
        key, sep, value = item.partition("=")
        section, dot, option = key.strip().partition(".")
        if not sep or not section:
            raise DnartError(f"--set expects section.key=value or key=value, got {item!r}")
        if not dot:
            section, option = "", section
        parsed.append((section, option, value.strip()))
    return parsed


def resolve(
    preset: str | dict[str, Any],
    overrides: Sequence[str] = (),
    choose: dict[str, str] | None = None,
) -> Config:
    """Resolve a preset (a registered name or a dict) with overrides into a :class:`Config`.

    ``choose`` maps a section to a component name (``{"encoder": "kmer"}``);
    switching a component drops the preset's options for the old one.
    """
    if isinstance(preset, str):
        name, data = preset, copy.deepcopy(plugins.registry("preset").get(preset).obj)
    else:
        name, data = str(preset.get("preset", "custom")), copy.deepcopy(preset)
        data.pop("preset", None)
    data.setdefault("train", {})

    def switch(section: str, component: str) -> None:
        old = data.get(section)
        if not isinstance(old, dict) or old.get("name") != component:
            data[section] = {"name": component}

    for section, component in (choose or {}).items():
        if component:
            switch(section, component)
    def check_section(section: str, option: str) -> None:
        # A new component section may be added by naming its component (stage3.name=...).
        new_component = option == "name" and section_kind(section) is not None
        if not new_component and not isinstance(data.get(section), dict):
            sections = ", ".join(k for k, v in data.items() if isinstance(v, dict))
            raise DnartError(f"unknown section {section!r} in '{section}.{option}' (sections: {sections})")

    parsed = parse_overrides(overrides)
    for section, option, value in parsed:
        if option == "name" and section:
            check_section(section, option)
            switch(section, value)
    for section, option, value in parsed:
        if option == "name" and section:
            continue
        if not section:
            scalars = ", ".join(k for k, v in data.items() if not isinstance(v, dict))
            if option not in data or isinstance(data[option], dict):
                raise DnartError(f"unknown option {option!r} (valid top-level keys: {scalars})")
            # A top-level scalar keeps the type the preset gave it.
            data[option] = _coerce(value, type(data[option]), option, scalars)
            continue
        check_section(section, option)
        data[section][option] = value

    shared = {k: v for k, v in data.items() if not isinstance(v, dict)}
    sections: dict[str, Section] = {}
    for section, values in data.items():
        if not isinstance(values, dict):
            continue
        values = dict(values)
        kind = section_kind(section)
        entry = None
        if kind is not None:
            if "name" not in values:
                raise DnartError(f"section {section!r} of preset {name!r} names no {kind}")
            entry = plugins.registry(kind).get(values.pop("name"))
        cls = _options_class(kind, section, entry)
        options = _build_options(cls, section, values, shared) if cls else {k: str(v) for k, v in values.items()}
        sections[section] = Section(section, entry, options)
    return Config(name, shared, sections)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if value is None:
        return '""'
    s = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{s}"'


def to_toml(data: dict[str, Any]) -> str:
    """Write a two-level dict (scalars, then tables of scalars) as TOML."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for key, table in data.items():
        if isinstance(table, dict):
            lines += ["", f"[{key}]"] + [f"{k} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"
