"""`dnart morph`: an animated walk from one DNA input's landscape to another's."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from . import options


def register(app: typer.Typer) -> None:
    @app.command("morph")
    def morph_command(
        first: Path = typer.Argument(..., help="DNA file the walk starts from."),
        second: Path = typer.Argument(..., help="DNA file the walk ends at."),
        out: Path = typer.Option(..., "--out", "-o", help="GIF file."),
        frames: int = typer.Option(32, "--frames", min=2, help="Frames from one end to the other."),
        fps: int = typer.Option(16, "--fps", min=1, max=100, help="Frames per second."),
        preset: Optional[str] = options.RENDER_PRESET,
        weights: Optional[str] = options.WEIGHTS,
        encoder: Optional[str] = options.ENCODER,
        overrides: Optional[List[str]] = options.SET,
        stage: Optional[int] = options.STAGE,
        size: Optional[int] = options.SIZE,
        salt: Optional[str] = options.SALT,
        device: str = options.DEVICE,
    ) -> None:
        """Write a looping GIF that walks the latent space between two inputs."""
        from ..morph import morph
        from .render_cmd import renderer_from_options

        renderer = renderer_from_options(preset, weights, encoder, overrides, stage, size, salt, device)
        morph(renderer, first, second, out, frames=frames, fps=fps)
        typer.echo(f"{out} ({2 * frames - 2} frames)", err=True)
