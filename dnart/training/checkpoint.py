"""Checkpoints: written atomically, read with PyTorch's weights-only loader.

Two kinds share one layout. A *snapshot* holds the generators of every stage
up to the one trained (enough to render); a *full* checkpoint adds the
discriminator, optimisers, schedulers and RNG states (enough to resume).
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import torch

from ..atomic import atomic_write
from ..errors import DnartError

FORMAT = "dnart-checkpoint/1"


def save(payload: dict[str, Any], path: str | os.PathLike) -> None:
    """Serialise ``payload`` to ``path``; the previous file survives any failure."""
    buf = io.BytesIO()
    torch.save({"format": FORMAT, **payload}, buf)
    with atomic_write(path) as f:
        f.write(buf.getbuffer())


def load(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """Load a checkpoint with ``weights_only=True``; any fault is a one-line error."""
    path = Path(path)
    if not path.is_file():
        raise DnartError(f"{path}: no such checkpoint file")
    try:
        payload = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DnartError(f"{path}: not a readable dnart checkpoint ({first[:200]})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise DnartError(f"{path}: not a dnart checkpoint (format {payload.get('format') if isinstance(payload, dict) else '?'!r})")
    return payload


def fp16_state(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """A state dict with floating tensors in half precision (for shipped inference weights)."""
    return {k: v.half() if v.is_floating_point() else v for k, v in state.items()}


def find_latest(run_dir: str | os.PathLike) -> Path:
    """The resumable checkpoint of a run directory."""
    path = Path(run_dir) / "checkpoints" / "last.pt"
    if not path.is_file():
        raise DnartError(f"{run_dir}: no checkpoint to resume from (expected {path})")
    return path
