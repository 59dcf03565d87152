"""The Fréchet distance between Gaussians fitted to two feature sets (FID's formula).

For features with means mu1, mu2 and covariances S1, S2,

    d^2 = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2))     (Heusel et al. 2017)

pytorch-fid and clean-fid evaluate the last term with ``scipy.linalg.sqrtm``
(a complex Schur decomposition of a non-symmetric matrix). Here it comes from
one Cholesky factorisation and one symmetric eigenvalue problem: with
S1 = L L^T, the product S1 S2 = L (L^T S2 L) L^-1 is similar to the symmetric
positive semi-definite L^T S2 L, so its eigenvalues are real and
non-negative, and tr((S1 S2)^(1/2)) is the sum of their square roots. All in
float64.
"""

from __future__ import annotations

import numpy as np
import torch

ArrayLike = np.ndarray | torch.Tensor


def _f64(x: ArrayLike) -> torch.Tensor:
    return torch.as_tensor(x, dtype=torch.float64)


def _factor(sigma: torch.Tensor) -> torch.Tensor | None:
    """A Cholesky factor of ``sigma``, or None when it is not positive definite."""
    factor, info = torch.linalg.cholesky_ex(sigma)
    return factor if int(info) == 0 else None


def trace_sqrt_product(sigma1: ArrayLike, sigma2: ArrayLike) -> float:
    """tr((sigma1 sigma2)^(1/2)) for symmetric positive semi-definite matrices, in float64."""
    s1, s2 = _f64(sigma1), _f64(sigma2)
    factor = _factor(s1)
    if factor is None:
        # tr((S1 S2)^(1/2)) = tr((S2 S1)^(1/2)): factor whichever is positive definite.
        s1, s2 = s2, s1
        factor = _factor(s1)
    if factor is None:
        # Both singular (fewer samples than dimensions): S1 = F F^T with F = U D^(1/2)
        # from its eigendecomposition serves as the factor, at about twice the cost.
        values, vectors = torch.linalg.eigh(s1)
        factor = vectors * values.clamp(min=0).sqrt()
    inner = factor.mT @ s2 @ factor
    eigenvalues = torch.linalg.eigvalsh(inner)
    # Rounding can leave eigenvalues of a PSD matrix slightly below zero.
    return float(eigenvalues.clamp(min=0).sqrt().sum())


def frechet_distance(mu1: ArrayLike, sigma1: ArrayLike, mu2: ArrayLike, sigma2: ArrayLike) -> float:
    """Squared Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2), in float64.

    It is 0 for identical statistics and |mu1 - mu2|^2 when the covariances are
    equal. Rounding can make it very slightly negative for identical inputs.
    """
    m1, m2, s1, s2 = _f64(mu1), _f64(mu2), _f64(sigma1), _f64(sigma2)
    if m1.ndim != 1 or m1.shape != m2.shape or s1.shape != (m1.numel(),) * 2 or s1.shape != s2.shape:
        raise ValueError(f"statistics do not match: mu {tuple(m1.shape)} and {tuple(m2.shape)}, "
                         f"sigma {tuple(s1.shape)} and {tuple(s2.shape)}")
    diff = m1 - m2
    return float(diff @ diff + torch.trace(s1) + torch.trace(s2)) - 2 * trace_sqrt_product(s1, s2)


def statistics(features: ArrayLike) -> dict[str, np.ndarray]:
    """Mean and covariance (normalised by N - 1, as numpy.cov) of (N, D) features, in float64.

    Returned as pytorch-fid's statistics files hold them (``mu``, ``sigma``),
    with ``n``, the number of feature vectors.
    """
    x = _f64(features)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"need at least 2 feature vectors as an (N, D) array, got shape {tuple(x.shape)}")
    mu = x.mean(0)
    centred = x - mu
    sigma = centred.mT @ centred / (x.shape[0] - 1)
    return {"mu": mu.numpy(), "sigma": sigma.numpy(), "n": np.array(x.shape[0])}
