"""`dnart export`: a run's generators as a small weights file for `dnart render --weights`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export_command(
        source: Path = typer.Argument(..., help="Run directory or checkpoint file."),
        out: Path = typer.Option(..., "--out", "-o", help="Weights file to write."),
        epoch: Optional[int] = typer.Option(None, "--epoch", help="Export this epoch's snapshot of a run."),
        full_precision: bool = typer.Option(False, "--float32", help="Keep float32 (default: float16)."),
    ) -> None:
        """Export generator weights (inference only, float16 by default)."""
        from ..model import export

        info = export(source, out, half=not full_precision, epoch=epoch)
        size = out.stat().st_size / 1e6
        typer.echo(f"{out}: preset {info['preset']}, {info['stage']} epoch {info['epoch']}, {size:.1f} MB", err=True)
