"""The ``dnart`` command line: a thin shell over the Python API."""

from __future__ import annotations

import os
import warnings

import typer
from typer.core import TyperGroup

from .. import __version__, plugins
from ..errors import DnartError
from . import encode_cmd, export_cmd, gallery_cmd, morph_cmd, plugins_cmd, presets_cmd, render_cmd, train_cmd
from . import eval_cmd, fid_cmd

COMMAND_MODULES = [plugins_cmd, presets_cmd, encode_cmd, render_cmd, morph_cmd, gallery_cmd, train_cmd, export_cmd,
                   fid_cmd, eval_cmd]


def debug_enabled() -> bool:
    return os.environ.get("DNART_DEBUG") == "1"


class DnartGroup(TyperGroup):
    """Turns domain errors into one line on stderr and exit status 1."""

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except (typer.TyperException, typer.Exit, typer.Abort):  # usage errors, exits
            raise
        except DnartError as exc:
            if debug_enabled():
                raise
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from None
        except Exception as exc:
            # The base class exits quietly when stdout is a closed pipe (`dnart ... | head`).
            if debug_enabled() or isinstance(exc, BrokenPipeError):
                raise
            typer.echo(
                f"error: unexpected {type(exc).__name__}: {exc} (set DNART_DEBUG=1 for a traceback)",
                err=True,
            )
            raise typer.Exit(1) from None


def _show_warning(message, category, filename, lineno, file=None, line=None):
    # One line, no source location: the message names the plugin or option at fault.
    typer.echo(f"warning: {message}", err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dnart {__version__}")
        raise typer.Exit()


def build_app() -> typer.Typer:
    """A fresh CLI application, including the commands plugins add."""
    app = typer.Typer(
        name="dnart",
        cls=DnartGroup,
        help="Turn DNA reads into landscape images with GANs.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def root(
        version: bool = typer.Option(
            False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ) -> None:
        """Turn DNA reads into landscape images with GANs."""

    for module in COMMAND_MODULES:
        module.register(app)
    plugins.add_commands(app)
    return app


def main() -> None:
    """Console-script entry point."""
    if not debug_enabled():
        warnings.showwarning = _show_warning
    build_app()(prog_name="dnart")
