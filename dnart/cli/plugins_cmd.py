"""`dnart plugins`: who registered what."""

from __future__ import annotations

import json

import typer

from .. import plugins

COLUMNS = ("kind", "name", "plugin", "version", "description")


def register(app: typer.Typer) -> None:
    @app.command("plugins")
    def plugins_command(
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """List registered encoders, generators, metrics and presets, and their plugins."""
        rows = [{column: getattr(entry, column) for column in COLUMNS} for entry in plugins.components()]
        if as_json:
            typer.echo(json.dumps(rows, indent=2))
            return
        from rich.console import Console
        from rich.table import Column, Table

        # Names must stay whole so they can be copied; only descriptions wrap.
        table = Table(*(Column(c, no_wrap=c != "description") for c in COLUMNS))
        for row in rows:
            table.add_row(*row.values())
        Console().print(table)
