"""The two sides of a comparison, and their summaries.

A side is one of:

- an image folder (read recursively; its summary is cached, see
  :mod:`.summaries`);
- a summary file (``.npz``: dnart's, or pytorch-fid's ``mu``/``sigma``);
- a generator: a training run directory, a checkpoint or exported weights
  (anything :func:`dnart.model.load` reads), from which images are generated
  with z ~ N(0, I) drawn from a seeded generator: exactly the images of
  ``Pipeline.sample(images, seed, batch_size)``, made batch by batch.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Callable, Iterable, Iterator

import torch

from ..errors import DnartError
from ..training.dataset import list_images
from . import Metric, Progress, Summary, summaries
from .images import folder_batches

Task = Callable[[str, int], Progress]  # (description, total images) -> a progress callback


@dataclasses.dataclass(frozen=True)
class Side:
    """One side of a comparison: ``kind`` is ``folder``, ``summary`` or ``generator``."""

    spec: str
    kind: str


@dataclasses.dataclass(frozen=True)
class Sampling:
    """How images are generated from a generator side, and where the work runs."""

    images: int = 2048  # images generated per generator side
    seed: int = 0  # seeds the latent vectors
    batch_size: int = 32  # images per batch, generated or decoded
    device: str = "cpu"  # where networks run: cpu, cuda, mps


def side(spec: str | Path) -> Side:
    """Classify a command-line argument; a one-line error if it is none of the kinds."""
    path = Path(spec)
    if path.is_dir():
        if (path / "checkpoints" / "last.pt").is_file() or (path / "model.pt").is_file():
            return Side(str(spec), "generator")
        return Side(str(spec), "folder")
    if path.is_file():
        if path.suffix.lower() == ".npz":
            return Side(str(spec), "summary")
        if path.suffix.lower() in (".pt", ".pth", ".ckpt"):
            return Side(str(spec), "generator")
        raise DnartError(f"{spec}: expected an image folder, a statistics file (.npz), "
                         "a run directory or a checkpoint (.pt)")
    if ":" in str(spec):  # package:path, weights shipped inside a package
        return Side(str(spec), "generator")
    raise DnartError(f"{spec}: no such file or folder")


def generated_batches(pipeline, images: int, seed: int = 0, batch_size: int = 32) -> Iterator[torch.Tensor]:
    """The images of ``pipeline.sample(images, seed, batch_size)``, one uint8 batch at a time."""
    from ..model import to_uint8

    # The same draws, in the same order, as Pipeline.sample; yielding per batch
    # keeps memory flat and lets progress show.
    gen = torch.Generator().manual_seed(seed)
    for start in range(0, images, batch_size):
        z = torch.randn(min(batch_size, images - start), pipeline.latent_dim, generator=gen)
        yield to_uint8(pipeline.generate(z))


def run_metric(metric: Metric, batches: Iterable[torch.Tensor], source: str, device: str,
               progress: Progress | None) -> Summary:
    """``metric.summarize`` with its value errors (too few images, ...) as one-line errors naming ``source``."""
    try:
        return metric.summarize(batches, device=device, progress=progress)
    except ValueError as exc:
        raise DnartError(f"{source}: {exc}") from None


def summarize(
    metric: Metric,
    where: Side,
    sampling: Sampling = Sampling(),
    cache: bool = True,
    task: Task | None = None,
) -> Summary:
    """The summary of one side: loaded, taken from the cache, or computed (and cached)."""
    def progress(description: str, total: int) -> Progress | None:
        return task(description, total) if task is not None else None

    if where.kind == "summary":
        loaded = summaries.load(where.spec)
        metric.check(loaded, where.spec)
        return loaded
    if where.kind == "folder":
        files = list_images(where.spec)
        key = metric.cache_key() if cache else None
        path = summaries.cache_path(metric.name, summaries.folder_key(metric.name, key, files)) if key else None
        if path is not None and path.is_file():
            try:
                cached = summaries.load(path)
                metric.check(cached, str(path))
                return cached
            except DnartError:  # a damaged cache entry is recomputed and replaced
                pass
        result = run_metric(metric, folder_batches(where.spec, sampling.batch_size, files), where.spec,
                            sampling.device, progress(f"{metric.name}: {where.spec}", len(files)))
        if path is not None:
            summaries.save(result, path)
        return result
    from ..model import load

    pipeline = load(where.spec, device=sampling.device)
    batches = generated_batches(pipeline, sampling.images, sampling.seed, sampling.batch_size)
    return run_metric(metric, batches, where.spec, sampling.device,
                      progress(f"{metric.name}: {where.spec}", sampling.images))
