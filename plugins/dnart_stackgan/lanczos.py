"""Lanczos (a = 3) resizing in torch, with Pillow's antialiasing convention.

Separable: one dense (out x in) weight matrix per axis, so a batch is resized
by two matrix products on the tensor's own device, inside the autograd graph.
"""

from __future__ import annotations

import functools
import math

import torch


def _lanczos(x: float, a: int = 3) -> float:
    if x == 0.0:
        return 1.0
    if -a < x < a:
        px = math.pi * x
        return a * math.sin(px) * math.sin(px / a) / (px * px)
    return 0.0


@functools.lru_cache(maxsize=32)
def _weights(size_in: int, size_out: int, a: int = 3) -> torch.Tensor:
    """The (size_out, size_in) resampling matrix Pillow's LANCZOS uses."""
    scale = size_in / size_out
    filterscale = max(scale, 1.0)
    support = a * filterscale
    w = torch.zeros(size_out, size_in, dtype=torch.float64)
    for i in range(size_out):
        center = (i + 0.5) * scale
        lo = max(int(center - support + 0.5), 0)
        hi = min(int(center + support + 0.5), size_in)
        row = [_lanczos((x - center + 0.5) / filterscale, a) for x in range(lo, hi)]
        total = sum(row)
        w[i, lo:hi] = torch.tensor(row, dtype=torch.float64) / total
    return w


def lanczos_resize(images: torch.Tensor, size: int) -> torch.Tensor:
    """Resize a batch ``(N, C, H, W)`` to ``(N, C, size, size)`` with Lanczos-3."""
    _, _, h, w = images.shape
    wh = _weights(h, size).to(images.device, images.dtype)
    ww = _weights(w, size).to(images.device, images.dtype)
    out = wh @ images @ ww.T
    # Keep the caller's layout: a channels-last batch stays channels-last for the convolutions after.
    if images.is_contiguous(memory_format=torch.channels_last) and not images.is_contiguous():
        out = out.contiguous(memory_format=torch.channels_last)
    return out
