"""A looping latent walk between two DNA inputs, written as a GIF."""

from __future__ import annotations

import io
import math
import os

import numpy as np

from .atomic import atomic_write
from .render import Renderer


def walk(a: np.ndarray, b: np.ndarray, frames: int) -> list[np.ndarray]:
    """Latents from ``a`` to ``b`` with eased steps, then back (so the GIF loops seamlessly)."""
    ts = [(1 - math.cos(math.pi * i / (frames - 1))) / 2 for i in range(frames)]
    there = [((1 - t) * a + t * b).astype(np.float32) for t in ts]
    return there + there[-2:0:-1]


def morph(renderer: Renderer, first: str | os.PathLike, second: str | os.PathLike,
          out: str | os.PathLike, frames: int = 32, fps: int = 16) -> None:
    a, b = renderer.latent([first]), renderer.latent([second])
    images = [renderer.image(z) for z in walk(a, b, frames)]
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:],
                   duration=round(1000 / fps), loop=0, optimize=False)
    with atomic_write(out) as f:
        f.write(buf.getvalue())
