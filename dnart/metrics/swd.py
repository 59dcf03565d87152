"""Sliced Wasserstein distance over Laplacian-pyramid patches (Karras et al. 2018, appendix D).

No network and no weights. Each image (resized to ``resolution`` square) is
split into a Laplacian pyramid down to 16x16 (5x5 binomial filter, mirrored
borders: OpenCV's ``pyrDown``/``pyrUp``). From every level, 128 random 7x7x3
patches per image are the descriptors; each set's descriptors are normalised
per colour channel by that set's own mean and standard deviation. Per level,
the distance is the 1-D Wasserstein-1 distance between the two sets'
projections onto random unit directions (4 repeats of 128 directions),
averaged, times 1000. The result is the mean over levels.

As in Karras et al.'s code, except: a set may hold more descriptors than
``max_patches`` per level, in which case a uniform random subset of that many
is kept (memory stays bounded however many images there are), and the two
sets may differ in size (the 1-D distance is then computed exactly between
the two empirical quantile functions). Everything is seeded: the same images
and options give the same value.
"""

from __future__ import annotations

from typing import Callable, Iterable

import numpy as np
import torch
import torch.nn.functional as F

from .images import resize_area

_BINOMIAL = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0])
_GAUSS = (_BINOMIAL[:, None] * _BINOMIAL[None, :]) / 256


def _blur(x: torch.Tensor, gain: float = 1.0) -> torch.Tensor:
    kernel = (_GAUSS * gain).to(x).expand(x.shape[1], 1, 5, 5)
    # 'reflect' mirrors without repeating the edge pixel, as OpenCV's BORDER_REFLECT_101.
    return F.conv2d(F.pad(x, (2, 2, 2, 2), mode="reflect"), kernel, groups=x.shape[1])


def laplacian_pyramid(images: torch.Tensor, levels: int) -> list[torch.Tensor]:
    """Float (N, C, S, S) -> ``levels`` band-pass images, finest first; the last is the low-pass rest."""
    pyramid = [images]
    for _ in range(1, levels):
        down = _blur(pyramid[-1])[:, :, ::2, ::2]
        up = torch.zeros_like(pyramid[-1])
        up[:, :, ::2, ::2] = down
        pyramid[-1] = pyramid[-1] - _blur(up, gain=4.0)
        pyramid.append(down)
    return pyramid


def pyramid_levels(resolution: int, smallest: int = 16) -> int:
    """Levels from ``resolution`` down to the last one of at least ``smallest`` pixels."""
    levels = 0
    while resolution >= smallest:
        levels += 1
        resolution //= 2
    return levels


def random_patches(level: torch.Tensor, per_image: int, size: int, gen: torch.Generator) -> torch.Tensor:
    """``per_image`` random ``size`` x ``size`` patches lying wholly inside each square image.

    Returns (N * per_image, C, size, size). Centres are drawn image after image
    from ``gen``, so splitting a set into other batches draws the same ones.
    """
    n, c, h, w = level.shape
    half = size // 2
    count = n * per_image
    cy, cx = torch.randint(half, h - half, (count, 2), generator=gen).unbind(1)
    offsets = torch.arange(-half, half + 1)
    image = torch.arange(n).repeat_interleave(per_image)
    return level[image[:, None, None, None], torch.arange(c)[None, :, None, None],
                 (cy[:, None] + offsets)[:, None, :, None], (cx[:, None] + offsets)[:, None, None, :]]


def _generator(*key: int) -> torch.Generator:
    """A generator seeded from a tuple of integers (numpy's SeedSequence mixes them)."""
    return torch.Generator().manual_seed(int(np.random.SeedSequence(list(key)).generate_state(1)[0]))


