"""The command line through Typer's runner, and as a real process where it matters."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tomllib

import pytest
import typer
from typer.testing import CliRunner

import dnart
from dnart import DnartError, hookimpl, plugins
from dnart.cli import build_app


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch):
    # A developer's DNART_DEBUG=1 must not change what these tests see.
    monkeypatch.delenv("DNART_DEBUG", raising=False)


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(build_app(), list(args), env=env)


def run_process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m dnart ARGS`` in a fresh interpreter, with no ambient plugins unless ``env`` says so."""
    full_env = {k: v for k, v in os.environ.items() if k != "DNART_DEBUG"}
    full_env.update({"DNART_LOAD_PLUGINS": "", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "dnart", *args], capture_output=True, text=True, env=full_env, timeout=60
    )


def cells(line: str) -> list[str]:
    """The cells of one row of a rich table."""
    return [cell.strip() for cell in re.split("[┃│]", line)[1:-1]]


def test_help_lists_the_commands(no_plugins):
    result = run("--help")
    assert result.exit_code == 0
    for command in ("plugins", "presets"):
        assert command in result.stdout


def test_version_is_the_distribution_version(no_plugins):
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"dnart {dnart.__version__}\n"
    assert dnart.__version__ == importlib.metadata.version("dnart")


def test_plugins_table_shows_who_registered_what(local_plugin):
    result = run("plugins", env={"COLUMNS": "150"})  # wide enough for every cell on one line
    assert result.exit_code == 0
    header, *rows = [cells(line) for line in result.stdout.splitlines() if "test-" in line or "kind" in line]
    assert header == ["kind", "name", "plugin", "version", "description"]
    assert rows[0] == ["encoder", "test-count", "test-local", "9.9", "Counts k-mers; a stand-in encoder for tests."]
    assert [row[1] for row in rows] == ["test-count", "test-stage", "test-metric", "tiny"]


def test_plugins_json_is_for_scripts(local_plugin):
    result = run("plugins", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows[0] == {
        "kind": "encoder",
        "name": "test-count",
        "plugin": "test-local",
        "version": "9.9",
        "description": "Counts k-mers; a stand-in encoder for tests.",
    }
    assert [(r["kind"], r["name"]) for r in rows] == [
        ("encoder", "test-count"),
        ("generator", "test-stage"),
        ("metric", "test-metric"),
        ("preset", "tiny"),
    ]


def test_plugins_with_no_plugins_is_an_empty_list(no_plugins):
    result = run("plugins", "--json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_presets_list(local_plugin):
    result = run("presets", "list")
    assert result.exit_code == 0
    assert result.stdout == "tiny\ttest-local\tTest-local components, nothing else\n"


def test_presets_show_prints_the_resolved_configuration_as_toml(local_plugin):
    result = run("presets", "show", "tiny", "--set", "encoder.k=5", "-s", "train.epochs=7")
    assert result.exit_code == 0, result.output
    shown = tomllib.loads(result.stdout)
    assert shown["preset"] == "tiny"
    assert (shown["encoder"]["name"], shown["encoder"]["k"], shown["encoder"]["latent_dim"]) == ("test-count", 5, 16)
    assert shown["train"]["epochs"] == 7 and shown["metric"]["samples"] == 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["presets", "show", "tiny", "--set", "encoder.kk=1"], "error: unknown option 'encoder.kk' (valid keys: encoder.name, "),
        (["presets", "show", "tiny", "--set", "encoder.k=x"], "error: option 'encoder.k' expects int, got 'x' (valid keys: "),
        (["presets", "show", "nope"], "error: unknown preset 'nope' (available: tiny)"),
    ],
)
def test_domain_errors_are_one_line_on_stderr_with_exit_1(local_plugin, args, message):
    result = run(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [["no-such-command"], ["presets", "show"], ["plugins", "--no-such-option"], ["presets", "show", "tiny", "--set"]],
)
def test_usage_errors_exit_2(local_plugin, args):
    result = run(*args)
    assert result.exit_code == 2
    assert "Error" in result.stderr and "Traceback" not in result.output


class CommandsPlugin:
    @hookimpl
    def dnart_register_commands(self, cli):
        @cli.command("hello")
        def hello(name: str = typer.Argument("world")) -> None:
            """Say hello."""
            typer.echo(f"hello {name}")

        @cli.command("refuse")
        def refuse() -> None:
            raise DnartError("the input file 'x.fq' is empty")

        @cli.command("crash")
        def crash() -> None:
            raise RuntimeError("a bug")


def test_hook_dnart_register_commands(no_plugins):
    plugins.register_plugin(CommandsPlugin(), name="commands")
    assert "hello" in run("--help").stdout
    result = run("hello", "dnart")
    assert (result.exit_code, result.stdout) == (0, "hello dnart\n")


def test_unexpected_errors_are_one_line_too(no_plugins):
    plugins.register_plugin(CommandsPlugin(), name="commands")
    result = run("crash")
    assert result.exit_code == 1
    assert result.stderr == "error: unexpected RuntimeError: a bug (set DNART_DEBUG=1 for a traceback)\n"


def test_debug_lets_the_exception_through(no_plugins):
    plugins.register_plugin(CommandsPlugin(), name="commands")
    for command, exc_type in (("refuse", DnartError), ("crash", RuntimeError)):
        result = run(command, env={"DNART_DEBUG": "1"})
        assert result.exit_code == 1
        assert isinstance(result.exception, exc_type)  # the runner caught what a user would see as a traceback


def test_a_plugin_failing_to_add_commands_leaves_the_others(no_plugins):
    class Broken:
        @hookimpl
        def dnart_register_commands(self, cli):
            raise ImportError("missing optional dependency")

    plugins.register_plugin(Broken(), name="broken")
    plugins.register_plugin(CommandsPlugin(), name="commands")
    with pytest.warns(plugins.PluginWarning, match="plugin 'broken' failed while adding commands"):
        app = build_app()
    assert CliRunner().invoke(app, ["hello"]).stdout == "hello world\n"


# Real processes: `python -m dnart`, what a user sees on stderr, DNART_DEBUG.


def test_python_m_dnart_reports_domain_errors_in_one_line_and_tracebacks_only_in_debug():
    quiet = run_process("presets", "show", "nope")
    assert quiet.returncode == 1
    assert quiet.stderr == "error: unknown preset 'nope' (available: none registered)\n"
    loud = run_process("presets", "show", "nope", env={"DNART_DEBUG": "1"})
    assert loud.returncode == 1
    assert "Traceback (most recent call last)" in loud.stderr
    assert loud.stderr.rstrip().endswith("DnartError: unknown preset 'nope' (available: none registered)")


def test_a_broken_plugin_is_one_warning_line_and_the_command_still_works(make_distribution):
    site = make_distribution(
        "dnart-mixed",
        "1.0",
        {
            "broken": "raise RuntimeError('half-installed')\n",
            "good": """
                import dataclasses, dnart

                class Good:
                    \"\"\"Still listed.\"\"\"
                    name = "good-enc"
                    Options = dataclasses.make_dataclass("Options", [])

                @dnart.hookimpl
                def dnart_register_encoders(register):
                    register(Good)
            """,
        },
    )
    env = {"DNART_LOAD_PLUGINS": "broken,good", "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    result = run_process("plugins", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "warning: plugin 'broken' failed to import and is skipped: RuntimeError: half-installed\n"
    )
    assert [row["name"] for row in json.loads(result.stdout)] == ["good-enc"]
