"""Sample grids: a batch of images tiled into one PNG."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import torch

from ..atomic import atomic_write


def tile(images: torch.Tensor, columns: int | None = None, pad: int = 2) -> np.ndarray:
    """uint8 (N, 3, H, W) to one uint8 (rows*H, columns*W, 3) array with white gutters."""
    n, _, h, w = images.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    sheet = np.full((rows * (h + pad) + pad, columns * (w + pad) + pad, 3), 255, dtype=np.uint8)
    arr = images.permute(0, 2, 3, 1).numpy()
    for i in range(n):
        r, c = divmod(i, columns)
        y, x = pad + r * (h + pad), pad + c * (w + pad)
        sheet[y:y + h, x:x + w] = arr[i]
    return sheet


def save_png(array: np.ndarray, path: str | Path) -> None:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG")
    with atomic_write(path) as f:
        f.write(buf.getvalue())
