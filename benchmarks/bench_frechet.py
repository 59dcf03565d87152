"""The Fréchet distance at 2048-d: dnart's Cholesky + eigenvalue form vs pytorch-fid's sqrtm formula.

    pip install scipy   # the baseline only (scikit-image already brings it)
    python benchmarks/bench_frechet.py [--stats A.npz B.npz] [--repeats 3]

Both run in this process on the same statistics, alternating, and each
reports its best wall-clock and process-CPU time. The statistics are two
saved ``.npz`` files (``dnart fid FOLDER --save-stats A.npz``, or
pytorch-fid's) or, by default, two synthetic 2048-d feature sets of 4,096
vectors each, shaped like Inception pool features (non-negative, a decaying
spectrum), so that both covariances are full rank as with real photos.
The baseline is pytorch-fid 0.3.0's ``calculate_frechet_distance``, written
out below (its sqrtm, its eps fallback, its imaginary-part check).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.linalg

from dnart.metrics.frechet import frechet_distance, statistics


def pytorch_fid_formula(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """pytorch-fid's calculate_frechet_distance (fid_score.py, 0.3.0), line for line."""
    diff = mu1 - mu2
    covmean, _ = scipy.linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = scipy.linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError(f"imaginary component {np.max(np.abs(covmean.imag))}")
        covmean = covmean.real
    return diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean)


def synthetic_statistics(seed: int, shift: float, n: int = 4096, d: int = 2048) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    mixing = rng.standard_normal((d, d)) * (np.arange(1, d + 1) ** -0.75)[:, None]
    features = np.abs(rng.standard_normal((n, d)) @ mixing + shift)
    return statistics(features.astype(np.float32))


def timed(fn, *args) -> tuple[float, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn(*args)
    return float(value), time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stats", nargs=2, metavar="NPZ", help="two statistics files (mu, sigma)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.stats:
        a, b = (np.load(p) for p in args.stats)
        source = " vs ".join(args.stats)
    else:
        a, b = synthetic_statistics(0, 0.0), synthetic_statistics(1, 0.3)
        source = "synthetic 2048-d, 4096 vectors each"
    inputs = (a["mu"], a["sigma"], b["mu"], b["sigma"])
    print(f"statistics: {source}; dimension {len(a['mu'])}")
    runs = {"dnart frechet_distance": [], "pytorch-fid sqrtm formula": []}
    for _ in range(args.repeats):
        runs["dnart frechet_distance"].append(timed(frechet_distance, *inputs))
        runs["pytorch-fid sqrtm formula"].append(timed(pytorch_fid_formula, *inputs))
    print("| implementation | FID | best wall s | best CPU s |\n|---|---|---|---|")
    for name, results in runs.items():
        print(f"| {name} | {results[0][0]:.10f} | {min(r[1] for r in results):.3f} | {min(r[2] for r in results):.3f} |")
    ours, ref = runs["dnart frechet_distance"][0][0], runs["pytorch-fid sqrtm formula"][0][0]
    speed = min(r[1] for r in runs["pytorch-fid sqrtm formula"]) / min(r[1] for r in runs["dnart frechet_distance"])
    print(f"relative difference {abs(ours - ref) / abs(ref):.2e}; dnart {speed:.1f}x faster (best wall)")


if __name__ == "__main__":
    main()
