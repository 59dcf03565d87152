"""Fixtures shared by the test suite: plugin-host isolation and a test-local plugin."""

from __future__ import annotations

import dataclasses
import importlib
import sys
import textwrap
from pathlib import Path
from typing import Optional

import pytest

from dnart import hookimpl, plugins
from dnart.stages import Stage


@pytest.fixture(autouse=True)
def _fresh_plugin_host():
    """Every test starts and ends with no loaded plugins or cached registries."""
    plugins.reset()
    yield
    plugins.reset()


@pytest.fixture
def no_plugins(monkeypatch):
    """No ambient plugins: entry points of the ``dnart`` group are ignored."""
    monkeypatch.setenv("DNART_LOAD_PLUGINS", "")


# A test-local plugin with one component of each kind and a preset naming them,
# so tests need neither the built-in set nor anything it depends on.


@dataclasses.dataclass
class CountOptions:
    latent_dim: int = 8  # filled from the preset's top-level latent_dim
    k: int = 2  # k-mer length
    scale: float = 1.0  # multiplies every count
    alphabet: str = "ACGT"  # symbols counted
    canonical: bool = False  # merge reverse complements
    sizes: tuple[int, ...] = (4, 8)  # a sequence option
    limit: int | None = None  # an optional option (X | None)
    cap: Optional[float] = None  # the same, spelled with typing.Optional


class CountEncoder:
    """Counts k-mers; a stand-in encoder for tests.

    Everything after the first line is not part of the description.
    """

    name = "test-count"
    Options = CountOptions

    def __init__(self, options: CountOptions):
        self.options = options


@dataclasses.dataclass
class TinyStageOptions:
    latent_dim: int = 8
    channels: int = 4


class TinyStage(Stage):
    """A stand-in generator stage for tests."""

    name = "test-stage"
    Options = TinyStageOptions


@dataclasses.dataclass
class TinyMetricOptions:
    samples: int = 10


class TinyMetric:
    """A stand-in metric for tests."""

    name = "test-metric"
    Options = TinyMetricOptions

    def __init__(self, options: TinyMetricOptions):
        self.options = options


TINY_PRESET = {
    "latent_dim": 16,
    "encoder": {"name": "test-count", "k": 3},
    "stage1": {"name": "test-stage"},
    "train": {"epochs": 2},
    "metric": {"name": "test-metric"},
}


class LocalPlugin:
    """Registers the stand-in components above and the ``tiny`` preset."""

    @hookimpl
    def dnart_register_encoders(self, register):
        register(CountEncoder)

    @hookimpl
    def dnart_register_generators(self, register):
        register(TinyStage)

    @hookimpl
    def dnart_register_metrics(self, register):
        register(TinyMetric)

    @hookimpl
    def dnart_register_presets(self, register):
        register("tiny", TINY_PRESET, "Test-local components, nothing else")


@pytest.fixture
def local_plugin(no_plugins):
    """The test-local plugin, registered as ``test-local`` version 9.9, alone."""
    plugins.register_plugin(LocalPlugin(), name="test-local", version="9.9")
    return LocalPlugin


@pytest.fixture
def make_distribution(tmp_path, monkeypatch):
    """Install a fake distribution that ``importlib.metadata`` truly sees.

    ``make_distribution("dnart-x", "1.0", {"x": "source of module dnart_x_..."})``
    writes each module and a ``.dist-info`` whose ``entry_points.txt`` maps the
    entry-point name to the module, then puts the folder on ``sys.path``.
    Returns the folder (also usable as ``PYTHONPATH`` for a subprocess).
    """
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    created: list[str] = []

    def make(dist: str, version: str, modules: dict[str, str]) -> Path:
        info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        lines = ["[dnart]"]
        for ep_name, source in modules.items():
            module = f"{dist.replace('-', '_')}_{ep_name}"
            (site / f"{module}.py").write_text(textwrap.dedent(source))
            lines.append(f"{ep_name} = {module}")
            created.append(module)
        (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
        importlib.invalidate_caches()  # finders cache folder listings by mtime
        return site

    yield make
    for module in created:  # the next test may reuse a name with other source
        sys.modules.pop(module, None)
