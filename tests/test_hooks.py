"""Meta-tests on the hook contract: documented, tested, and strict about spelling."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from dnart import DnartError, hookimpl, hookspecs, plugins

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "docs" / "plugins.md", ROOT / "docs" / "architecture.md"]

HOOKS = sorted(
    name for name, fn in vars(hookspecs).items() if callable(fn) and hasattr(fn, "dnart_spec")
)


def test_hooks_are_found():
    assert HOOKS == [
        "dnart_register_commands",
        "dnart_register_encoders",
        "dnart_register_generators",
        "dnart_register_metrics",
        "dnart_register_presets",
    ]


def test_every_component_kind_has_its_hook():
    assert set(plugins.KINDS.values()) | {"dnart_register_commands"} == set(HOOKS)


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_docstring_says_what_it_receives_and_returns(hook):
    fn = getattr(hookspecs, hook)
    doc = inspect.getdoc(fn) or ""
    for param in inspect.signature(fn).parameters:
        assert f":param {param}:" in doc, f"{hook} does not document {param!r}"
    assert ":returns:" in doc


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented_with_its_exact_signature(hook):
    signature = f"{hook}{inspect.signature(getattr(hookspecs, hook))}"
    docs = "\n".join(path.read_text() for path in DOCS)
    assert signature in docs, f"{signature} is not in {', '.join(p.name for p in DOCS)}"


def _test_function_names() -> set[str]:
    names = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names.add(node.name)
    return names


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test(hook):
    # A test exercising a hook carries its name: test_hook_dnart_register_encoders...
    assert any(name.startswith(f"test_hook_{hook}") for name in _test_function_names()), (
        f"no test named test_hook_{hook}*"
    )


class Misspelled:
    @hookimpl
    def dnart_register_encoder(self, register):  # the spec says ..._encoders
        raise AssertionError("must never be called")


def test_misspelled_hook_implementation_is_refused(no_plugins):
    with pytest.raises(DnartError, match="plugin 'typo' implements unknown hook dnart_register_encoder "):
        plugins.register_plugin(Misspelled(), name="typo")
    pm = plugins.get_plugin_manager()
    assert not pm.has_plugin("typo")
    pm.check_pending()  # nothing of the refused plugin is left behind


class ExtraArgument:
    @hookimpl
    def dnart_register_metrics(self, register, device):
        raise AssertionError("must never be called")


def test_implementation_asking_for_an_argument_the_hook_does_not_pass_is_refused(no_plugins):
    with pytest.raises(DnartError, match="plugin 'extra' cannot be registered: .*device"):
        plugins.register_plugin(ExtraArgument(), name="extra")
    assert not plugins.get_plugin_manager().has_plugin("extra")


def test_implementation_may_take_fewer_arguments_than_its_hook(no_plugins):
    calls = []

    class NoArguments:
        @hookimpl
        def dnart_register_presets(self):
            calls.append("called")

    plugins.register_plugin(NoArguments(), name="no-arguments")
    assert len(plugins.registry("preset")) == 0 and calls == ["called"]
