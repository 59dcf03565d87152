"""Stage-II's torch Lanczos resize against Pillow's LANCZOS, the reference the paper's pipeline used."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from dnart_stackgan.lanczos import lanczos_resize

PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "data" / "landscapes" / "train"
SIZES = [(64, 56), (64, 32), (56, 64), (224, 56), (37, 53)]


def synthetic_images(n: int, size: int) -> list[Image.Image]:
    """Smooth gradients with sharp edges and noise: both the easy and the ringing-prone cases."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:size, 0:size] / size
    images = []
    for _ in range(n):
        a, b, c = rng.uniform(0, 1, 3)
        base = np.stack([np.sin(6 * a * xx + 3 * b * yy), np.cos(5 * b * yy), (xx > c) * 1.0], -1)
        pixels = (base - base.min()) / (np.ptp(base) + 1e-9) * 200 + rng.normal(0, 20, base.shape)
        images.append(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)))
    return images


def photos(n: int, size: int) -> list[Image.Image]:
    files = sorted(PHOTOS.glob("*.jpg"))[:n]
    return [Image.open(f).convert("RGB").resize((size, size), Image.Resampling.LANCZOS) for f in files]


def as_batch(images: list[Image.Image]) -> torch.Tensor:
    return torch.from_numpy(np.stack([np.asarray(i) for i in images])).permute(0, 3, 1, 2).float() / 255


def mean_abs_diff_to_pillow(images: list[Image.Image], size: int) -> float:
    ours = lanczos_resize(as_batch(images), size).clamp(0, 1)
    theirs = as_batch([i.resize((size, size), Image.Resampling.LANCZOS) for i in images])
    assert ours.shape == theirs.shape == (len(images), 3, size, size)
    return float((ours - theirs).abs().mean())


@pytest.mark.parametrize("src, dst", SIZES)
def test_matches_pillow_on_synthetic_images(src, dst):
    assert mean_abs_diff_to_pillow(synthetic_images(8, src), dst) <= 1 / 255


@pytest.mark.data
@pytest.mark.skipif(not PHOTOS.is_dir(), reason="needs ../shared/data/landscapes/train")
@pytest.mark.parametrize("src, dst", SIZES)
def test_matches_pillow_on_real_photos(src, dst):
    assert mean_abs_diff_to_pillow(photos(16, src), dst) <= 1 / 255


def test_is_not_a_plainer_filter():
    """The comparison can fail: bilinear resizing, for one, is measurably further from Pillow's Lanczos."""
    images = synthetic_images(8, 64)
    theirs = as_batch([i.resize((56, 56), Image.Resampling.LANCZOS) for i in images])
    bilinear = torch.nn.functional.interpolate(as_batch(images), size=56, mode="bilinear", antialias=True)
    assert float((bilinear - theirs).abs().mean()) > 1 / 255


def test_batched_equals_one_at_a_time_and_keeps_dtype():
    batch = torch.rand(5, 3, 64, 64)
    together = lanczos_resize(batch, 56)
    assert together.dtype == torch.float32
    for i in range(5):
        torch.testing.assert_close(together[i:i + 1], lanczos_resize(batch[i:i + 1], 56))
    channels_last = lanczos_resize(batch.contiguous(memory_format=torch.channels_last), 56)
    torch.testing.assert_close(channels_last, together)
    # The layout is kept, so the convolutions after it need no copy.
    assert channels_last.is_contiguous(memory_format=torch.channels_last) and together.is_contiguous()


def test_gradients_flow_through_the_resize():
    x = torch.rand(1, 2, 8, 8, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: lanczos_resize(t, 6), (x,))
    y = torch.rand(2, 3, 64, 64, requires_grad=True)
    lanczos_resize(y, 56).square().sum().backward()
    assert y.grad is not None and y.grad.abs().sum() > 0
