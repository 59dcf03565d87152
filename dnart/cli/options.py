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
