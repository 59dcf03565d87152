"""DiffAugment (Zhao et al. 2020): differentiable augmentations applied to every image D sees.

With a few thousand training images the discriminator memorises them; applying
the same random, differentiable transforms to real and generated images keeps
it honest without leaking the augmentations into the generator's output.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _rand(shape: tuple[int, ...], gen: torch.Generator, like: torch.Tensor) -> torch.Tensor:
    return torch.rand(shape, generator=gen).to(like.device, like.dtype)


def color(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    n = x.shape[0]
    x = x + (_rand((n, 1, 1, 1), gen, x) - 0.5)
    mean = x.mean(dim=1, keepdim=True)
    x = (x - mean) * (_rand((n, 1, 1, 1), gen, x) * 2) + mean
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    return (x - mean) * (_rand((n, 1, 1, 1), gen, x) + 0.5) + mean


def translation(x: torch.Tensor, gen: torch.Generator, ratio: float = 0.125) -> torch.Tensor:
    n, _, h, w = x.shape
    sh, sw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dy = torch.randint(-sh, sh + 1, (n, 1, 1), generator=gen).to(x.device)
    dx = torch.randint(-sw, sw + 1, (n, 1, 1), generator=gen).to(x.device)
    b, gy, gx = torch.meshgrid(torch.arange(n, device=x.device), torch.arange(h, device=x.device),
                               torch.arange(w, device=x.device), indexing="ij")
    gy = (gy + dy + 1).clamp(0, h + 1)
    gx = (gx + dx + 1).clamp(0, w + 1)
    padded = F.pad(x, [1, 1, 1, 1]).permute(0, 2, 3, 1)
    return padded[b, gy, gx].permute(0, 3, 1, 2).contiguous(memory_format=torch.channels_last)


def cutout(x: torch.Tensor, gen: torch.Generator, ratio: float = 0.5) -> torch.Tensor:
    n, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    oy = torch.randint(0, h + (1 - ch % 2), (n, 1, 1), generator=gen).to(x.device)
    ox = torch.randint(0, w + (1 - cw % 2), (n, 1, 1), generator=gen).to(x.device)
    ry = torch.arange(h, device=x.device).view(1, h, 1) - oy + ch // 2
    rx = torch.arange(w, device=x.device).view(1, 1, w) - ox + cw // 2
    inside = (ry >= 0) & (ry < ch) & (rx >= 0) & (rx < cw)
    return x * (~inside).unsqueeze(1).to(x.dtype)


POLICIES = {"color": color, "translation": translation, "cutout": cutout}


def diff_augment(x: torch.Tensor, policy: str, gen: torch.Generator) -> torch.Tensor:
    """Apply the comma-separated ``policy`` transforms, in order, drawing randomness from ``gen``."""
    for name in filter(None, (p.strip() for p in policy.split(","))):
        if name not in POLICIES:
            from ..errors import DnartError

            raise DnartError(f"option 'train.diffaugment': unknown policy {name!r} (valid: {', '.join(POLICIES)})")
        x = POLICIES[name](x, gen)
    return x
