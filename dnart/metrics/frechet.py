"""The Fréchet distance between Gaussians fitted to two feature sets (FID's formula).

For features with means mu1, mu2 and covariances S1, S2,

    d^2 = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2))     (Heusel et al. 2017)

pytorch-fid and clean-fid evaluate the last term with ``scipy.linalg.sqrtm``
(a complex Schur decomposition of a non-symmetric matrix). Here it comes from
one Cholesky factorisation and one symmetric eigenvalue problem: with
S1 = L L^T, the product S1 S2 = L (L^T S2 L) L^-1 is similar to the symmetric
positive semi-definite L^T S2 L, so its eigenvalues are real and
non-negative, and tr((S1 S2)^(1/2)) is the sum of their square roots. LAPACK
does each step in its cheapest form: ``potrf`` (Cholesky), ``sygst`` (forms
L^T S2 L in n^3 flops, using the symmetry) and ``syevd`` without
eigenvectors. All in float64.
"""

from __future__ import annotations

import numpy as np
import torch
from scipy.linalg import lapack

ArrayLike = np.ndarray | torch.Tensor


def _f64(x: ArrayLike) -> np.ndarray:
    return (x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)).astype(np.float64)


def _cholesky(sigma: np.ndarray) -> np.ndarray | None:
    """The lower Cholesky factor (Fortran order), or None when ``sigma`` is not positive definite."""
    # A symmetric C-ordered matrix is its own transpose: .T hands LAPACK Fortran order without a copy.
    factor, info = lapack.dpotrf(sigma.T, lower=1, clean=1)
    return factor if info == 0 else None


def trace_sqrt_product(sigma1: ArrayLike, sigma2: ArrayLike) -> float:
    """tr((sigma1 sigma2)^(1/2)) for symmetric positive semi-definite matrices, in float64."""
    s1, s2 = _f64(sigma1), _f64(sigma2)
    factor = _cholesky(s1)
    if factor is None:
        # tr((S1 S2)^(1/2)) = tr((S2 S1)^(1/2)): factor whichever is positive definite.
        s1, s2 = s2, s1
        factor = _cholesky(s1)
    if factor is None:
        # Both singular (fewer samples than dimensions): S1 = F F^T with F = U D^(1/2) from
        # its eigendecomposition serves as the factor, at a few times the cost.
        values, vectors = np.linalg.eigh(s1)
        f = vectors * np.sqrt(np.clip(values, 0, None))
        inner = f.T @ s2 @ f
    else:
        inner, info = lapack.dsygst(s2.T, factor, itype=2, lower=1)  # L^T S2 L, lower triangle
        if info != 0:
            raise ValueError(f"LAPACK sygst failed (info {info})")
    eigenvalues, _, info = lapack.dsyevd(inner, compute_v=0, lower=1)
    if info != 0:
        raise ValueError(f"the eigenvalue solver did not converge (info {info})")
    # Rounding can leave eigenvalues of a PSD matrix slightly below zero.
    return float(np.sqrt(np.clip(eigenvalues, 0, None)).sum())


def frechet_distance(mu1: ArrayLike, sigma1: ArrayLike, mu2: ArrayLike, sigma2: ArrayLike) -> float:
    """Squared Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2), in float64.

    It is 0 for identical statistics and |mu1 - mu2|^2 when the covariances are
    equal. Rounding can make it very slightly negative for identical inputs.
    """
    m1, m2, s1, s2 = _f64(mu1), _f64(mu2), _f64(sigma1), _f64(sigma2)
    if m1.ndim != 1 or m1.shape != m2.shape or s1.shape != (m1.size,) * 2 or s1.shape != s2.shape:
        raise ValueError(f"statistics do not match: mu {m1.shape} and {m2.shape}, sigma {s1.shape} and {s2.shape}")
    diff = m1 - m2
    return float(diff @ diff + np.trace(s1) + np.trace(s2)) - 2 * trace_sqrt_product(s1, s2)


def statistics(features: ArrayLike) -> dict[str, np.ndarray]:
    """Mean and covariance (normalised by N - 1, as numpy.cov) of (N, D) features, in float64.

    Returned as pytorch-fid's statistics files hold them (``mu``, ``sigma``),
    with ``n``, the number of feature vectors.
    """
    x = _f64(features)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"need at least 2 feature vectors as an (N, D) array, got shape {x.shape}")
    mu = x.mean(0)
    centred = x - mu
    sigma = centred.T @ centred / (x.shape[0] - 1)
    return {"mu": mu, "sigma": sigma, "n": np.array(x.shape[0])}