class _Sample:
    """A uniform random subset of at most ``cap`` rows of a stream: the rows with the smallest random keys."""

    def __init__(self, cap: int, gen: torch.Generator):
        self.cap, self.gen = cap, gen  # gen draws only keys, so batching does not change them
        self.keys: list[torch.Tensor] = []
        self.rows: list[torch.Tensor] = []
        self.size = 0

    def add(self, rows: torch.Tensor) -> None:
        self.keys.append(torch.rand(len(rows), generator=self.gen))
        self.rows.append(rows)
        self.size += len(rows)
        if self.size > 2 * self.cap:  # compact rarely, so each row is copied about twice
            self._compact()

    def _compact(self) -> None:
        keys, rows = torch.cat(self.keys), torch.cat(self.rows)
        keep = torch.topk(keys, self.cap, largest=False).indices if len(keys) > self.cap else slice(None)
        self.keys, self.rows = [keys[keep]], [rows[keep]]
        self.size = len(self.rows[0])

    def result(self) -> torch.Tensor:
        self._compact()
        return self.rows[0]


def descriptors(
    batches: Iterable[torch.Tensor],
    resolution: int = 64,
    patch_size: int = 7,
    per_image: int = 128,
    max_patches: int = 65536,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Normalised patch descriptors of uint8 batches, one (P, 3 * patch_size^2) array per pyramid level."""
    levels = pyramid_levels(resolution)
    if levels == 0 or resolution < patch_size:
        raise ValueError(f"resolution {resolution}: SWD needs images of at least 16 pixels")
    # One stream per level and purpose, each consumed image by image: the same
    # images give the same descriptors however they are batched.
    positions = [_generator(seed, level, 0) for level in range(levels)]
    samples = [_Sample(max_patches, _generator(seed, level, 1)) for level in range(levels)]
    for batch in batches:
        images = resize_area(batch.float(), resolution)
        for level, gen, sample in zip(laplacian_pyramid(images, levels), positions, samples):
            sample.add(random_patches(level, per_image, patch_size, gen))
        if progress is not None:
            progress(len(batch))
    out = {}
    for index, sample in enumerate(samples):
        if sample.size == 0:
            raise ValueError("SWD needs at least one image per set")
        desc = sample.result()
        desc = (desc - desc.mean(dim=(0, 2, 3), keepdim=True)) / desc.std(dim=(0, 2, 3), keepdim=True,
                                                                          correction=0)
        out[f"level{index}"] = desc.reshape(len(desc), -1).numpy()
    return out


def wasserstein1(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Exact 1-D Wasserstein-1 distance per column between (n, D) and (m, D) empirical samples.

    The integral over t in (0, 1] of |F_a^-1(t) - F_b^-1(t)|, piecewise constant
    between the breakpoints i / n and j / m (kept as integers over n * m, so
    exact); for n == m it is the mean absolute difference of the sorted samples.
    """
    n, m = len(a), len(b)
    a, b = torch.sort(a, dim=0).values, torch.sort(b, dim=0).values
    breaks = torch.unique(torch.cat([torch.arange(1, n + 1) * m, torch.arange(1, m + 1) * n]))
    widths = torch.diff(breaks, prepend=torch.zeros(1, dtype=breaks.dtype)).to(a.dtype) / (n * m)
    ia = (breaks + m - 1) // m - 1  # the sample index that F_a^-1 takes on each piece
    ib = (breaks + n - 1) // n - 1
    return ((a[ia] - b[ib]).abs() * widths[:, None]).sum(0)


def sliced_wasserstein(
    real: dict[str, np.ndarray],
    fake: dict[str, np.ndarray],
    directions: int = 128,
    repeats: int = 4,
    seed: int = 0,
) -> list[float]:
    """Per-level SWD (times 1000) between two descriptor sets from :func:`descriptors`."""
    if sorted(real) != sorted(fake):
        raise ValueError(f"descriptor levels differ: {sorted(real)} and {sorted(fake)}")
    gen = torch.Generator().manual_seed(seed)
    result = []
    for key in sorted(real, key=lambda k: int(k[len("level"):])):
        a, b = torch.from_numpy(real[key]), torch.from_numpy(fake[key])
        if a.shape[1] != b.shape[1]:
            raise ValueError(f"{key}: descriptors of {a.shape[1]} and {b.shape[1]} values")
        total = 0.0
        for _ in range(repeats):
            dirs = torch.randn(a.shape[1], directions, generator=gen)
            dirs /= dirs.norm(dim=0, keepdim=True)
            total += float(wasserstein1(a @ dirs, b @ dirs).mean())
        result.append(total / repeats * 1e3)
    return result
