"""Training options: the ``train`` section of a preset."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass
class TrainOptions:
    epochs: int = 136  # passes over the image set
    batch_size: int = 32  # images per step, over all processes
    lr: float = 2e-4  # Adam learning rate, generator and discriminator
    beta1: float = 0.5  # Adam beta1
    beta2: float = 0.999  # Adam beta2
    lr_decay_every: int = 50  # epochs between learning-rate decays (0: never)
    lr_decay_factor: float = 0.5  # multiplier applied at each decay
    loss: str = "bce"  # "bce" (non-saturating, the paper's) or "hinge"
    label_noise: float = 0.2  # real labels are 1 - label_noise * U[0, 1)
    r1_gamma: float = 0.0  # R1 gradient penalty weight on real images (0: off)
    ema_beta: float = 0.0  # generator weight EMA for sampling (0: off)
    diffaugment: str = ""  # DiffAugment policy, e.g. "color,translation,cutout" ("": off)
    seed: int = 0  # seeds weights, noise and data order
    sample_grid: int = 8  # the per-epoch sample grid is sample_grid x sample_grid
    workers: int = 0  # data-loader worker processes
    threads: int = 0  # CPU threads per process (0: torch's default; under torchrun, the node's cores / its processes)
