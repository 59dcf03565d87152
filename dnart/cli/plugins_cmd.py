"""`dnart plugins`: who registered what."""

from __future__ import annotations

import json

import typer

from .. import plugins


def list_components() -> list[dict[str, str]]:
    """Every registered component as a dict: kind, name, plugin, version, description."""
    return [
        {"kind": e.kind, "name": e.name, "plugin": e.plugin, "version": e.version, "description": e.description}
        for kind in plugins.KINDS
        for e in plugins.registry(kind)
    ]


def register(app: typer.Typer) -> None:
    @app.command("plugins")
    def plugins_command(
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """List registered encoders, generators, metrics and presets, and their plugins."""
        rows = list_components()
        if as_json:
            typer.echo(json.dumps(rows, indent=2))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table("kind", "name", "plugin", "version", "description")
        for row in rows:
            table.add_row(*row.values())
        Console().print(table)
