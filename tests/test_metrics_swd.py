"""SWD: pyramid, patches, the 1-D Wasserstein distance, and the metric end to end (tiny images)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dnart.metrics.swd import (
    descriptors,
    laplacian_pyramid,
    pyramid_levels,
    random_patches,
    sliced_wasserstein,
    wasserstein1,
)


def images(n: int, size: int = 32, seed: int = 0, offset: int = 0) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    return (torch.randint(0, 200, (n, 3, size, size), generator=gen) + offset).clamp(0, 255).to(torch.uint8)


def test_pyramid_matches_karras_scipy_formulation():
    # Karras et al.'s code: scipy.ndimage.convolve(mode='mirror') with the binomial filter.
    ndimage = pytest.importorskip("scipy.ndimage")
    x = torch.rand(2, 3, 32, 32) * 255
    g = np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1])[None, None] / 256.0
    ref = [x.numpy().astype(np.float64)]
    for _ in range(2):
        down = ndimage.convolve(ref[-1], g, mode="mirror")[:, :, ::2, ::2]
        up = np.zeros_like(ref[-1])
        up[:, :, ::2, ::2] = down
        ref[-1] = ref[-1] - ndimage.convolve(up, g * 4, mode="mirror")
        ref.append(down)
    ours = laplacian_pyramid(x, 3)
    assert [tuple(level.shape[-2:]) for level in ours] == [(32, 32), (16, 16), (8, 8)]
    for a, b in zip(ours, ref):
        np.testing.assert_allclose(a.numpy(), b, atol=2e-3)


def test_pyramid_of_a_constant_image_is_all_in_the_last_level():
    levels = laplacian_pyramid(torch.full((1, 3, 32, 32), 7.0), 3)
    assert all(level.abs().max() < 1e-4 for level in levels[:-1])
    assert torch.allclose(levels[-1], torch.full((1, 3, 8, 8), 7.0))


def test_levels_go_down_to_16_pixels():
    assert [pyramid_levels(r) for r in (8, 16, 31, 32, 64, 128)] == [0, 1, 1, 2, 3, 4]


def test_patches_are_the_pixels_around_their_centres():
    level = torch.arange(2 * 3 * 10 * 10, dtype=torch.float32).reshape(2, 3, 10, 10)
    patches = random_patches(level, 4, 5, torch.Generator().manual_seed(0))
    assert patches.shape == (8, 3, 5, 5)
    for k, patch in enumerate(patches):
        image = k // 4
        # Values encode (image, channel, row, col); the first one locates the patch.
        corner = int(patch[0, 0, 0]) - image * 300
        y, x = divmod(corner, 10)
        assert 0 <= y <= 5 and 0 <= x <= 5  # wholly inside the 10x10 image
        assert torch.equal(patch, level[image, :, y:y + 5, x:x + 5])


def test_wasserstein_closed_forms():
    a = torch.tensor([[0.0, 3.0], [1.0, 1.0], [2.0, 2.0]])
    assert torch.allclose(wasserstein1(a, a + 5), torch.tensor([5.0, 5.0]))  # a shift moves every quantile
    assert torch.allclose(wasserstein1(a, a.flip(0)), torch.zeros(2))  # order does not matter
    # Unequal sizes: {0, 1} against {0}: half the mass moves by 1.
    assert wasserstein1(torch.tensor([[0.0], [1.0]]), torch.tensor([[0.0]])).item() == pytest.approx(0.5)
    # {0, 1, 2} against {0, 2}: quantile functions differ by 1 or 2 on (1/3, 1/2] and (1/2, 2/3].
    w = wasserstein1(torch.tensor([[0.0], [1.0], [2.0]]), torch.tensor([[0.0], [2.0]])).item()
    assert w == pytest.approx(1 / 6 * 1 + 1 / 6 * 1)


def test_identical_sets_give_zero_and_shifted_colours_do_not():
    opts = dict(resolution=32, per_image=16, max_patches=4096)
    a = descriptors([images(6)], **opts)
    same = descriptors([images(3), images(6)[3:]], **opts)  # batching does not change the result
    assert sorted(a) == ["level0", "level1"] and a["level0"].shape == (96, 147)
    assert sliced_wasserstein(a, same, directions=16, repeats=2) == [0.0, 0.0]
    other = descriptors([images(6, seed=1)], **opts)
    assert min(sliced_wasserstein(a, other, directions=16, repeats=2)) > 0


def test_descriptors_are_normalised_and_capped_deterministically():
    a = descriptors([images(8)], resolution=16, per_image=32, max_patches=100, seed=3)
    b = descriptors([images(8)[:3], images(8)[3:]], resolution=16, per_image=32, max_patches=100, seed=3)
    assert a["level0"].shape == (100, 147)  # 256 drawn, a uniform random 100 kept
    np.testing.assert_array_equal(a["level0"], b["level0"])  # the same, however batched
    per_channel = a["level0"].reshape(100, 3, 49)
    np.testing.assert_allclose(per_channel.mean(axis=(0, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(per_channel.std(axis=(0, 2)), 1, atol=1e-5)


def test_too_small_inputs_are_refused():
    with pytest.raises(ValueError, match="at least 16 pixels"):
        descriptors([images(2)], resolution=8)
    with pytest.raises(ValueError, match="at least one image"):
        descriptors([], resolution=16)
