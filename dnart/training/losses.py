"""GAN losses on discriminator logits."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def discriminator_loss(kind: str, real_logits: torch.Tensor, fake_logits: torch.Tensor,
                       real_labels: torch.Tensor) -> torch.Tensor:
    """The discriminator's loss; ``real_labels`` carry the label noise (BCE only)."""
    if kind == "bce":
        return (F.binary_cross_entropy_with_logits(real_logits, real_labels)
                + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    if kind == "hinge":
        return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()
    raise ValueError(kind)


def generator_loss(kind: str, fake_logits: torch.Tensor) -> torch.Tensor:
    """The generator's loss: non-saturating BCE (the paper's eq. 2 in practice) or hinge."""
    if kind == "bce":
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    if kind == "hinge":
        return -fake_logits.mean()
    raise ValueError(kind)

