"""Kernel Inception distance: the unbiased MMD^2 with a cubic polynomial kernel.

Binkowski et al. 2018 ("Demystifying MMD GANs"): with k(x, y) = (x.y / d + 1)^3
on d-dimensional features, and sets X (m vectors) and Y (n vectors),

    MMD^2_u = sum_{i != j} k(x_i, x_j) / (m (m - 1)) + sum_{i != j} k(y_i, y_j) / (n (n - 1))
              - 2 sum_{i, j} k(x_i, y_j) / (m n)

an unbiased estimate of the squared MMD (it can be slightly negative). KID
averages it over random subsets of equal size drawn without replacement,
as the authors, clean-fid and StyleGAN2-ADA do (100 subsets of 1000).
"""

from __future__ import annotations

import numpy as np
import torch


def polynomial_kernel(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """k(x, y) = (x.y / d + 1)^3 for every pair of rows, in the inputs' precision."""
    return (x @ y.mT / x.shape[1] + 1) ** 3


def _mmd2(kxx: torch.Tensor, kyy: torch.Tensor, kxy: torch.Tensor) -> float:
    """The unbiased estimate from the three kernel matrices of two sets."""
    m, n = kxx.shape[0], kyy.shape[0]
    within_x = (kxx.sum() - kxx.diagonal().sum()) / (m * (m - 1))
    within_y = (kyy.sum() - kyy.diagonal().sum()) / (n * (n - 1))
    return float(within_x + within_y - 2 * kxy.mean())


def _as_sets(x, y) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.as_tensor(x, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    if x.ndim != 2 or y.ndim != 2 or len(x) < 2 or len(y) < 2 or x.shape[1] != y.shape[1]:
        raise ValueError(f"need >= 2 vectors of one dimension per set, got {tuple(x.shape)} and {tuple(y.shape)}")
    return x, y


def mmd2_unbiased(x: np.ndarray | torch.Tensor, y: np.ndarray | torch.Tensor) -> float:
    """The unbiased MMD^2 estimate between (m, d) and (n, d) features (m, n >= 2), in float64."""
    x, y = _as_sets(x, y)
    return _mmd2(polynomial_kernel(x, x), polynomial_kernel(y, y), polynomial_kernel(x, y))


def kernel_inception_distance(
    real: np.ndarray | torch.Tensor,
    fake: np.ndarray | torch.Tensor,
    subsets: int = 100,
    subset_size: int = 1000,
    seed: int = 0,
) -> float:
    """KID: the mean of :func:`mmd2_unbiased` over ``subsets`` random subsets of both sets.

    Each subset holds ``min(subset_size, len(real), len(fake))`` vectors of
    each set, drawn without replacement with a generator seeded by ``seed``.
    The kernel matrices of the whole sets are computed once (float64) and each
    subset reads its entries from them, which costs far less than 100 sets of
    subset products.
    """
    x, y = _as_sets(real, fake)
    kxx, kyy, kxy = polynomial_kernel(x, x), polynomial_kernel(y, y), polynomial_kernel(x, y)
    size = min(subset_size, len(x), len(y))
    if size < 2:
        raise ValueError(f"subset size {size}: KID needs subsets of at least 2 vectors")
    rng = np.random.default_rng(seed)
    total = 0.0
    for _ in range(subsets):
        i = torch.from_numpy(rng.choice(len(x), size, replace=False))
        j = torch.from_numpy(rng.choice(len(y), size, replace=False))
        total += _mmd2(kxx[i[:, None], i], kyy[j[:, None], j], kxy[i[:, None], j])
    return total / subsets
