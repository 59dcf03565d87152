"""Image-set metrics: the base class of metric plugins and the machinery they share.

A metric compares a set of generated images with a set of real ones in two
steps: :meth:`Metric.summarize` reduces one set to a *summary* (a dict of
numpy arrays: FID's mean and covariance, KID's features, SWD's patch
descriptors), and :meth:`Metric.compare` turns two summaries into a number.
The split lets dnart summarise a folder of real photos once, cache it on
disk, and compare it with many generated sets (one per epoch). Images arrive
as uint8 tensors (N, 3, H, W) in batches; conventions are in docs/metrics.md.

The math lives in plain functions (:mod:`.frechet`, :mod:`.kid`, :mod:`.swd`),
the FID network in :mod:`.inception` and :mod:`.weights`.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Iterable

import numpy as np
import torch

from ..errors import DnartError

Summary = dict[str, np.ndarray]
Progress = Callable[[int], None]  # called with the number of images just processed


class Metric:
    """Base class for metric plugins (registered with ``dnart_register_metrics``).

    Subclasses set ``name``, ``Options`` (a dataclass), a docstring whose first
    line describes the metric, ``keys`` (the arrays a summary must hold), and
    implement :meth:`summarize` and :meth:`compare`. Lower values mean closer
    sets for every built-in metric.
    """

    name: ClassVar[str]
    Options: ClassVar[type]
    keys: ClassVar[tuple[str, ...]] = ()

    def __init__(self, options: Any = None):
        self.options = options if options is not None else self.Options()

    def summarize(self, batches: Iterable[torch.Tensor], device: str | torch.device = "cpu",
                  progress: Progress | None = None) -> Summary:
        """Reduce uint8 image batches (N, 3, H, W) to a summary."""
        raise NotImplementedError

    def compare(self, real: Summary, fake: Summary) -> float:
        """The metric's value between two summaries made by :meth:`summarize` (or loaded)."""
        raise NotImplementedError

    def cache_key(self) -> str | None:
        """What, besides the images, a summary depends on (weights, options), as a string.

        dnart caches summaries of real image folders under this key; None (the
        default) means summaries are never cached.
        """
        return None

    def check(self, summary: Summary, source: str) -> None:
        """Refuse, with a one-line error naming ``source``, a loaded summary this metric cannot use."""
        missing = [k for k in self.keys if k not in summary]
        if missing:
            raise DnartError(f"{source}: holds no {', '.join(missing)} for {self.name} "
                             f"(it has {', '.join(sorted(summary)) or 'nothing'})")

    def compute(self, real: Iterable[torch.Tensor], fake: Iterable[torch.Tensor],
                device: str | torch.device = "cpu") -> float:
        """The metric between two sets of uint8 image batches."""
        return self.compare(self.summarize(real, device), self.summarize(fake, device))


def create(name: str, overrides: Iterable[str] = ()) -> Metric:
    """A registered metric with its default options changed by ``metric.key=value`` overrides."""
    from ..config import resolve

    return resolve({"preset": f"metric {name}", "metric": {"name": name}}, list(overrides))["metric"].build()


__all__ = ["Metric", "Progress", "Summary", "create"]
