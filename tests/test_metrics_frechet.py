"""The Fréchet distance and feature statistics against closed forms (no weights needed)."""

from __future__ import annotations

import numpy as np
import pytest

from dnart.metrics.frechet import frechet_distance, statistics, trace_sqrt_product


def random_cov(d: int, rng: np.random.Generator, rank: int | None = None) -> np.ndarray:
    a = rng.standard_normal((d, rank or d + 4))
    return a @ a.T / a.shape[1]


def test_equal_covariances_give_the_squared_mean_distance():
    rng = np.random.default_rng(0)
    sigma = random_cov(32, rng)
    mu1, mu2 = rng.standard_normal(32), rng.standard_normal(32)
    assert frechet_distance(mu1, sigma, mu2, sigma) == pytest.approx(np.sum((mu1 - mu2) ** 2), rel=1e-9)


def test_identical_statistics_give_zero():
    rng = np.random.default_rng(1)
    mu, sigma = rng.standard_normal(64), random_cov(64, rng)
    assert abs(frechet_distance(mu, sigma, mu, sigma)) < 1e-9 * np.trace(sigma)


def test_diagonal_covariances_closed_form():
    # Commuting covariances: tr((S1 S2)^1/2) = sum sqrt(a_i b_i), so d^2 = |dmu|^2 + sum (sqrt a_i - sqrt b_i)^2.
    rng = np.random.default_rng(2)
    a, b = rng.uniform(0.1, 4, 16), rng.uniform(0.1, 4, 16)
    mu1, mu2 = rng.standard_normal(16), rng.standard_normal(16)
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(a) - np.sqrt(b)) ** 2)
    assert frechet_distance(mu1, np.diag(a), mu2, np.diag(b)) == pytest.approx(expected, rel=1e-12)


def test_one_dimension_is_the_wasserstein_distance_of_gaussians():
    assert frechet_distance([1.0], [[4.0]], [3.0], [[9.0]]) == pytest.approx(2**2 + (2 - 3) ** 2)


@pytest.mark.parametrize("rank1, rank2", [(None, 5), (5, None), (5, 7)])
def test_singular_covariances(rank1, rank2):
    # Fewer samples than dimensions: one or both covariances singular. Rotating diagonal
    # matrices with zeros by the same orthogonal Q keeps the closed form above.
    rng = np.random.default_rng(3)
    d = 12
    a = np.where(np.arange(d) < (rank1 or d), rng.uniform(0.5, 2, d), 0.0)
    b = np.where(np.arange(d) < (rank2 or d), rng.uniform(0.5, 2, d), 0.0)
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    s1, s2 = q @ np.diag(a) @ q.T, q @ np.diag(b) @ q.T
    expected = np.sum(np.sqrt(a * b))
    assert trace_sqrt_product(s1, s2) == pytest.approx(expected, rel=1e-6)


def test_matches_the_sqrtm_formula():
    # pytorch-fid's formula (scipy's sqrtm), written out here as the reference.
    linalg = pytest.importorskip("scipy.linalg")
    rng = np.random.default_rng(4)
    x = rng.standard_normal((400, 48)) @ rng.standard_normal((48, 48))
    y = rng.standard_normal((400, 48)) @ rng.standard_normal((48, 48)) + 0.3
    a, b = statistics(x), statistics(y)
    covmean = linalg.sqrtm(a["sigma"] @ b["sigma"]).real
    diff = a["mu"] - b["mu"]
    reference = diff @ diff + np.trace(a["sigma"]) + np.trace(b["sigma"]) - 2 * np.trace(covmean)
    assert frechet_distance(a["mu"], a["sigma"], b["mu"], b["sigma"]) == pytest.approx(reference, rel=1e-10)


def test_statistics_match_numpy_in_float64():
    rng = np.random.default_rng(5)
    features = rng.standard_normal((50, 6)).astype(np.float32)
    stats = statistics(features)
    assert stats["mu"].dtype == stats["sigma"].dtype == np.float64 and int(stats["n"]) == 50
    np.testing.assert_allclose(stats["mu"], features.astype(np.float64).mean(0), rtol=1e-12)
    np.testing.assert_allclose(stats["sigma"], np.cov(features.astype(np.float64), rowvar=False), rtol=1e-10)


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="at least 2 feature vectors"):
        statistics(np.zeros((1, 4)))
    with pytest.raises(ValueError, match="statistics do not match"):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(4), np.eye(4))
