"""`dnart presets list|show`."""

from __future__ import annotations

from typing import List, Optional

import typer

from .. import config, plugins
from . import options


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="List presets and show their resolved configuration.", no_args_is_help=True)

    @group.command("list")
    def list_presets() -> None:
        """List registered presets."""
        for entry in plugins.registry("preset"):
            typer.echo(f"{entry.name}\t{entry.plugin}\t{entry.description}")

    @group.command("show")
    def show(
        name: str = typer.Argument(..., help="Preset name."),
        overrides: Optional[List[str]] = options.SET,
    ) -> None:
        """Print a preset's resolved configuration as TOML."""
        typer.echo(config.resolve(name, overrides or []).to_toml(), nl=False)

    app.add_typer(group, name="presets")
