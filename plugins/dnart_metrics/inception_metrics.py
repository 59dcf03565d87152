"""FID and KID: two metrics on the same Inception pool features."""

from __future__ import annotations

import dataclasses

import numpy as np

from dnart.errors import DnartError
from dnart.metrics import Metric, Summary
from dnart.metrics.features import inception_features, network, weights_digest
from dnart.metrics.frechet import frechet_distance, statistics
from dnart.metrics.kid import kernel_inception_distance
from dnart.metrics.weights import find_weights

# Bump when the preprocessing (resize, scaling) changes, so older cached summaries are not reused.
PREPROCESSING = "tf1-bilinear-299/(x-128)/128/v1"


class _InceptionMetric(Metric):
    def _features(self, batches, device, progress) -> np.ndarray:
        net, _ = network(self.options.inception)
        return inception_features(batches, net, device, progress)

    def cache_key(self) -> str:
        path = find_weights(self.options.inception or None).resolve()
        return f"inception-sha256:{weights_digest(str(path))};{PREPROCESSING}"


@dataclasses.dataclass
class FIDOptions:
    # Not called "weights": presets' top-level "weights" (generator weights) fill same-named options.
    inception: str = ""  # Inception weights file; "" looks where docs/metrics.md says


class FID(_InceptionMetric):
    """Fréchet Inception distance (Heusel et al. 2017) on 2015-12-05 Inception features."""

    name = "fid"
    Options = FIDOptions
    keys = ("mu", "sigma")

    def summarize(self, batches, device="cpu", progress=None) -> Summary:
        return statistics(self._features(batches, device, progress))

    def compare(self, real: Summary, fake: Summary) -> float:
        try:
            return frechet_distance(real["mu"], real["sigma"], fake["mu"], fake["sigma"])
        except ValueError as exc:
            raise DnartError(f"fid: {exc}") from None

    def check(self, summary: Summary, source: str) -> None:
        super().check(summary, source)
        mu, sigma = summary["mu"], summary["sigma"]
        if mu.ndim != 1 or sigma.shape != (len(mu), len(mu)):
            raise DnartError(f"{source}: mu {mu.shape} and sigma {sigma.shape} are not a mean and its covariance")
        if not (np.isfinite(mu).all() and np.isfinite(sigma).all()):
            raise DnartError(f"{source}: mu or sigma holds NaN or infinite values")


@dataclasses.dataclass
class KIDOptions:
    # Not called "weights": presets' top-level "weights" (generator weights) fill same-named options.
    inception: str = ""  # Inception weights file; "" looks where docs/metrics.md says
    subsets: int = 100  # random subsets averaged over
    subset_size: int = 1000  # vectors per set in each subset (fewer if a set is smaller)
    seed: int = 0  # seeds the choice of subsets


class KID(_InceptionMetric):
    """Kernel Inception distance (Binkowski et al. 2018): unbiased cubic-kernel MMD^2."""

    name = "kid"
    Options = KIDOptions
    keys = ("features",)

    def __init__(self, options=None):
        super().__init__(options)
        if self.options.subsets < 1:
            raise DnartError(f"metric.subsets={self.options.subsets}: expected a positive number")
        if self.options.subset_size < 2:
            raise DnartError(f"metric.subset_size={self.options.subset_size}: expected at least 2")

    def summarize(self, batches, device="cpu", progress=None) -> Summary:
        return {"features": self._features(batches, device, progress)}

    def compare(self, real: Summary, fake: Summary) -> float:
        o = self.options
        try:
            return kernel_inception_distance(real["features"], fake["features"], o.subsets, o.subset_size, o.seed)
        except ValueError as exc:
            raise DnartError(f"kid: {exc}") from None

    def check(self, summary: Summary, source: str) -> None:
        super().check(summary, source)
        if summary["features"].ndim != 2:
            raise DnartError(f"{source}: features of shape {summary['features'].shape}, expected (N, D)")
