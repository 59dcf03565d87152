"""Option declarations shared by several commands, so they read the same everywhere."""

from __future__ import annotations

import typer

PRESET = typer.Option("paper", "--preset", "-p", help="Preset name (see `dnart presets list`).")
SET = typer.Option(
    None,
    "--set",
    "-s",
    metavar="SECTION.KEY=VALUE",
    help="Override a preset option, e.g. --set encoder.k=4 (repeatable).",
)
ENCODER = typer.Option(None, "--encoder", "-e", help="Encoder name (see `dnart plugins`).")
DEVICE = typer.Option("auto", "--device", help="auto, cpu, cuda or mps.")
RENDER_PRESET = typer.Option(
    None, "--preset", "-p", help="Preset name (default: the weights' own preset, else paper)."
)
WEIGHTS = typer.Option(
    None, "--weights", "-w", help="Run directory, checkpoint file or package:path (default: the preset's shipped weights)."
)
STAGE = typer.Option(None, "--stage", help="Last generator stage to run (default: the preset's last).")
SIZE = typer.Option(None, "--size", min=8, max=8192, help="Final Lanczos upscale to N x N pixels (for printing).")
SALT = typer.Option(
    None, "--salt", help="A private phrase mixed into the latent: same DNA, a different image only you can repeat."
)
