"""`dnart render`: DNA in, landscape PNG out."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from . import options


def renderer_from_options(preset, weights, encoder, overrides, stage, size, salt, device):
    """The Renderer the render, morph and gallery commands share."""
    from ..render import Renderer

    return Renderer(preset=preset, weights=weights, encoder=encoder, overrides=overrides or [],
                    stage=stage, size=size, salt=salt, device=device)


def register(app: typer.Typer) -> None:
    @app.command("render")
    def render_command(
        inputs: List[Path] = typer.Argument(..., help="FASTQ/FASTA files (plain, .gz or .bz2); one image each."),
        out: Path = typer.Option(..., "--out", "-o", help="PNG file (one input) or folder (several inputs)."),
        preset: Optional[str] = options.RENDER_PRESET,
        weights: Optional[str] = options.WEIGHTS,
        encoder: Optional[str] = options.ENCODER,
        overrides: Optional[List[str]] = options.SET,
        stage: Optional[int] = options.STAGE,
        size: Optional[int] = options.SIZE,
        salt: Optional[str] = options.SALT,
        device: str = options.DEVICE,
    ) -> None:
        """Turn DNA reads into a landscape image (224x224 PNG by default)."""
        from ..render import output_names

        renderer = renderer_from_options(preset, weights, encoder, overrides, stage, size, salt, device)
        for note in renderer.notes:
            typer.echo(f"note: {note}", err=True)
        targets = [out] if len(inputs) == 1 else output_names(inputs, out)
        for path, target in zip(inputs, targets):
            art = renderer.render([path])
            art.save(target)
            typer.echo(f"{target} ({art.image.width}x{art.image.height})", err=True)
