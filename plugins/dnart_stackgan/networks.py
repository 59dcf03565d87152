"""StackGAN stage-I and stage-II networks as the paper describes them.

Layer-by-layer shapes and parameter counts are in docs/paper-mapping.md.
Where the paper is silent, the choice is an option of the stage, listed
there as "our reading".
"""

from __future__ import annotations

import functools

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


@functools.lru_cache(maxsize=None)
def _transposed_taps(kernel: int, lo: int) -> tuple[torch.Tensor, int, int]:
    """How nearest x2 upsampling + a stride-1 convolution becomes one stride-2 transposed convolution.

    Output pixel 2i + a (phase a) of the convolution reads upsampled pixel 2i + a + t - lo
    through tap t, which is source pixel i + (a + t - lo) // 2. A stride-2 transposed
    convolution with padding p reaches output 2i + a from source i + d through its tap
    a + p - 2d, so it computes the same sums when that tap holds the sum of the taps t
    reading source i + d. Returns the (new taps x old taps) 0/1 matrix, p and the output padding.
    """
    used = [(a, (a + t - lo) // 2, t) for a in (0, 1) for t in range(kernel)]
    pad = max(2 * d - a for a, d, _ in used)
    size = max(a + pad - 2 * d for a, d, _ in used) + 1
    taps = torch.zeros(size, kernel, dtype=torch.float64)
    for a, d, t in used:
        taps[a + pad - 2 * d, t] += 1
    return taps, pad, 2 + 2 * pad - size


def nearest_up_conv(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, lo: int) -> torch.Tensor:
    """``conv2d(pad(upsample_nearest_2x(x), lo, kernel - 1 - lo), weight, bias)``, as one transposed convolution.

    The same function (up to rounding) with 2.25x (3x3) to 2.56x (4x4) fewer FLOPs, and no
    upsampled intermediate four times the input's size.
    """
    taps, pad, out_pad = _transposed_taps(weight.shape[-1], lo)
    taps = taps.to(weight.device, weight.dtype)
    combined = torch.einsum("yk,xl,oikl->ioyx", taps, taps, weight)
    return nn.functional.conv_transpose2d(x, combined, bias, stride=2, padding=pad, output_padding=out_pad)


class UpBlock(nn.Sequential):
    """Up Sample block: x2 upsampling, a 'same' convolution, batch norm if chosen, ReLU.

    With nearest-neighbour upsampling the first two layers run as one transposed
    convolution (:func:`nearest_up_conv`); ``fused = False`` runs them one by one,
    as layer tables show them.
    """

    def __init__(self, cin: int, cout: int, kernel: int, upsample: str, batch_norm: bool):
        layers = [nn.Upsample(scale_factor=2, mode=upsample), _same_conv(cin, cout, kernel)]
        if batch_norm:
            layers.append(nn.BatchNorm2d(cout))
        layers.append(nn.ReLU(inplace=True))
        super().__init__(*layers)
        self.fused = upsample == "nearest"
        self.lo = (kernel - 1) // 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.fused:
            return super().forward(x)
        conv = self[1] if isinstance(self[1], nn.Conv2d) else self[1][1]
        x = nearest_up_conv(x, conv.weight, conv.bias, self.lo)
        for layer in list(self)[2:]:
            x = layer(x)
        return x


def literal(net: nn.Module) -> nn.Module:
    """``net`` with every Up Sample block running its layers one by one (for layer tables, tests)."""
    for m in net.modules():
        if isinstance(m, UpBlock):
            m.fused = False
    return net


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
            blocks.append(UpBlock(c, c // 2, kernel, upsample, batch_norm))
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
            blocks.append(UpBlock(c, cout, kernel, upsample, batch_norm))
            c = cout
        self.blocks = nn.Sequential(*blocks)
        self.to_rgb = nn.Sequential(_same_conv(c, 3, out_kernel), nn.Tanh())

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.to_rgb(self.blocks(self.resize(image)))
