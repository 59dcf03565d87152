"""The plugin loader and registries: entry points, DNART_LOAD_PLUGINS, failure isolation."""

from __future__ import annotations

import ast
import dataclasses
import importlib.metadata
import sys
import warnings
from pathlib import Path

import pytest

from dnart import DnartError, hookimpl, plugins

ROOT = Path(__file__).resolve().parents[1]

ENCODER_PLUGIN = """
    import dataclasses
    import dnart

    @dataclasses.dataclass
    class Options:
        size: int = 3

    class Encoder:
        \"\"\"{description}\"\"\"
        name = "{name}"
        Options = Options

    @dnart.hookimpl
    def dnart_register_encoders(register):
        register(Encoder)
"""


def encoder_plugin(name: str, description: str = "An encoder from a fake distribution.") -> str:
    return ENCODER_PLUGIN.format(name=name, description=description)


def encoder_names() -> dict[str, str]:
    """Registered encoder name -> plugin name."""
    return {e.name: e.plugin for e in plugins.registry("encoder")}


def test_entry_point_components_carry_plugin_name_and_version(make_distribution, monkeypatch):
    make_distribution("dnart-fake", "1.2.3", {"fake": encoder_plugin("fake-enc")})
    monkeypatch.setenv("DNART_LOAD_PLUGINS", "fake")
    entry = plugins.registry("encoder").get("fake-enc")
    assert (entry.kind, entry.plugin, entry.version) == ("encoder", "fake", "1.2.3")
    assert entry.description == "An encoder from a fake distribution."
    assert entry.obj.Options().size == 3


def test_empty_load_plugins_loads_nothing(make_distribution, monkeypatch):
    make_distribution("dnart-fake", "1.0", {"fake": encoder_plugin("fake-enc")})
    monkeypatch.setenv("DNART_LOAD_PLUGINS", "")
    assert plugins.components() == []
    assert "dnart_fake_fake" not in sys.modules  # not even imported


def test_load_plugins_selects_by_entry_point_name(make_distribution, monkeypatch):
    make_distribution("dnart-a", "1.0", {"a": encoder_plugin("enc-a")})
    make_distribution("dnart-b", "1.0", {"b": encoder_plugin("enc-b")})
    monkeypatch.setenv("DNART_LOAD_PLUGINS", "b")
    assert encoder_names() == {"enc-b": "b"}
    plugins.reset()
    monkeypatch.setenv("DNART_LOAD_PLUGINS", " a , b ")
    assert encoder_names() == {"enc-a": "a", "enc-b": "b"}


def test_load_plugins_naming_an_unknown_plugin_warns(make_distribution, monkeypatch):
    make_distribution("dnart-a", "1.0", {"a": encoder_plugin("enc-a")})
    monkeypatch.setenv("DNART_LOAD_PLUGINS", "a,nosuch")
    with pytest.warns(plugins.PluginWarning, match="unknown plugin nosuch"):
        assert encoder_names() == {"enc-a": "a"}


