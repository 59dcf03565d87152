"""`dnart eval RUN_DIR`: a metric by epoch over a training run (the paper's Table 2)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from . import options
from .fid_cmd import BATCH, IMAGES, INCEPTION, NO_CACHE, SEED, metric_overrides, progress_tasks


def _epochs(text: str | None) -> list[int] | None:
    if not text:
        return None
    try:
        return [int(e) for e in text.split(",") if e.strip()]
    except ValueError:
        raise typer.BadParameter(f"expected comma-separated epoch numbers, got {text!r}") from None


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_command(
        run_dir: Path = typer.Argument(..., help="Training run directory (with checkpoints/epoch-XXXX.pt)."),
        real: str = typer.Option(..., "--real", "-r",
                                 help="Real images: a folder of photos (statistics cached) or a statistics .npz."),
        metric_name: str = typer.Option("fid", "--metric", "-m", help="fid, kid or swd (see `dnart plugins`)."),
        every: int = typer.Option(10, "--every", help="Evaluate every N-th epoch (epochs that are multiples of N)."),
        epochs: Optional[str] = typer.Option(None, "--epochs", help="Exactly these epochs instead, e.g. 120,140,170."),
        overrides: Optional[List[str]] = typer.Option(
            None, "--set", "-s", metavar="metric.KEY=VALUE", help="Change a metric option (repeatable)."),
        inception: Optional[Path] = INCEPTION,
        images: int = IMAGES,
        seed: int = SEED,
        batch_size: int = BATCH,
        device: str = options.DEVICE,
        out: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder for the tables (default: RUN_DIR/eval)."),
        no_cache: bool = NO_CACHE,
    ) -> None:
        """Measure a run epoch by epoch: Markdown and CSV tables and a PNG plot; resumes where it stopped."""
        from ..metrics import create, evaluation, sources
        from ..model import device_for

        metric = create(metric_name, metric_overrides(overrides, inception))
        real_side = sources.side(real)
        if real_side.kind == "generator":
            raise typer.BadParameter("expected a folder of photos or a statistics .npz", param_hint="--real")
        chosen = evaluation.select_epochs(list(evaluation.snapshots(run_dir)), every, _epochs(epochs))
        sampling = sources.Sampling(images, seed, batch_size, str(device_for(device)))
        outputs = evaluation.Outputs(out or run_dir / "eval", metric.name)
        with progress_tasks() as task:
            rows = evaluation.evaluate_run(metric, run_dir, real_side, chosen, sampling, outputs,
                                           cache=not no_cache, task=task)
        typer.echo(evaluation.markdown(rows, metric.name), nl=False)
        for suffix in ("csv", "md", "png"):
            typer.echo(f"wrote {outputs.path(suffix)}", err=True)
