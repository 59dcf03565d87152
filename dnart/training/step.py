"""One GAN training step, and the networks and optimisers it updates.

Separate from the loop so that benchmarks/train_speed.py times exactly the
step training runs.
"""

from __future__ import annotations

import copy
import dataclasses

import torch
from torch import nn

from .. import config as config_mod
from ..model import build_generators
from . import losses
from .augment import diff_augment
from .options import TrainOptions


def _adam(params, opts: TrainOptions, device: torch.device) -> torch.optim.Adam:
    # The fused kernel updates every tensor in one pass: about 4% of a CPU step, more on GPUs.
    fused = device.type in ("cpu", "cuda")
    return torch.optim.Adam(params, lr=opts.lr, betas=(opts.beta1, opts.beta2), fused=fused or None)


@dataclasses.dataclass
class GAN:
    """A stage being trained: its generator, discriminator and optimisers, and the frozen stages in front."""

    generator: nn.Module
    discriminator: nn.Module
    opt_g: torch.optim.Optimizer
    opt_d: torch.optim.Optimizer
    opts: TrainOptions
    device: torch.device
    frozen: list[nn.Module]  # earlier stages, in eval mode, their weights fixed
    ema: nn.Module | None = None  # the generator's weight average, for sampling (train.ema_beta)
    g_train: nn.Module | None = None  # the generator as trained: DDP-wrapped under torchrun
    d_train: nn.Module | None = None

    def __post_init__(self):
        self.g_train = self.generator if self.g_train is None else self.g_train
        self.d_train = self.discriminator if self.d_train is None else self.d_train

    # Channels-last is the layout oneDNN's CPU and cuDNN's tensor-core convolutions run fastest.
    memory_format = torch.channels_last

    def autocast(self):
        return torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.device.type == "cuda")

    def chain(self, z: torch.Tensor) -> torch.Tensor:
        """The frozen earlier stages: latents to the input of the stage being trained."""
        with torch.no_grad():
            for g in self.frozen:
                z = g(z)
        return z

    def distribute(self) -> None:
        """Wrap both networks in DistributedDataParallel (the process group is already set up)."""
        from torch.nn.parallel import DistributedDataParallel as DDP

        ids = [self.device.index] if self.device.type == "cuda" else None
        self.g_train = DDP(self.generator, device_ids=ids)
        self.d_train = DDP(self.discriminator, device_ids=ids)

    def step(self, real: torch.Tensor, z: torch.Tensor, real_labels: torch.Tensor,
             noise: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Update D on ``real`` and G(``z``), then G through the updated D; return both losses.

        ``real`` is a batch in [-1, 1] on the device, ``real_labels`` the (noisy)
        targets for it, ``noise`` draws the augmentations.
        """
        opts, batch = self.opts, real.shape[0]
        with self.autocast():
            fake = self.g_train(self.chain(z))
        # Discriminator: real and generated images in one forward pass.
        self.discriminator.requires_grad_(True)
        d_in = torch.cat([real, fake.detach().to(real.dtype)])
        if opts.diffaugment:
            d_in = diff_augment(d_in, opts.diffaugment, noise)
        if opts.r1_gamma > 0:
            d_in.requires_grad_(True)
        with self.autocast():
            logits = self.d_train(d_in).float()
        loss_d = losses.discriminator_loss(opts.loss, logits[:batch], logits[batch:], real_labels)
        if opts.r1_gamma > 0:
            (grad,) = torch.autograd.grad(logits[:batch].sum(), d_in, create_graph=True)
            loss_d = loss_d + opts.r1_gamma / 2 * grad[:batch].square().flatten(1).sum(1).mean()
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()
        # Generator: through the updated discriminator, whose weights stay put, with the
        # same generated batch (G has not changed since, so a second forward would repeat it).
        self.discriminator.requires_grad_(False)
        g_in = diff_augment(fake, opts.diffaugment, noise) if opts.diffaugment else fake
        with self.autocast():
            loss_g = losses.generator_loss(opts.loss, self.discriminator(g_in).float())
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        if self.ema is not None:
            with torch.no_grad():
                for pe, pg in zip(self.ema.parameters(), self.generator.parameters()):
                    pe.lerp_(pg, 1 - opts.ema_beta)
                # Batch-norm statistics are not averaged: they must describe the
                # activations of the weights they sit beside, so they are copied.
                for be, bg in zip(self.ema.buffers(), self.generator.buffers()):
                    be.copy_(bg)
        return loss_d.detach(), loss_g.detach()


def build_gan(cfg: config_mod.Config, stage: str, device: torch.device,
              upstream: dict[str, dict[str, torch.Tensor]]) -> GAN:
    """The networks and optimisers for training ``stage``, initialised from ``cfg.train.seed``.

    ``upstream`` holds the generator weights of every earlier stage.
    """
    opts = cfg.train
    fmt = GAN.memory_format
    torch.manual_seed(opts.seed)  # identical initial weights on every rank
    spec = cfg[stage].build()
    generator = spec.build_generator().to(device, memory_format=fmt)
    discriminator = spec.build_discriminator().to(device, memory_format=fmt)
    frozen = [g.to(device, memory_format=fmt).eval().requires_grad_(False)
              for g in build_generators(cfg, upstream, "--upstream")] if upstream else []
    ema = copy.deepcopy(generator).eval().requires_grad_(False) if opts.ema_beta > 0 else None
    return GAN(generator, discriminator, _adam(generator.parameters(), opts, device),
               _adam(discriminator.parameters(), opts, device), opts, device, frozen, ema)
