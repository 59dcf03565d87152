"""Inception-v3 pool features (2048-d), the network FID and KID are defined with.

The layers are those of the 2015-12-05 TensorFlow Inception graph that the
original FID code, pytorch-fid, clean-fid and StyleGAN use, named as in
torchvision and pytorch-fid (``Conv2d_1a_3x3`` ... ``Mixed_7c``). That graph
differs from torchvision's Inception in three places, all kept here: the
average pools inside the blocks ignore padding (TensorFlow's SAME pooling),
and ``Mixed_7c`` pools its last branch with a max, not an average.

Each convolution is followed by batch normalisation without a learnt scale
(epsilon 0.001) and a ReLU. Weight files store the normalisation separately;
:func:`fold_batch_norm_` folds it into the convolution's weight and bias once,
so inference is one convolution and one ReLU per unit. The input
is 299x299 RGB scaled to [-1, 0.9921875], i.e. ``(x - 128) / 128`` for 8-bit
``x`` (see :mod:`dnart.metrics.images`).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

BN_EPS = 1e-3  # TensorFlow's batch-normalisation epsilon in this graph
FEATURES = 2048


class Unit(nn.Module):
    """Convolution (batch norm folded in) and ReLU: one TensorFlow ``conv`` node."""

    def __init__(self, cin: int, cout: int, kernel, stride: int = 1, padding=0):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride, padding, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.conv(x), inplace=True)


def _avg_pool(x: torch.Tensor) -> torch.Tensor:
    # count_include_pad=False: TensorFlow averages over the valid pixels only.
    return F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)


class InceptionA(nn.Module):
    def __init__(self, cin: int, pool_features: int):
        super().__init__()
        self.branch1x1 = Unit(cin, 64, 1)
        self.branch5x5_1 = Unit(cin, 48, 1)
        self.branch5x5_2 = Unit(48, 64, 5, padding=2)
        self.branch3x3dbl_1 = Unit(cin, 64, 1)
        self.branch3x3dbl_2 = Unit(64, 96, 3, padding=1)
        self.branch3x3dbl_3 = Unit(96, 96, 3, padding=1)
        self.branch_pool = Unit(cin, pool_features, 1)

    def forward(self, x):
        return torch.cat([
            self.branch1x1(x),
            self.branch5x5_2(self.branch5x5_1(x)),
            self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x))),
            self.branch_pool(_avg_pool(x)),
        ], 1)


class InceptionB(nn.Module):
    def __init__(self, cin: int):
        super().__init__()
        self.branch3x3 = Unit(cin, 384, 3, stride=2)
        self.branch3x3dbl_1 = Unit(cin, 64, 1)
        self.branch3x3dbl_2 = Unit(64, 96, 3, padding=1)
        self.branch3x3dbl_3 = Unit(96, 96, 3, stride=2)

    def forward(self, x):
        return torch.cat([
            self.branch3x3(x),
            self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x))),
            F.max_pool2d(x, 3, stride=2),
        ], 1)


class InceptionC(nn.Module):
    def __init__(self, cin: int, c7: int):
        super().__init__()
        self.branch1x1 = Unit(cin, 192, 1)
        self.branch7x7_1 = Unit(cin, c7, 1)
        self.branch7x7_2 = Unit(c7, c7, (1, 7), padding=(0, 3))
        self.branch7x7_3 = Unit(c7, 192, (7, 1), padding=(3, 0))
        self.branch7x7dbl_1 = Unit(cin, c7, 1)
        self.branch7x7dbl_2 = Unit(c7, c7, (7, 1), padding=(3, 0))
        self.branch7x7dbl_3 = Unit(c7, c7, (1, 7), padding=(0, 3))
        self.branch7x7dbl_4 = Unit(c7, c7, (7, 1), padding=(3, 0))
        self.branch7x7dbl_5 = Unit(c7, 192, (1, 7), padding=(0, 3))
        self.branch_pool = Unit(cin, 192, 1)

    def forward(self, x):
        dbl = self.branch7x7dbl_1(x)
        for unit in (self.branch7x7dbl_2, self.branch7x7dbl_3, self.branch7x7dbl_4, self.branch7x7dbl_5):
            dbl = unit(dbl)
        return torch.cat([
            self.branch1x1(x),
            self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x))),
            dbl,
            self.branch_pool(_avg_pool(x)),
        ], 1)


class InceptionD(nn.Module):
    def __init__(self, cin: int):
        super().__init__()
        self.branch3x3_1 = Unit(cin, 192, 1)
        self.branch3x3_2 = Unit(192, 320, 3, stride=2)
        self.branch7x7x3_1 = Unit(cin, 192, 1)
        self.branch7x7x3_2 = Unit(192, 192, (1, 7), padding=(0, 3))
        self.branch7x7x3_3 = Unit(192, 192, (7, 1), padding=(3, 0))
        self.branch7x7x3_4 = Unit(192, 192, 3, stride=2)

    def forward(self, x):
        b = self.branch7x7x3_1(x)
        for unit in (self.branch7x7x3_2, self.branch7x7x3_3, self.branch7x7x3_4):
            b = unit(b)
        return torch.cat([self.branch3x3_2(self.branch3x3_1(x)), b, F.max_pool2d(x, 3, stride=2)], 1)


class InceptionE(nn.Module):
    def __init__(self, cin: int, max_pool: bool):
        super().__init__()
        self.max_pool = max_pool  # Mixed_7c of the FID graph: max, not average
        self.branch1x1 = Unit(cin, 320, 1)
        self.branch3x3_1 = Unit(cin, 384, 1)
        self.branch3x3_2a = Unit(384, 384, (1, 3), padding=(0, 1))
        self.branch3x3_2b = Unit(384, 384, (3, 1), padding=(1, 0))
        self.branch3x3dbl_1 = Unit(cin, 448, 1)
        self.branch3x3dbl_2 = Unit(448, 384, 3, padding=1)
        self.branch3x3dbl_3a = Unit(384, 384, (1, 3), padding=(0, 1))
        self.branch3x3dbl_3b = Unit(384, 384, (3, 1), padding=(1, 0))
        self.branch_pool = Unit(cin, 192, 1)

    def forward(self, x):
        a = self.branch3x3_1(x)
        d = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        pooled = F.max_pool2d(x, 3, stride=1, padding=1) if self.max_pool else _avg_pool(x)
        return torch.cat([
            self.branch1x1(x),
            self.branch3x3_2a(a), self.branch3x3_2b(a),
            self.branch3x3dbl_3a(d), self.branch3x3dbl_3b(d),
            self.branch_pool(pooled),
        ], 1)


class InceptionV3(nn.Module):
    """The FID Inception-v3 up to its final average pool: (N, 3, 299, 299) -> (N, 2048)."""

    def __init__(self):
        super().__init__()
        self.Conv2d_1a_3x3 = Unit(3, 32, 3, stride=2)
        self.Conv2d_2a_3x3 = Unit(32, 32, 3)
        self.Conv2d_2b_3x3 = Unit(32, 64, 3, padding=1)
        self.Conv2d_3b_1x1 = Unit(64, 80, 1)
        self.Conv2d_4a_3x3 = Unit(80, 192, 3)
        self.Mixed_5b = InceptionA(192, 32)
        self.Mixed_5c = InceptionA(256, 64)
        self.Mixed_5d = InceptionA(288, 64)
        self.Mixed_6a = InceptionB(288)
        self.Mixed_6b = InceptionC(768, 128)
        self.Mixed_6c = InceptionC(768, 160)
        self.Mixed_6d = InceptionC(768, 160)
        self.Mixed_6e = InceptionC(768, 192)
        self.Mixed_7a = InceptionD(768)
        self.Mixed_7b = InceptionE(1280, max_pool=False)
        self.Mixed_7c = InceptionE(2048, max_pool=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.Conv2d_2b_3x3(self.Conv2d_2a_3x3(self.Conv2d_1a_3x3(x)))
        x = F.max_pool2d(x, 3, stride=2)
        x = self.Conv2d_4a_3x3(self.Conv2d_3b_1x1(x))
        x = F.max_pool2d(x, 3, stride=2)
        for block in (self.Mixed_5b, self.Mixed_5c, self.Mixed_5d, self.Mixed_6a, self.Mixed_6b,
                      self.Mixed_6c, self.Mixed_6d, self.Mixed_6e, self.Mixed_7a, self.Mixed_7b,
                      self.Mixed_7c):
            x = block(x)
        return x.mean(dim=(2, 3))

    def units(self) -> dict[str, Unit]:
        """Every convolution unit by its pytorch-fid name (``Mixed_5b.branch1x1``), 94 in all."""
        return {name: m for name, m in self.named_modules() if isinstance(m, Unit)}


def fold_batch_norm_(conv: nn.Conv2d, weight, gamma, beta, mean, var) -> None:
    """Set ``conv``'s weight and bias so it computes ``conv(x, weight)`` followed by batch norm.

    The per-channel scale is computed in float64 and rounded once, so the
    folded weight is within one float32 rounding of the exact product.
    """
    scale = gamma.double() / torch.sqrt(var.double() + BN_EPS)
    with torch.no_grad():
        conv.weight.copy_(weight).mul_(scale.float()[:, None, None, None])
        conv.bias.copy_(beta.double() - mean.double() * scale)
