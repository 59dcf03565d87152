"""`dnart train`: train one stage of a preset on a folder of images."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import typer

from . import options


def register(app: typer.Typer) -> None:
    @app.command("train")
    def train_command(
        preset: Optional[str] = typer.Option(
            None, "--preset", "-p", help="Preset name (default: paper, or the run's own with --resume)."
        ),
        data: Optional[Path] = typer.Option(None, "--data", "-d", help="Folder of training photos (JPEG/PNG)."),
        stage: Optional[int] = typer.Option(
            None, "--stage", help="Which stage to train: 1 or 2 for the paper (default: 1, or the run's own with --resume)."
        ),
        out: Path = typer.Option(Path("runs/train"), "--out", "-o", help="Run directory (checkpoints, samples, logs)."),
        epochs: Optional[int] = typer.Option(None, "--epochs", help="Shorthand for --set train.epochs=N."),
        batch_size: Optional[int] = typer.Option(None, "--batch-size", help="Shorthand for --set train.batch_size=N."),
        overrides: Optional[List[str]] = options.SET,
        resume: bool = typer.Option(False, "--resume", help="Continue the run in --out from its last checkpoint."),
        upstream: Optional[Path] = typer.Option(
            None, "--upstream", help="Run or checkpoint with the earlier stages (default: the preset's weights)."
        ),
        device: str = options.DEVICE,
    ) -> None:
        """Train a stage of the GAN; writes checkpoints every epoch (resumable with --resume)."""
        from rich.progress import TextColumn

        from ..training.train import train
        from .progress import progress_bar

        sets = list(overrides or [])
        if epochs is not None:
            sets.append(f"train.epochs={epochs}")
        if batch_size is not None:
            sets.append(f"train.batch_size={batch_size}")
        bar = progress_bar(TextColumn("{task.fields[info]}"))
        task = None

        def show(description: str, total: int) -> None:
            # The display starts with the first progress, so an error before any stays one line.
            nonlocal task
            if not bar.live.is_started:
                bar.start()
            if task is not None:
                bar.remove_task(task)
            task = bar.add_task(description, total=total, info="")

        def on_data(done: int, total: int) -> None:
            if task is None:
                show("decoding images", total)
            bar.update(task, completed=done)

        def on_event(event: str, info: dict) -> None:
            if event == "start":
                show("training", info["steps_per_epoch"] * (info["epochs"] - info["epoch"]))
                bar.console.print(
                    f"{info['images']} images ({info['skipped']} unreadable skipped), "
                    f"{info['world']} process(es) on {info['device']}, epochs {info['epoch'] + 1}..{info['epochs']}"
                )
            elif event == "step":
                bar.update(task, advance=1, info=(
                    f"epoch {info['epoch']} step {info['step']} D {info['loss_d']:.3f} "
                    f"G {info['loss_g']:.3f} {info['images_per_s']:.1f} img/s"))
            elif event == "epoch":
                bar.console.print(f"epoch {info['epoch']}/{info['epochs']} done in {info['seconds']:.0f}s, "
                                  f"checkpoint {info['checkpoint']}")

        # Under torchrun every process runs this command; rank 0 alone reports, as it alone writes.
        report = int(os.environ.get("RANK", "0")) == 0
        try:
            summary = train(preset, data, stage, out, sets, resume, upstream, device,
                            callback=on_event if report else None, data_progress=on_data if report else None)
        finally:
            if bar.live.is_started:
                bar.stop()
        if report:
            typer.echo(f"trained {summary['steps']} steps; run in {summary['run_dir']}", err=True)
