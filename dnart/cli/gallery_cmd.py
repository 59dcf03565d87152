"""`dnart gallery`: a captioned contact sheet of several inputs' landscapes."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from . import options


def register(app: typer.Typer) -> None:
    @app.command("gallery")
    def gallery_command(
        inputs: List[Path] = typer.Argument(..., help="DNA files, one tile each."),
        out: Path = typer.Option(..., "--out", "-o", help="PNG contact sheet."),
        columns: Optional[int] = typer.Option(None, "--columns", min=1, help="Tiles per row (default: square)."),
        preset: Optional[str] = options.RENDER_PRESET,
        weights: Optional[str] = options.WEIGHTS,
        encoder: Optional[str] = options.ENCODER,
        overrides: Optional[List[str]] = options.SET,
        stage: Optional[int] = options.STAGE,
        size: Optional[int] = options.SIZE,
        salt: Optional[str] = options.SALT,
        device: str = options.DEVICE,
    ) -> None:
        """Render several inputs into one captioned sheet."""
        from ..gallery import gallery
        from .render_cmd import renderer_from_options

        renderer = renderer_from_options(preset, weights, encoder, overrides, stage, size, salt, device)
        gallery(renderer, inputs, out, columns=columns)
        typer.echo(f"{out} ({len(inputs)} tiles)", err=True)
