"""SWD: the metric that needs no weights."""

from __future__ import annotations

import dataclasses

from dnart.errors import DnartError
from dnart.metrics import Metric, Summary
from dnart.metrics.swd import descriptors, sliced_wasserstein


@dataclasses.dataclass
class SWDOptions:
    resolution: int = 64  # images are resized to this square size first (antialiased bilinear)
    patch_size: int = 7  # side of the square patches
    patches_per_image: int = 128  # patches drawn per image and pyramid level
    max_patches: int = 65536  # per level and set; beyond it a uniform random subset is kept
    directions: int = 128  # random projection directions per repeat
    repeats: int = 4  # repeats, each with new directions
    seed: int = 0  # seeds patch positions, subsets and directions


class SWD(Metric):
    """Sliced Wasserstein distance on Laplacian-pyramid patches (Karras et al. 2018); no weights."""

    name = "swd"
    Options = SWDOptions
    keys = ("level0",)

    def __init__(self, options=None):
        super().__init__(options)
        o = self.options
        for key in ("patches_per_image", "max_patches", "directions", "repeats"):
            if getattr(o, key) < 1:
                raise DnartError(f"metric.{key}={getattr(o, key)}: expected a positive number")
        if o.resolution < 16:
            raise DnartError(f"metric.resolution={o.resolution}: expected at least 16 (the pyramid's smallest level)")
        if not (1 <= o.patch_size <= 15 and o.patch_size % 2):
            raise DnartError(f"metric.patch_size={o.patch_size}: expected an odd number from 1 to 15")

    def summarize(self, batches, device="cpu", progress=None) -> Summary:
        o = self.options
        return descriptors(batches, o.resolution, o.patch_size, o.patches_per_image, o.max_patches, o.seed,
                           progress)

    def compare(self, real: Summary, fake: Summary) -> float:
        o = self.options
        try:
            levels = sliced_wasserstein(real, fake, o.directions, o.repeats, o.seed)
        except ValueError as exc:
            raise DnartError(f"swd: {exc}") from None
        return sum(levels) / len(levels)
