"""`dnart fid A B`: FID (or another metric) between two image sets."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from . import options

SIDE_HELP = "An image folder, a statistics file (.npz), a training run directory or a checkpoint."


def metric_overrides(overrides: list[str] | None, inception: Path | None) -> list[str]:
    """``--set`` values plus the ``--inception`` shorthand for ``metric.inception``."""
    sets = list(overrides or [])
    if inception is not None:
        sets.append(f"metric.inception={inception}")
    return sets


@contextlib.contextmanager
def progress_tasks() -> Iterator:
    """A progress bar on stderr and a factory of per-task callbacks for the metrics API."""
    from .progress import progress_bar

    with progress_bar() as bar:
        def task(description: str, total: int):
            task_id = bar.add_task(description, total=total)
            return lambda n: bar.advance(task_id, n)

        yield task


IMAGES = typer.Option(2048, "--images", "-n", min=2, help="Images generated from a run or checkpoint side.")
SEED = typer.Option(0, "--seed", help="Seed of the generated images' latent vectors.")
BATCH = typer.Option(32, "--batch-size", min=1, help="Images per batch, decoded or generated.")
INCEPTION = typer.Option(
    None, "--inception", help="Inception weights file for FID/KID (shorthand for --set metric.inception=PATH).")
NO_CACHE = typer.Option(False, "--no-cache", help="Recompute an image folder's statistics instead of reusing them.")


def register(app: typer.Typer) -> None:
    @app.command("fid")
    def fid_command(
        a: str = typer.Argument(..., help=SIDE_HELP),
        b: Optional[str] = typer.Argument(None, help=SIDE_HELP + " May be left out with --save-stats."),
        metric_name: str = typer.Option("fid", "--metric", "-m", help="fid, kid or swd (see `dnart plugins`)."),
        overrides: Optional[List[str]] = typer.Option(
            None, "--set", "-s", metavar="metric.KEY=VALUE", help="Change a metric option (repeatable)."),
        inception: Optional[Path] = INCEPTION,
        images: int = IMAGES,
        seed: int = SEED,
        batch_size: int = BATCH,
        device: str = options.DEVICE,
        save_stats: Optional[Path] = typer.Option(
            None, "--save-stats", help="Write A's statistics to this .npz (reusable as a side)."),
        no_cache: bool = NO_CACHE,
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    ) -> None:
        """Compare two image sets with FID (or --metric kid/swd); real folders' statistics are cached."""
        from ..metrics import create, sources, summaries
        from ..model import device_for

        if b is None and save_stats is None:
            raise typer.BadParameter("give two sides to compare, or one with --save-stats", param_hint="B")
        metric = create(metric_name, metric_overrides(overrides, inception))
        sampling = sources.Sampling(images, seed, batch_size, str(device_for(device)))
        sides = [sources.side(s) for s in (a, b) if s is not None]  # classify both before any work
        with progress_tasks() as task:
            first = sources.summarize(metric, sides[0], sampling, cache=not no_cache, task=task)
            if save_stats is not None:
                summaries.save(first, save_stats)
                typer.echo(f"{save_stats}: {metric.name} statistics of {a}", err=True)
            if b is None:
                return
            second = sources.summarize(metric, sides[1], sampling, cache=not no_cache, task=task)
        value = metric.compare(first, second)
        if as_json:
            typer.echo(json.dumps({"metric": metric.name, "value": value, "a": a, "b": b}))
        else:
            typer.echo(f"{metric.name}: {value:.6f}")
