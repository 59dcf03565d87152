"""StackGAN stage-I and stage-II networks as the paper describes them.

Layer-by-layer shapes and parameter counts are in docs/paper-mapping.md.
Where the paper is silent, the choice is an option (see PAPER-CONFIG's
"our reading"): nearest-neighbour upsampling, 'same' padding, no batch norm.
"""

from __future__ import annotations

import torch
from torch import nn

from .lanczos import lanczos_resize


class LanczosResize(nn.Module):
    """Lanczos-3 resize of a batch to ``size`` x ``size`` (a module so it shows in layer tables)."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return lanczos_resize(images, self.size)

    def extra_repr(self) -> str:
        return f"size={self.size}"


def _same_conv(cin: int, cout: int, kernel: int) -> nn.Module:
    # TensorFlow-style 'same' at stride 1: an even kernel pads one more at the end.
    lo, hi = (kernel - 1) // 2, kernel // 2
    if lo == hi:
        return nn.Conv2d(cin, cout, kernel, padding=lo)
    return nn.Sequential(nn.ZeroPad2d((lo, hi, lo, hi)), nn.Conv2d(cin, cout, kernel))


def initialise(module: nn.Module, scheme: str) -> nn.Module:
    """Initialise every convolution and dense layer: ``glorot`` (Keras' default: Glorot-uniform
    weights, zero biases, what the authors' Keras code got) or ``torch`` (PyTorch's own)."""
    if scheme == "glorot":
        for m in module.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                parametrized = nn.utils.parametrize.is_parametrized(m, "weight")
                nn.init.xavier_uniform_(m.parametrizations.weight.original if parametrized else m.weight)
                nn.init.zeros_(m.bias)
    elif scheme != "torch":
        raise ValueError(f"unknown init {scheme!r}")
    return module


def _activation(name: str) -> nn.Module:
    return {"relu": nn.ReLU(inplace=True), "leaky_relu": nn.LeakyReLU(0.2, inplace=True)}[name]


def up_block(cin: int, cout: int, kernel: int, upsample: str, batch_norm: bool) -> nn.Sequential:
    """Up Sample block: x2 upsampling, a 'same' convolution, ReLU."""
    layers = [nn.Upsample(scale_factor=2, mode=upsample), _same_conv(cin, cout, kernel)]
    if batch_norm:
        layers.append(nn.BatchNorm2d(cout))
    layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


def down_block(cin: int, cout: int, activation: str, dropout: float) -> nn.Sequential:
    """Down Sample block: kernel-4 stride-2 convolution, activation, dropout."""
    return nn.Sequential(nn.Conv2d(cin, cout, 4, stride=2, padding=1), _activation(activation), nn.Dropout(dropout))


class StageIGenerator(nn.Module):
    """z -> Dense -> (1024, 4, 4) -> 4 Up Sample blocks -> conv 3 + tanh: a 64x64 image."""

    def __init__(self, latent_dim: int, channels: int, n_up: int, kernel: int, out_kernel: int,
                 upsample: str, batch_norm: bool, dense_relu: bool):
        super().__init__()
        self.dense = nn.Linear(latent_dim, channels * 16)
        self.dense_act = nn.ReLU(inplace=True) if dense_relu else nn.Identity()
        self.reshape = nn.Unflatten(1, (channels, 4, 4))
        blocks, c = [], channels
        for _ in range(n_up):
            blocks.append(up_block(c, c // 2, kernel, upsample, batch_norm))
            c //= 2
        self.blocks = nn.Sequential(*blocks)
        self.to_rgb = nn.Sequential(_same_conv(c, 3, out_kernel), nn.Tanh())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = self.reshape(self.dense_act(self.dense(z)))
        return self.to_rgb(self.blocks(x))


class Discriminator(nn.Module):
    """An opening convolution + LeakyReLU, Down Sample blocks, then Dense(1) to a logit."""

    def __init__(self, image_size: int, first_channels: int, first_stride: int,
                 channels: tuple[int, ...], activation: str, dropout: float, spectral_norm: bool = False):
        super().__init__()
        if first_stride == 1:
            first = _same_conv(3, first_channels, 4)
        else:
            first = nn.Conv2d(3, first_channels, 4, stride=first_stride, padding=1)
        layers, c, size = [first, nn.LeakyReLU(0.2, inplace=True)], first_channels, image_size // first_stride
        for cout in channels:
            layers.append(down_block(c, cout, activation, dropout))
            c, size = cout, size // 2
        self.features = nn.Sequential(*layers)
        self.flatten = nn.Flatten()
        self.dense = nn.Linear(c * size * size, 1)
        if spectral_norm:
            # Bounds each layer's Lipschitz constant (Miyato et al. 2018), which keeps
            # a discriminator from overpowering its generator on a small image set.
            for module in list(self.modules()):
                if isinstance(module, (nn.Conv2d, nn.Linear)):
                    nn.utils.parametrizations.spectral_norm(module)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dense(self.flatten(self.features(x))).squeeze(1)


class StageIIGenerator(nn.Module):
    """64x64 stage-I image -> Lanczos to 56x56 -> 2 Up Sample blocks -> conv 3 + tanh: 224x224."""

    def __init__(self, input_size: int, filters: tuple[int, ...], kernel: int, out_kernel: int,
                 upsample: str, batch_norm: bool):
        super().__init__()
        self.resize = LanczosResize(input_size)
        blocks, c = [], 3
        for cout in filters:
            blocks.append(up_block(c, cout, kernel, upsample, batch_norm))
            c = cout
        self.blocks = nn.Sequential(*blocks)
        self.to_rgb = nn.Sequential(_same_conv(c, 3, out_kernel), nn.Tanh())

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.to_rgb(self.blocks(self.resize(image)))
