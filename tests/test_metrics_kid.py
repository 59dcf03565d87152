"""KID: the unbiased MMD^2 estimator against brute force and closed forms."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from dnart.metrics.kid import kernel_inception_distance, mmd2_unbiased


def brute_force(x: np.ndarray, y: np.ndarray) -> float:
    d = x.shape[1]

    def k(a, b):
        return (a @ b / d + 1) ** 3

    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i, j in itertools.permutations(range(m), 2)) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i, j in itertools.permutations(range(n), 2)) / (n * (n - 1))
    xy = sum(k(a, b) for a in x for b in y) / (m * n)
    return xx + yy - 2 * xy


def test_mmd_equals_the_definition():
    rng = np.random.default_rng(0)
    x, y = rng.random((9, 5)), rng.random((7, 5)) + 0.2
    assert mmd2_unbiased(x, y) == pytest.approx(brute_force(x, y), rel=1e-12)


def test_constant_sets_closed_form():
    a, b = np.full((4, 3), 0.5), np.full((6, 3), 2.0)

    def k(u, v):  # vectors of equal coordinates u and v: x.y / d = u v
        return (u * v + 1) ** 3

    assert mmd2_unbiased(a, b) == pytest.approx(k(0.5, 0.5) + k(2, 2) - 2 * k(0.5, 2), rel=1e-12)


def test_whole_set_subsets_reduce_to_one_mmd():
    # Subsets as large as both (equal-sized) sets are permutations of them: every one gives the same value.
    rng = np.random.default_rng(1)
    x, y = rng.random((12, 4)), rng.random((12, 4))
    assert kernel_inception_distance(x, y, subsets=5, subset_size=100) == pytest.approx(mmd2_unbiased(x, y), rel=1e-12)


def test_subsets_read_the_same_values_as_direct_computation():
    rng = np.random.default_rng(2)
    x, y = rng.random((30, 6)), rng.random((25, 6)) * 1.1
    picks = np.random.default_rng(7)
    expected = np.mean([mmd2_unbiased(x[picks.choice(30, 10, replace=False)], y[picks.choice(25, 10, replace=False)])
                        for _ in range(4)])
    assert kernel_inception_distance(x, y, subsets=4, subset_size=10, seed=7) == pytest.approx(expected, rel=1e-12)


def test_separated_sets_score_higher_and_seeds_are_deterministic():
    rng = np.random.default_rng(3)
    real = rng.random((60, 8))
    near, far = rng.random((60, 8)), rng.random((60, 8)) + 1
    kid = kernel_inception_distance
    assert kid(real, far, 10, 20) > kid(real, near, 10, 20)
    assert kid(real, near, 10, 20, seed=1) == kid(real, near, 10, 20, seed=1)
    assert kid(real, near, 10, 20, seed=1) != kid(real, near, 10, 20, seed=2)


def test_too_few_vectors_are_refused():
    with pytest.raises(ValueError, match=">= 2 vectors"):
        mmd2_unbiased(np.zeros((1, 3)), np.zeros((4, 3)))
