"""Inception pool features of uint8 image batches, batched and channels-last on the CPU.

Features are computed in float32 with autocast off, so they do not depend on
the device's mixed-precision defaults.
"""

from __future__ import annotations

import functools
import os
from typing import Callable, Iterable

import numpy as np
import torch

from .images import inception_input
from .inception import FEATURES, InceptionV3
from .weights import build_network, file_digest, find_weights, read_state


@functools.lru_cache(maxsize=2)
def _network(path: str) -> InceptionV3:
    return build_network(read_state(path), source=path)


@functools.lru_cache(maxsize=4)
def weights_digest(path: str) -> str:
    """SHA-256 of a weights file, computed once per process."""
    return file_digest(path)


def network(weights: str | os.PathLike | None = None) -> tuple[InceptionV3, str]:
    """The Inception network for ``weights`` (or the discovered file), loaded once per process."""
    path = str(find_weights(weights or None).resolve())
    return _network(path), path


@torch.inference_mode()
def inception_features(
    batches: Iterable[torch.Tensor],
    net: InceptionV3,
    device: str | torch.device = "cpu",
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """(N, 2048) float32 pool features of uint8 (n, 3, H, W) batches, in order."""
    device = torch.device(device)
    net = net.to(device=device, memory_format=torch.channels_last)
    out = []
    with torch.autocast(device.type, enabled=False):
        for batch in batches:
            x = inception_input(batch.to(device)).contiguous(memory_format=torch.channels_last)
            out.append(net(x).float().cpu())
            if progress is not None:
                progress(len(batch))
    return torch.cat(out).numpy() if out else np.zeros((0, FEATURES), np.float32)