def test_unset_load_plugins_loads_every_entry_point(make_distribution, monkeypatch):
    make_distribution("dnart-fake", "1.0", {"fake": encoder_plugin("fake-enc")})
    monkeypatch.delenv("DNART_LOAD_PLUGINS", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sibling built-in plugins may be work in progress
        by_plugin = {e.plugin for e in plugins.components()}
    assert {"fake", "stackgan"} <= by_plugin


def test_builtin_set_is_registered_through_the_entry_point_group(monkeypatch):
    monkeypatch.setenv("DNART_LOAD_PLUGINS", "stackgan")
    entry = plugins.registry("generator").get("stackgan-stage1")
    assert (entry.plugin, entry.version) == ("stackgan", importlib.metadata.version("dnart"))
    assert {ep.name for ep in importlib.metadata.entry_points(group="dnart")} >= {"stackgan"}


def test_host_never_imports_the_plugin_packages():
    plugin_packages = {p.name for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").exists()}
    assert plugin_packages, "no plugin packages found"
    for path in (ROOT / "dnart").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in plugin_packages, f"{path.relative_to(ROOT)} imports {name}"


def test_plugin_that_fails_to_import_is_skipped_with_one_warning(make_distribution, monkeypatch):
    make_distribution(
        "dnart-mixed",
        "1.0",
        {"broken": "import dnart_no_such_module\n", "good": encoder_plugin("good-enc")},
    )
    monkeypatch.setenv("DNART_LOAD_PLUGINS", "broken,good")
    with pytest.warns(plugins.PluginWarning) as record:
        assert encoder_names() == {"good-enc": "good"}
    (warning,) = record
    message = str(warning.message)
    assert "'broken' failed to import" in message and "dnart_no_such_module" in message
    assert "\n" not in message


def test_plugin_with_a_misspelled_hook_is_skipped_with_one_warning(make_distribution, monkeypatch):
    typo = encoder_plugin("typo-enc").replace("def dnart_register_encoders", "def dnart_register_encoder")
    make_distribution("dnart-mixed", "1.0", {"typo": typo, "good": encoder_plugin("good-enc")})
    monkeypatch.setenv("DNART_LOAD_PLUGINS", "typo,good")
    with pytest.warns(plugins.PluginWarning) as record:
        assert encoder_names() == {"good-enc": "good"}
    (warning,) = record
    assert "plugin 'typo' implements unknown hook dnart_register_encoder " in str(warning.message)
    assert not plugins.get_plugin_manager().has_plugin("typo")


def test_name_clash_warns_naming_both_plugins(make_distribution, monkeypatch):
    make_distribution("dnart-alpha", "1.0", {"alpha": encoder_plugin("same", "Alpha's.")})
    make_distribution("dnart-beta", "2.0", {"beta": encoder_plugin("same", "Beta's.")})
    monkeypatch.setenv("DNART_LOAD_PLUGINS", "alpha,beta")
    with pytest.warns(plugins.PluginWarning) as record:
        entry = plugins.registry("encoder").get("same")
    (warning,) = record
    # pluggy calls the plugin loaded last (entry points load in name order) first.
    assert str(warning.message) == (
        "plugin 'alpha' registers encoder 'same', already registered by plugin 'beta'; keeping 'beta''s"
    )
    assert (entry.plugin, entry.version, entry.description) == ("beta", "2.0", "Beta's.")


def test_two_distributions_with_one_plugin_name_warn_naming_both(make_distribution, monkeypatch):
    make_distribution("dnart-first", "1.0", {"dup": encoder_plugin("first-enc")})
    make_distribution("dnart-second", "1.0", {"dup": encoder_plugin("second-enc")})
    monkeypatch.setenv("DNART_LOAD_PLUGINS", "dup")
    with pytest.warns(plugins.PluginWarning) as record:
        names = encoder_names()
    (warning,) = record
    (kept,) = names  # one of them, as importlib.metadata lists them
    dists = {"first-enc": "dnart-first", "second-enc": "dnart-second"}
    skipped = ({"dnart-first", "dnart-second"} - {dists[kept]}).pop()
    assert str(warning.message) == (
        f"plugin 'dup' of {skipped!r} is skipped: {dists[kept]!r} already supplies a plugin of that name"
    )


class FailingPlugin:
    @hookimpl
    def dnart_register_encoders(self, register):
        raise RuntimeError("no GPU here")

    @hookimpl
    def dnart_register_presets(self, register):
        register("still-here", {}, "Registered although the encoders hook failed")


def test_plugin_failing_while_registering_is_skipped_for_that_kind_only(local_plugin):
    plugins.register_plugin(FailingPlugin(), name="failing")
    with pytest.warns(plugins.PluginWarning, match="plugin 'failing' failed while registering encoders.*no GPU here"):
        assert encoder_names() == {"test-count": "test-local"}
    assert plugins.registry("preset").get("still-here").plugin == "failing"


class Nameless:
    """Has no name."""

    @dataclasses.dataclass
    class Options:
        pass


class Optionless:
    """Has no Options dataclass."""

    name = "optionless"


@pytest.mark.parametrize(("cls", "problem"), [(Nameless, "has no string 'name'"), (Optionless, "no 'Options' dataclass")])
def test_component_classes_must_have_a_name_and_options(no_plugins, cls, problem):
    class Plugin:
        @hookimpl
        def dnart_register_metrics(self, register):
            register(cls)

    plugins.register_plugin(Plugin(), name="careless")
    with pytest.warns(plugins.PluginWarning, match=f"plugin 'careless' .*{problem}"):
        assert len(plugins.registry("metric")) == 0


class Override:
    """Replaces the test-local encoder."""

    name = "test-count"
    Options = Nameless.Options


class Overriding:
    @hookimpl(tryfirst=True)
    def dnart_register_encoders(self, register):
        register(Override)


def test_tryfirst_plugin_keeps_a_clashing_name_however_it_was_loaded(local_plugin):
    plugins.reset()
    plugins.register_plugin(Overriding(), name="overriding")
    plugins.register_plugin(local_plugin(), name="test-local")
    with pytest.warns(plugins.PluginWarning, match="plugin 'test-local' registers encoder 'test-count'"):
        assert plugins.registry("encoder").get("test-count").plugin == "overriding"


def test_register_plugin_refuses_a_taken_name(local_plugin):
    with pytest.raises(DnartError, match="plugin name 'test-local' is already taken"):
        plugins.register_plugin(FailingPlugin(), name="test-local")
    assert plugins.registry("preset").names() == ["tiny"]


def test_unknown_component_lists_what_is_available(local_plugin):
    with pytest.raises(DnartError, match=r"unknown encoder 'nope' \(available: test-count\)"):
        plugins.registry("encoder").get("nope")
    with pytest.raises(DnartError, match="unknown component kind 'encoders'"):
        plugins.registry("encoders")


def test_reset_forgets_registered_plugins(local_plugin):
    assert len(plugins.registry("encoder")) == 1
    plugins.reset()
    assert len(plugins.registry("encoder")) == 0


def test_components_lists_every_kind_in_order(local_plugin):
    assert [(e.kind, e.name, e.plugin, e.version) for e in plugins.components()] == [
        ("encoder", "test-count", "test-local", "9.9"),
        ("generator", "test-stage", "test-local", "9.9"),
        ("metric", "test-metric", "test-local", "9.9"),
        ("preset", "tiny", "test-local", "9.9"),
    ]


# One test per hook (test_hooks.py checks that each hook has one).


def test_hook_dnart_register_encoders(local_plugin):
    entry = plugins.registry("encoder").get("test-count")
    assert entry.obj.__name__ == "CountEncoder" and entry.obj.Options().k == 2
    assert entry.description == "Counts k-mers; a stand-in encoder for tests."


def test_hook_dnart_register_generators(local_plugin):
    entry = plugins.registry("generator").get("test-stage")
    assert entry.obj.name == "test-stage"
    assert entry.description == "A stand-in generator stage for tests."


def test_hook_dnart_register_metrics(local_plugin):
    entry = plugins.registry("metric").get("test-metric")
    assert entry.obj(entry.obj.Options()).options.samples == 10


def test_hook_dnart_register_presets(local_plugin):
    entry = plugins.registry("preset").get("tiny")
    assert entry.obj["encoder"] == {"name": "test-count", "k": 3}
    assert entry.description == "Test-local components, nothing else"
